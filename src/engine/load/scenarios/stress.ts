// Scenario "stress": a ladder of rising concurrency. Each step runs for
// stepDurationSec; its first settleSec are left out of its figures (the queue
// adjusting to the new concurrency). The ladder stops at the first step whose
// error rate or p95 crosses the configured limits: that step is the breaking
// point, and the step before it the maximum sustainable load.

import type { StressSpec } from '../../config';
import type { StageResult, StressResult, StressStep } from '../loadResult';
import { round1 } from '../loadResult';
import type { RunningLoad } from '../autocannonStage';
import { ScenarioContext, MeasuredSpan, closedLoad, sleep } from './common';

export const STRESS_QUESTION = 'What is the most load the service sustains within its limits, and where does it break?';

/** The connections of each step, from startConnections up to maxConnections. */
export function ladder(spec: Pick<StressSpec, 'startConnections' | 'step' | 'factor' | 'maxConnections'>): number[] {
  const out: number[] = [];
  let c = spec.startConnections;
  while (c <= spec.maxConnections) {
    out.push(c);
    const next = spec.step !== null ? c + spec.step : Math.max(c + 1, Math.round(c * spec.factor));
    if (c < spec.maxConnections && next > spec.maxConnections) {
      out.push(spec.maxConnections);
      break;
    }
    c = next;
  }
  return out;
}

/** Why a step is past the limits, or null when it is within them. */
export function stepVerdict(stage: Pick<StageResult, 'requests' | 'errorRate' | 'latencyMs'>, limits: StressResult['limits']): string | null {
  const reasons: string[] = [];
  if (stage.requests === 0 && stage.errorRate === 0) reasons.push('no response at all');
  if (stage.errorRate > limits.maxErrorRate) reasons.push(`error rate ${(stage.errorRate * 100).toFixed(2)}% > ${(limits.maxErrorRate * 100).toFixed(2)}%`);
  if (stage.latencyMs.p95 > limits.maxP95Ms) reasons.push(`p95 ${stage.latencyMs.p95} ms > ${limits.maxP95Ms} ms`);
  else if (limits.maxP95Factor !== undefined && limits.referenceP95Ms !== undefined && stage.latencyMs.p95 > limits.maxP95Factor * limits.referenceP95Ms) {
    reasons.push(`p95 ${stage.latencyMs.p95} ms > ${limits.maxP95Factor} × the first step's ${limits.referenceP95Ms} ms`);
  }
  return reasons.length ? reasons.join(' and ') : null;
}

/** The stress figures from the measured steps, in ladder order. */
export function summarizeLadder(steps: StageResult[], given: StressResult['limits'], hold?: StageResult): StressResult {
  const limits = withReference(given, steps[0]);
  const toStep = (s: StageResult): StressStep => {
    const reason = stepVerdict(s, limits);
    return {
      connections: s.connections,
      rps: s.rps,
      avg: s.latencyMs.mean,
      p50: s.latencyMs.p50,
      p95: s.latencyMs.p95,
      p99: s.latencyMs.p99,
      errorRate: s.errorRate,
      cpuPct: s.cpuPct,
      rpsPerCore: s.cpuPct !== null && s.cpuPct > 0 ? round1(s.rps / (s.cpuPct / 100)) : null,
      requests: s.requests,
      startT: s.measuredFromT,
      endT: s.endT,
      withinLimits: reason === null,
      reason,
    };
  };
  const out = steps.map(toStep);
  const breaking = out.findIndex((s) => !s.withinLimits);
  const sustainable = (breaking === -1 ? out : out.slice(0, breaking)).at(-1) ?? null;
  const broke = breaking === -1 ? null : out[breaking];
  const held = hold && sustainable ? toStep(hold) : null;
  return {
    question: STRESS_QUESTION,
    limits,
    steps: out,
    maxSustainable: held
      ? {
          connections: sustainable!.connections,
          rps: held.rps,
          p95: held.p95,
          cpuPct: held.cpuPct,
          rpsPerCore: held.rpsPerCore,
          heldSec: Math.round((held.endT - held.startT) / 100) / 10,
          heldWithinLimits: held.withinLimits,
        }
      : sustainable
        ? { connections: sustainable.connections, rps: sustainable.rps, p95: sustainable.p95, cpuPct: sustainable.cpuPct, rpsPerCore: sustainable.rpsPerCore }
        : null,
    breakingPoint: broke ? { connections: broke.connections, rps: broke.rps, p95: broke.p95, errorRate: broke.errorRate, reason: broke.reason! } : null,
  };
}

