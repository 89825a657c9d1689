// Performance budgets evaluated against a run. Two grammars:
//   friendly   "http.p95": "< 200ms"       a comparison, a number, a unit
//   k6         "http.latency": "p(95)<200"  k6's threshold form: an aggregation
//              of a metric, an operator, a number in the metric's base unit
//              (milliseconds for times, 0–1 for rates)
// k6's own metric names are accepted as aliases (http_req_duration,
// http_req_failed, http_reqs), so thresholds copied from a k6 script work.

import { HotpathError } from '../events';
import type { BudgetResult, RunRecord } from '../runRecord';
import { binsFromHdr } from './compareInputs';
import { quantileBinned, meanBinned, type Bins } from './compareStats';

type Unit = 'ms' | '%' | 'rps' | 'count' | 'ratio' | 'MB';

/** What a budget reads besides run.json: the run's latency.hdr, for any p(N), min and exact averages. */
export interface BudgetSamples {
  latencyHdr?: string | null;
}

interface Ctx {
  run: RunRecord;
  latency(): Bins | null;
}

interface Reading {
  unit: Unit;
  describe: string;
  read(ctx: Ctx): number | null;
}

interface MetricDef extends Reading {
  /** k6 aggregations this metric has; `p` takes the percentile. */
  k6?: Partial<Record<'avg' | 'med' | 'min' | 'max' | 'count' | 'rate', Reading>> & { p?: (p: number) => Reading | string };
  /** False for metrics that only take the k6 form. */
  friendly?: boolean;
}

const MB = 1024 * 1024;
const scalar = (unit: Unit, describe: string, read: (r: RunRecord) => number | null | undefined): MetricDef => ({ unit, describe, read: (c) => read(c.run) ?? null });
const ms = (describe: string, read: (c: Ctx) => number | null) => ({ unit: 'ms' as const, describe, read });
const cpuShare = (bucket: 'gc' | 'user' | 'library' | 'node' | 'native', describe: string) =>
  scalar('%', describe, (r) => (r.cpu && r.cpu.busyMs > 0 ? (r.cpu.buckets[bucket] / r.cpu.busyMs) * 100 : null));
const peakMemory = (key: 'peakHeapUsed' | 'peakRss', timelineKey: 'heapUsed' | 'rss') => (r: RunRecord) => {
  const peaks = (r.processes ?? []).map((p) => p.memory?.[key]).filter((v): v is number => typeof v === 'number');
  if (!peaks.length) peaks.push(...(r.heap?.timeline ?? []).map((s) => s[timelineKey]));
  return peaks.length ? Math.max(...peaks) / MB : null;
};

/** A percentile of the latency: from latency.hdr when given, else the percentiles run.json keeps. */
function latencyPercentile(p: number): Reading {
  const kept: Record<number, 'p50' | 'p90' | 'p95' | 'p99'> = { 50: 'p50', 90: 'p90', 95: 'p95', 99: 'p99' };
  return ms(`${p}th percentile latency`, (c) => {
    const bins = c.latency();
    if (bins) return quantileBinned(bins, p);
    return kept[p] && c.run.load ? c.run.load.latencyMs[kept[p]] : null;
  });
}

const LATENCY: MetricDef = {
  ...ms('latency', () => null),
  friendly: false,
  k6: {
    p: latencyPercentile,
    avg: ms('mean latency', (c) => (c.latency() ? meanBinned(c.latency()!) : (c.run.load?.latencyMs.mean ?? null))),
    med: latencyPercentile(50),
    min: ms('fastest response', (c) => c.latency()?.values[0] ?? null),
    max: ms('slowest response', (c) => c.run.load?.latencyMs.max ?? null),
  },
};

const ERRORS: MetricDef = {
  unit: 'ratio',
  describe: 'failed requests',
  read: () => null,
  friendly: false,
  k6: {
    rate: { unit: 'ratio', describe: 'share of failed requests', read: (c) => c.run.load?.errors.rate ?? null },
    count: { unit: 'count', describe: 'failed requests', read: (c) => c.run.load?.errors.total ?? null },
  },
};

