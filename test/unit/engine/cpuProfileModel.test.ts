import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CpuProfile, ProfileNode } from '../../../src/engine/cpu/cpuProfile';
import { analyzeCpuProfile, categorize } from '../../../src/engine/cpu/cpuProfileModel';
import { mergeProfiles, ProfileAccumulator } from '../../../src/engine/cpu/mergeProfiles';

const frame = (functionName: string, url = 'file:///app/src/server.js', lineNumber = 0) => ({ functionName, scriptId: '1', url, lineNumber, columnNumber: 4 });

function node(id: number, name: string, children: number[] = [], extra: Partial<ProfileNode> = {}, url?: string, line = 0): ProfileNode {
  return { id, callFrame: frame(name, url ?? (name.startsWith('(') ? '' : 'file:///app/src/server.js'), line), children, ...extra };
}

// root → main → a → c, main → b; samples of 1 ms each.
const profile: CpuProfile = {
  nodes: [
    node(1, '(root)', [2, 6]),
    node(2, 'main', [3, 4], {}, undefined, 9),
    node(3, 'a', [5], { positionTicks: [{ line: 21, ticks: 3 }, { line: 22, ticks: 1 }] }, undefined, 19),
    node(4, 'b', [], {}, 'file:///app/node_modules/lib/index.js', 2),
    node(5, 'c', [], {}, 'node:internal/timers', 5),
    node(6, '(idle)'),
  ],
  startTime: 0,
  endTime: 7000,
  samples: [3, 3, 5, 4, 2, 6],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
};

test('self and total time per function, as percentages of busy time', () => {
  const s = analyzeCpuProfile(profile, { root: '/app' });
  const byName = Object.fromEntries(s.hotFunctions.map((f) => [f.name, f]));
  assert.equal(s.durationMs, 6);
  assert.equal(s.busyMs, 5);
  assert.equal(s.buckets.idle, 1);
  assert.deepEqual([byName.a.selfMs, byName.a.totalMs], [2, 3]);
  assert.deepEqual([byName.main.selfMs, byName.main.totalMs], [1, 5]);
  assert.equal(byName.main.totalPct, 100);
  assert.equal(byName.a.selfPct, 40);
  assert.equal(byName.a.file, 'src/server.js');
  assert.equal(byName.a.line, 20); // 0-based lineNumber 19 → 1-based
  assert.equal(byName.a.category, 'user');
  assert.equal(byName.b.category, 'library');
  assert.equal(byName.c.category, 'node');
  assert.equal(s.hotFunctions[0].name, 'a');
  assert.ok(!s.hotFunctions.some((f) => f.name === '(idle)' || f.name === '(root)'));
});

test('per-line self time splits a node by its position ticks', () => {
  const s = analyzeCpuProfile(profile, { root: '/app' });
  const l21 = s.hotLines.find((l) => l.line === 21)!;
  const l22 = s.hotLines.find((l) => l.line === 22)!;
  assert.equal(l21.selfMs, 1.5);
  assert.equal(l22.selfMs, 0.5);
  assert.equal(l21.file, 'src/server.js');
});

test('recursion is not counted twice in total time', () => {
  const rec: CpuProfile = {
    nodes: [node(1, '(root)', [2]), node(2, 'f', [3], {}, undefined, 1), node(3, 'f', [4], {}, undefined, 1), node(4, 'g', [], {}, undefined, 7)],
    startTime: 0,
    endTime: 3000,
    samples: [4, 3, 2],
    timeDeltas: [0, 1000, 1000],
  };
  const f = analyzeCpuProfile(rec).hotFunctions.find((x) => x.name === 'f')!;
  assert.equal(f.totalMs, 3);
  assert.equal(f.selfMs, 2);
});

