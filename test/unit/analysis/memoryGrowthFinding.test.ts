import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heapGrowth, MemorySample } from '../../../src/engine/analysis/memoryGrowth';
import { DEFAULT_MEMORY_GROWTH, memoryGrowthFinding, slopeMBPerMin } from '../../../src/engine/analysis/memoryGrowthFinding';

const MB = 1024 * 1024;
const site = { name: 'keepForever', file: 'server.js', line: 21, column: 3, bytes: 1 << 20, pct: 88 };

/** 4 samples a second for `sec` seconds: a baseline that moves `perSec` bytes a second, a GC saw-tooth on top, optional noise. */
function heap(sec: number, perSec: number, noise: (i: number) => number = () => 0): MemorySample[] {
  return Array.from({ length: sec * 4 }, (_, i) => {
    const t = i * 250;
    const heapUsed = Math.round(40 * MB + (perSec * t) / 1000 + (i % 4) * 3 * MB + noise(i));
    return { t, heapUsed, heapTotal: 80 * MB, rss: 120 * MB, external: 0 };
  });
}

/** A fixed pseudo-random sequence, so the noise case is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('memory-growth fires on a steady rise of heap used after GC, with its slope and fit', () => {
  // 0.5 MB a second = 30 MB/min
  const growth = heapGrowth(heap(20, 0.5 * MB))!;
  assert.ok(Math.abs(slopeMBPerMin(growth) - 30) < 0.01, `${slopeMBPerMin(growth)}`);
  assert.equal(growth.r2, 1);
  const f = memoryGrowthFinding(growth, DEFAULT_MEMORY_GROWTH, site)!;
  assert.equal(f.kind, 'memory-growth');
  assert.deepEqual(f.location, { file: 'server.js', line: 21, column: 3 });
  assert.equal(f.evidence!.slopeMBPerMin, 30);
  assert.equal(f.evidence!.r2, 1);
  assert.match(f.message, /^Heap used after GC kept rising: 30 MB\/min \(\d+(\.\d+)?% over the run\) on a line fitted through 20 post-GC troughs with r² 1 \(limits 1 MB\/min, r² 0\.7\); the top allocation site is keepForever \(server\.js:21, 88% of sampled bytes\)/);
});

test('memory-growth: a flat heap with GC noise is not called growth', () => {
  const rand = lcg(42);
  // flat baseline; every sample ±4 MB of noise, far more than any trend
  const growth = heapGrowth(heap(20, 0, () => (rand() - 0.5) * 8 * MB))!;
  assert.ok(growth.r2 < DEFAULT_MEMORY_GROWTH.minR2, `r² ${growth.r2}`);
  assert.equal(memoryGrowthFinding(growth, DEFAULT_MEMORY_GROWTH, site), null);
});

test('memory-growth: a perfect but slow line is under the slope limit; a falling heap never fires', () => {
  // 0.5 MB/min: a perfect fit, under 1 MB/min
  const slow = heapGrowth(heap(60, MB / 120))!;
  assert.ok(slow.r2 > 0.99);
  assert.equal(memoryGrowthFinding(slow, DEFAULT_MEMORY_GROWTH, null), null);
  assert.ok(memoryGrowthFinding(slow, { minSlopeMBPerMin: 0.25, minR2: 0.7 }, null));
  assert.equal(memoryGrowthFinding(heapGrowth(heap(20, -0.5 * MB)), DEFAULT_MEMORY_GROWTH, null), null);
  assert.equal(memoryGrowthFinding(null, DEFAULT_MEMORY_GROWTH, null), null);
});
