// Scenario "spike": base load throughout; factor× the connections join for
// spikeDurationSec and leave. The pre-spike p95 is the baseline; recovery time
// is from the end of the spike to the start of the first one-second window
// (slid in 100 ms steps) whose p95 is back within tolerancePct of it.

import type { SpikeSpec } from '../../config';
import type { SpikeResult } from '../loadResult';
import { ScenarioContext, MeasuredSpan, closedLoad, sleep } from './common';

export const SPIKE_QUESTION = 'How long does the service take to recover from a sudden burst of load?';

const WINDOW_MS = 1000;
const SLIDE_MS = 100;
const MIN_SAMPLES = 3;

/** Nearest-rank percentile of unsorted values. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Milliseconds from `fromT` to the start of the first one-second window whose
 * p95 is at most `thresholdMs`; null when no window before `endT` qualifies.
 * `samples` is flat: t0, latency0, t1, latency1, …
 */
export function recoveryTime(samples: number[], fromT: number, endT: number, thresholdMs: number): number | null {
  const ts: number[] = [];
  const lat: number[] = [];
  for (let i = 0; i + 1 < samples.length; i += 2) {
    ts.push(samples[i]);
    lat.push(samples[i + 1]);
  }
  const order = ts.map((_, i) => i).sort((a, b) => ts[a] - ts[b]);
  for (let w = fromT; w + WINDOW_MS <= endT; w += SLIDE_MS) {
    const inWindow: number[] = [];
    for (const i of order) {
      if (ts[i] >= w + WINDOW_MS) break;
      if (ts[i] >= w) inWindow.push(lat[i]);
    }
    if (inWindow.length >= MIN_SAMPLES && percentile(inWindow, 95) <= thresholdMs) return w - fromT;
  }
  return null;
}

export async function runSpike(ctx: ScenarioContext, spec: SpikeSpec): Promise<SpikeResult> {
  const base = spec.baseConnections;
  const spikeConnections = Math.max(base + 1, Math.round(base * spec.factor));
  const total = spec.baseDurationSec + spec.spikeDurationSec + spec.recoveryDurationSec;
  // The first seconds of base load warm the service up; the baseline p95 is taken after them.
  const baseSettleMs = Math.min(2000, (spec.baseDurationSec * 1000) / 2);

  ctx.announce('base', `Spike scenario, base load: ${base} connections for ${spec.baseDurationSec} s`);
  const baseLoad = closedLoad(ctx, base, total);
  const pre = new MeasuredSpan(ctx, 'base', 'base', base, baseSettleMs);
  await sleep(spec.baseDurationSec * 1000, ctx.token);
  const preStage = pre.close();

  let spikeStage = null;
  let spikeStartT = ctx.rec.now();
  let spikeEndT = spikeStartT;
  if (!ctx.token.isCancelled()) {
    ctx.announce('spike', `Spike: ${spikeConnections} connections (${spec.factor}×) for ${spec.spikeDurationSec} s`);
    const during = new MeasuredSpan(ctx, 'spike', 'spike', spikeConnections);
    spikeStartT = during.startT;
    const extra = closedLoad(ctx, spikeConnections - base, spec.spikeDurationSec);
    await extra.done;
    spikeStage = during.close();
    spikeEndT = spikeStage.endT;
  }

  let recovered: number | null = null;
  const thresholdMs = Math.round(preStage.latencyMs.p95 * (1 + spec.tolerancePct / 100) * 1000) / 1000;
  if (!ctx.token.isCancelled()) {
    ctx.announce('recovery', `Spike over: back to ${base} connections for ${spec.recoveryDurationSec} s, measuring recovery`);
    const after = new MeasuredSpan(ctx, 'recovery', 'recovery', base, 0, { keepSamples: true });
    await baseLoad.done;
    const recoveryStage = after.close();
    recovered = recoveryTime(after.span.samples ?? [], spikeEndT, recoveryStage.endT, thresholdMs);
  } else {
    baseLoad.stop();
    await baseLoad.done;
  }

  return {
    question: SPIKE_QUESTION,
    baseConnections: base,
    spikeConnections,
    spikeStartT,
    spikeEndT,
    baselineP95Ms: preStage.latencyMs.p95,
    baseRps: preStage.rps,
    spikeP95Ms: spikeStage?.latencyMs.p95 ?? 0,
    spikeRps: spikeStage?.rps ?? 0,
    spikeErrorRate: spikeStage?.errorRate ?? 0,
    tolerancePct: spec.tolerancePct,
    thresholdMs,
    recovered: recovered !== null,
    recoveryMs: recovered,
  };
}
