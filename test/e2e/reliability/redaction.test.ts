// Secrets stay out of the run folder: real runs through the CLI (the demo, and a
// service that prints its environment) with a secret-named environment
// variable, a password in a URL, a secret command-line flag and a secret
// query-string value; every file of the run folder is searched for them, and
// the non-secret values beside them must still be there.
import assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { after, test } from 'node:test';
import { lastLine, repoRoot, runCli, tempDir, writeConfig } from '../cliHarness';

const scratch = tempDir('hotpath-redaction-');
const written: string[] = [];
after(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
  for (const f of written) fs.rmSync(f, { force: true });
});

const secret = (label: string) => `${label}-${crypto.randomBytes(9).toString('hex')}`;

/** Every file under `dir` (recursively) that holds `needle`, read as bytes. */
function filesHolding(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (fs.readFileSync(p).includes(needle)) hits.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return hits;
}

function fileCount(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? fileCount(path.join(dir, e.name)) : 1;
  return n;
}

test('the demo run with a secret env, URL password, flag and query value: none of them in any file of the run folder', { timeout: 300_000 }, async (t) => {
  const demoDir = path.join(repoRoot, 'examples', 'demo');
  const demo = JSON.parse(fs.readFileSync(path.join(demoDir, 'hotpath.config.json'), 'utf8'));
  const envSecret = secret('envtoken');
  const urlPassword = secret('dbpass');
  const flagSecret = secret('flagkey');
  const querySecret = secret('querykey');
  demo.service.env = { ...demo.service.env, SECRET_TOKEN: envSecret, DATABASE_URL: `postgres://shop:${urlPassword}@127.0.0.1:5432/shop`, SHOP_LABEL: 'visible-label' };
  demo.service.args = ['server.js', '--api-key', flagSecret, '--label', 'visible-arg'];
  demo.load.requests = [
    { method: 'GET', path: `/products?offset=0&api_key=${querySecret}`, weight: 1 },
    { method: 'GET', path: '/report/cpu', weight: 1 },
  ];
  demo.load.stages = [{ durationSec: 3, connections: 4 }];
  demo.budgets = {};
  const file = writeConfig(demoDir, demo);
  written.push(file);
  const out = path.join(scratch, 'demo-runs');
  const r = await runCli(['run', '--config', file, '--out', out], { timeoutMs: 240_000 });
  assert.ok(r.code === 0 || r.code === 1, `hotpath run failed (${r.code}): ${r.stderr.slice(-800)}`);
  const runDir = lastLine(r.stdout);
  assert.ok(fs.existsSync(path.join(runDir, 'run.json')), runDir);
  for (const [what, value] of [['SECRET_TOKEN value', envSecret], ['URL password', urlPassword], ['--api-key value', flagSecret], ['api_key query value', querySecret]]) {
    assert.deepEqual(filesHolding(runDir, value), [], `the ${what} must appear in no file of the run folder`);
    assert.ok(!r.stdout.includes(value) && !r.stderr.includes(value), `the ${what} must not be printed by hotpath run`);
  }
  const record = fs.readFileSync(path.join(runDir, 'run.json'), 'utf8');
  // What is not secret is still shown: the other arguments and query parameters, the route.
  assert.match(record, /visible-arg/);
  assert.match(record, /offset=0&api_key=\[redacted\]/);
  assert.match(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8'), /\/products\?offset=0&api_key=\[redacted\]/);
  t.diagnostic(`redaction: demo run, ${fileCount(runDir)} files searched for 4 secrets, 0 found`);
  console.log(`redaction: demo run, ${fileCount(runDir)} files searched for 4 secrets, 0 found`);
});

test('a service that prints its environment and a connection URL: service.log keeps the lines, not the secrets', { timeout: 300_000 }, async (t) => {
  const dir = path.join(scratch, 'echo-service');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'server.js'),
    `const http = require('http');
console.log('SECRET_TOKEN=' + process.env.SECRET_TOKEN + ' NODE_ENV=' + process.env.NODE_ENV);
console.log('connecting to ' + process.env.DATABASE_URL);
console.error('token in a sentence: ' + process.env.SECRET_TOKEN);
console.log('Authorization: Bearer ' + process.env.SECRET_TOKEN);
http.createServer((req, res) => { res.end(req.url); }).listen(Number(process.env.PORT), '127.0.0.1');
`,
  );
  const envSecret = secret('envtoken');
  const urlPassword = secret('dbpass');
  const file = writeConfig(dir, {
    service: { command: 'node', args: ['server.js'], env: { SECRET_TOKEN: envSecret, NODE_ENV: 'staging-visible', DATABASE_URL: `mysql://root:${urlPassword}@127.0.0.1/db` }, readyUrl: 'http://127.0.0.1:${port}/' },
    load: { stages: [{ durationSec: 2, connections: 2 }] },
  });
  const out = path.join(scratch, 'echo-runs');
  const r = await runCli(['run', '--config', file, '--out', out], { timeoutMs: 240_000 });
  assert.equal(r.code, 0, r.stderr.slice(-800));
  const runDir = lastLine(r.stdout);
  const log = fs.readFileSync(path.join(runDir, 'service.log'), 'utf8');
  assert.deepEqual(filesHolding(runDir, envSecret), [], 'the SECRET_TOKEN value appears in no file');
  assert.deepEqual(filesHolding(runDir, urlPassword), [], 'the URL password appears in no file');
  assert.match(log, /SECRET_TOKEN=\[redacted\] NODE_ENV=staging-visible/);
  assert.match(log, /connecting to mysql:\/\/root:\[redacted\]@127\.0\.0\.1\/db/);
  assert.match(log, /token in a sentence: \[redacted\]/);
  t.diagnostic(`redaction: echo service, ${fileCount(runDir)} files searched for 2 secrets, 0 found`);
  console.log(`redaction: echo service, ${fileCount(runDir)} files searched for 2 secrets, 0 found`);
});
