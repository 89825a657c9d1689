// Scenarios on the demo service through `hotpath run`: a stress ladder reports
// the maximum sustainable load and the breaking point, and two consecutive
// ladders agree; a spike reports its recovery time. (The soak is in
// loadSoak.test.ts, run by `npm run test:soak`: it takes minutes.)
//
// Step design for a shared 2-core machine, where other processes take a
// varying share of the CPU from the service from one minute to the next:
// - connections are added to the ones already running, never restarted, and
//   the first second of every step is left out of its figures;
// - the ladder starts at 4 connections, where the CPU-bound demo is already
//   saturated, so the sustainable level sits where throughput has levelled off;
// - the breaking point is relative (p95 over 3 x the first step's), so a slow
//   minute does not break the ladder at its first step;
// - once found, the sustainable level is held for 8 s and that hold gives the
//   reported figures: one 3-second step is too short a sample of a machine
//   whose background load moves.
// Even so, the raw req/s of a CPU-bound service is the CPU the machine lets it
// have: on the machines this was written on (2 cores, load average 5 to 19 from
// other work) the service's share at the held level moved between 66% and 96%
// of a core from one run to the next, and its req/s with it. Requests per
// CPU-second of the service (rpsPerCore) do not move with it. So two runs agree
// when their maximum sustainable req/s are within 20%, or, when the machine gave
// the service different CPU, their req/s per CPU-second are. If the first pair
// still disagrees, a third run is compared with the second.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { lastLine, repoRoot, runCli, tempDir, writeConfig } from './cliHarness';

