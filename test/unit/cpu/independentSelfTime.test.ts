// Hotpath's self time per function, checked against a calculation written
// here in the plainest way on a profile Hotpath did not produce (plain
// `node --cpu-prof` of a small script): each sample is given the time until
// the next sample (the last one: until endTime), summed per function name.
// Agreement within 0.1 ms (stricter than 1% of the total or 1 ms): a sample
// given its own delta instead of the next one would miss by more.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { CpuProfile } from '../../../src/engine/cpu/cpuProfile';
import { analyzeCpuProfileFile } from '../../../src/engine/cpu/profileFile';
import { recordScript, repoRoot, scratchDir } from './recordProfile';

let dir: string;
let file: string;

before(async () => {
  dir = scratchDir('hotpath-independent-');
  file = await recordScript(path.join(repoRoot, 'test/fixtures/profiles/spin.js'), dir);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function independentSelfMs(p: CpuProfile): Map<string, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let time = p.startTime;
  const stamps: number[] = [];
  for (const d of p.timeDeltas) stamps.push((time += d));
  for (let i = 0; i < p.samples.length; i++) {
    const until = i + 1 < p.samples.length ? stamps[i + 1] : p.endTime;
    const name = byId.get(p.samples[i])!.callFrame.functionName;
    selfUs.set(name, (selfUs.get(name) ?? 0) + Math.max(0, until - stamps[i]));
  }
  return new Map([...selfUs].map(([k, v]) => [k, v / 1000]));
}

test('self time per function agrees with an independent sum of samples × time deltas', async () => {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const expected = independentSelfMs(profile);
  const totalMs = [...expected.values()].reduce((a, b) => a + b, 0);
  const summary = await analyzeCpuProfileFile(file, { worker: true, topFunctions: 1000 });
  for (const name of ['spin', 'hot', 'warm', 'inner', 'outer']) {
    const ours = summary.hotFunctions.filter((f) => f.name === name && f.file.endsWith('spin.js')).reduce((s, f) => s + f.selfMs, 0);
    const theirs = expected.get(name) ?? 0;
    assert.ok(Math.abs(ours - theirs) <= Math.min(1, totalMs * 0.01, 0.1), `${name}: Hotpath ${ours} ms, independent ${theirs} ms`);
  }
  // The spinning itself is where the time went: spin() holds most of the busy time.
  const spin = summary.hotFunctions.find((f) => f.name === 'spin')!;
  assert.ok(spin.selfPct > 50, `spin() ${spin.selfPct}% self`);
  // Total time: hot() runs three times as long as warm(); both only through spin().
  const total = (name: string) => summary.hotFunctions.find((f) => f.name === name)!.totalMs;
  assert.ok(total('hot') > total('warm') * 1.5, `hot ${total('hot')} ms, warm ${total('warm')} ms total`);
  assert.ok(total('outer') >= total('inner'), 'outer contains inner');
});
