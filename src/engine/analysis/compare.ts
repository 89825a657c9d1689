// Baseline run vs current run: what changed, and whether the change is real.
//
// A metric is called a regression or an improvement only when both hold:
//   - a test on the raw samples says the difference is unlikely to be chance
//     (p below `alpha`), and
//   - the change is at least the metric's effect-size floor.
// The floor matters as much as the test: a run records tens of thousands of
// latencies that are not independent (a noisy neighbour slows a whole second of
// them), so on a big sample a 0.5% shift is "significant" yet means nothing.
// Metrics saved as one number per run, with no samples to test, are shown with
// their change and marked "not tested"; they never fail a comparison.

import * as fs from 'fs';
import * as path from 'path';
import { HotpathError } from '../events';
import type { RunRecord } from '../runRecord';
import { readRun } from '../store/runStore';
import { SourceMapResolver } from '../sourceMaps';
import { readCpuProfile, readLatencyBins } from './compareInputs';
import {
  type Bins,
  type MannWhitney,
  type Shift,
  hodgesLehmannBinned,
  mannWhitney,
  designEffect,
  inflatedP,
  mannWhitneyBinned,
  quantileDifferenceTest,
  twoProportionTest,
} from './compareStats';
import { diffProfiles, inferRoot, type ProfileDiff } from './profileDiff';
import { round } from './stats';

export type Verdict = 'regression' | 'improvement' | 'no significant change' | 'not tested';

export interface MetricTest {
  name: string;
  pValue: number;
  /** Samples each side: requests, seconds of load or event-loop windows. */
  n: [number, number];
}

export interface MetricComparison {
  metric: string;
  label: string;
  unit: 'ms' | 'rps' | '%';
  better: 'lower' | 'higher';
  baseline: number | null;
  current: number | null;
  /** Relative change, percent of the baseline (percentage points for error rate). */
  changePct: number | null;
  /** The smallest change that can be called a regression or an improvement. */
  floorPct: number | null;
  verdict: Verdict;
  tests: MetricTest[];
  /** One sentence: why this verdict. */
  why: string;
}

export interface LatencyShift {
  /** Hodges–Lehmann: the typical request moved by this much (ms), with its 95% interval. */
  shiftMs: number;
  ci95Ms: [number, number];
  /** Probability that a current request is slower than a baseline one (0.5: no difference). */
  probabilityCurrentSlower: number;
  /**
   * How much more the per-second median varies than independent requests
   * would make it: the tests divide their z by its square root.
   */
  designEffect: number;
  /** `pValue` allows for the design effect; `pValueIndependent` treats every request as independent. */
  mannWhitney: { u: number; z: number; pValue: number; pValueIndependent: number; n: [number, number] };
}

export interface RunRef {
  id: string;
  dir: string;
  startedAt: string;
  gitCommit: string | null;
  node: string;
}

export interface Comparison {
  baseline: RunRef;
  current: RunRef;
  alpha: number;
  metrics: MetricComparison[];
  endpoints: MetricComparison[];
  latencyShift: LatencyShift | null;
  profile: ProfileDiff | null;
  /** Differences between the two runs' set-ups that make the comparison weaker. */
  warnings: string[];
  regressions: string[];
  improvements: string[];
}

export interface CompareOptions {
  /** Significance level; default 0.05. */
  alpha?: number;
  /** Effect-size floors in percent, by metric id; defaults in FLOORS. */
  floors?: Partial<Record<string, number>>;
}

/** Default effect-size floors (percent; error rate in percentage points). Tails are noisier, so they get more room. */
export const FLOORS: Record<string, number> = {
  'latency.p50': 5,
  'latency.p95': 5,
  'latency.p99': 10,
  'latency.mean': 5,
  throughput: 5,
  errorRate: 0.1,
  'eventLoop.p99': 10,
};

export function compareRuns(baseDir: string, runDir: string, options: CompareOptions = {}): Comparison {
  const base = loadRun(baseDir, 'baseline');
  const cur = loadRun(runDir, 'current');
  return compareRecords(base.record, cur.record, {
    ...options,
    baseDir: base.dir,
    currentDir: cur.dir,
    baseBins: readLatencyBins(base.dir),
    currentBins: readLatencyBins(cur.dir),
  });
}

