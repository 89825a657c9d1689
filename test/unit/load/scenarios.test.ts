// The figures each scenario reports, computed from measured steps and samples:
// stress ladder verdicts, spike recovery time, soak windows and degradation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ladder, stepVerdict, summarizeLadder } from '../../../src/engine/load/scenarios/stress';
import { recoveryTime } from '../../../src/engine/load/scenarios/spike';
import { applyHeapGrowth, degradation, soakWindowStarts } from '../../../src/engine/load/scenarios/soak';
import type { LoadResult, SoakResult, SoakWindow, StageResult } from '../../../src/engine/load/loadResult';

function step(connections: number, rps: number, p95: number, errorRate = 0, requests = 100): StageResult {
  return {
    label: `step: ${connections}`,
    kind: 'step',
    connections,
    startT: connections * 1000,
    endT: connections * 1000 + 900,
    measuredFromT: connections * 1000 + 100,
    requests,
    rps,
    latencyMs: { p50: p95 / 2, p90: p95 * 0.9, p95, p99: p95 * 1.5, max: p95 * 2, mean: p95 / 2, count: requests },
    errors: Math.round(errorRate * requests),
    errorRate,
    cpuPct: 50 + connections,
  };
}

test('ladder: geometric by default, linear with step, always ending at maxConnections', () => {
  assert.deepEqual(ladder({ startConnections: 1, step: null, factor: 2, maxConnections: 40 }), [1, 2, 4, 8, 16, 32, 40]);
  assert.deepEqual(ladder({ startConnections: 2, step: null, factor: 2, maxConnections: 32 }), [2, 4, 8, 16, 32]);
  assert.deepEqual(ladder({ startConnections: 5, step: 5, factor: 2, maxConnections: 20 }), [5, 10, 15, 20]);
  assert.deepEqual(ladder({ startConnections: 1, step: null, factor: 1.2, maxConnections: 5 }), [1, 2, 3, 4, 5], 'a small factor still adds at least one');
  assert.deepEqual(ladder({ startConnections: 7, step: null, factor: 2, maxConnections: 7 }), [7]);
});

test('a step is past the limits on error rate, on p95, or when nothing answered', () => {
  const limits = { maxErrorRate: 0.01, maxP95Ms: 100 };
  assert.equal(stepVerdict(step(4, 100, 99.9), limits), null);
  assert.equal(stepVerdict(step(4, 100, 100), limits), null, 'the limit itself is within');
  assert.equal(stepVerdict(step(4, 100, 150), limits), 'p95 150 ms > 100 ms');
  assert.equal(stepVerdict(step(4, 100, 150, 0.05), limits), 'error rate 5.00% > 1.00% and p95 150 ms > 100 ms');
  assert.equal(stepVerdict(step(4, 0, 0, 0, 0), limits), 'no response at all');
});

test('maximum sustainable load is the highest step within the limits, the breaking point the first beyond', () => {
  const limits = { maxErrorRate: 0.01, maxP95Ms: 250 };
  const s = summarizeLadder([step(2, 100, 40), step(4, 120, 90), step(8, 118, 200), step(16, 110, 400)], limits);
  assert.deepEqual(s.maxSustainable, { connections: 8, rps: 118, p95: 200, cpuPct: 58, rpsPerCore: 203.4 });
  assert.deepEqual(s.breakingPoint, { connections: 16, rps: 110, p95: 400, errorRate: 0, reason: 'p95 400 ms > 250 ms' });
  assert.deepEqual(s.steps.map((x) => x.withinLimits), [true, true, true, false]);
  assert.deepEqual(Object.keys(s.steps[0]).sort(), ['avg', 'connections', 'cpuPct', 'endT', 'errorRate', 'p50', 'p95', 'p99', 'reason', 'requests', 'rps', 'rpsPerCore', 'startT', 'withinLimits']);
  assert.equal(s.steps[0].startT, 2100, 'a step is reported from where it was measured (after settling)');
  assert.match(s.question, /most load/);

  const none = summarizeLadder([step(1, 10, 900)], limits);
  assert.equal(none.maxSustainable, null, 'broken from the first step');
  assert.equal(none.breakingPoint!.connections, 1);
  const never = summarizeLadder([step(1, 10, 9), step(2, 20, 19)], limits);
  assert.equal(never.breakingPoint, null, 'the ladder ended within the limits');
  assert.equal(never.maxSustainable!.connections, 2);
});

test("a relative p95 limit multiplies the first step's p95", () => {
  const limits = { maxErrorRate: 0.01, maxP95Ms: 60_000, maxP95Factor: 4 };
  const s = summarizeLadder([step(4, 50, 100), step(8, 52, 390), step(16, 51, 410)], limits);
  assert.deepEqual(s.limits, { ...limits, referenceP95Ms: 100 });
  assert.equal(s.maxSustainable!.connections, 8);
  assert.deepEqual(s.breakingPoint, { connections: 16, rps: 51, p95: 410, errorRate: 0, reason: "p95 410 ms > 4 × the first step's 100 ms" });
  assert.equal(stepVerdict(step(16, 51, 410), limits), null, 'without a reference (no first step yet) only the absolute limit applies');
  const both = summarizeLadder([step(4, 50, 100), step(8, 52, 390)], { ...limits, maxP95Ms: 300 });
  assert.equal(both.breakingPoint!.reason, 'p95 390 ms > 300 ms', 'the absolute limit still applies');
});

