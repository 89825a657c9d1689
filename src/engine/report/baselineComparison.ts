// The comparison with the baseline that a report shows and run.json keeps
// (`comparison`): the compare engine's verdicts per metric, cut down to what a
// reader needs (no samples, no folder paths), plus the functions whose share
// of CPU self time moved most. A run made while a baseline is pinned stores it,
// so the report and a CI comment show it without a second run folder.

import * as fs from 'fs';
import * as path from 'path';
import { compareRecords, compareRuns, type Comparison, type MetricComparison, type Verdict } from '../analysis/compare';
import { readLatencyBins } from '../analysis/compareInputs';
import { HotpathError } from '../events';
import type { RunRecord } from '../runRecord';
import { getBaseline, isRunId } from '../store/baseline';
import { readRun } from '../store/runStore';
import { round } from '../analysis/stats';

export interface ComparedMetric {
  metric: string;
  label: string;
  unit: 'ms' | 'rps' | '%' | 'bytes';
  better: 'lower' | 'higher';
  baseline: number | null;
  current: number | null;
  /** Percent of the baseline; percentage points for the error rate. */
  changePct: number | null;
  verdict: Verdict;
  /** The largest p-value of the metric's tests; null when not tested. */
  pValue: number | null;
  why: string;
}

export interface ComparedFunction {
  name: string;
  file: string;
  line: number;
  /** Where the function lives when it has no file: native, node, gc, program. */
  category?: string;
  baseSelfPct: number;
  currentSelfPct: number;
  /** Change of the share of busy CPU time, percentage points. */
  deltaPct: number;
  deltaMs: number;
}

export interface RunComparison {
  baseline: { id: string; startedAt: string; gitCommit: string | null };
  /** Significance level of the tests (confidence 1 − alpha). */
  alpha: number;
  metrics: ComparedMetric[];
  /** Largest changes of CPU self time first; empty when a run has no CPU profile. */
  functions: ComparedFunction[];
  profileCompared: boolean;
  warnings: string[];
  regressions: string[];
  improvements: string[];
}

const TOP_FUNCTIONS = 8;

export function summarizeComparison(c: Comparison, base: RunRecord, cur: RunRecord): RunComparison {
  const metrics = c.metrics.filter((m) => m.metric !== 'latency.mean').map(metric);
  metrics.push(
    oneValue('gc.pauseP99', 'GC pause p99', 'ms', base.gc?.pauseMs?.p99 ?? null, cur.gc?.pauseMs?.p99 ?? null),
    oneValue('heap.peakUsed', 'peak heap used', 'bytes', peakHeap(base), peakHeap(cur)),
  );
  const order = ['throughput', 'latency.p50', 'latency.p95', 'latency.p99', 'errorRate', 'cpu.perRequest', 'eventLoop.p99', 'gc.pauseSharePct', 'gc.pauseP99', 'heap.peakUsed', 'heap.growthPct'];
  metrics.sort((a, b) => order.indexOf(a.metric) - order.indexOf(b.metric));
  const functions = (c.profile?.functions ?? [])
    .filter((f) => f.category !== 'idle' && f.category !== 'root' && f.deltaPct !== 0)
    .sort((a, b) => Math.abs(b.deltaPct) - Math.abs(a.deltaPct))
    .slice(0, TOP_FUNCTIONS)
    .map((f) => ({ name: f.name, file: f.file, line: f.line, category: f.category, baseSelfPct: f.baseSelfPct, currentSelfPct: f.currentSelfPct, deltaPct: f.deltaPct, deltaMs: f.deltaMs }));
  return {
    baseline: { id: c.baseline.id, startedAt: c.baseline.startedAt, gitCommit: c.baseline.gitCommit },
    alpha: c.alpha,
    metrics,
    functions,
    profileCompared: c.profile !== null,
    warnings: c.warnings,
    regressions: c.regressions,
    improvements: c.improvements,
  };
}

function metric(m: MetricComparison): ComparedMetric {
  return {
    metric: m.metric,
    label: m.label,
    unit: m.unit,
    better: m.better,
    baseline: m.baseline,
    current: m.current,
    changePct: m.changePct,
    verdict: m.verdict,
    pValue: m.tests.length ? round(Math.max(...m.tests.map((t) => t.pValue)), 5) : null,
    why: m.why,
  };
}

function oneValue(id: string, label: string, unit: ComparedMetric['unit'], b: number | null, c: number | null): ComparedMetric {
  const changePct = b === null || c === null ? null : b === 0 ? (c === 0 ? 0 : null) : round(((c - b) / Math.abs(b)) * 100, 2);
  return { metric: id, label, unit, better: 'lower', baseline: b, current: c, changePct, verdict: 'not tested', pValue: null, why: 'one value per run: shown, not tested.' };
}

function peakHeap(r: RunRecord): number | null {
  const tl = r.heap?.timeline ?? [];
  return tl.length ? Math.max(...tl.map((p) => p.heapUsed)) : null;
}

/**
 * The comparison of a run being saved (its files in `currentDir`, run.json not
 * written yet) with the baseline pinned in `runsDir`. Null when none is pinned,
 * it cannot be read, or either run has no load results; never throws, since a
 * comparison must not cost the user the run.
 */
export function compareWithPinnedBaseline(runsDir: string, record: RunRecord, currentDir: string): RunComparison | null {
  const pinned = getBaseline(runsDir);
  if (pinned.state !== 'set' || pinned.id === record.id || !pinned.record.load || !record.load) return null;
  try {
    const c = compareRecords(pinned.record, record, {
      baseDir: pinned.dir,
      currentDir,
      baseBins: readLatencyBins(pinned.dir),
      currentBins: readLatencyBins(currentDir),
    });
    return summarizeComparison(c, pinned.record, record);
  } catch {
    return null;
  }
}

/**
 * `hotpath report RUN_DIR --baseline BASE`: BASE is a run folder, or the id of
 * a run beside RUN_DIR. Throws a HotpathError saying what to pass instead.
 */
export function compareWithRun(baseArg: string, runDir: string): RunComparison {
  const baseDir = fs.existsSync(baseArg) || !isRunId(baseArg) ? baseArg : path.join(path.dirname(path.resolve(runDir)), baseArg);
  if (path.resolve(baseDir) === path.resolve(runDir)) throw new HotpathError(`${baseArg} is the run being reported: pass another run as the baseline.`);
  const c = compareRuns(baseDir, runDir);
  const b = readRun(baseDir);
  const r = readRun(runDir);
  if (!b.ok || !r.ok) throw new HotpathError(`${!b.ok ? baseDir : runDir} could not be read a second time for the comparison: run the report again.`);
  return summarizeComparison(c, b.record, r.record);
}

/** The baseline pinned in the folder that holds `runDir`, unless it is this run. */
export function pinnedBaselineFor(runDir: string): { state: 'set'; dir: string; id: string } | { state: 'none' } | { state: 'self' } | { state: 'gone'; reason: string } {
  const abs = path.resolve(runDir);
  const pinned = getBaseline(path.dirname(abs));
  if (pinned.state === 'none') return { state: 'none' };
  if (pinned.state === 'gone') return { state: 'gone', reason: pinned.reason };
  if (path.resolve(pinned.dir) === abs) return { state: 'self' };
  return { state: 'set', dir: pinned.dir, id: pinned.id };
}