function loadRun(dir: string, role: string): { dir: string; record: RunRecord } {
  if (!fs.existsSync(dir)) throw new HotpathError(`The ${role} run folder ${dir} does not exist: pass a run directory such as .hotpath/runs/<runId>.`);
  const listed = readRun(dir);
  if (!listed.ok) throw new HotpathError(`The ${role} run ${dir} cannot be read: ${listed.reason}.`);
  if (!listed.record.load) {
    throw new HotpathError(`The ${role} run ${listed.id} has no load results (status ${listed.record.status}): compare two runs that finished their load.`);
  }
  return { dir: path.resolve(dir), record: listed.record };
}

interface RecordInputs extends CompareOptions {
  baseDir: string;
  currentDir: string;
  baseBins: Bins | null;
  currentBins: Bins | null;
}

export function compareRecords(base: RunRecord, cur: RunRecord, inputs: RecordInputs): Comparison {
  const alpha = inputs.alpha ?? 0.05;
  const floor = (id: string) => inputs.floors?.[id] ?? FLOORS[id];
  const bl = base.load!;
  const cl = cur.load!;
  const metrics: MetricComparison[] = [];
  const bins = inputs.baseBins && inputs.currentBins ? ([inputs.baseBins, inputs.currentBins] as const) : null;
  const mw = bins ? mannWhitneyBinned(bins[0], bins[1]) : null;
  const effects = bins ? designEffects(bl, cl, bins) : null;
  const shift = bins ? hodgesLehmannBinned(bins[0], bins[1], effects?.[50] ?? 1) : null;

  for (const [id, key, label] of [
    ['latency.p50', 'p50', 'p50 latency'],
    ['latency.p95', 'p95', 'p95 latency'],
    ['latency.p99', 'p99', 'p99 latency'],
    ['latency.mean', 'mean', 'mean latency'],
  ] as const) {
    const tests: MetricTest[] = [];
    if (mw && effects) tests.push({ name: `Mann-Whitney U, tie-corrected, design effect ${round(effects[50], 1)}`, pValue: inflatedP(mw.z, effects[50]), n: mw.n });
    if (bins && effects && (key === 'p95' || key === 'p99')) {
      const p = key === 'p95' ? 95 : 99;
      const q = quantileDifferenceTest(bins[0], bins[1], p, effects[p]);
      if (q) tests.push({ name: `${key} order-statistic interval, design effect ${round(effects[p], 1)}`, pValue: q.pValue, n: [bins[0].total, bins[1].total] });
    }
    metrics.push(
      judge({ metric: id, label, unit: 'ms', better: 'lower', baseline: bl.latencyMs[key], current: cl.latencyMs[key], floor: floor(id), alpha, tests, shift: key === 'p50' || key === 'mean' ? shift : null, missing: 'no latency.hdr in one of the runs' }),
    );
  }

  const rpsTest = mannWhitney(perSecond(bl), perSecond(cl));
  metrics.push(
    judge({
      metric: 'throughput',
      label: 'throughput',
      unit: 'rps',
      better: 'higher',
      baseline: bl.throughputRps.mean,
      current: cl.throughputRps.mean,
      floor: floor('throughput'),
      alpha,
      tests: rpsTest && Math.min(...rpsTest.n) >= 3 ? [{ name: `Mann-Whitney U on requests per second (${rpsTest.method})`, pValue: rpsTest.pValue, n: rpsTest.n }] : [],
      missing: 'fewer than 3 seconds of load in one of the runs',
    }),
  );

  metrics.push(errorRate(bl, cl, alpha, floor('errorRate')));

  const elBase = base.eventLoop?.timeline?.map((w) => w.p99) ?? [];
  const elCur = cur.eventLoop?.timeline?.map((w) => w.p99) ?? [];
  const elTest = elBase.length >= 3 && elCur.length >= 3 ? mannWhitney(elBase, elCur) : null;
  metrics.push(
    judge({
      metric: 'eventLoop.p99',
      label: 'event-loop delay p99',
      unit: 'ms',
      better: 'lower',
      baseline: base.eventLoop?.delayMs.p99 ?? null,
      current: cur.eventLoop?.delayMs.p99 ?? null,
      floor: floor('eventLoop.p99'),
      alpha,
      tests: elTest ? [{ name: `Mann-Whitney U on per-window p99 (${elTest.method})`, pValue: elTest.pValue, n: elTest.n }] : [],
      missing: 'fewer than 3 event-loop windows in one of the runs',
    }),
  );

  const cpuPerRequest = (r: RunRecord) => {
    const ms = (r.processes ?? []).reduce((sum, p) => sum + (p.cpu?.ms ?? 0), 0);
    const requests = r.load?.requests.total ?? 0;
    return ms > 0 && requests > 0 ? round(ms / requests, 3) : null;
  };
  metrics.push({
    ...untested('cpu.perRequest', 'service CPU per request', 'ms', cpuPerRequest(base), cpuPerRequest(cur)),
    why: "one value per run: shown, not tested (the service's own CPU time: other load disturbs it least).",
  });
  metrics.push(untested('gc.pauseSharePct', 'GC pause share', '%', base.gc?.pauseSharePct ?? null, cur.gc?.pauseSharePct ?? null));
  const heapWhy = (r: RunRecord) => (r.heap?.growth ? `r² ${r.heap.growth.r2}` : 'no fit');
  metrics.push({
    ...untested('heap.growthPct', 'heap growth', '%', base.heap?.growthPct ?? null, cur.heap?.growthPct ?? null),
    why: `one value per run: shown, not tested (fit: baseline ${heapWhy(base)}, current ${heapWhy(cur)}).`,
  });

  const endpoints: MetricComparison[] = [];
  for (const e of cl.endpoints) {
    const b = bl.endpoints.find((x) => x.method === e.method && x.path === e.path);
    if (!b) continue;
    endpoints.push({
      ...untested(`endpoint.p95 ${e.method} ${e.path}`, `${e.method} ${e.path} p95`, 'ms', b.latencyMs.p95, e.latencyMs.p95),
      why: 'run.json keeps no samples per endpoint: shown, not tested.',
    });
  }

  const all = [...metrics, ...endpoints];
  const warnings = [...setupWarnings(base, cur, !!bins), ...noiseWarnings(metrics, effects?.[50] ?? null)];
  return {
    baseline: ref(base, inputs.baseDir),
    current: ref(cur, inputs.currentDir),
    alpha,
    metrics,
    endpoints,
    latencyShift: mw && shift && effects ? latencyShift(mw, shift, effects[50]) : null,
    profile: profileDiff(base, cur, inputs.baseDir, inputs.currentDir),
    warnings,
    regressions: all.filter((m) => m.verdict === 'regression').map((m) => m.label),
    improvements: all.filter((m) => m.verdict === 'improvement').map((m) => m.label),
  };
}

