// One number for a run, 0–100, that never hides where it came from: every
// component shows its weight, the measured value, its points and why. The
// formula is documented in docs/score.md; keep the two in step.
//
// A component without data (no latency budget, no probe, a heap fit too poor
// to call a trend) is left out and the remaining weights are scaled up to
// sum to 1, so a run is never marked down for what was not measured.

import type { RunRecord } from '../runRecord';
import { parseBudget } from './budgets';
import { round } from './stats';

export interface ScoreComponent {
  name: string;
  /** Nominal weight, out of 100. */
  weight: number;
  /** Share of the score after leaving out components without data (sums to 1). */
  share: number;
  /** The measured value, in `unit`. */
  value: number;
  unit: string;
  /** 0–100. */
  points: number;
  why: string;
}

export interface RunScore {
  /** 0–100, or null when no component had data. */
  score: number | null;
  components: ScoreComponent[];
  omitted: Array<{ name: string; weight: number; why: string }>;
}

/** Heap growth counts only when its fitted line explains at least this much of the variance. */
export const MIN_HEAP_FIT_R2 = 0.5;

type Draft = Omit<ScoreComponent, 'share'> | { name: string; weight: number; omitted: string };

/** 100 at or below `good`, 0 at or above `bad`, a straight line between. */
export function linearPoints(value: number, good: number, bad: number): number {
  if (value <= good) return 100;
  if (value >= bad) return 0;
  return round((100 * (bad - value)) / (bad - good), 1);
}

const LATENCY_METRICS = new Set(['http.p50', 'http.p90', 'http.p95', 'http.p99', 'http.max', 'http.mean', 'http.latency', 'http.duration', 'http_req_duration']);

function latencyVsBudget(run: RunRecord): Draft {
  const name = 'latency vs budget';
  const weight = 30;
  let worst: { ratio: number; metric: string; actual: number; limit: number } | null = null;
  for (const b of run.budgets ?? []) {
    if (!LATENCY_METRICS.has(b.metric) || b.actual === null) continue;
    let parsed;
    try {
      parsed = parseBudget(b.metric, b.expression);
    } catch {
      continue;
    }
    if ((parsed.op !== '<' && parsed.op !== '<=') || parsed.value <= 0) continue;
    const ratio = b.actual / parsed.value;
    if (!worst || ratio > worst.ratio) worst = { ratio, metric: b.metric, actual: b.actual, limit: parsed.value };
  }
  if (!worst) return { name, weight, omitted: 'no latency budget ("http.p95": "< 200ms" and the like) to judge against' };
  return {
    name,
    weight,
    value: round(worst.ratio, 3),
    unit: 'of the budget',
    points: linearPoints(worst.ratio, 0.5, 2),
    why: `${worst.metric} is ${worst.actual} ms against a limit of ${worst.limit} ms (${round(worst.ratio * 100, 1)}% of it; 100 points at half the budget or less, 0 at twice it)`,
  };
}

function errorRate(run: RunRecord): Draft {
  const name = 'error rate';
  const weight = 25;
  if (!run.load || !run.load.requests.total) return { name, weight, omitted: 'no requests were sent' };
  const pct = run.load.errors.rate * 100;
  return { name, weight, value: round(pct, 3), unit: '%', points: linearPoints(pct, 0, 2), why: `${round(pct, 3)}% of ${run.load.requests.total} requests failed (100 points at 0%, 0 at 2% or more)` };
}

function eventLoop(run: RunRecord): Draft {
  const name = 'event-loop delay p99';
  const weight = 15;
  const p99 = run.eventLoop?.delayMs?.p99;
  if (typeof p99 !== 'number') return { name, weight, omitted: 'the event loop was not measured (no probe data)' };
  return { name, weight, value: p99, unit: 'ms', points: linearPoints(p99, 20, 200), why: `p99 delay ${p99} ms (100 points at 20 ms or less, 0 at 200 ms or more)` };
}

function gcShare(run: RunRecord): Draft {
  const name = 'GC pause share';
  const weight = 10;
  const share = run.gc?.pauseSharePct;
  if (typeof share !== 'number') return { name, weight, omitted: 'GC pauses were not measured (no probe data)' };
  return { name, weight, value: share, unit: '%', points: linearPoints(share, 1, 10), why: `${share}% of wall time in GC pauses (100 points at 1% or less, 0 at 10% or more)` };
}

function heapGrowth(run: RunRecord): Draft {
  const name = 'heap growth';
  const weight = 10;
  const g = run.heap?.growth;
  if (!g) return { name, weight, omitted: 'no heap timeline long enough to fit a trend' };
  if (g.r2 < MIN_HEAP_FIT_R2) return { name, weight, omitted: `the heap trend's fit is poor (r² ${g.r2} < ${MIN_HEAP_FIT_R2}), so its ${g.growthPct}% is not a reliable growth figure` };
  return {
    name,
    weight,
    value: g.growthPct,
    unit: '%',
    points: linearPoints(g.growthPct, 0, 50),
    why: `heap used after GC grew ${g.growthPct}% over the run (fit r² ${g.r2}; 100 points at no growth, 0 at 50% or more)`,
  };
}

function nPlusOne(run: RunRecord): Draft {
  const name = 'N+1 query patterns';
  const weight = 10;
  if (!run.queries) return { name, weight, omitted: 'queries were not captured' };
  const n = run.queries.nPlusOne?.length ?? 0;
  return { name, weight, value: n, unit: 'patterns', points: Math.max(0, 100 - 25 * n), why: `${n} N+1 pattern${n === 1 ? '' : 's'} found at run time (25 points off each)` };
}

export function scoreRun(run: RunRecord): RunScore {
  const drafts = [latencyVsBudget(run), errorRate(run), eventLoop(run), gcShare(run), heapGrowth(run), nPlusOne(run)];
  const present = drafts.filter((d): d is Omit<ScoreComponent, 'share'> => !('omitted' in d));
  const omitted = drafts.filter((d): d is { name: string; weight: number; omitted: string } => 'omitted' in d).map((d) => ({ name: d.name, weight: d.weight, why: d.omitted }));
  const total = present.reduce((s, c) => s + c.weight, 0);
  const components = present.map((c) => ({ ...c, share: round(c.weight / total, 4) }));
  const score = total ? Math.round(present.reduce((s, c) => s + (c.weight / total) * c.points, 0)) : null;
  return { score, components, omitted };
}

/** run.json `score`: the value and every component, so a report can show where the number came from. */
export interface RecordScore {
  /** 0–100, or null when no component had data. */
  value: number | null;
  components: ScoreComponent[];
  omitted: RunScore['omitted'];
}

export function scoreRecord(s: RunScore): RecordScore {
  return { value: s.score, components: s.components, omitted: s.omitted };
}
