// The hot lines of the summary (merged per distinct URL in typed arrays, top
// lines picked without sorting them all) against the straightforward merge by
// "file:line" string keys and a stable sort of every line, on random lines
// with ties, source-mapped files, URLs that read as the same path and the
// probe's own lines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HotLine } from '../../../src/engine/cpu/cpuProfileModel';
import { displayPath } from '../../../src/engine/cpu/frameCategory';
import type { ProfileAggregate } from '../../../src/engine/cpu/profileAggregate';
import { summarizeAggregate } from '../../../src/engine/cpu/profileSummary';
import type { OriginalPosition, SourceMapResolver } from '../../../src/engine/sourceMaps';
import { seededRandom } from '../../seededRandom';

const round = (x: number) => Math.round(x * 100) / 100;

/** bundle.js maps its lines to two TypeScript files; the rest have no map. */
const original = (url: string, line: number): OriginalPosition | null => (url.endsWith('/bundle.js') && line % 3 !== 0 ? { file: line % 2 ? '/w/src/a.ts' : '/w/src/b.ts', line: Math.ceil(line / 4), column: 1 } : null);
const sourceMaps = {
  resolve: (url: string, line: number) => original(url, line),
  mapFor: (url: string) => (url.endsWith('/bundle.js') ? (line: number) => original(url, line) : null),
} as unknown as SourceMapResolver;

function reference(agg: ProfileAggregate, busyUs: number, top: number, probe: string): HotLine[] {
  const lines = new Map<string, { file: string; line: number; us: number }>();
  const { urls, url, line, us } = agg.lines;
  for (let i = 0; i < url.length; i++) {
    const u = urls[url[i]];
    if (u === `file://${probe}`) continue;
    const o = sourceMaps.resolve(u, line[i], 1);
    const file = displayPath(o?.file ?? u, '/w');
    const l = o?.line ?? line[i];
    const key = `${file}:${l}`;
    let e = lines.get(key);
    if (!e) lines.set(key, (e = { file, line: l, us: 0 }));
    e.us += us[i];
  }
  return [...lines.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((l) => ({ file: l.file, line: l.line, selfMs: round(l.us / 1000), selfPct: round((l.us / busyUs) * 100) }));
}

test('hot lines equal the merge by string keys and a stable sort of all lines', () => {
  const urls = ['file:///w/src/x.js', 'file:///w/dist/bundle.js', '/w/src/x.js', 'node:internal/timers', 'file:///w/probe.js', 'file:///w/a%20b.js', 'file:///elsewhere/y.js'];
  for (let seed = 1; seed <= 30; seed++) {
    const rnd = seededRandom(seed);
    const n = 1 + Math.floor(rnd() * 400);
    const url = new Int32Array(n);
    const line = new Float64Array(n);
    const us = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      url[i] = Math.floor(rnd() * urls.length);
      line[i] = 1 + Math.floor(rnd() * 40);
      // Few distinct times: many ties, which must keep the order of first appearance.
      us[i] = rnd() < 0.5 ? 1000 * (1 + Math.floor(rnd() * 4)) : rnd() * 5000;
    }
    const agg: ProfileAggregate = { sampleCount: n, functions: [{ functionName: 'f', url: urls[0], lineNumber: 0, columnNumber: 0, selfUs: 1e6, totalUs: 1e6 }], lines: { urls, url, line, us } };
    for (const top of [1, 5, 100, 1000]) {
      const got = summarizeAggregate(agg, { root: '/w', sourceMaps, topLines: top, instrumentationFiles: ['/w/probe.js'] }).hotLines;
      assert.deepEqual(got, reference(agg, 1e6, top, '/w/probe.js'), `seed ${seed}, top ${top}`);
    }
  }
});
