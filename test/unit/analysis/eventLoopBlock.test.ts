import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockedWindows, codeInWindows, eventLoopBlockFinding } from '../../../src/engine/analysis/eventLoopBlock';
import { profileOf, ROOT, run } from './findingProfiles';

// Four one-second windows ending at 1000, 2000, 3000, 4000 ms; the third is blocked.
const timeline = [
  { t: 1000, p99: 2 },
  { t: 2000, p99: 3 },
  { t: 3000, p99: 150 },
  { t: 4000, p99: 4 },
];

test('blocked windows: those over the limit, starting where the previous window ended less their own p99', () => {
  assert.deepEqual(blockedWindows(timeline, 100), [{ startT: 1850, endT: 3000 }]);
  assert.deepEqual(blockedWindows(timeline, 200), []);
  assert.deepEqual(blockedWindows([{ t: 1000, p99: 120 }], 100), [{ startT: 0, endT: 1000 }]);
});

// The profile starts at run time 0: render runs 0–2000 ms, blockTheLoop (with sqrt below it) 2000–3000, render again 3000–4000.
const profile = profileOf([...run(7, 2000), ...run(5, 400), ...run(6, 500), ...run(8, 100), ...run(7, 1000)]);

test('code in the blocked windows: charged to the nearest user frame, the rest of the run left out', () => {
  const { culprits, busyMs } = codeInWindows(profile, 0, [{ startT: 2000, endT: 3000 }], { root: ROOT });
  assert.equal(busyMs, 1000);
  assert.deepEqual(culprits.map((c) => [c.name, c.file, c.line, c.ms, c.pct]), [['blockTheLoop', 'server.js', 20, 900, 90]]);
  // The same profile read as starting 1000 ms later: the window now covers render.
  assert.equal(codeInWindows(profile, 1000, [{ startT: 2000, endT: 3000 }], { root: ROOT }).culprits[0].name, 'render');
});

test('event-loop-block fires over the limit, at the function that ran in the blocked window', () => {
  const f = eventLoopBlockFinding({ delayMs: { p99: 150, max: 160 }, timeline, profile: { profile, startT: 0 } }, { maxP99Ms: 100 }, { root: ROOT })!;
  assert.equal(f.kind, 'event-loop-block');
  assert.equal(f.severity, 'warning');
  assert.deepEqual(f.location, { file: 'server.js', line: 20, column: 5 });
  assert.equal(f.evidence!.p99Ms, 150);
  assert.equal(f.evidence!.blockedWindows, 1);
  assert.equal(f.evidence!.function, 'blockTheLoop');
  // window 1850–3000: 150 ms of render before the block, then 900 ms blockTheLoop and 100 ms parse
  assert.equal(f.evidence!.busyMsInWindows, 1150);
  assert.equal(f.frames![0].name, 'blockTheLoop');
  assert.equal(f.evidence!.longestRunMs, 900);
  assert.match(f.message, /^The event loop was blocked: delay p99 150 ms \(limit 100 ms, longest 160 ms\) in 1 of 4 one-second windows; in those windows blockTheLoop \(server\.js:20\) ran 900 ms, 78\.3% of the busy CPU time, up to 900 ms in one call without a break/);
});

test('event-loop-block is silent at or under the limit, and without loop data', () => {
  assert.equal(eventLoopBlockFinding({ delayMs: { p99: 100, max: 180 }, timeline, profile: { profile, startT: 0 } }, { maxP99Ms: 100 }), null);
  assert.equal(eventLoopBlockFinding(null, { maxP99Ms: 100 }), null);
});

test('event-loop-block without a CPU profile still fires, with no location', () => {
  const f = eventLoopBlockFinding({ delayMs: { p99: 150, max: 160 }, timeline, profile: null }, { maxP99Ms: 100 })!;
  assert.equal(f.location, null);
  assert.equal(f.frames, undefined);
});

test('overlapping blocked windows count each sample once', () => {
  const once = codeInWindows(profile, 0, [{ startT: 2000, endT: 3000 }], { root: ROOT });
  const overlapping = codeInWindows(profile, 0, [{ startT: 2500, endT: 3000 }, { startT: 2000, endT: 2800 }, { startT: 2100, endT: 2200 }], { root: ROOT });
  assert.deepEqual(overlapping, once);
  // two apart: 2000–2100 (blockTheLoop) and 3500–3600 (render)
  const apart = codeInWindows(profile, 0, [{ startT: 3500, endT: 3600 }, { startT: 2000, endT: 2100 }], { root: ROOT });
  assert.deepEqual(apart.culprits.map((c) => [c.name, c.ms]), [['blockTheLoop', 100], ['render', 100]]);
});

test('a delay no single call explains (many short tasks, or the thread waiting for a CPU) is not blamed on a line', () => {
  // 0–2000 ms: render, handle and parse take turns every 5 ms; at 1000 ms render is sampled once and the
  // next sample comes 150 ms later (the thread did not run): capped at 4 sampling intervals, not 150 ms.
  const samples: Array<[number, number]> = [];
  for (let k = 0; k < 2000; k += 15) samples.push(...run(7, 5), ...run(4, 5), ...run(8, 5));
  samples.push(...run(7, 5), [7, 150_000], ...run(4, 5));
  const starved = profileOf(samples);
  const code = codeInWindows(starved, 0, [{ startT: 0, endT: 3000 }], { root: ROOT });
  assert.equal(code.longestRunMs, 9, '5 ms of render, then its 150 ms gap counted as 4 ms; the next sample is another function');
  const f = eventLoopBlockFinding({ delayMs: { p99: 150, max: 150 }, timeline: [{ t: 1000, p99: 150 }, { t: 2500, p99: 150 }], profile: { profile: starved, startT: 0 } }, { maxP99Ms: 100 }, { root: ROOT })!;
  assert.equal(f.severity, 'info');
  assert.equal(f.location, null);
  assert.match(f.message, /^The event loop was delayed: .*but no call of your code ran longer than 9 ms without a break in those windows, so the delay came from the machine/);
  assert.ok(f.frames!.length > 0, 'what ran is still listed');
});