interface JudgeInput {
  metric: string;
  label: string;
  unit: MetricComparison['unit'];
  better: 'lower' | 'higher';
  baseline: number | null;
  current: number | null;
  floor: number;
  alpha: number;
  tests: MetricTest[];
  shift?: Shift | null;
  missing: string;
}

function judge(x: JudgeInput): MetricComparison {
  const changePct = relChange(x.baseline, x.current);
  const base = { metric: x.metric, label: x.label, unit: x.unit, better: x.better, baseline: x.baseline, current: x.current, changePct, floorPct: x.floor, tests: x.tests };
  if (x.baseline === null || x.current === null || changePct === null) return { ...base, verdict: 'not tested', why: 'not measured in one of the runs.' };
  if (!x.tests.length) return { ...base, verdict: 'not tested', why: `${x.missing}.` };
  return { ...base, ...decide(changePct, x.better, x.floor, x.alpha, x.tests, x.shift ?? null, '%') };
}

function decide(change: number, better: 'lower' | 'higher', floor: number, alpha: number, tests: MetricTest[], shift: Shift | null, unit: '%' | ' pp'): Pick<MetricComparison, 'verdict' | 'why'> {
  const worstP = Math.max(...tests.map((t) => t.pValue));
  const pText = `p ${formatP(worstP)}`;
  const size = `${change > 0 ? '+' : ''}${round(change, 1)}${unit}`;
  if (worstP >= alpha) return { verdict: 'no significant change', why: `${pText} is not below ${alpha}: within chance.` };
  if (Math.abs(change) < floor) return { verdict: 'no significant change', why: `${size} is within the ${floor}${unit} floor (${pText}).` };
  // The typical request must have moved the same way as the summary figure.
  if (shift && shift.estimate !== 0 && Math.sign(shift.estimate) !== Math.sign(change)) {
    return { verdict: 'no significant change', why: `${size}, but the typical request moved the other way (shift ${round(shift.estimate, 3)} ms).` };
  }
  const worse = better === 'lower' ? change > 0 : change < 0;
  return { verdict: worse ? 'regression' : 'improvement', why: `${size} is past the ${floor}${unit} floor and ${pText} is below ${alpha}.` };
}