/**
 * Connections are added, never replaced: each step starts autocannon with the
 * connections it adds to the ones already running, and all of them stop when
 * the ladder ends. Restarting every step would abandon the previous step's
 * requests in flight, which the service still works through at the start of the
 * next step, and count that work against it.
 */
/** With a relative p95 limit, the p95 it multiplies: the first step's. */
function withReference(limits: StressResult['limits'], first: StageResult | undefined): StressResult['limits'] {
  if (limits.maxP95Factor === undefined || !first) return limits;
  return { ...limits, referenceP95Ms: limits.referenceP95Ms ?? first.latencyMs.p95 };
}

export async function runStress(ctx: ScenarioContext, spec: StressSpec): Promise<StressResult> {
  const given: StressResult['limits'] = { maxErrorRate: spec.maxErrorRate, maxP95Ms: spec.maxP95Ms, ...(spec.maxP95Factor !== null ? { maxP95Factor: spec.maxP95Factor } : {}) };
  const steps: StageResult[] = [];
  // Each rung's added connections, with the level they bring the total to.
  const running: Array<{ load: RunningLoad; level: number }> = [];
  // Long enough for any ladder; the ladder stops them.
  const open = (connections: number, level: number) => running.push({ load: closedLoad(ctx, connections, 7 * 86400), level });
  let current = 0;
  let hold: StageResult | undefined;
  const rungs = ladder(spec);
  try {
    if (spec.warmupSec > 0) {
      ctx.announce('warm-up', `Stress warm-up: ${spec.startConnections} connections for ${spec.warmupSec} s (not counted)`);
      const warm = new MeasuredSpan(ctx, 'warm-up', 'warmup', spec.startConnections);
      open(spec.startConnections, spec.startConnections);
      current = spec.startConnections;
      await sleep(spec.warmupSec * 1000, ctx.token);
      warm.close();
    }
    for (const [i, connections] of rungs.entries()) {
      if (ctx.token.isCancelled()) break;
      const label = `step ${i + 1}: ${connections} connections`;
      ctx.announce(label, `Stress step ${i + 1} of at most ${rungs.length}: ${connections} connections for ${spec.stepDurationSec} s`);
      const measured = new MeasuredSpan(ctx, label, 'step', connections, spec.settleSec * 1000);
      if (connections > current) open(connections - current, connections);
      current = connections;
      await sleep(spec.stepDurationSec * 1000, ctx.token);
      const step = measured.close();
      if (ctx.token.isCancelled()) break;
      steps.push(step);
      if (stepVerdict(step, withReference(given, steps[0])) !== null) break;
    }
    // The ladder found the level; holding it gives the steadier figures.
    const sustainable = summarizeLadder(steps, given).maxSustainable;
    if (spec.holdSec > 0 && sustainable && !ctx.token.isCancelled()) {
      const label = `hold: ${sustainable.connections} connections`;
      ctx.announce(label, `Stress: holding the maximum sustainable level, ${sustainable.connections} connections, for ${spec.holdSec} s`);
      for (const r of running) if (r.level > sustainable.connections) r.load.stop();
      const measured = new MeasuredSpan(ctx, label, 'hold', sustainable.connections, spec.settleSec * 1000);
      await sleep((spec.settleSec + spec.holdSec) * 1000, ctx.token);
      if (!ctx.token.isCancelled()) hold = measured.close();
    }
  } finally {
    for (const r of running) r.load.stop();
    await Promise.all(running.map((r) => r.load.done));
  }
  return summarizeLadder(steps, given, hold);
}
