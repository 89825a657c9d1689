// What the Markdown and HTML reports share: how figures are written, and typed
// views over the run-record sections that other stages fill in (GC, event
// loop, queries; stress/spike/soak are in scenarioReport.ts). A view is null when the section is absent
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
  /** Share of the observed wall time spent paused, percent. */
  pauseSharePct: number | null;
}

export function gcView(run: RunRecord): GcView | null {
  const g = run.gc as unknown;
  if (!isObj(g) || !isNum(g.count) || !isNum(g.totalPauseMs)) return null;
  const pauseMs = nums(g.pauseMs, ['p50', 'p95', 'p99', 'max'] as const);
  if (!pauseMs) return null;
  const byKind: Record<string, number> = {};
  if (isObj(g.byKind)) for (const [k, v] of Object.entries(g.byKind)) if (isNum(v) && v > 0) byKind[k] = v;
  return { count: g.count, totalPauseMs: g.totalPauseMs, pauseMs, byKind, pauseSharePct: isNum(g.pauseSharePct) ? g.pauseSharePct : null };
}

export interface EventLoopView {
  delayMs: { p50: number; p99: number; max: number };
  utilization: number | null;
  timeline: Array<{ t: number; p99: number; utilization: number }>;
}

export function eventLoopView(run: RunRecord): EventLoopView | null {
  const e = run.eventLoop as unknown;
  if (!isObj(e)) return null;
  const delayMs = nums(e.delayMs, ['p50', 'p99', 'max'] as const);
  if (!delayMs) return null;
  const timeline = (Array.isArray(e.timeline) ? e.timeline : []).map((p) => nums(p, ['t', 'p99', 'utilization'] as const)).filter((p): p is EventLoopView['timeline'][number] => p !== null);
  return { delayMs, utilization: isNum(e.utilization) ? e.utilization : null, timeline };
}

export interface Site {
  file: string;
  line: number;
}

const siteOf = (x: unknown): Site | null => (isObj(x) && typeof x.file === 'string' && isNum(x.line) ? { file: x.file, line: x.line } : null);

export interface NPlusOneView {
  query: string;
  /** Repeats in one affected request (median). */
  count: number;
  /** Time the repeats cost one affected request (mean). */
  totalMs: number;
  route: string;
  callSite: Site | null;
  /** Requests that showed the pattern, when recorded. */
  requests: number | null;
}

export interface StatementView {
  query: string;
  count: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
  callSites: Array<Site & { count: number }>;
  routes: string[];
}

export interface QueriesView {
  total: number;
  totalMs: number | null;
  /** Distinct statements, most total time first. */
  statements: StatementView[];
  nPlusOne: NPlusOneView[];
}

export function queriesView(run: RunRecord): QueriesView | null {
  const q = run.queries as unknown;
  if (!isObj(q) || !isNum(q.total)) return null;
  const nPlusOne: NPlusOneView[] = [];
  for (const n of Array.isArray(q.nPlusOne) ? q.nPlusOne : []) {
    if (!isObj(n) || typeof n.query !== 'string' || !isNum(n.count) || !isNum(n.totalMs)) continue;
    nPlusOne.push({ query: n.query, count: n.count, totalMs: n.totalMs, route: typeof n.route === 'string' ? n.route : '', callSite: siteOf(n.callSite), requests: isNum(n.requests) ? n.requests : null });
  }
  const statements: StatementView[] = [];
  for (const st of Array.isArray(q.statements) ? q.statements : []) {
    const f = nums(st, ['count', 'totalMs', 'meanMs', 'maxMs'] as const);
    if (!f || !isObj(st) || typeof st.query !== 'string') continue;
    const callSites = (Array.isArray(st.callSites) ? st.callSites : []).flatMap((c) => {
      const site = siteOf(c);
      return site && isObj(c) && isNum(c.count) ? [{ ...site, count: c.count }] : [];
    });
    const routes = (Array.isArray(st.routes) ? st.routes : []).filter((r): r is string => typeof r === 'string');
    statements.push({ query: st.query, ...f, callSites, routes });
  }
  statements.sort((a, b) => b.totalMs - a.totalMs);
  return { total: q.total, totalMs: isNum(q.totalMs) ? q.totalMs : null, statements, nPlusOne };
}

export interface HeapView {
  timeline: NonNullable<RunRecord['heap']>['timeline'];
  growthPct: number | null;
  /** The fitted baseline's slope, when the run was long enough to fit one. */
  slopeBytesPerSec: number | null;
  fitR2: number | null;
}

export function heapView(run: RunRecord): HeapView | null {
  const h = run.heap as unknown;
  if (!isObj(h) || !Array.isArray(h.timeline)) return null;
  const timeline = h.timeline.filter((p) => nums(p, ['t', 'heapUsed', 'heapTotal', 'rss'] as const)) as HeapView['timeline'];
  const growthPct = isNum(h.growthPct) ? h.growthPct : null;
  if (!timeline.length && growthPct === null) return null;
  const fit = nums(h.growth, ['slopeBytesPerSec', 'r2'] as const);
  return { timeline, growthPct, slopeBytesPerSec: fit?.slopeBytesPerSec ?? null, fitR2: fit?.r2 ?? null };
}

export interface ProcessView {
  pid: number;
  role: string;
  command: string;
  gcCount: number | null;
  gcPauseMs: number | null;
  peakRss: number | null;
  queries: number | null;
}

/** Every process the probe saw (the service and its children or workers). */
export function processesView(run: RunRecord): ProcessView[] {
  const list = (run as { processes?: unknown }).processes;
  if (!Array.isArray(list)) return [];
  return list.flatMap((p) => {
    if (!isObj(p) || !isNum(p.pid)) return [];
    const gc = isObj(p.gc) ? p.gc : null;
    const mem = isObj(p.memory) ? p.memory : null;
    return [{
      pid: p.pid,
      role: typeof p.role === 'string' ? p.role : '',
      command: typeof p.command === 'string' ? p.command : '',
      gcCount: gc && isNum(gc.count) ? gc.count : null,
      gcPauseMs: gc && isNum(gc.totalPauseMs) ? gc.totalPauseMs : null,
      peakRss: mem && isNum(mem.peakRss) ? mem.peakRss : null,
      queries: isNum(p.queries) ? p.queries : null,
    }];
  });
}
