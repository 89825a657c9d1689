// The embedded engine as it was first exposed: the configured stages run one
// after another with autocannon. Runs now go through LoadRunner (scenarios,
// rate stages, external engines); this keeps the older entry point and the
// type names that other modules import from here.

import type { RequestSpec, StageSpec } from '../config';
import { CancellationToken, Emitter } from '../events';
import type { LoadStageTick } from '../runEvents';
import { LoadRecorder } from './loadRecorder';
import type { LoadResult } from './loadResult';
import { runConstant } from './scenarios/constant';
import type { ScenarioContext } from './scenarios/common';

export type { EndpointResult, LoadResult, StageResult, TimelinePoint } from './loadResult';

export interface LoadOptions {
  target: string;
  requests: RequestSpec[];
  stages: StageSpec[];
  /** ms since epoch at which the run's clock started (t = 0). */
  clockStart: number;
  token: CancellationToken;
  timeoutSec?: number;
}

export class AutocannonDriver {
  readonly onTick = new Emitter<LoadStageTick>();

  async run(opts: LoadOptions): Promise<LoadResult> {
    const rec = new LoadRecorder(opts.requests, opts.clockStart);
    rec.onTick.event((t) => this.onTick.fire(t));
    const ctx: ScenarioContext = {
      rec,
      target: opts.target,
      requests: opts.requests,
      timeoutSec: opts.timeoutSec ?? 10,
      token: opts.token,
      serviceCpuSeconds: () => null,
      announce: (label) => (rec.stage = label),
      generatorTotal: 0,
      stages: [],
    };
    rec.startTicker();
    try {
      await runConstant(ctx, opts.stages);
    } finally {
      rec.stopTicker();
    }
    const result = rec.finish('autocannon', rec.now());
    return { ...result, latencyCorrected: opts.stages.some((s) => s.rate !== undefined), stages: ctx.stages, generatorTotal: ctx.generatorTotal };
  }
}
