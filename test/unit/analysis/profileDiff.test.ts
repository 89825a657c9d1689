import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { CpuProfile } from '../../../src/engine/cpu/cpuProfile';
import { analyzeCpuProfile } from '../../../src/engine/cpu/cpuProfileModel';
import { diffProfiles, inferRoot, mergeProfileTrees, type MergedNode } from '../../../src/engine/analysis/profileDiff';

const repoRoot = process.env.HOTPATH_REPO_ROOT ?? path.resolve(__dirname, '../../../..');
const runDir = path.join(repoRoot, 'test', 'fixtures', 'runs', '20261123-182721-cf6277');
const recorded = JSON.parse(fs.readFileSync(path.join(runDir, 'cpu.cpuprofile'), 'utf8')) as CpuProfile;

/**
 * root → main → (fast, slow); each sample lasts 1 ms. `slowSamples` sets how
 * many samples land in `slow`, with its ticks on line 21.
 */
function profile(slowSamples: number, root = '/ws'): CpuProfile {
  const frame = (id: number, functionName: string, lineNumber: number, children: number[] = [], url = `file://${root}/src/app.js`) => ({
    id,
    callFrame: { functionName, scriptId: '1', url, lineNumber, columnNumber: 0 },
    children,
  });
  const nodes = [
    { ...frame(1, '(root)', -1, [2, 5], ''), callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 } },
    frame(2, 'main', 0, [3, 4]),
    { ...frame(3, 'fast', 9), positionTicks: [{ line: 11, ticks: 10 }] },
    { ...frame(4, 'slow', 19), positionTicks: [{ line: 21, ticks: slowSamples }] },
    { id: 5, callFrame: { functionName: '(idle)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 } },
  ];
  const samples = [...Array(10).fill(3), ...Array(slowSamples).fill(4), ...Array(5).fill(5)];
  return { nodes, startTime: 0, endTime: (samples.length + 1) * 1000, samples, timeDeltas: samples.map(() => 1000) };
}

test('per-function and per-line self-time change, in ms and in share of busy time', () => {
  const d = diffProfiles(profile(10), profile(30, '/other/checkout'), { baseRoot: '/ws', currentRoot: '/other/checkout' });
  assert.deepEqual(d.base, { busyMs: 20, durationMs: 25 });
  assert.deepEqual(d.current, { busyMs: 40, durationMs: 45 });
  const slow = d.functions.find((f) => f.name === 'slow')!;
  assert.deepEqual(
    { file: slow.file, line: slow.line, base: slow.baseSelfMs, cur: slow.currentSelfMs, dMs: slow.deltaMs, basePct: slow.baseSelfPct, curPct: slow.currentSelfPct, dPct: slow.deltaPct },
    { file: 'src/app.js', line: 20, base: 10, cur: 30, dMs: 20, basePct: 50, curPct: 75, dPct: 25 },
    'two checkouts line up by their roots',
  );
  assert.equal(d.functions[0].name, 'slow', 'largest change first');
  const fast = d.functions.find((f) => f.name === 'fast')!;
  assert.deepEqual([fast.deltaMs, fast.deltaPct], [0, -25]);
  const line21 = d.lines.find((l) => l.line === 21)!;
  assert.deepEqual([line21.file, line21.baseSelfMs, line21.currentSelfMs, line21.deltaPct], ['src/app.js', 10, 30, 25]);
  assert.ok(!d.functions.some((f) => f.name === '(idle)' || f.name === '(root)'), 'idle and root are not functions');
});

test('a function only in one run shows with zero on the other side', () => {
  const only = profile(10);
  only.nodes[3].callFrame.functionName = 'renamed';
  const d = diffProfiles(profile(10), only, { baseRoot: '/ws', currentRoot: '/ws' });
  const gone = d.functions.find((f) => f.name === 'slow')!;
  const added = d.functions.find((f) => f.name === 'renamed')!;
  assert.deepEqual([gone.baseSelfMs, gone.currentSelfMs], [10, 0]);
  assert.deepEqual([added.baseSelfMs, added.currentSelfMs], [0, 10]);
});

test('a recorded profile diffed with itself: no change, and self times agree with the CPU model', () => {
  const d = diffProfiles(recorded, recorded, { top: 1000 });
  assert.ok(d.functions.every((f) => f.deltaMs === 0 && f.deltaPct === 0));
  const model = analyzeCpuProfile(recorded, { topFunctions: 1000 });
  assert.equal(d.base.busyMs, model.busyMs);
  for (const f of model.hotFunctions.slice(0, 10)) {
    const match = d.functions.find((x) => x.name === f.name && x.line === f.line && x.file === f.file);
    assert.ok(match, `${f.name} ${f.file}:${f.line}`);
    assert.ok(Math.abs(match.baseSelfMs - f.selfMs) < 0.02, `${f.name}: ${match.baseSelfMs} vs ${f.selfMs}`);
  }
});

test('merged tree: both runs per node, totals are self plus children', () => {
  const tree = mergeProfileTrees(profile(10), profile(30), { baseRoot: '/ws', currentRoot: '/ws' });
  assert.equal(tree.name, '(root)');
  const main = tree.children.find((c) => c.name === 'main')!;
  assert.deepEqual([main.baseTotalMs, main.currentTotalMs], [20, 40]);
  const slow = main.children.find((c) => c.name === 'slow')!;
  assert.deepEqual([slow.baseSelfMs, slow.currentSelfMs, slow.file, slow.line], [10, 30, 'src/app.js', 20]);
  assert.deepEqual([tree.baseTotalMs, tree.currentTotalMs], [25, 45]);

  const self = mergeProfileTrees(recorded, recorded);
  const check = (n: MergedNode): void => {
    assert.equal(n.baseSelfMs, n.currentSelfMs);
    const sum = n.baseSelfMs + n.children.reduce((s, c) => s + c.baseTotalMs, 0);
    assert.ok(Math.abs(sum - n.baseTotalMs) < 0.01 * Math.max(1, n.children.length), `${n.name}: ${sum} vs ${n.baseTotalMs}`);
    n.children.forEach(check);
  };
  check(self);
  const totalSelf = recorded.timeDeltas.length ? analyzeCpuProfile(recorded).durationMs : 0;
  assert.ok(Math.abs(self.baseTotalMs - totalSelf) < 0.05, `root total ${self.baseTotalMs} vs duration ${totalSelf}`);
});

test('the workspace root is found from the relative paths run.json reports', () => {
  const run = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  const root = inferRoot(recorded, run.cpu.hotFunctions.map((f: { file: string }) => f.file));
  assert.ok(root && !root.endsWith('/src'), `root ${root}`);
  assert.equal(inferRoot(profile(1), ['src/app.js']), '/ws');
  assert.equal(inferRoot(profile(1), ['node:internal/x', '/abs/path.js']), undefined);
});