const REQUESTS: MetricDef = {
  ...scalar('count', 'requests completed', (r) => r.load?.requests.total),
  k6: {
    count: { unit: 'count', describe: 'requests completed', read: (c) => c.run.load?.requests.total ?? null },
    rate: { unit: 'rps', describe: 'mean throughput', read: (c) => c.run.load?.throughputRps.mean ?? null },
  },
};

const gcPercentile = (p: number): Reading | string => {
  const key = ({ 50: 'p50', 95: 'p95', 99: 'p99' } as const)[p as 50 | 95 | 99];
  return key ? ms(`${p}th percentile GC pause`, (c) => c.run.gc?.pauseMs[key] ?? null) : 'gc.pause keeps p(50), p(95) and p(99)';
};

const GC_PAUSE: MetricDef = {
  ...ms('GC pause', () => null),
  friendly: false,
  k6: {
    p: gcPercentile,
    med: gcPercentile(50) as Reading,
    max: ms('longest GC pause', (c) => c.run.gc?.pauseMs.max ?? null),
    avg: ms('mean GC pause', (c) => (c.run.gc && c.run.gc.count > 0 ? c.run.gc.totalPauseMs / c.run.gc.count : null)),
    count: { unit: 'count', describe: 'GC pauses', read: (c) => c.run.gc?.count ?? null },
  },
};

const loopPercentile = (p: number): Reading | string => {
  const key = ({ 50: 'p50', 99: 'p99' } as const)[p as 50 | 99];
  return key ? ms(`${p}th percentile event-loop delay`, (c) => c.run.eventLoop?.delayMs[key] ?? null) : 'eventLoop.delay keeps p(50) and p(99)';
};

const LOOP_DELAY: MetricDef = {
  ...ms('event-loop delay', () => null),
  friendly: false,
  k6: { p: loopPercentile, med: loopPercentile(50) as Reading, max: ms('longest event-loop delay', (c) => c.run.eventLoop?.delayMs.max ?? null) },
};

const METRICS: Record<string, MetricDef> = {
  'http.p50': scalar('ms', 'median latency', (r) => r.load?.latencyMs.p50),
  'http.p90': scalar('ms', '90th percentile latency', (r) => r.load?.latencyMs.p90),
  'http.p95': scalar('ms', '95th percentile latency', (r) => r.load?.latencyMs.p95),
  'http.p99': scalar('ms', '99th percentile latency', (r) => r.load?.latencyMs.p99),
  'http.max': scalar('ms', 'slowest response', (r) => r.load?.latencyMs.max),
  'http.mean': scalar('ms', 'mean latency', (r) => r.load?.latencyMs.mean),
  'http.errorRate': scalar('%', 'share of failed requests', (r) => (r.load ? r.load.errors.rate * 100 : null)),
  'http.rps': scalar('rps', 'mean throughput', (r) => r.load?.throughputRps.mean),
  'http.requests': REQUESTS,
  'http.latency': LATENCY,
  'http.errors': ERRORS,
  'gc.count': scalar('count', 'GC pauses', (r) => r.gc?.count),
  'gc.totalPauseMs': scalar('ms', 'total GC pause', (r) => r.gc?.totalPauseMs),
  'gc.pauseSharePct': scalar('%', 'share of wall time in GC pauses', (r) => r.gc?.pauseSharePct),
  'gc.p50': scalar('ms', 'median GC pause', (r) => r.gc?.pauseMs.p50),
  'gc.p95': scalar('ms', '95th percentile GC pause', (r) => r.gc?.pauseMs.p95),
  'gc.p99': scalar('ms', '99th percentile GC pause', (r) => r.gc?.pauseMs.p99),
  'gc.max': scalar('ms', 'longest GC pause', (r) => r.gc?.pauseMs.max),
  'gc.pause': GC_PAUSE,
  'heap.growthPct': scalar('%', 'heap growth over the run', (r) => r.heap?.growthPct),
  'heap.peakUsedMB': scalar('MB', 'peak heap used', peakMemory('peakHeapUsed', 'heapUsed')),
  'heap.peakRssMB': scalar('MB', 'peak resident memory', peakMemory('peakRss', 'rss')),
  'eventLoop.p50': scalar('ms', 'median event-loop delay', (r) => r.eventLoop?.delayMs.p50),
  'eventLoop.p99': scalar('ms', '99th percentile event-loop delay', (r) => r.eventLoop?.delayMs.p99),
  'eventLoop.max': scalar('ms', 'longest event-loop delay', (r) => r.eventLoop?.delayMs.max),
  'eventLoop.utilization': scalar('ratio', 'event-loop utilisation', (r) => r.eventLoop?.utilization),
  'eventLoop.delay': LOOP_DELAY,
  'cpu.busyPct': scalar('%', 'share of profiled time the main thread was busy', (r) => (r.cpu && r.cpu.durationMs > 0 ? (r.cpu.busyMs / r.cpu.durationMs) * 100 : null)),
  'cpu.gcPct': cpuShare('gc', 'share of busy CPU time in GC'),
  'cpu.userPct': cpuShare('user', "share of busy CPU time in the user's code"),
  'cpu.libraryPct': cpuShare('library', 'share of busy CPU time in libraries'),
  'cpu.nodePct': cpuShare('node', 'share of busy CPU time in Node.js internals'),
  'cpu.nativePct': cpuShare('native', 'share of busy CPU time in native code'),
};

