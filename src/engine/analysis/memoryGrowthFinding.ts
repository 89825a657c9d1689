// The memory-growth finding: heap used after GC kept rising through the run.
// The trend is the line fitted through the heap's troughs (memoryGrowth.ts);
// it fires only when the slope is steep enough AND the line explains enough of
// the variance (r²), so a flat heap that saw-tooths with noise is not a leak.

import type { Finding } from '../runRecord';
import type { AllocationSite } from './allocationSite';
import type { HeapGrowth } from './memoryGrowth';
import { round } from './stats';

export interface MemoryGrowthSettings {
  /** MB per minute of the fitted heap-after-GC line below which growth is not reported. */
  minSlopeMBPerMin: number;
  /** Goodness of fit (0–1) below which the trend is noise, not growth. */
  minR2: number;
}

/** 1 MB/min (60 MB an hour) with a line that explains at least 70% of the variance. */
export const DEFAULT_MEMORY_GROWTH: MemoryGrowthSettings = { minSlopeMBPerMin: 1, minR2: 0.7 };

const MB = 1024 * 1024;

export function slopeMBPerMin(growth: HeapGrowth): number {
  return (growth.slopeBytesPerSec * 60) / MB;
}

export function memoryGrowthFinding(growth: HeapGrowth | null | undefined, settings: MemoryGrowthSettings, site: AllocationSite | null): Finding | null {
  if (!growth) return null;
  const slope = slopeMBPerMin(growth);
  if (!(slope >= settings.minSlopeMBPerMin) || !(growth.r2 >= settings.minR2)) return null;
  const where = site ? `; the top allocation site is ${site.name} (${site.file}:${site.line}, ${site.pct}% of sampled bytes), check what keeps its objects alive` : '';
  return {
    kind: 'memory-growth',
    severity: 'warning',
    message: `Heap used after GC kept rising: ${round(slope, 2)} MB/min (${growth.growthPct}% over the run) on a line fitted through ${growth.points} post-GC troughs with r² ${growth.r2} (limits ${settings.minSlopeMBPerMin} MB/min, r² ${settings.minR2})${where}.`,
    location: site ? { file: site.file, line: site.line, column: site.column } : null,
    evidence: {
      slopeMBPerMin: round(slope, 3),
      growthPct: growth.growthPct,
      r2: growth.r2,
      points: growth.points,
      minSlopeMBPerMin: settings.minSlopeMBPerMin,
      minR2: settings.minR2,
      ...(site ? { allocationSite: site.name, allocationBytes: site.bytes, allocationPct: site.pct } : {}),
    },
  };
}
