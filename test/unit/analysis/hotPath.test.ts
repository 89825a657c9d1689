import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findHotPath, hotPathFinding } from '../../../src/engine/analysis/hotPath';
import { profileOf, ROOT, run } from './findingProfiles';

test('hot path: root down to the user function with the most self time, library frames shown but not ranked', () => {
  // serve (library) has the most self time (50 ms), parse (Node) 40 ms; among the user's code
  // render has 30 ms self, blockTheLoop 20 ms self + 25 ms in sqrt below it, handle 5 ms.
  const profile = profileOf([...run(3, 50), ...run(8, 40), ...run(7, 30), ...run(5, 20), ...run(6, 25), ...run(4, 5), ...run(2, 100)]);
  const hot = findHotPath(profile, { root: ROOT })!;
  assert.equal(hot.hottest.name, 'render');
  assert.deepEqual([hot.hottest.file, hot.hottest.line, hot.hottest.column], ['server.js', 30, 5]);
  // busy = 170 ms (idle left out)
  assert.equal(hot.hottest.selfMs, 30);
  assert.equal(hot.hottest.selfPct, round(30 / 170));
  assert.deepEqual(
    hot.frames.map((f) => [f.name, f.category, f.file, f.line, f.ms, f.pct]),
    [
      ['serve', 'library', 'node_modules/fw/index.js', 100, 130, round(130 / 170)],
      ['handle', 'user', 'server.js', 10, 80, round(80 / 170)],
      ['render', 'user', 'server.js', 30, 30, round(30 / 170)],
    ],
  );
  const finding = hotPathFinding(hot)!;
  assert.equal(finding.kind, 'hot-path');
  assert.deepEqual(finding.location, { file: 'server.js', line: 30, column: 5 });
  assert.match(finding.message, /^render is the hottest function in your code: 17\.65% of busy CPU time in itself, 17\.65% including what it calls, reached by the hot path serve → handle → render\.$/);
  assert.equal(finding.frames!.length, 3);
});

test('hot path: a user function whose time is mostly in a native callee still ranks by its own self time', () => {
  const profile = profileOf([...run(7, 10), ...run(5, 20), ...run(6, 60)]);
  const hot = findHotPath(profile, { root: ROOT })!;
  assert.equal(hot.hottest.name, 'blockTheLoop');
  assert.equal(hot.hottest.totalMs, 80);
  assert.deepEqual(hot.frames.map((f) => f.name), ['serve', 'handle', 'blockTheLoop']);
});

test('hot path: none when no user code ran, or the profile is all idle', () => {
  assert.equal(findHotPath(profileOf([...run(3, 10), ...run(8, 10), ...run(2, 10)]), { root: ROOT }), null);
  assert.equal(findHotPath(profileOf(run(2, 10)), { root: ROOT }), null);
  assert.equal(hotPathFinding(null), null);
});

function round(x: number): number {
  return Math.round(x * 10000) / 100;
}
