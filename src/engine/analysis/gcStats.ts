// GC figures for run.json `gc`: count, pauses, by kind, share of wall time.

import type { GcKind } from '../probe/probeMessages';
import { percentile, round } from './stats';

export interface GcPause {
  kind: GcKind;
  durationMs: number;
  /** ms since the run's start */
  t: number;
}

export interface GcSummary {
  count: number;
  totalPauseMs: number;
  pauseMs: { p50: number; p95: number; p99: number; max: number };
  byKind: Record<'minor' | 'major' | 'incremental' | 'weakcb', number>;
  pauseMsByKind: Record<'minor' | 'major' | 'incremental' | 'weakcb', number>;
  /** Share of the observed wall time spent in GC pauses, percent. */
  pauseSharePct: number;
  observedMs: number;
}

export function summarizeGc(pauses: GcPause[], observedMs: number): GcSummary {
  const durations = Float64Array.from(pauses.map((p) => p.durationMs)).sort();
  const byKind = { minor: 0, major: 0, incremental: 0, weakcb: 0 };
  const pauseMsByKind = { minor: 0, major: 0, incremental: 0, weakcb: 0 };
  let total = 0;
  for (const p of pauses) {
    byKind[p.kind]++;
    pauseMsByKind[p.kind] += p.durationMs;
    total += p.durationMs;
  }
  return {
    count: pauses.length,
    totalPauseMs: round(total),
    pauseMs: {
      p50: round(percentile(durations, 50), 3),
      p95: round(percentile(durations, 95), 3),
      p99: round(percentile(durations, 99), 3),
      max: round(durations.length ? durations[durations.length - 1] : 0, 3),
    },
    byKind,
    pauseMsByKind: Object.fromEntries(Object.entries(pauseMsByKind).map(([k, v]) => [k, round(v)])) as GcSummary['pauseMsByKind'],
    pauseSharePct: observedMs > 0 ? round((total / observedMs) * 100, 3) : 0,
    observedMs: round(observedMs, 0),
  };
}
