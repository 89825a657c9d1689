import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeGc, GcPause } from '../../../src/engine/analysis/gcStats';
import { DEFAULT_GC_PRESSURE, gcPressureFinding } from '../../../src/engine/analysis/gcPressure';

const site = { name: 'buildRows', file: 'src/rows.js', line: 12, column: 3, bytes: 4096, pct: 61.5 };
const pauses = (n: number, ms: number, kind: GcPause['kind'] = 'minor'): GcPause[] => Array.from({ length: n }, (_, i) => ({ kind, durationMs: ms, t: i * 10 }));

test('gc-pressure fires when the pause share crosses the limit, at the top allocation site', () => {
  // 100 minor pauses of 8 ms = 800 ms over 10 s: 8% of wall time.
  const gc = summarizeGc(pauses(100, 8), 10_000);
  assert.equal(gc.pauseSharePct, 8);
  const f = gcPressureFinding(gc, DEFAULT_GC_PRESSURE, site)!;
  assert.equal(f.kind, 'gc-pressure');
  assert.deepEqual(f.location, { file: 'src/rows.js', line: 12, column: 3 });
  assert.equal(f.evidence!.pauseSharePct, 8);
  assert.equal(f.evidence!.allocationSite, 'buildRows');
  assert.match(f.message, /^GC pressure: 100 pauses totalling 800 ms, 8% of wall time paused \(limit 5%\); p50 8 ms, p95 8 ms, max 8 ms, 100 minor and 0 major; the top allocation site is buildRows \(src\/rows\.js:12, 61\.5% of sampled bytes\)\.$/);
});

test('gc-pressure fires on a long p99 pause alone, and says which limit', () => {
  // 97 pauses of 1 ms and 3 of 80 ms over 60 s: 0.56% share, p99 80 ms.
  const gc = summarizeGc([...pauses(97, 1), ...pauses(3, 80, 'major')], 60_000);
  const f = gcPressureFinding(gc, DEFAULT_GC_PRESSURE, null)!;
  assert.equal(f.evidence!.p99Ms, 80);
  assert.equal(f.location, null);
  assert.match(f.message, /p99 pause 80 ms \(limit 50 ms\)/);
  assert.doesNotMatch(f.message, /of wall time paused/);
  assert.match(f.message, /97 minor and 3 major\.$/);
});

test('gc-pressure is silent under both limits, exactly at them and without GC data', () => {
  assert.equal(gcPressureFinding(summarizeGc(pauses(100, 2), 10_000), DEFAULT_GC_PRESSURE, site), null);
  // exactly 5% and p99 exactly 50 ms: not over
  assert.equal(gcPressureFinding(summarizeGc(pauses(10, 50), 10_000), DEFAULT_GC_PRESSURE, site), null);
  assert.equal(gcPressureFinding(null, DEFAULT_GC_PRESSURE, site), null);
  assert.equal(gcPressureFinding(summarizeGc([], 10_000), DEFAULT_GC_PRESSURE, site), null);
  // the settings move the limits
  assert.ok(gcPressureFinding(summarizeGc(pauses(100, 2), 10_000), { maxPauseShare: 0.01, maxP99Ms: 50 }, site));
});
