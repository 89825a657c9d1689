// Two builds of `hotpath analyze FILE --json` and 0x on the same profile, by
// hand, for before/after figures: fresh processes under /usr/bin/time -v,
// the order rotated each round, per-round ratios beside the medians.
//
//   node out/bench/analyzeBuilds.js BEFORE_DIST AFTER_DIST [ROUNDS] [FILE]
//
// Without FILE it writes the profile-analysis block's generated 100 MB
// profile to a temporary folder first.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateProfile, measure, type Measured } from './profileAnalysis';

const root = path.resolve(__dirname, '../..');
const [before, after, roundsArg, fileArg] = process.argv.slice(2);
if (!before || !after) {
  process.stderr.write('usage: node out/bench/analyzeBuilds.js BEFORE_DIST AFTER_DIST [ROUNDS] [FILE]\n');
  process.exit(2);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-analyze-builds-'));
const file = fileArg ?? generateProfile(path.join(dir, 'big.cpuprofile'), 100 * 1024 * 1024, 250_000).file;
const node = process.execPath;
const contenders: Array<[string, string[]]> = [
  ['before', [node, path.resolve(before, 'cli.js'), 'analyze', file, '--json']],
  ['after', [node, path.resolve(after, 'cli.js'), 'analyze', file, '--json']],
  ['0x', [node, '--max-old-space-size=16384', path.join(root, 'node_modules/0x/cmd.js'), '--visualize-cpu-profile', file]],
];
const rounds = Number(roundsArg ?? 5);
const runs = new Map<string, Measured[]>(contenders.map(([name]) => [name, []]));
const loads: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < contenders.length; k++) {
    const [name, command] = contenders[(k + r) % contenders.length];
    loads.push(os.loadavg()[0]);
    const m = measure(command, dir);
    runs.get(name)!.push(m);
    process.stdout.write(`round ${r + 1} ${name}: ${m.wallMs.toFixed(0)} ms, ${m.cpuS.toFixed(2)} s CPU, ${m.maxRssMb.toFixed(0)} MB${m.ok ? '' : ` FAILED ${m.note}`}\n`);
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const span = (xs: number[], d: number) => `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})`;
for (const [name, ms] of runs) {
  process.stdout.write(`${name}: wall ms ${span(ms.map((m) => m.wallMs), 0)}, CPU s ${span(ms.map((m) => m.cpuS), 2)}, peak RSS MB ${span(ms.map((m) => m.maxRssMb), 0)}\n`);
}
const ratios = (a: string, b: string, key: 'cpuS' | 'wallMs') => runs.get(a)!.map((m, i) => (m[key] / runs.get(b)![i][key]).toFixed(2)).join(' ');
process.stdout.write(`per round after/before CPU: ${ratios('after', 'before', 'cpuS')}; wall: ${ratios('after', 'before', 'wallMs')}\n`);
process.stdout.write(`per round 0x/after CPU: ${ratios('0x', 'after', 'cpuS')}; wall: ${ratios('0x', 'after', 'wallMs')}\n`);
process.stdout.write(`load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}\n`);
fs.rmSync(dir, { recursive: true, force: true });
