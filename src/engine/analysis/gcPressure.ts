// The gc-pressure finding: the service spent too much of its wall time paused
// for garbage collection, or its slow pauses (p99) are long enough to show in
// latency. Points at the top allocation site when the heap profile has one:
// allocating less there is what relieves the collector.

import type { Finding } from '../runRecord';
import type { GcSummary } from './gcStats';
import type { AllocationSite } from './allocationSite';
import { round } from './stats';

export interface GcPressureSettings {
  /** Share of wall time paused for GC, 0–1, above which the finding fires. */
  maxPauseShare: number;
  /** Milliseconds: the 99th percentile GC pause above which the finding fires. */
  maxP99Ms: number;
}

/** 5% of wall time paused, or a p99 pause of 50 ms (a pause that long is a visible latency spike). */
export const DEFAULT_GC_PRESSURE: GcPressureSettings = { maxPauseShare: 0.05, maxP99Ms: 50 };

export function gcPressureFinding(gc: GcSummary | null, settings: GcPressureSettings, site: AllocationSite | null): Finding | null {
  if (!gc || gc.count === 0) return null;
  const share = gc.pauseSharePct / 100;
  const overShare = share > settings.maxPauseShare;
  const overP99 = gc.pauseMs.p99 > settings.maxP99Ms;
  if (!overShare && !overP99) return null;
  const why = [
    overShare ? `${gc.pauseSharePct}% of wall time paused (limit ${round(settings.maxPauseShare * 100, 3)}%)` : null,
    overP99 ? `p99 pause ${gc.pauseMs.p99} ms (limit ${settings.maxP99Ms} ms)` : null,
  ].filter(Boolean).join(', ');
  const major = gc.byKind.major + gc.byKind.incremental;
  const where = site ? `; the top allocation site is ${site.name} (${site.file}:${site.line}, ${site.pct}% of sampled bytes)` : '';
  return {
    kind: 'gc-pressure',
    severity: 'warning',
    message: `GC pressure: ${gc.count} pauses totalling ${gc.totalPauseMs} ms, ${why}; p50 ${gc.pauseMs.p50} ms, p95 ${gc.pauseMs.p95} ms, max ${gc.pauseMs.max} ms, ${gc.byKind.minor} minor and ${major} major${where}.`,
    location: site ? { file: site.file, line: site.line, column: site.column } : null,
    evidence: {
      count: gc.count,
      totalPauseMs: gc.totalPauseMs,
      pauseSharePct: gc.pauseSharePct,
      p50Ms: gc.pauseMs.p50,
      p95Ms: gc.pauseMs.p95,
      p99Ms: gc.pauseMs.p99,
      maxMs: gc.pauseMs.max,
      minor: gc.byKind.minor,
      major: gc.byKind.major,
      incremental: gc.byKind.incremental,
      weakcb: gc.byKind.weakcb,
      maxPauseShare: settings.maxPauseShare,
      maxP99Ms: settings.maxP99Ms,
      ...(site ? { allocationSite: site.name, allocationBytes: site.bytes, allocationPct: site.pct } : {}),
    },
  };
}
