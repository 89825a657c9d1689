// The columns the host sends the flame graph: the same trees as from the raw
// profile (also when nodes are not parents first, ids are sparse, or one URL
// has two script ids), a run-time check that rejects out-of-range indices, and
// a first-paint tree whose frames sit exactly where the complete tree has them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawCpuProfile } from '../../../src/protocol/flame';
import { encodeFlameColumns, flameColumnBuffers, isFlameColumns } from '../../../src/protocol/flameColumns';
import { buildFlameTree, buildInStages, type FlameTree } from '../../../webviews/flame/flameModel';
import { largeProfile, profileFromStacks } from './flameProfiles';

const specs = { main: { url: 'file:///app/src/main.js', line: 1 }, work: { url: 'file:///app/src/work.js', line: 7 }, lib: { url: 'file:///app/node_modules/x/i.js', line: 3 } };
const small = profileFromStacks(
  [['main', 'work'], ['main', 'work'], ['main', 'lib'], ['(garbage collector)'], ['(idle)'], ['main', 'work', 'lib']],
  specs,
);

function shape(t: FlameTree) {
  return t.levels.map((l) => Array.from({ length: l.count }, (_, i) => `${t.frames[l.frame[i]].name}@${l.start[i]}+${l.width[i]}/${l.self[i]}`));
}

test('columns give the same trees as the raw profile, in both layouts', () => {
  for (const p of [small, largeProfile(3000)]) {
    const c = encodeFlameColumns(p);
    assert.ok(isFlameColumns(c));
    for (const layout of ['leftHeavy', 'timeOrder'] as const) assert.deepEqual(shape(buildFlameTree(c, layout)), shape(buildFlameTree(p, layout)));
  }
  const lh = buildFlameTree(small, 'leftHeavy');
  assert.deepEqual(shape(lh)[1], ['main@0+4000/0', '(garbage collector)@4000+1000/1000']);
  assert.equal(lh.frames.find((f) => f.name === 'lib')!.kind, 'library');
  assert.equal(lh.frames.find((f) => f.name === 'work')!.file, '/app/src/work.js');
});

test('nodes out of order, sparse ids and one URL under two script ids encode to the same frames', () => {
  const shuffled: RawCpuProfile = JSON.parse(JSON.stringify(small));
  const offset = (id: number) => id * 10 + 5;
  for (const n of shuffled.nodes) {
    n.id = offset(n.id);
    n.children = (n.children ?? []).map(offset);
    (n.callFrame as { scriptId?: string }).scriptId = String(n.id % 3);
  }
  shuffled.nodes.reverse();
  shuffled.samples = shuffled.samples!.map(offset);
  assert.deepEqual(shape(buildFlameTree(shuffled, 'leftHeavy')), shape(buildFlameTree(small, 'leftHeavy')));
  assert.deepEqual(shape(buildFlameTree(shuffled, 'timeOrder')), shape(buildFlameTree(small, 'timeOrder')));
  const c = encodeFlameColumns(shuffled);
  assert.equal(new Set(c.frameName).size, c.frameName.length, 'one frame per (name, file, line)');
  for (let i = 0; i < c.nodeParent.length; i++) assert.ok(c.nodeParent[i] < i);
});

test('the run-time check rejects wrong types and indices out of range', () => {
  const ok = encodeFlameColumns(small);
  assert.equal(isFlameColumns({ ...ok, nodeParent: Array.from(ok.nodeParent) }), false);
  const badParent = { ...ok, nodeParent: Int32Array.from(ok.nodeParent) };
  badParent.nodeParent[1] = 5;
  assert.equal(isFlameColumns(badParent), false);
  const badFrame = { ...ok, nodeFrame: Int32Array.from(ok.nodeFrame) };
  badFrame.nodeFrame[1] = ok.frameName.length;
  assert.equal(isFlameColumns(badFrame), false);
  const badSample = { ...ok, sampleNode: Int32Array.from(ok.sampleNode) };
  badSample.sampleNode[0] = ok.nodeParent.length;
  assert.equal(isFlameColumns(badSample), false);
  assert.equal(isFlameColumns({ ...ok, frameName: [...ok.frameName.slice(1), 7] }), false);
  assert.equal(flameColumnBuffers(ok).length, 7);
});

test('the first-paint tree keeps frames of at least the minimum width, each where the complete tree has it', () => {
  const p = largeProfile(20_000);
  const stages = buildInStages(p, 'leftHeavy', (total) => total / 2000);
  const first = stages.first;
  const full = stages.finish();
  assert.equal(first.complete, false);
  assert.equal(full.complete, true);
  assert.equal(first.nodeCount, full.nodeCount);
  assert.equal(first.totalUs, full.totalUs);
  const min = full.totalUs / 2000;
  let kept = 0;
  let wide = 0;
  full.levels.forEach((l, d) => {
    const at = new Map<number, string>();
    for (let i = 0; i < first.levels[d]?.count; i++) at.set(first.levels[d].start[i], `${first.levels[d].frame[i]}/${first.levels[d].width[i]}`);
    for (let i = 0; i < l.count; i++) {
      if (l.width[i] < min) continue;
      wide++;
      if (at.get(l.start[i]) === `${l.frame[i]}/${l.width[i]}`) kept++;
    }
  });
  assert.ok(wide > 10 && kept === wide, `${kept} of ${wide} wide frames in place`);
  const laidOut = (t: FlameTree) => t.levels.reduce((s, l) => s + l.count, 0);
  assert.ok(laidOut(first) === wide && laidOut(first) < laidOut(full), `${laidOut(first)} laid out first, ${laidOut(full)} in all`);
  assert.equal(buildInStages(p, 'leftHeavy', () => 0).first.complete, true);
});