function errorRate(bl: NonNullable<RunRecord['load']>, cl: NonNullable<RunRecord['load']>, alpha: number, floor: number): MetricComparison {
  const b = bl.errors.rate * 100;
  const c = cl.errors.rate * 100;
  const test = twoProportionTest(bl.errors.total, bl.requests.total, cl.errors.total, cl.requests.total);
  const tests = test ? [{ name: 'two-proportion z', pValue: test.pValue, n: [bl.requests.total, cl.requests.total] as [number, number] }] : [];
  const base = { metric: 'errorRate', label: 'error rate', unit: '%' as const, better: 'lower' as const, baseline: round(b, 3), current: round(c, 3), changePct: round(c - b, 3), floorPct: floor, tests };
  if (!tests.length) return { ...base, verdict: 'not tested', why: 'no requests in one of the runs.' };
  return { ...base, ...decide(c - b, 'lower', floor, alpha, tests, null, ' pp') };
}

function untested(metric: string, label: string, unit: MetricComparison['unit'], baseline: number | null, current: number | null): MetricComparison {
  return { metric, label, unit, better: 'lower', baseline, current, changePct: relChange(baseline, current), floorPct: null, verdict: 'not tested', tests: [], why: 'one value per run: shown, not tested.' };
}

function relChange(b: number | null, c: number | null): number | null {
  if (b === null || c === null || b === undefined || c === undefined) return null;
  if (b === 0) return c === 0 ? 0 : null;
  return round(((c - b) / Math.abs(b)) * 100, 2);
}

/** Requests per second, one value per timeline second. */
function perSecond(load: NonNullable<RunRecord['load']>): number[] {
  return (load.timeline ?? []).map((p) => p.rps).filter((v) => Number.isFinite(v));
}

function latencyShift(mw: MannWhitney, shift: Shift, designEffect: number): LatencyShift {
  return {
    shiftMs: round(shift.estimate, 3),
    ci95Ms: [round(shift.ci95[0], 3), round(shift.ci95[1], 3)],
    probabilityCurrentSlower: round(mw.probabilityCurrentGreater, 4),
    designEffect: round(designEffect, 2),
    mannWhitney: { u: mw.u, z: round(mw.z, 3), pValue: inflatedP(mw.z, designEffect), pValueIndependent: mw.pValue, n: mw.n },
  };
}

/**
 * Design effects for p50, p95 and p99, pooled over both runs (mean of each
 * run's), from the per-second percentiles of the load timeline. 1 when a run
 * has fewer than 3 seconds: the requests are then treated as independent.
 */
function designEffects(bl: NonNullable<RunRecord['load']>, cl: NonNullable<RunRecord['load']>, bins: readonly [Bins, Bins]): Record<50 | 95 | 99, number> {
  const pooled = (p: 50 | 95 | 99, key: 'p50' | 'p95' | 'p99') => {
    const ds = [
      designEffect(bins[0], p, (bl.timeline ?? []).map((w) => ({ value: w[key], count: w.rps }))),
      designEffect(bins[1], p, (cl.timeline ?? []).map((w) => ({ value: w[key], count: w.rps }))),
    ].filter((d): d is number => d !== null && Number.isFinite(d));
    return ds.length ? ds.reduce((a, b) => a + b, 0) / ds.length : 1;
  };
  return { 50: pooled(50, 'p50'), 95: pooled(95, 'p95'), 99: pooled(99, 'p99') };
}