test('merging slices keeps every sample, adds hit counts and ticks, and reuses identical paths', () => {
  const slice = (offset: number, idShift: number): CpuProfile => ({
    nodes: [
      node(1 + idShift, '(root)', [2 + idShift]),
      node(2 + idShift, 'main', [3 + idShift], { hitCount: 1 }),
      node(3 + idShift, 'a', [], { hitCount: 2, positionTicks: [{ line: 5, ticks: 2 }] }),
    ],
    startTime: offset,
    endTime: offset + 3000,
    samples: [3 + idShift, 3 + idShift, 2 + idShift],
    timeDeltas: [1000, 1000, 1000],
  });
  const merged = mergeProfiles([slice(0, 0), slice(3005, 100)]);
  assert.equal(merged.nodes.length, 3);
  assert.equal(merged.samples.length, 6);
  assert.equal(merged.timeDeltas.length, 6);
  assert.equal(merged.startTime, 0);
  assert.equal(merged.endTime, 6005);
  const a = merged.nodes.find((n) => n.callFrame.functionName === 'a')!;
  assert.equal(a.hitCount, 4);
  assert.deepEqual(a.positionTicks, [{ line: 5, ticks: 4 }]);
  // The first sample of the second slice sits at its real time: 3005 + 1000.
  const stamps = merged.timeDeltas.reduce<number[]>((acc, d) => [...acc, (acc.at(-1) ?? merged.startTime) + d], []);
  assert.equal(stamps[3], 4005);
  const s = analyzeCpuProfile(merged);
  assert.equal(s.hotFunctions.find((f) => f.name === 'a')!.selfMs, 4 + 0); // 4 samples of a, 1 ms each
});

test('slices merged one at a time as they arrive equal the merge of them all; without samples only the tree is kept', () => {
  const slice = (offset: number, idShift: number, hot: string): CpuProfile => ({
    nodes: [
      node(1 + idShift, '(root)', [2 + idShift]),
      node(2 + idShift, 'main', [3 + idShift], { hitCount: 1 }),
      node(3 + idShift, hot, [], { hitCount: 2, positionTicks: [{ line: 7, ticks: 2 }] }),
    ],
    startTime: offset,
    endTime: offset + 3000,
    samples: [3 + idShift, 2 + idShift, 3 + idShift],
    timeDeltas: [1000, 1000, 1000],
  });
  // More than the accumulator's first typed-array capacity (4096 samples), so growth is exercised too.
  const slices = Array.from({ length: 1500 }, (_, i) => slice(i * 3005, i * 10, i % 3 === 0 ? 'a' : 'b'));
  const all = mergeProfiles(slices);
  const acc = new ProfileAccumulator();
  const tree = new ProfileAccumulator({ samples: false });
  for (const s of slices) {
    acc.add(s);
    tree.add(s);
  }
  assert.equal(acc.sliceCount, 1500);
  assert.deepEqual(acc.profile(), all);
  assert.equal(all.samples.length, 4500);
  const treeOnly = tree.profile();
  assert.deepEqual(treeOnly.nodes, all.nodes);
  assert.deepEqual(treeOnly.samples, []);
  assert.equal(all.nodes.find((n) => n.callFrame.functionName === 'a')!.hitCount, 1000);
  assert.throws(() => new ProfileAccumulator().profile(), /No profile slices/);
});

test('categories follow the frame url', () => {
  assert.equal(categorize(node(1, '(garbage collector)')), 'gc');
  assert.equal(categorize(node(1, '(program)')), 'program');
  assert.equal(categorize(node(1, 'JSON.parse', [], {}, '')), 'native');
  assert.equal(categorize(node(1, 'x', [], {}, 'node:fs')), 'node');
  assert.equal(categorize(node(1, 'x', [], {}, 'file:///a/node_modules/x.js')), 'library');
  assert.equal(categorize(node(1, 'x', [], {}, '/home/me/app.js')), 'user');
});

test('a file that is not a CPU profile is rejected with a reason', () => {
  assert.throws(() => analyzeCpuProfile({} as CpuProfile), /not a CPU profile/);
});
