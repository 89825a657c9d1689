// Scenario "soak": constant load for a long time. After a warm-up, the run is
// cut into windows of windowSec aligned to its end; the first and last windows
// are compared (p95 and throughput degradation), and the heap growth over the
// run comes from the probe's heap timeline.

import type { SoakSpec } from '../../config';
import type { LoadResult, SoakResult, SoakWindow, StageResult } from '../loadResult';
import { round1 } from '../loadResult';
import { ScenarioContext, MeasuredSpan, closedLoad, sleep } from './common';

export const SOAK_QUESTION = 'Does the service slow down, serve less or hold more memory the longer it runs?';

/** Start offsets (ms from the start of the load) of the windows, aligned so the last one ends with the run. */
export function soakWindowStarts(spec: Pick<SoakSpec, 'durationSec' | 'windowSec' | 'warmupSec'>): number[] {
  const n = Math.floor((spec.durationSec - spec.warmupSec) / spec.windowSec);
  const first = (spec.durationSec - n * spec.windowSec) * 1000;
  return Array.from({ length: n }, (_, i) => first + i * spec.windowSec * 1000);
}

const pct = (from: number, to: number) => (from > 0 ? round1(((to - from) / from) * 100) : 0);

/** Degradation from the first window to the last: positive numbers are worse. */
export function degradation(first: SoakWindow, last: SoakWindow): Pick<SoakResult, 'p95DegradationPct' | 'throughputDegradationPct'> {
  return { p95DegradationPct: pct(first.p95, last.p95), throughputDegradationPct: -pct(first.rps, last.rps) || 0 };
}

function toWindow(s: StageResult): SoakWindow {
  return {
    startT: s.measuredFromT,
    endT: s.endT,
    requests: s.requests,
    rps: s.rps,
    p50: s.latencyMs.p50,
    p95: s.latencyMs.p95,
    p99: s.latencyMs.p99,
    errorRate: s.errorRate,
  };
}

export async function runSoak(ctx: ScenarioContext, spec: SoakSpec): Promise<SoakResult | null> {
  ctx.announce('soak', `Soak: ${spec.connections} connections for ${spec.durationSec} s, compared in ${spec.windowSec} s windows`);
  const start = ctx.rec.now();
  const load = closedLoad(ctx, spec.connections, spec.durationSec);
  const whole = new MeasuredSpan(ctx, 'soak', 'soak', spec.connections, spec.warmupSec * 1000);
  const windows: SoakWindow[] = [];
  const starts = soakWindowStarts(spec);
  let finished = false;
  void load.done.then(() => (finished = true));
  for (const [i, offset] of starts.entries()) {
    await sleep(Math.max(0, start + offset - ctx.rec.now()), ctx.token);
    if (ctx.token.isCancelled() || finished) break;
    const label = `window ${i + 1}`;
    ctx.rec.stage = `soak ${label} of ${starts.length}`;
    const w = new MeasuredSpan(ctx, label, 'soak', spec.connections);
    const end = i + 1 < starts.length ? sleep(Math.max(0, start + starts[i + 1] - ctx.rec.now()), ctx.token) : load.done;
    await Promise.race([end, load.done]);
    // Windows are the soak's own figures, not stages of the run.
    const stage = w.close(false);
    windows.push(toWindow(stage));
  }
  await load.done;
  whole.close();
  if (windows.length < 2) return null;
  const first = windows[0];
  const last = windows[windows.length - 1];
  return { question: SOAK_QUESTION, connections: spec.connections, windowSec: spec.windowSec, windows, first, last, ...degradation(first, last), heapGrowthPct: null };
}

/**
 * Sets the soak's heap growth once the probe's heap timeline is in (the runner
 * calls it after the run): the heap used after collections, i.e. the lowest
 * sample, in the last window against the first. Troughs, because heap used
 * saw-tooths with every GC; the first and last windows, because start-up and
 * warm-up allocations are not growth. Without samples in both windows, the
 * probe's fit over the whole run is used.
 */
export function applyHeapGrowth(
  load: Pick<LoadResult, 'soak'> | null,
  heap: { growthPct: number | null; timeline: Array<{ t: number; heapUsed: number }> } | null,
): void {
  const soak = load?.soak;
  if (!soak || !heap) return;
  const trough = (w: SoakWindow) => {
    let min: number | null = null;
    for (const p of heap.timeline) if (p.t >= w.startT && p.t <= w.endT && (min === null || p.heapUsed < min)) min = p.heapUsed;
    return min;
  };
  const a = trough(soak.first);
  const b = trough(soak.last);
  soak.heap = { firstTroughBytes: a, lastTroughBytes: b, runGrowthPct: heap.growthPct };
  if (a !== null && b !== null) soak.heapGrowthPct = pct(a, b);
  else if (heap.growthPct !== null && Number.isFinite(heap.growthPct)) soak.heapGrowthPct = heap.growthPct;
}