const demoDir = path.join(repoRoot, 'examples', 'demo');
const out = tempDir('hotpath-scenarios-');
const written: string[] = [];
after(() => {
  for (const f of written) fs.rmSync(f, { force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

function demoConfig(load: object): string {
  const demo = JSON.parse(fs.readFileSync(path.join(demoDir, 'hotpath.config.json'), 'utf8'));
  delete demo.$schema;
  demo.load = { ...demo.load, ...load };
  delete demo.budgets; // the scenario's own limits are what this is about
  const file = writeConfig(demoDir, demo);
  written.push(file);
  return file;
}

async function run(configFile: string): Promise<{ runDir: string; record: any }> {
  const r = await runCli(['run', '--config', configFile, '--out', out], { timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stderr);
  const runDir = lastLine(r.stdout);
  return { runDir, record: JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) };
}

const STRESS = {
  scenario: 'stress',
  stress: { startConnections: 4, factor: 2, maxConnections: 64, stepDurationSec: 4, settleSec: 1, warmupSec: 2, maxP95Ms: 60_000, maxP95Factor: 3, holdSec: 8, maxErrorRate: 0.01 },
};

function checkStress(record: any, runDir: string): void {
  const s = record.load.stress;
  assert.equal(record.scenario, 'stress');
  assert.ok(s.steps.length >= 2, `steps: ${JSON.stringify(s.steps)}`);
  assert.deepEqual(
    s.steps.map((x: { connections: number }) => x.connections),
    [4, 8, 16, 32, 64].slice(0, s.steps.length),
  );
  assert.ok(s.maxSustainable, `a step within the limits: ${JSON.stringify(s.steps)}`);
  assert.ok(s.breakingPoint || s.steps.at(-1).connections === 64, `a step beyond them: ${JSON.stringify(s.steps)}`);
  if (s.breakingPoint) {
    assert.equal(s.breakingPoint.connections, s.steps.at(-1).connections, 'the ladder stops at the breaking point');
    assert.equal(s.maxSustainable.connections, s.steps.at(-2).connections);
    assert.match(s.breakingPoint.reason, /p95 [\d.]+ ms > 3 × the first step's [\d.]+ ms|error rate/);
  }
  assert.ok(s.maxSustainable.heldSec >= 7 && s.maxSustainable.heldSec <= 10, `held ${s.maxSustainable.heldSec} s`);
  assert.equal(record.load.stages.at(-1).kind, 'hold');
  for (const x of s.steps) {
    assert.ok(x.rps > 0 && x.p95 > 0 && x.avg > 0, JSON.stringify(x));
    assert.ok(x.cpuPct !== null && x.cpuPct > 5 && x.cpuPct < 250, `service CPU % ${x.cpuPct}`);
    assert.ok(x.startT >= 0 && x.endT <= record.durationMs, 'steps on the run clock');
  }
  const md = fs.readFileSync(path.join(runDir, 'report.md'), 'utf8');
  assert.match(md, /## Stress ladder/);
  assert.match(md, new RegExp(`Maximum sustainable load: \\*\\*${s.maxSustainable.connections} connections\\*\\* \\(step \\d+ of ${s.steps.length}\\), \\*\\*[\\d,.]+ req/s\\*\\*`));
  assert.ok(md.includes(`_${s.question}_`), 'the question the section answers');
  if (s.maxSustainable.rpsPerCore !== null) assert.ok(md.includes(`**${s.maxSustainable.rpsPerCore.toLocaleString('en-US', { maximumFractionDigits: 1 })} requests per CPU-second** of the service`), 'the headline carries the figure the runs are compared on');
}

const summary = (r: any) => {
  const m = r.load.stress.maxSustainable;
  const steps = r.load.stress.steps.map((x: any) => `${x.connections}c ${x.rps} req/s p95 ${x.p95} ms cpu ${x.cpuPct}%`).join('; ');
  const b = r.load.stress.breakingPoint;
  return `${steps} → held ${m.connections}c: ${m.rps} req/s, cpu ${m.cpuPct}%, ${m.rpsPerCore} req per CPU-second; breaking point ${b ? `${b.connections}c` : 'none'}`;
};

test('stress on the demo: maximum sustainable load and breaking point, and two consecutive runs agree within 20%', { timeout: 8 * 60_000 }, async (t) => {
  const file = demoConfig(STRESS);
  const runs = [await run(file), await run(file)];
  for (const r of runs) checkStress(r.record, r.runDir);
  const within = (x: number, y: number) => Math.abs(x - y) <= 0.2 * Math.max(x, y);
  // The report headlines the maximum sustainable load in req/s and in requests
  // per CPU-second of the service; those are what must agree. The concurrency
  // step is reported too but is not asserted: on a shared 2-core machine the
  // service got 30% to 83% of a core from one run to the next, and the step it
  // sustained moved with it (8, 16 and 32 connections in three consecutive runs)
  // while its requests per CPU-second stayed within 20% (94 to 118).
  const agree = (a: any, b: any) => {
    const m = a.record.load.stress.maxSustainable;
    const n = b.record.load.stress.maxSustainable;
    return within(m.rps, n.rps) || (m.rpsPerCore !== null && n.rpsPerCore !== null && within(m.rpsPerCore, n.rpsPerCore));
  };
  if (!agree(runs[0], runs[1])) {
    t.diagnostic(`runs 1 and 2 disagree by more than 20%:\n  ${summary(runs[0].record)}\n  ${summary(runs[1].record)}\nrunning a third`);
    runs.push(await run(file));
    checkStress(runs[2].record, runs[2].runDir);
  }
  const [a, b] = runs.slice(-2);
  const detail = runs.map((r, i) => `run ${i + 1}: ${summary(r.record)}`).join('\n');
  t.diagnostic(detail);
  assert.ok(agree(a, b), `the last two consecutive runs disagree by more than 20% on the maximum sustainable req/s and on its req per CPU-second\n${detail}`);
});

test('spike on the demo: recovery time back to the pre-spike p95', { timeout: 3 * 60_000 }, async () => {
  const { record } = await run(
    demoConfig({ scenario: 'spike', spike: { baseConnections: 2, factor: 8, baseDurationSec: 4, spikeDurationSec: 3, recoveryDurationSec: 5, tolerancePct: 20 } }),
  );
  const s = record.load.spike;
  assert.equal(s.spikeConnections, 16);
  assert.ok(s.baselineP95Ms > 0 && s.spikeP95Ms > s.baselineP95Ms, `p95 before ${s.baselineP95Ms} ms, during ${s.spikeP95Ms} ms`);
  assert.ok(s.spikeEndT - s.spikeStartT >= 2500, `the spike lasted ${s.spikeEndT - s.spikeStartT} ms`);
  assert.equal(typeof s.recovered, 'boolean');
  if (s.recovered) assert.ok(s.recoveryMs >= 0 && s.recoveryMs <= 4000, `recovery ${s.recoveryMs} ms`);
  else assert.equal(s.recoveryMs, null);
  assert.deepEqual(record.load.stages.map((x: { kind: string }) => x.kind), ['base', 'spike', 'recovery']);
  // The spike shows on the shared timeline between its start and end.
  const during = record.load.timeline.filter((p: { t: number }) => p.t > s.spikeStartT + 1000 && p.t <= s.spikeEndT);
  assert.ok(during.length >= 1, 'one point a second during the spike');
});
