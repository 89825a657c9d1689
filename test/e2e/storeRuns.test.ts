// The run store through the real CLI: every run.json `hotpath run` writes
// validates against schema/run.schema.json (a passing demo run, a broken
// budget, a service that crashes mid-run), the index and store.keepRuns work
// through the runner, and `hotpath report` refuses damaged runs in one sentence.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { lastLine, repoRoot, runCli, tempDir, writeConfig } from './cliHarness';
import { schemaErrors, undescribedFields } from '../unit/store/runSchemaCheck';
import { listRunSummaries } from '../../src/engine/store/runListing';
import { setBaseline } from '../../src/engine/store/baseline';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'services');
const demoDir = path.join(repoRoot, 'examples', 'demo');
const out = tempDir('hotpath-store-e2e-');
const written: string[] = [];
after(() => {
  for (const f of written) fs.rmSync(f, { force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

function config(dir: string, cfg: object): string {
  const file = writeConfig(dir, cfg);
  written.push(file);
  return file;
}

const service = (args: string[]) => ({ command: 'node', args, readyUrl: 'http://127.0.0.1:${port}/health' });

function assertValidRun(runDir: string, status: string): Record<string, any> {
  const run = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  assert.equal(run.status, status);
  assert.deepEqual(schemaErrors(run), [], `${runDir}/run.json against schema/run.schema.json`);
  assert.deepEqual(undescribedFields(run), [], 'every field the engine writes is described in the schema');
  return run;
}

test('the demo (3 s of load): run.json validates, the index lists it', async () => {
  const demo = JSON.parse(fs.readFileSync(path.join(demoDir, 'hotpath.config.json'), 'utf8'));
  demo.load.stages = [{ durationSec: 3, connections: 4 }];
  delete demo.$schema;
  const runsDir = path.join(out, 'demo');
  const r = await runCli(['run', '--config', config(demoDir, demo), '--out', runsDir]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const runDir = lastLine(r.stdout);
  const run = assertValidRun(runDir, r.code === 0 ? 'passed' : 'failed');
  assert.ok(run.cpu && run.heap && run.gc && run.eventLoop && run.queries, 'the demo fills every section');
  const listed = listRunSummaries(runsDir);
  assert.equal(listed.length, 1);
  assert.ok(listed[0].ok);
  assert.deepEqual(
    { id: listed[0].summary.id, p95: listed[0].summary.p95Ms, rps: listed[0].summary.rps, errorRate: listed[0].summary.errorRate },
    { id: run.id, p95: run.load.latencyMs.p95, rps: run.load.throughputRps.mean, errorRate: run.load.errors.rate },
  );
  assert.ok(JSON.parse(fs.readFileSync(path.join(runsDir, 'index.json'), 'utf8')).runs[run.id], 'committed into the index');
});

test('a broken budget: the failed run validates', async () => {
  const file = config(fixtures, { service: service(['hello.js']), load: { stages: [{ durationSec: 2, connections: 2 }] }, budgets: { 'http.p95': '< 0.001ms' } });
  const r = await runCli(['run', '--config', file, '--out', path.join(out, 'failed')]);
  assert.equal(r.code, 1, r.stderr);
  const run = assertValidRun(lastLine(r.stdout), 'failed');
  assert.equal(run.budgets[0].passed, false);
});

test('a service that crashes mid-run: the error run validates', async () => {
  const file = config(fixtures, { service: service(['crash-mid-run.js']), load: { stages: [{ durationSec: 8, connections: 2 }] } });
  const r = await runCli(['run', '--config', file, '--out', path.join(out, 'crashed')]);
  assert.equal(r.code, 2, r.stderr);
  const run = assertValidRun(lastLine(r.stdout), 'error');
  assert.match(run.error, /The service exited with code 1 during the run/);
});

test('store.keepRuns: the runner prunes old runs after a commit, never the baseline', async () => {
  const runsDir = path.join(out, 'keep');
  const file = config(fixtures, { service: service(['hello.js']), load: { stages: [{ durationSec: 1, connections: 1 }] }, store: { keepRuns: 1 } });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await runCli(['run', '--config', file, '--out', runsDir]);
    assert.equal(r.code, 0, r.stderr);
    ids.push(path.basename(lastLine(r.stdout)));
    if (i === 0) setBaseline(runsDir, ids[0]);
  }
  // Run 2 went when run 3 was saved; run 1 is the baseline.
  assert.deepEqual(listRunSummaries(runsDir).map((r) => r.id).sort(), [ids[0], ids[2]].sort());
});

test('hotpath report on a damaged run: exit 2 and one sentence saying why', async () => {
  const runsDir = path.join(out, 'damaged');
  const whole = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'runs', '20261123-182721-cf6277', 'run.json'), 'utf8');
  const make = (name: string, runJson: string | null) => {
    const dir = path.join(runsDir, name);
    fs.mkdirSync(dir, { recursive: true });
    if (runJson !== null) fs.writeFileSync(path.join(dir, 'run.json'), runJson);
    return dir;
  };
  const crashedWriter = spawnSync(process.execPath, ['-e', '']).pid;
  const stale = make('.partial-20260101-000000-crash0', whole);
  fs.writeFileSync(path.join(stale, '.hotpath-writer.json'), JSON.stringify({ pid: crashedWriter, host: os.hostname(), startedAt: '' }));
  const cases: Array<[string, RegExp]> = [
    [make('20260101-000000-garbag', 'garbage'), /is not a readable run: run\.json is not valid JSON: it is cut short or corrupt/],
    [make('20260101-000000-trunca', whole.slice(0, whole.length / 3)), /is not a readable run: run\.json is not valid JSON: it is cut short or corrupt/],
    [make('20260101-000000-missin', null), /is not a readable run: run\.json is missing \(the run did not finish writing\)\.$/m],
    [make('20260101-000000-incomp', JSON.stringify({ ...JSON.parse(whole), load: { engine: 'autocannon' } })), /is not a complete Hotpath run record \("load\.requests" should be an object, but is missing\)/],
    [stale, /is not a readable run: it is an unfinished run: the process that was writing it \(pid \d+\) is gone/],
  ];
  for (const [i, [dir, expected]] of cases.entries()) {
    for (const format of i === 0 ? ['md', 'html', 'junit'] : ['md']) {
      const r = await runCli(['report', dir, '--format', format]);
      assert.equal(r.code, 2, `${dir} ${format}: ${r.stdout.slice(0, 200)}`);
      assert.match(r.stderr, /^hotpath: [^\n]+\.\n$/, JSON.stringify(r.stderr));
      assert.match(r.stderr, expected);
      assert.equal(r.stdout, '');
    }
  }
  // And the list shows all five with their reasons.
  const listed = listRunSummaries(runsDir);
  assert.deepEqual(listed.filter((r) => r.ok), []);
  assert.equal(listed.length, 5);
});
