// What the Markdown and HTML reports share: how figures are written, and typed
// views over the run-record sections that other stages fill in (GC, event
// loop, queries, stress/spike/soak). A view is null when the section is absent
// or not shaped as CONTRACT.md says, so a report never prints a half-read figure.

import { parseBudget } from '../analysis/budgets';
import type { BudgetResult, RunRecord } from '../runRecord';

export const fmtMs = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;
export const fmtNum = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
export const fmtPct = (n: number): string => `${n.toFixed(Math.abs(n) < 10 ? 2 : 1)}%`;
export const fmtGiB = (b: number): string => `${(b / 1024 / 1024 / 1024).toFixed(1)} GiB`;
export const fmtMiB = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MiB`;

export const VERDICT_TEXT: Record<RunRecord['status'], string> = {
  passed: 'Passed: every budget was met.',
  failed: 'Failed: at least one budget was broken.',
  error: 'Error: the run did not complete.',
  cancelled: 'Cancelled before the end.',
};

/** A budget's measured value with its unit, or why it was not measured. */
export function budgetCurrent(b: BudgetResult): string {
  if (b.actual === null) return `not measured${b.message ? ` (${b.message})` : ''}`;
  const unit = b.unit === 'ms' ? ' ms' : b.unit === '%' ? '%' : b.unit === 'rps' ? ' req/s' : '';
  return `${fmtNum(b.actual)}${unit}`;
}

/**
 * How far the measured value is from the budget's limit, as a share of the
 * limit: positive is headroom, negative is how far past it. Null when there is
 * no value, the limit is 0, or the expression cannot be read back.
 */
export function budgetMarginPct(b: BudgetResult): number | null {
  if (b.actual === null) return null;
  try {
    const { op, value } = parseBudget(b.metric, b.expression);
    if (value === 0) return null;
    const below = op === '<' || op === '<=';
    return ((below ? value - b.actual : b.actual - value) / Math.abs(value)) * 100;
  } catch {
    return null;
  }
}

export function budgetMarginText(b: BudgetResult): string {
  const m = budgetMarginPct(b);
  if (m === null) return '–';
  return m >= 0 ? `${fmtPct(m)} headroom` : `${fmtPct(-m)} over`;
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const nums = <K extends string>(o: unknown, keys: readonly K[]): Record<K, number> | null =>
  isObj(o) && keys.every((k) => isNum(o[k])) ? (o as Record<K, number>) : null;

export interface GcView {
  count: number;
  totalPauseMs: number;
  pauseMs: { p50: number; p95: number; p99: number; max: number };
  byKind: Record<string, number>;
}

export function gcView(run: RunRecord): GcView | null {
  const g = run.gc;
  if (!isObj(g) || !isNum(g.count) || !isNum(g.totalPauseMs)) return null;
  const pauseMs = nums(g.pauseMs, ['p50', 'p95', 'p99', 'max'] as const);
  if (!pauseMs) return null;
  const byKind: Record<string, number> = {};
  if (isObj(g.byKind)) for (const [k, v] of Object.entries(g.byKind)) if (isNum(v)) byKind[k] = v;
  return { count: g.count, totalPauseMs: g.totalPauseMs, pauseMs, byKind };
}

export interface EventLoopView {
  delayMs: { p50: number; p99: number; max: number };
  utilization: number | null;
}

export function eventLoopView(run: RunRecord): EventLoopView | null {
  const e = run.eventLoop;
  if (!isObj(e)) return null;
  const delayMs = nums(e.delayMs, ['p50', 'p99', 'max'] as const);
  if (!delayMs) return null;
  return { delayMs, utilization: isNum(e.utilization) ? e.utilization : null };
}

export interface NPlusOneView {
  query: string;
  count: number;
  totalMs: number;
  route: string;
  callSite: { file: string; line: number } | null;
}

export interface QueriesView {
  total: number;
  nPlusOne: NPlusOneView[];
}

export function queriesView(run: RunRecord): QueriesView | null {
  const q = run.queries;
  if (!isObj(q) || !isNum(q.total)) return null;
  const nPlusOne: NPlusOneView[] = [];
  for (const n of Array.isArray(q.nPlusOne) ? q.nPlusOne : []) {
    if (!isObj(n) || typeof n.query !== 'string' || !isNum(n.count) || !isNum(n.totalMs)) continue;
    const cs = isObj(n.callSite) && typeof n.callSite.file === 'string' && isNum(n.callSite.line) ? { file: n.callSite.file, line: n.callSite.line } : null;
    nPlusOne.push({ query: n.query, count: n.count, totalMs: n.totalMs, route: typeof n.route === 'string' ? n.route : '', callSite: cs });
  }
  return { total: q.total, nPlusOne };
}

export interface StressView {
  steps: Array<{ connections: number; rps: number; p95: number; errorRate: number }>;
  maxSustainable: { connections: number; rps: number } | null;
  breakingPoint: { connections: number } | null;
}

/** The scenario sections: only present for the scenario that measures them. */
export function scenarioViews(run: RunRecord): { stress: StressView | null; spikeRecoveryMs: number | null; soak: Record<'p95DegradationPct' | 'throughputDegradationPct' | 'heapGrowthPct', number> | null } {
  const load = run.load as unknown;
  if (!isObj(load)) return { stress: null, spikeRecoveryMs: null, soak: null };
  let stress: StressView | null = null;
  if (isObj(load.stress) && Array.isArray(load.stress.steps)) {
    const steps = load.stress.steps.map((s) => nums(s, ['connections', 'rps', 'p95', 'errorRate'] as const)).filter((s): s is StressView['steps'][number] => s !== null);
    stress = {
      steps,
      maxSustainable: nums(load.stress.maxSustainable, ['connections', 'rps'] as const),
      breakingPoint: nums(load.stress.breakingPoint, ['connections'] as const),
    };
  }
  const spikeRecoveryMs = isObj(load.spike) && isNum(load.spike.recoveryMs) ? load.spike.recoveryMs : null;
  const soak = nums(load.soak, ['p95DegradationPct', 'throughputDegradationPct', 'heapGrowthPct'] as const);
  return { stress, spikeRecoveryMs, soak };
}

export function heapView(run: RunRecord): { timeline: NonNullable<RunRecord['heap']>['timeline']; growthPct: number | null } | null {
  const h = run.heap;
  if (!h || !Array.isArray(h.timeline)) return null;
  const timeline = h.timeline.filter((p) => isNum(p.t) && isNum(p.heapUsed) && isNum(p.heapTotal) && isNum(p.rss));
  if (!timeline.length && !isNum(h.growthPct)) return null;
  return { timeline, growthPct: isNum(h.growthPct) ? h.growthPct : null };
}