test("with a hold, the maximum sustainable figures are the hold's", () => {
  const limits = { maxErrorRate: 0.01, maxP95Ms: 250 };
  const hold = { ...step(8, 121, 180), kind: 'hold' as const, startT: 30_000, endT: 38_000, measuredFromT: 31_000 };
  const s = summarizeLadder([step(4, 100, 90), step(8, 118, 200), step(16, 110, 400)], limits, hold);
  assert.deepEqual(s.maxSustainable, { connections: 8, rps: 121, p95: 180, cpuPct: 58, rpsPerCore: 208.6, heldSec: 7, heldWithinLimits: true });
  assert.equal(s.steps.length, 3, 'the hold is not a step of the ladder');
  const over = summarizeLadder([step(4, 100, 90), step(8, 118, 200), step(16, 110, 400)], limits, { ...hold, latencyMs: { ...hold.latencyMs, p95: 260 } });
  assert.equal(over.maxSustainable!.heldWithinLimits, false, 'a hold past the limits says so');
  assert.equal(summarizeLadder([step(4, 100, 900)], limits, hold).maxSustainable, null, 'no sustainable level, nothing held');
});

/** Flat samples t, latency: `n` per second from `from` to `to` with the latency `f(t)`. */
function samples(from: number, to: number, perSecond: number, f: (t: number) => number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += 1000 / perSecond) out.push(t, f(t));
  return out;
}

test('recovery: from the end of the spike to the first one-second window whose p95 is back within the threshold', () => {
  // A queue that drains linearly over 2.5 s after the spike ends at t = 10 000.
  const s = samples(10_000, 20_000, 100, (t) => (t < 12_500 ? 500 - ((t - 10_000) / 2500) * 480 : 10));
  const ms = recoveryTime(s, 10_000, 20_000, 24);
  assert.ok(ms !== null && ms >= 1500 && ms <= 2600, `recovery ${ms}`);
  assert.equal(ms! % 100, 0, 'windows slide in 100 ms steps');
  assert.equal(recoveryTime(samples(10_000, 20_000, 100, () => 10), 10_000, 20_000, 24), 0, 'already within: 0');
  assert.equal(recoveryTime(samples(10_000, 20_000, 100, () => 30), 10_000, 20_000, 24), null, 'never within: null');
  assert.equal(recoveryTime([10_100, 1, 10_200, 1], 10_000, 20_000, 24), null, 'too few samples in any window to judge');
  // Unordered samples give the same answer.
  const shuffled: number[] = [];
  for (let i = s.length - 2; i >= 0; i -= 2) shuffled.push(s[i], s[i + 1]);
  assert.equal(recoveryTime(shuffled, 10_000, 20_000, 24), ms);
});

test('soak windows are aligned to the end of the run, after the warm-up', () => {
  assert.deepEqual(soakWindowStarts({ durationSec: 300, windowSec: 60, warmupSec: 5 }), [60_000, 120_000, 180_000, 240_000]);
  assert.deepEqual(soakWindowStarts({ durationSec: 40, windowSec: 10, warmupSec: 5 }), [10_000, 20_000, 30_000]);
  assert.deepEqual(soakWindowStarts({ durationSec: 20, windowSec: 10, warmupSec: 0 }), [0, 10_000]);
});

const win = (startT: number, rps: number, p95: number): SoakWindow => ({ startT, endT: startT + 60_000, requests: rps * 60, rps, p50: p95 / 2, p95, p99: p95 * 2, errorRate: 0 });

test('degradation: positive numbers are worse', () => {
  assert.deepEqual(degradation(win(0, 200, 50), win(240_000, 150, 75)), { p95DegradationPct: 50, throughputDegradationPct: 25 });
  assert.deepEqual(degradation(win(0, 200, 50), win(240_000, 220, 40)), { p95DegradationPct: -20, throughputDegradationPct: -10 });
  assert.deepEqual(degradation(win(0, 200, 50), win(240_000, 200, 50)), { p95DegradationPct: 0, throughputDegradationPct: 0 });
});

test('soak heap growth: lowest heap used in the last window against the first, else the probe fit', () => {
  const soak: SoakResult = {
    question: 'q', connections: 4, windowSec: 60, windows: [], first: win(10_000, 100, 10), last: win(250_000, 100, 10),
    p95DegradationPct: 0, throughputDegradationPct: 0, heapGrowthPct: null,
  };
  const load = { soak } as Pick<LoadResult, 'soak'>;
  const saw = (from: number, to: number, low: number) => {
    const out = [];
    for (let t = from; t < to; t += 1000) out.push({ t, heapUsed: low + ((t / 1000) % 10) * 1e6 });
    return out;
  };
  applyHeapGrowth(load, { growthPct: 3, timeline: [...saw(0, 70_000, 20e6), ...saw(70_000, 250_000, 24e6), ...saw(250_000, 310_000, 25e6)] });
  assert.equal(soak.heapGrowthPct, 25, 'troughs 20 MB → 25 MB');
  assert.deepEqual(soak.heap, { firstTroughBytes: 20e6, lastTroughBytes: 25e6, runGrowthPct: 3 });
  applyHeapGrowth(load, { growthPct: 3, timeline: [] });
  assert.equal(soak.heapGrowthPct, 3, 'no samples in the windows: the run-wide fit');
  applyHeapGrowth(null, { growthPct: 3, timeline: [] }); // no load: nothing to do, no throw
});
