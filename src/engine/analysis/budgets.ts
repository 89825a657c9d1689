// Performance budgets: "metric": "< 200ms" style expressions evaluated against a run.

import { HotpathError } from '../events';
import type { BudgetResult, RunRecord } from '../runRecord';

interface MetricDef {
  unit: 'ms' | '%' | 'rps' | 'count';
  describe: string;
  read(run: RunRecord): number | null;
}

const METRICS: Record<string, MetricDef> = {
  'http.p50': { unit: 'ms', describe: 'median latency', read: (r) => r.load?.latencyMs.p50 ?? null },
  'http.p90': { unit: 'ms', describe: '90th percentile latency', read: (r) => r.load?.latencyMs.p90 ?? null },
  'http.p95': { unit: 'ms', describe: '95th percentile latency', read: (r) => r.load?.latencyMs.p95 ?? null },
  'http.p99': { unit: 'ms', describe: '99th percentile latency', read: (r) => r.load?.latencyMs.p99 ?? null },
  'http.max': { unit: 'ms', describe: 'slowest response', read: (r) => r.load?.latencyMs.max ?? null },
  'http.mean': { unit: 'ms', describe: 'mean latency', read: (r) => r.load?.latencyMs.mean ?? null },
  'http.errorRate': { unit: '%', describe: 'share of failed requests', read: (r) => (r.load ? r.load.errors.rate * 100 : null) },
  'http.rps': { unit: 'rps', describe: 'mean throughput', read: (r) => r.load?.throughputRps.mean ?? null },
  'http.requests': { unit: 'count', describe: 'requests completed', read: (r) => r.load?.requests.total ?? null },
};

export const BUDGET_METRICS = Object.keys(METRICS);

interface ParsedBudget {
  op: '<' | '<=' | '>' | '>=';
  value: number;
}

const UNIT_FACTORS: Record<string, Record<string, number>> = {
  ms: { '': 1, ms: 1, s: 1000, us: 0.001, µs: 0.001 },
  '%': { '': 1, '%': 1 },
  rps: { '': 1, rps: 1, 'req/s': 1 },
  count: { '': 1 },
};

export function parseBudget(metric: string, expression: string): ParsedBudget & { def: MetricDef } {
  const def = METRICS[metric];
  if (!def) {
    throw new HotpathError(`Unknown budget metric "${metric}"; valid metrics: ${BUDGET_METRICS.join(', ')}.`);
  }
  const m = /^\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*([a-zµ%/]*)\s*$/i.exec(expression);
  const factor = m ? UNIT_FACTORS[def.unit][m[3].toLowerCase()] : undefined;
  if (!m || factor === undefined) {
    const units = Object.keys(UNIT_FACTORS[def.unit]).filter(Boolean).join(', ');
    throw new HotpathError(
      `Budget "${metric}": "${expression}" is not a valid expression; write a comparison and a number${units ? ` in ${units}` : ''}, e.g. "< 200${def.unit === 'ms' ? 'ms' : def.unit === '%' ? '%' : ''}".`,
    );
  }
  return { def, op: m[1] as ParsedBudget['op'], value: Number(m[2]) * factor };
}

/** Checks every budget's grammar up front, so a bad budget fails before a long run, not after. */
export function validateBudgets(budgets: Record<string, string>): void {
  for (const [metric, expression] of Object.entries(budgets)) parseBudget(metric, expression);
}

export function evaluateBudgets(budgets: Record<string, string>, run: RunRecord): BudgetResult[] {
  return Object.entries(budgets).map(([metric, expression]) => {
    const { def, op, value } = parseBudget(metric, expression);
    const actual = def.read(run);
    if (actual === null) {
      return { metric, expression, actual: null, unit: def.unit, passed: false, message: `no ${def.describe} was measured` };
    }
    const passed = op === '<' ? actual < value : op === '<=' ? actual <= value : op === '>' ? actual > value : actual >= value;
    return { metric, expression, actual: Math.round(actual * 1000) / 1000, unit: def.unit, passed };
  });
}
