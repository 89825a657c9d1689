// What every scenario needs: the recorder, the target and request mix, the
// run's cancellation, the service's CPU clock, and stages measured as spans.

import type { RequestSpec } from '../../config';
import type { CancellationToken } from '../../events';
import { startAutocannon, RunningLoad } from '../autocannonStage';
import type { LoadRecorder, Span } from '../loadRecorder';
import type { StageKind, StageResult } from '../loadResult';
import { round1 } from '../loadResult';
import { startRateStage } from '../rateStage';

export interface ScenarioContext {
  rec: LoadRecorder;
  target: string;
  requests: RequestSpec[];
  timeoutSec: number;
  token: CancellationToken;
  /** CPU seconds the service has used so far (user + system), or null when unknown. */
  serviceCpuSeconds: () => number | null;
  /** Announces a stage to subscribers (the runner turns it into a phase event). */
  announce: (label: string, message: string) => void;
  /** Requests the generators counted themselves. */
  generatorTotal: number;
  stages: StageResult[];
}

/** Starts closed-model load and stops it when the run is cancelled. */
export function closedLoad(ctx: ScenarioContext, connections: number, durationSec: number): RunningLoad {
  return guard(ctx, startAutocannon(ctx.rec, { target: ctx.target, requests: ctx.requests, connections, durationSec, timeoutSec: ctx.timeoutSec }));
}

/** Starts open-model load at `rate` requests/s and stops it when the run is cancelled. */
export function rateLoad(ctx: ScenarioContext, rate: number, maxInFlight: number, durationSec: number): RunningLoad {
  return guard(ctx, startRateStage(ctx.rec, { target: ctx.target, requests: ctx.requests, rate, maxInFlight, durationSec, timeoutSec: ctx.timeoutSec }));
}

function guard(ctx: ScenarioContext, load: RunningLoad): RunningLoad {
  const sub = ctx.token.onCancelled(() => load.stop());
  const done = load.done.then((n) => {
    sub.dispose();
    ctx.generatorTotal += n;
    return n;
  });
  return { done, stop: load.stop };
}

/** A span with the service's CPU time read at its measured start and at its end. */
export class MeasuredSpan {
  readonly span: Span;
  private cpuStart: number | null = null;
  private readonly cpuTimer: NodeJS.Timeout | null = null;
  private readonly rate: number | undefined;
  readonly startT: number;

  constructor(
    private readonly ctx: ScenarioContext,
    readonly label: string,
    readonly kind: StageKind,
    readonly connections: number,
    settleMs = 0,
    options: { keepSamples?: boolean; rate?: number } = {},
  ) {
    this.startT = ctx.rec.now();
    this.rate = options.rate;
    this.span = ctx.rec.openSpan(label, { fromT: this.startT + settleMs, keepSamples: options.keepSamples });
    const readCpu = () => (this.cpuStart = ctx.serviceCpuSeconds());
    if (settleMs > 0) this.cpuTimer = setTimeout(readCpu, settleMs);
    else readCpu();
  }

  /** Closes the span and, unless told otherwise, records it as one of the run's stages. */
  close(record = true): StageResult {
    if (this.cpuTimer) clearTimeout(this.cpuTimer);
    const endT = this.ctx.rec.now();
    const cpuEnd = this.ctx.serviceCpuSeconds();
    this.ctx.rec.closeSpan(this.span, endT);
    const seconds = (endT - this.span.fromT) / 1000;
    const cpuPct = this.cpuStart !== null && cpuEnd !== null && seconds > 0 ? round1((Math.max(0, cpuEnd - this.cpuStart) / seconds) * 100) : null;
    const result: StageResult = {
      label: this.label,
      kind: this.kind,
      connections: this.connections,
      ...(this.rate !== undefined ? { rate: this.rate } : {}),
      startT: this.startT,
      endT,
      measuredFromT: Math.min(this.span.fromT, endT),
      requests: this.span.counts.responses,
      rps: this.span.rps(),
      latencyMs: this.span.hist.summary(),
      errors: this.span.errors,
      errorRate: this.span.errorRate,
      cpuPct,
    };
    if (record) this.ctx.stages.push(result);
    return result;
  }
}

export const sleep = (ms: number, token: CancellationToken) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    const sub = token.onCancelled(done);
    function done() {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    }
  });