export function formatP(p: number): string {
  if (p < 0.001) return '< 0.001';
  return `= ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`;
}

function ref(r: RunRecord, dir: string): RunRef {
  return { id: r.id, dir, startedAt: r.startedAt, gitCommit: r.environment?.gitCommit ?? null, node: r.environment?.node ?? '' };
}

function setupWarnings(base: RunRecord, cur: RunRecord, haveSamples: boolean): string[] {
  const w: string[] = [];
  const stages = (r: RunRecord) => JSON.stringify((r.load?.stages ?? []).map((s) => s.connections));
  if (stages(base) !== stages(cur)) w.push(`The runs used different connections per stage (${stages(base)} vs ${stages(cur)}): latency and throughput are not like for like.`);
  if (base.scenario !== cur.scenario) w.push(`The runs used different scenarios (${base.scenario} vs ${cur.scenario}).`);
  const eps = (r: RunRecord) => (r.load?.endpoints ?? []).map((e) => `${e.method} ${e.path}`).sort().join(', ');
  if (eps(base) !== eps(cur)) w.push(`The runs hit different endpoints (${eps(base) || 'none'} vs ${eps(cur) || 'none'}).`);
  if (base.environment?.node !== cur.environment?.node) w.push(`Different Node.js versions (${base.environment?.node} vs ${cur.environment?.node}).`);
  if (base.environment?.cpuModel !== cur.environment?.cpuModel || base.environment?.cpus !== cur.environment?.cpus) {
    w.push(`Different machines (${base.environment?.cpus}× ${base.environment?.cpuModel} vs ${cur.environment?.cpus}× ${cur.environment?.cpuModel}).`);
  }
  const secs = (r: RunRecord) => Math.round((r.load?.durationMs ?? 0) / 1000);
  if (Math.abs(secs(base) - secs(cur)) > Math.max(1, 0.2 * secs(base))) w.push(`The runs lasted ${secs(base)} s and ${secs(cur)} s of load.`);
  if (!haveSamples) w.push('Latency samples (latency.hdr) are missing from one of the runs: latency is shown, not tested.');
  return w;
}

/** Signs that the machine, not the code, moved the latency. */
function noiseWarnings(metrics: MetricComparison[], designEffect: number | null): string[] {
  const w: string[] = [];
  const p50 = metrics.find((m) => m.metric === 'latency.p50');
  const cpu = metrics.find((m) => m.metric === 'cpu.perRequest');
  if (p50 && (p50.verdict === 'regression' || p50.verdict === 'improvement') && cpu?.changePct != null && Math.abs(cpu.changePct) < FLOORS['latency.p50']) {
    w.push(
      `Latency moved ${p50.changePct}% while the service's CPU time per request moved ${cpu.changePct}%: if the code did not add waiting (I/O, locks, timers), other load on the machine may have caused it; repeat both runs to be sure.`,
    );
  }
  if (designEffect !== null && designEffect > 10) {
    w.push(
      `Latency varied from second to second ${round(designEffect, 0)}× more than independent requests would (a busy or shared machine): the tests allow for it within each run, but not for a whole run landing in a busier moment than the other.`,
    );
  }
  return w;
}

function profileDiff(base: RunRecord, cur: RunRecord, baseDir: string, curDir: string): ProfileDiff | null {
  const a = readCpuProfile(baseDir, base.cpu?.profile);
  const b = readCpuProfile(curDir, cur.cpu?.profile);
  if (!a || !b) return null;
  const files = (r: RunRecord) => [...(r.cpu?.hotFunctions ?? []).map((f) => f.file), ...(r.cpu?.hotLines ?? []).map((l) => l.file)];
  return diffProfiles(a, b, { baseRoot: inferRoot(a, files(base)), currentRoot: inferRoot(b, files(cur)), sourceMaps: new SourceMapResolver(), top: 30 });
}