/** k6's metric names, so thresholds can be copied from a k6 script. */
const ALIASES: Record<string, string> = { http_req_duration: 'http.latency', 'http.duration': 'http.latency', http_req_failed: 'http.errors', http_reqs: 'http.requests' };

export const BUDGET_METRICS = Object.keys(METRICS);

const UNIT_FACTORS: Record<Unit, Record<string, number>> = {
  ms: { '': 1, ms: 1, s: 1000, us: 0.001, µs: 0.001 },
  '%': { '': 1, '%': 1 },
  rps: { '': 1, rps: 1, 'req/s': 1 },
  count: { '': 1 },
  ratio: { '': 1, '%': 0.01 },
  MB: { '': 1, mb: 1, kb: 1 / 1024, gb: 1024 },
};

const EXAMPLE: Record<Unit, string> = { ms: '< 200ms', '%': '< 1%', rps: '>= 100', count: '> 100', ratio: '< 80%', MB: '< 512MB' };

type Op = '<' | '<=' | '>' | '>=';

export interface ParsedBudget {
  op: Op;
  value: number;
  form: 'friendly' | 'k6';
  def: Reading;
}

const FRIENDLY = /^\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*([a-zµ%/]*)\s*$/i;
const K6 = /^\s*(avg|med|min|max|count|rate|value|p\(\s*([^)]*?)\s*\))\s*(<=|>=|==|===|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i;

function k6Names(def: MetricDef): string {
  return Object.keys(def.k6 ?? {})
    .map((k) => (k === 'p' ? 'p(N)' : k))
    .join(', ');
}

function metricList(): string {
  const friendly = BUDGET_METRICS.filter((m) => METRICS[m].friendly !== false).join(', ');
  const k6 = BUDGET_METRICS.filter((m) => METRICS[m].k6).map((m) => `${m} (${k6Names(METRICS[m])})`).join(', ');
  return `${friendly}; with k6 thresholds such as "p(95)<200": ${k6}`;
}

/** A budget's text in a message: quoted, one line (control characters shown as spaces), at most 80 characters. */
function quoted(text: string): string {
  const one = String(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return `"${one.length > 80 ? `${one.slice(0, 79)}…` : one}"`;
}

export function parseBudget(metric: string, expression: string): ParsedBudget {
  const name = ALIASES[metric] ?? metric;
  const def = METRICS[name];
  if (!def) throw new HotpathError(`Unknown budget metric ${quoted(metric)}; valid metrics: ${metricList()}.`);
  const k6 = K6.exec(expression);
  if (k6) return parseK6(metric, expression, def, k6);
  const m = FRIENDLY.exec(expression);
  const factor = m ? UNIT_FACTORS[def.unit][m[3].toLowerCase()] : undefined;
  if (!m || factor === undefined || def.friendly === false) {
    const units = Object.keys(UNIT_FACTORS[def.unit]).filter(Boolean).join(', ');
    const k6Hint = def.k6 ? ` or a k6 threshold (${k6Names(def)}), e.g. "${def.k6.p ? 'p(95)<200' : `${Object.keys(def.k6)[0]}<10`}"` : '';
    const how = def.friendly === false ? `write a k6 threshold with ${k6Names(def)}, e.g. "${def.k6?.p ? 'p(95)<200' : `${Object.keys(def.k6 ?? {})[0]}<0.01`}"` : `write a comparison and a number${units ? ` in ${units}` : ''}, e.g. "${EXAMPLE[def.unit]}"${k6Hint}`;
    throw new HotpathError(`Budget ${quoted(metric)}: ${quoted(expression)} is not a valid expression; ${how}.`);
  }
  return { def, op: m[1] as Op, value: Number(m[2]) * factor, form: 'friendly' };
}

function parseK6(metric: string, expression: string, def: MetricDef, m: RegExpExecArray): ParsedBudget {
  const op = m[3];
  if (op !== '<' && op !== '<=' && op !== '>' && op !== '>=') {
    throw new HotpathError(`Budget ${quoted(metric)}: ${quoted(expression)} uses "${op}"; a budget is a limit, so use <, <=, > or >=.`);
  }
  const agg = m[1].toLowerCase();
  let reading: Reading | string | undefined;
  if (agg.startsWith('p(')) {
    const p = Number(m[2]);
    if (!/^\d+(\.\d+)?$/.test(m[2]) || !(p > 0 && p <= 100)) {
      throw new HotpathError(`Budget ${quoted(metric)}: ${quoted(expression)} has percentile "${m[2]}"; write p(N) with N above 0 and at most 100, e.g. p(95) or p(99.9).`);
    }
    reading = def.k6?.p?.(p);
  } else {
    reading = def.k6?.[agg as 'avg'];
  }
  if (typeof reading === 'string') throw new HotpathError(`Budget ${quoted(metric)}: ${quoted(expression)} cannot be evaluated: ${reading}.`);
  if (!reading) {
    const has = def.k6 ? `it has ${k6Names(def)}` : `it takes the friendly form, e.g. "${EXAMPLE[def.unit]}"`;
    throw new HotpathError(`Budget ${quoted(metric)}: ${quoted(expression)} uses the aggregation "${agg.startsWith('p(') ? 'p(N)' : agg}", which ${metric} does not have; ${has}.`);
  }
  return { def: reading, op, value: Number(m[4]), form: 'k6' };
}

/** Checks every budget's grammar up front, so a bad budget fails before a long run, not after. */
export function validateBudgets(budgets: Record<string, string>): void {
  for (const [metric, expression] of Object.entries(budgets)) parseBudget(metric, expression);
}

/** `samples.latencyHdr` (the run's latency.hdr) makes any p(N), min and the exact average available. */
export function evaluateBudgets(budgets: Record<string, string>, run: RunRecord, samples: BudgetSamples = {}): BudgetResult[] {
  let bins: Bins | null | undefined;
  const ctx: Ctx = {
    run,
    latency: () => {
      if (bins === undefined) {
        try {
          bins = samples.latencyHdr ? binsFromHdr(samples.latencyHdr) : null;
        } catch {
          bins = null;
        }
        if (bins && !bins.total) bins = null;
      }
      return bins;
    },
  };
  return Object.entries(budgets).map(([metric, expression]) => {
    const { def, op, value } = parseBudget(metric, expression);
    const actual = def.read(ctx);
    if (actual === null || !Number.isFinite(actual)) {
      const hint = /percentile|fastest/.test(def.describe) && !samples.latencyHdr && run.load ? ' (this percentile needs the latency samples, latency.hdr)' : '';
      return { metric, expression, actual: null, unit: def.unit, passed: false, message: `no ${def.describe} was measured${hint}` };
    }
    const passed = op === '<' ? actual < value : op === '<=' ? actual <= value : op === '>' ? actual > value : actual >= value;
    return { metric, expression, actual: Math.round(actual * 1000) / 1000, unit: def.unit, passed };
  });
}
