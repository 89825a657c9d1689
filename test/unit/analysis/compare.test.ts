import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compareRecords, compareRuns, type Comparison } from '../../../src/engine/analysis/compare';
import { binsFromSamples, quantileBinned, type Bins } from '../../../src/engine/analysis/compareStats';
import type { RunRecord } from '../../../src/engine/runRecord';
import { seededRandom as rng } from '../../seededRandom';

const repoRoot = process.env.HOTPATH_REPO_ROOT ?? path.resolve(__dirname, '../../../..');
const fixtureRun = path.join(repoRoot, 'test', 'fixtures', 'runs', '20261123-182721-cf6277');

interface Synthetic {
  record: RunRecord;
  bins: Bins;
}

/**
 * A run of `seconds` seconds at `perSecond` requests, latencies around 10 ms
 * times `scale`; `drift(s)` multiplies second s (the machine's state).
 */
function syntheticRun(seed: number, scale: number, opts: { seconds?: number; perSecond?: number; drift?: (s: number) => number; errors?: number } = {}): Synthetic {
  const r = rng(seed);
  const seconds = opts.seconds ?? 6;
  const perSecond = opts.perSecond ?? 400;
  const all: number[] = [];
  const timeline = [];
  for (let s = 0; s < seconds; s++) {
    const f = scale * (opts.drift?.(s) ?? 1);
    const w = Array.from({ length: perSecond }, () => Math.round((8 + 4 * r() + (r() < 0.05 ? 15 * r() : 0)) * f * 1000) / 1000);
    all.push(...w);
    const b = binsFromSamples(w);
    timeline.push({ t: (s + 1) * 1000, rps: perSecond, p50: quantileBinned(b, 50), p95: quantileBinned(b, 95), p99: quantileBinned(b, 99), errors: 0 });
  }
  const bins = binsFromSamples(all);
  const q = (p: number) => quantileBinned(bins, p);
  const total = all.length + (opts.errors ?? 0);
  const record = {
    schemaVersion: 1,
    id: `run-${seed}`,
    startedAt: '2026-11-23T18:00:00.000Z',
    status: 'passed',
    scenario: 'load',
    environment: { node: 'v20.20.2', platform: 'linux', arch: 'x64', cpuModel: 'X', cpus: 2, totalMemBytes: 1, gitCommit: null },
    load: {
      engine: 'autocannon',
      durationMs: seconds * 1000,
      requests: { total, ok: all.length },
      throughputRps: { mean: perSecond },
      latencyMs: { p50: q(50), p90: q(90), p95: q(95), p99: q(99), max: q(100), mean: all.reduce((a, b) => a + b, 0) / all.length },
      errors: { total: opts.errors ?? 0, rate: (opts.errors ?? 0) / total, non2xx: 0, timeouts: 0, connection: 0 },
      endpoints: [{ method: 'GET', path: '/work', requests: total, throughputRps: perSecond, latencyMs: { p50: q(50), p95: q(95), p99: q(99), mean: 0, max: 0 }, errorRate: 0 }],
      timeline,
      stages: [{ connections: 4 }],
    },
    cpu: null,
    gc: { pauseSharePct: 1, pauseMs: { p50: 1, p95: 2, p99: 3, max: 3 }, count: 3, totalPauseMs: 3 },
    eventLoop: null,
    heap: null,
    budgets: [],
    findings: [],
  } as unknown as RunRecord;
  return { record, bins };
}

function compare(a: Synthetic, b: Synthetic | null, bBins: Bins | null = b?.bins ?? null): Comparison {
  return compareRecords(a.record, b!.record, { baseDir: '/a', currentDir: '/b', baseBins: a.bins, currentBins: bBins });
}
const verdicts = (c: Comparison) => Object.fromEntries(c.metrics.map((m) => [m.metric, m.verdict]));

test('two runs of the same service: no significant change anywhere', () => {
  const c = compare(syntheticRun(1, 1), syntheticRun(2, 1));
  assert.deepEqual(c.regressions, []);
  assert.deepEqual(c.improvements, []);
  for (const m of c.metrics.filter((x) => x.tests.length)) assert.equal(m.verdict, 'no significant change', `${m.metric}: ${m.why}`);
  assert.ok(c.latencyShift && Math.abs(c.latencyShift.shiftMs) < 0.3, JSON.stringify(c.latencyShift));
  assert.deepEqual(c.warnings, []);
});

test('a 25% slower service is a regression on p50, p95 and mean latency, with its size', () => {
  const c = compare(syntheticRun(1, 1), syntheticRun(2, 1.25));
  const v = verdicts(c);
  assert.equal(v['latency.p50'], 'regression');
  assert.equal(v['latency.p95'], 'regression');
  assert.equal(v['latency.mean'], 'regression');
  const p50 = c.metrics.find((m) => m.metric === 'latency.p50')!;
  assert.ok(p50.changePct! > 20 && p50.changePct! < 30, `change ${p50.changePct}`);
  assert.ok(p50.tests[0].pValue < 1e-6);
  assert.match(p50.why, /^\+2\d(\.\d)?% is past the 5% floor and p < 0\.001 is below 0\.05\.$/);
  const s = c.latencyShift!;
  assert.ok(s.shiftMs > 2 && s.shiftMs < 3.2 && s.ci95Ms[0] < s.shiftMs && s.ci95Ms[1] > s.shiftMs, JSON.stringify(s));
  assert.ok(s.probabilityCurrentSlower > 0.75);
  // Read the other way round it is an improvement.
  const back = compare(syntheticRun(2, 1.25), syntheticRun(1, 1));
  assert.equal(verdicts(back)['latency.p50'], 'improvement');
  assert.deepEqual(back.regressions, []);
});

