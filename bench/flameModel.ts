// Micro-benchmark of the flame graph model alone (no browser): buildFlameTree
// on a deterministic 200,000-node random profile, the same one the webview
// test paints, handed through JSON as the webview receives it; and on a saved
// demo run's profile when given as an argument. Prints median and minimum of
// several rounds; the figures depend on the machine and its load, so nothing
// here asserts a time.
//
//   npm run compile-tests && node out/bench/flameModel.js [file.cpuprofile] [rounds]

import * as fs from 'node:fs';
import type { RawCpuProfile } from '../src/protocol/flame';
import { buildFlameTree, type Layout } from '../webviews/flame/flameModel';
import { largeProfile } from '../test/unit/webviews/flameProfiles';

function measure(label: string, profile: RawCpuProfile, layout: Layout, rounds: number): void {
  const times: number[] = [];
  let frames = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const tree = buildFlameTree(profile, layout);
    times.push(performance.now() - t0);
    frames = tree.nodeCount;
  }
  times.sort((a, b) => a - b);
  console.log(`${label} ${layout}: median ${times[times.length >> 1].toFixed(1)} ms, min ${times[0].toFixed(1)} ms over ${rounds} rounds; ${frames} frames`);
}

const file = process.argv[2];
const rounds = Number(process.argv[3] ?? 7);
const random = JSON.parse(JSON.stringify(largeProfile(200_000))) as RawCpuProfile;
measure('random 200,000 nodes', random, 'leftHeavy', rounds);
if (file) {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as RawCpuProfile;
  const label = `${file} (${saved.nodes.length} nodes)`;
  measure(label, saved, 'leftHeavy', rounds);
  measure(label, saved, 'timeOrder', rounds);
}
