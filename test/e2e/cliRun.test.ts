// `hotpath run` end to end: real services, real inspector, real autocannon load.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { isAlive, lastLine, repoRoot, runCli, tempDir, writeConfig } from './cliHarness';

/** Live (non-zombie) processes whose command line mentions `needle`. */
function processesRunning(needle: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(needle) && !/^\s*\d+\s+Z/.test(l) && !l.includes('ps -eo'));
}

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'services');
const demoDir = path.join(repoRoot, 'examples', 'demo');
const out = tempDir('hotpath-e2e-');
const written: string[] = [];
after(() => {
  for (const f of written) fs.rmSync(f, { force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

function config(dir: string, service: object, load: object = {}, extra: object = {}): string {
  const file = writeConfig(dir, { service: { readyUrl: 'http://127.0.0.1:${port}/health', ...service }, load, ...extra });
  written.push(file);
  return file;
}

test('the demo: run.json, cpu.cpuprofile and report.md, hot function in the demo source', async () => {
  const demo = JSON.parse(fs.readFileSync(path.join(demoDir, 'hotpath.config.json'), 'utf8'));
  demo.load.stages = [{ durationSec: 5, connections: 8 }];
  delete demo.$schema;
  // The error budget only: a busy machine can take the demo's p95 past its 500 ms budget.
  demo.budgets = { 'http.errorRate': '< 1%' };
  const file = writeConfig(demoDir, demo);
  written.push(file);
  const r = await runCli(['run', '--config', file, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const runDir = lastLine(r.stdout);
  assert.ok(runDir.startsWith(out), `last line is the run dir: ${runDir}`);
  const run = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  assert.equal(run.schemaVersion, 1);
  assert.equal(run.status, 'passed');
  assert.equal(run.environment.node, process.version);
  assert.ok(run.environment.cpus >= 1 && run.environment.totalMemBytes > 0);
  assert.ok(run.load.requests.total > 50, `requests ${run.load.requests.total}`);
  assert.equal(run.load.errors.total, 0);
  assert.deepEqual(run.load.endpoints.map((e: { path: string }) => e.path).sort(), ['/export/alloc', '/orders', '/products', '/report/cpu']);
  for (const e of run.load.endpoints) assert.ok(e.requests > 0 && e.latencyMs.p95 > 0, JSON.stringify(e));
  // The weights 2:3:2:2 show in the per-endpoint counts.
  const cpuShare = run.load.endpoints.find((e: { path: string }) => e.path === '/report/cpu').requests / run.load.requests.total;
  assert.ok(Math.abs(cpuShare - 3 / 9) < 0.03, `share of /report/cpu ${cpuShare}`);
  assert.ok(run.load.timeline.length >= 4, `timeline ${run.load.timeline.length}`);
  assert.ok(run.load.latencyMs.p50 <= run.load.latencyMs.p95 && run.load.latencyMs.p95 <= run.load.latencyMs.p99);
  assert.ok(run.cpu.slices >= 2, `CPU slices streamed during the run: ${run.cpu.slices}`);
  const top = run.cpu.hotFunctions.find((f: { category: string }) => f.category === 'user');
  assert.equal(top.name, 'computePriceStats');
  assert.equal(top.file, 'src/pricing.js');
  const source = fs.readFileSync(path.join(demoDir, 'src', 'pricing.js'), 'utf8').split('\n');
  assert.match(source[top.line - 1], /computePriceStats/, 'the reported line is where the function is defined');
  assert.equal(run.findings[0].kind, 'hot-path');
  const profile = JSON.parse(fs.readFileSync(path.join(runDir, 'cpu.cpuprofile'), 'utf8'));
  assert.ok(profile.nodes.length > 10 && profile.samples.length === profile.timeDeltas.length);
  assert.ok(profile.nodes.some((n: { positionTicks?: unknown[] }) => n.positionTicks?.length), 'per-line ticks kept');
  assert.match(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8'), /computePriceStats/);
  assert.match(fs.readFileSync(path.join(runDir, 'report.html'), 'utf8'), /computePriceStats/);
  assert.ok(!run.cpu.hotFunctions.some((f: { file: string; category: string }) => f.category === 'user' && /probe\.js$/.test(f.file)), "the probe's frames are not the user's code");
  assert.deepEqual(fs.readdirSync(out).filter((n) => n.startsWith('.')), [], 'no staging folder left behind');
});

test('a service that exits at start: exit code 2, one sentence and its last stderr lines', async () => {
  const r = await runCli(['run', '--config', config(fixtures, { command: 'node', args: ['exit-at-start.js'] }), '--out', out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^hotpath: The service exited with code 1 before it became ready at http:\/\/127\.0\.0\.1:\d+\/health: check the command and the log below\./m);
  assert.match(r.stderr, /ECONNREFUSED/, 'shows what the service printed');
  assert.doesNotMatch(r.stderr, /Debugger listening/, 'inspector chatter is not shown');
  assert.doesNotMatch(r.stderr, /dist[\/]cli\.js/, 'no stack trace of ours');
});

test('a service that never becomes ready: exit code 2 with the timeout sentence', async () => {
  const started = Date.now();
  const r = await runCli(['run', '--config', config(fixtures, { command: 'node', args: ['never-ready.js'], readyTimeoutMs: 1500 }), '--out', out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /The service did not become ready: http:\/\/127\.0\.0\.1:\d+\/health gave HTTP 503 for 2 s/);
  assert.ok(Date.now() - started < 15000);
  // The service was still running when Hotpath gave up: it must be gone now.
  assert.deepEqual(processesRunning('never-ready.js'), []);
});

test('a command that does not exist: exit code 2 naming it', async () => {
  const r = await runCli(['run', '--config', config(fixtures, { command: 'no-such-binary-hotpath' }), '--out', out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no-such-binary-hotpath: command not found/);
});

test('a broken budget: exit code 1, the run is saved as failed', async () => {
  const file = config(fixtures, { command: 'node', args: ['hello.js'] }, { stages: [{ durationSec: 2, connections: 2 }] }, { budgets: { 'http.p95': '< 0.001ms' } });
  const r = await runCli(['run', '--config', file, '--out', out]);
  assert.equal(r.code, 1, r.stderr);
  const run = JSON.parse(fs.readFileSync(path.join(lastLine(r.stdout), 'run.json'), 'utf8'));
  assert.equal(run.status, 'failed');
  assert.equal(run.budgets[0].passed, false);
  assert.match(r.stdout, /FAIL http\.p95 < 0\.001ms/);
});

test('a service that crashes mid-run: saved with status error, the cause and the data so far', async () => {
  const file = config(fixtures, { command: 'node', args: ['crash-mid-run.js'] }, { stages: [{ durationSec: 8, connections: 2 }] });
  const r = await runCli(['run', '--config', file, '--out', out]);
  assert.equal(r.code, 2);
  const runDir = lastLine(r.stdout);
  const run = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  assert.equal(run.status, 'error');
  assert.match(run.error, /The service exited with code 1 during the run/);
  assert.ok(run.load.requests.total > 0, 'requests before the crash are kept');
  assert.ok(fs.existsSync(path.join(runDir, 'service.log')));
});

test('no process survives a finished run or a cancelled one, even one that ignores SIGTERM', async () => {
  for (const cancel of [false, true]) {
    const pidsFile = path.join(out, `pids-${cancel}.json`);
    const file = config(fixtures, { command: 'node', args: ['stubborn-tree.js'], env: { HOTPATH_TEST_PIDS: pidsFile } }, { stages: [{ durationSec: 3, connections: 2 }] });
    let sent = false;
    const r = await runCli(['run', '--config', file, '--out', out], {
      onStderr: (text, kill) => {
        if (cancel && !sent && /hotpath: Load\b/.test(text)) {
          sent = true;
          setTimeout(() => kill('SIGINT'), 800);
        }
      },
    });
    assert.equal(r.code, cancel ? 2 : 0, r.stderr);
    if (cancel) assert.match(r.stderr, /cancelled/);
    const pids: number[] = JSON.parse(fs.readFileSync(pidsFile, 'utf8'));
    assert.equal(pids.length, 3, `service, child and grandchild: ${pids}`);
    for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} is still alive (cancel=${cancel})`);
  }
});

test('every command answers --help with its usage and exit code 0; hotpath --help lists them all', async () => {
  const commands = ['run', 'analyze', 'report', 'compare', 'lint', 'import-load', 'baseline'];
  const top = await runCli(['--help']);
  assert.equal(top.code, 0);
  for (const c of commands) {
    assert.match(top.stdout, new RegExp(`^  ${c} `, 'm'), `hotpath --help lists ${c}`);
    const r = await runCli([c, '--help']);
    assert.equal(r.code, 0, `${c} --help: ${r.stderr}`);
    assert.ok(r.stdout.startsWith(`Usage: hotpath ${c}`), `${c} --help starts with its usage`);
    assert.match(r.stdout, /Exit codes?: /, `${c} --help gives its exit codes`);
  }
  const bare = await runCli([]);
  assert.equal(bare.code, 2, 'no command is a usage error');
  assert.match(bare.stdout, /Exit codes: 0 ok, 1 budget broken or regression, 2 error/);
});
