// Heap growth over a run. Heap used saw-tooths with every GC, so the growth is
// judged on the troughs (heap used right after collections: the lowest sample
// of each window), fitted with a line. The slope is reported with its r², so a
// noisy flat heap is not called a leak.

import { linearFit, round } from './stats';

export interface MemorySample {
  t: number;
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
}

export interface HeapGrowth {
  /** Growth of the fitted baseline over the run, percent of its start value. */
  growthPct: number;
  /** Bytes per second of the fitted baseline. */
  slopeBytesPerSec: number;
  r2: number;
  /** Troughs the fit used. */
  points: number;
}

export function heapGrowth(samples: MemorySample[], windows = 20): HeapGrowth | null {
  if (samples.length < 8) return null;
  const t0 = samples[0].t;
  const span = samples[samples.length - 1].t - t0;
  if (span <= 0) return null;
  const width = span / windows;
  const troughs = new Map<number, MemorySample>();
  for (const s of samples) {
    const w = Math.min(windows - 1, Math.floor((s.t - t0) / width));
    const cur = troughs.get(w);
    if (!cur || s.heapUsed < cur.heapUsed) troughs.set(w, s);
  }
  const points = [...troughs.values()].sort((a, b) => a.t - b.t);
  const fit = linearFit(
    points.map((p) => p.t / 1000),
    points.map((p) => p.heapUsed),
  );
  if (!fit) return null;
  const start = fit.intercept + fit.slope * (points[0].t / 1000);
  const end = fit.intercept + fit.slope * (points[points.length - 1].t / 1000);
  return {
    // A heap that starts near empty can put the fitted start at or below zero: the first trough measured is the base then.
    growthPct: start > 0 ? round(((end - start) / start) * 100) : points[0].heapUsed > 0 ? round(((end - start) / points[0].heapUsed) * 100) : 0,
    slopeBytesPerSec: round(fit.slope, 0),
    r2: round(fit.r2, 3),
    points: points.length,
  };
}

/** Keeps at most `max` samples, evenly spaced, always with the first and last. */
export function downsample<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const out: T[] = [];
  const step = (items.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(items[Math.round(i * step)]);
  return out;
}