test('a significant but tiny shift on a huge sample stays below the floor', () => {
  const c = compare(syntheticRun(1, 1, { perSecond: 5000 }), syntheticRun(2, 1.02, { perSecond: 5000 }));
  const p50 = c.metrics.find((m) => m.metric === 'latency.p50')!;
  assert.ok(p50.tests[0].pValue < 0.05, `p ${p50.tests[0].pValue}: a 2% shift on 30,000 requests is detectable`);
  assert.equal(p50.verdict, 'no significant change');
  assert.match(p50.why, /^\+\d(\.\d)?% is within the 5% floor \(p /);
});

test('seconds that drift together (a noisy machine) widen the test: an 8% shift is not called', () => {
  const noisy = (phase: number) => (s: number) => 1 + 0.25 * Math.sin(s * 2.1 + phase);
  const c = compare(syntheticRun(1, 1, { drift: noisy(0) }), syntheticRun(2, 1.08, { drift: noisy(1) }));
  const p50 = c.metrics.find((m) => m.metric === 'latency.p50')!;
  assert.equal(p50.verdict, 'no significant change', p50.why);
  assert.ok(c.latencyShift!.designEffect > 10, `design effect ${c.latencyShift!.designEffect}`);
  assert.ok(c.latencyShift!.mannWhitney.pValueIndependent < 0.001, 'treating requests as independent would have called it');
  assert.ok(c.warnings.some((w) => /^Latency varied from second to second \d+× more than independent requests would/.test(w)), c.warnings.join('\n'));
});

test('more errors is a regression of the error rate', () => {
  const c = compare(syntheticRun(1, 1), syntheticRun(2, 1, { errors: 60 }));
  const e = c.metrics.find((m) => m.metric === 'errorRate')!;
  assert.equal(e.verdict, 'regression', e.why);
  assert.ok(e.changePct! > 2 && e.changePct! < 3, `${e.changePct} pp`);
});

test('without latency samples latency is shown, not tested, and the comparison says so', () => {
  const c = compare(syntheticRun(1, 1), syntheticRun(2, 1.5), null);
  const p50 = c.metrics.find((m) => m.metric === 'latency.p50')!;
  assert.equal(p50.verdict, 'not tested');
  assert.ok(p50.changePct! > 40);
  assert.ok(c.warnings.some((w) => /latency\.hdr/.test(w)));
  assert.equal(c.latencyShift, null);
});

test('different set-ups are warned about', () => {
  const a = syntheticRun(1, 1);
  const b = syntheticRun(2, 1);
  (b.record.load!.stages[0] as { connections: number }).connections = 16;
  b.record.environment.node = 'v22.1.0';
  const c = compare(a, b);
  assert.ok(c.warnings.some((w) => /different connections per stage \(\[4\] vs \[16\]\)/.test(w)), c.warnings.join('\n'));
  assert.ok(c.warnings.some((w) => /Node\.js versions/.test(w)));
});

test('compareRuns on a recorded run against itself, with a CPU profile diff', () => {
  const c = compareRuns(fixtureRun, fixtureRun);
  assert.deepEqual(c.regressions, []);
  assert.equal(c.latencyShift!.shiftMs, 0);
  assert.ok(c.profile && c.profile.functions.length > 5);
  assert.ok(c.profile.functions.every((f) => f.deltaMs === 0));
  assert.ok(c.profile.functions.some((f) => f.name === 'computePriceStats' && f.file === 'src/pricing.js'), 'files relative to the workspace, as in run.json');
  assert.ok(c.endpoints.length === 4 && c.endpoints.every((e) => e.verdict === 'not tested'));
});

test('compareRuns errors are one sentence naming the folder', () => {
  assert.throws(() => compareRuns('/nonexistent/run', fixtureRun), { message: /^The baseline run folder \/nonexistent\/run does not exist: pass a run directory/ });
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-compare-'));
  try {
    assert.throws(() => compareRuns(fixtureRun, empty), { message: /^The current run .* cannot be read: run\.json is missing/ });
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('latency that moved while CPU per request did not is flagged as possibly the machine', () => {
  const withCpu = (r: Synthetic, ms: number) => {
    (r.record as { processes?: unknown }).processes = [{ pid: 1, cpu: { ms, percentOfCore: 50 } }];
    return r;
  };
  const a = withCpu(syntheticRun(1, 1), 2400);
  const slowerMachine = withCpu(syntheticRun(2, 1.3), 2420);
  const c = compare(a, slowerMachine);
  assert.equal(c.metrics.find((m) => m.metric === 'cpu.perRequest')!.changePct, 0.8);
  assert.ok(c.regressions.includes('p50 latency'));
  assert.ok(c.warnings.some((w) => /^Latency moved \d+(\.\d+)?% while the service's CPU time per request moved 0\.8%/.test(w)), c.warnings.join('\n'));
  const slowerCode = withCpu(syntheticRun(2, 1.3), 3100);
  assert.ok(!compare(a, slowerCode).warnings.some((w) => /^Latency moved/.test(w)));
});
