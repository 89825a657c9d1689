// load.engine "artillery" end to end: the real artillery CLI (installed once
// into a cache folder by scripts/install-artillery.sh: it is far too big for a
// devDependency) runs a scenario file against a service Hotpath started; its
// 10-second reports reach subscribers as LoadTicks while it runs, and its JSON
// report ends up in run.json and beside it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../src/engine/config';
import { BenchmarkRun } from '../../src/engine/runner';
import { CancellationSource } from '../../src/engine/events';
import type { RunEvent } from '../../src/engine/runEvents';
import type { LoadTickDetail } from '../../src/engine/load/loadResult';
import { repoRoot, tempDir } from './cliHarness';

const work = tempDir('hotpath-artillery-');
let oldPath: string | undefined;

before(() => {
  const r = spawnSync('bash', [path.join(repoRoot, 'scripts', 'install-artillery.sh')], { encoding: 'utf8', timeout: 15 * 60_000 });
  assert.equal(r.status, 0, `scripts/install-artillery.sh failed:\n${r.stderr}`);
  const bin = r.stdout.trim().split('\n').at(-1)!;
  assert.ok(fs.existsSync(bin), `artillery at ${bin}`);
  oldPath = process.env.PATH;
  process.env.PATH = `${path.dirname(bin)}${path.delimiter}${process.env.PATH}`;
});

after(() => {
  if (oldPath !== undefined) process.env.PATH = oldPath;
  fs.rmSync(work, { recursive: true, force: true });
});

test('an Artillery scenario runs against the service: live ticks, run.json load and the report beside it', { timeout: 20 * 60_000 }, async () => {
  fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'load', 'artillery-scenario.yml'), path.join(work, 'scenario.yml'));
  const configFile = path.join(work, 'hotpath.config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      service: { command: 'node', args: [path.join(repoRoot, 'test', 'fixtures', 'load', 'echo-server.js')], readyUrl: 'http://127.0.0.1:${port}/health' },
      load: { engine: 'artillery', scenarioFile: 'scenario.yml' },
      profile: { heap: false },
    }),
  );
  const run = new BenchmarkRun({
    loaded: loadConfig(configFile),
    runsDir: path.join(work, 'runs'),
    token: new CancellationSource().token,
    probePath: path.join(repoRoot, 'dist', 'probe.js'),
  });
  const ticks: Array<{ tick: LoadTickDetail; at: number }> = [];
  const phases: string[] = [];
  let loadStarted = 0;
  run.onEvent.event((e: RunEvent) => {
    if (e.type === 'loadTick') ticks.push({ tick: e.tick as LoadTickDetail, at: Date.now() });
    if (e.type === 'phase') phases.push(e.message);
    if (e.type === 'phase' && e.phase === 'load') loadStarted = Date.now();
    if (e.type === 'phase' && e.phase === 'stopping') phases.push(`stopping at ${Date.now()}`);
  });
  const outcome = await run.run();
  assert.equal(outcome.status, 'passed', outcome.error ?? '');
  assert.ok(phases.some((p) => /^Load: artillery runs scenario\.yml against http:\/\/127\.0\.0\.1:\d+$/.test(p)), phases.join('\n'));

  // The live stream: Artillery's reports arrived while it ran, not only at the end.
  assert.ok(ticks.length >= 1, 'at least one LoadTick from Artillery');
  const first = ticks[0];
  assert.equal(first.tick.stage, 'artillery');
  assert.ok(first.tick.requestsTotal > 0 && first.tick.rps > 0 && first.tick.p95 > 0, JSON.stringify(first.tick));
  assert.ok(first.at > loadStarted, 'during the load phase');
  assert.ok(ticks.reduce((s, t) => Math.max(s, t.tick.non2xx), 0) > 0, 'the 404s of /missing stream as non-2xx errors');

  // run.json on disk.
  const runDir = outcome.runDir!;
  const record = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  const load = record.load;
  assert.equal(load.engine, 'artillery');
  assert.equal(load.requests.total, 480, '160 virtual users × 3 requests');
  assert.equal(load.requests.ok, 320);
  assert.deepEqual([load.errors.non2xx, load.errors.timeouts, load.errors.connection], [160, 0, 0]);
  assert.ok(load.latencyMs.p95 > 0 && load.latencyMs.p50 <= load.latencyMs.p95);
  assert.deepEqual(
    load.endpoints.map((e: { method: string; path: string; requests: number }) => `${e.method} ${e.path} ${e.requests}`).sort(),
    ['GET /items 160', 'GET /missing 160', 'POST /orders 160'],
  );
  assert.ok(load.timeline.length >= 1);
  for (const p of load.timeline) assert.ok(p.t > 0 && p.t <= record.durationMs, `timeline point at ${p.t} ms of a ${record.durationMs} ms run`);
  assert.deepEqual(load.external.files, ['artillery-report.json', 'artillery.log']);
  for (const f of load.external.files) assert.ok(fs.statSync(path.join(runDir, f)).size > 0, f);
  const saved = JSON.parse(fs.readFileSync(path.join(runDir, 'artillery-report.json'), 'utf8'));
  assert.equal(saved.aggregate.counters['http.responses'], 480);
  // The service answers 400 to an order without its JSON body or API key header: none were refused.
  assert.equal(load.endpoints.find((e: { path: string }) => e.path === '/orders').errorRate, 0);
  assert.ok(!fs.existsSync(path.join(runDir, 'latency.hdr')), 'no raw samples from Artillery, so no histogram file');
  assert.deepEqual(fs.readdirSync(work).filter((n) => n.startsWith('.hotpath-')), [], 'the ${port}-filled copy of the scenario is removed');
  assert.match(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8'), /\/orders/);
});
