// Scenarios "baseline" and "load": the configured stages one after another.
// Question answered: how fast is each endpoint at this load (RPS, avg, p50,
// p95, p99, error %)? A baseline is the same at a light load (one connection
// unless the stages say otherwise), to compare the loaded figures against.

import type { StageSpec } from '../../config';
import { ScenarioContext, MeasuredSpan, closedLoad, rateLoad } from './common';

export const CONSTANT_QUESTION = {
  baseline: 'How fast is each endpoint without contention?',
  load: 'How fast is each endpoint at the expected load?',
};

export function describeStage(s: StageSpec): string {
  return s.rate !== undefined ? `${s.rate} req/s (at most ${s.connections} in flight) for ${s.durationSec} s` : `${s.connections} connections for ${s.durationSec} s`;
}

export async function runConstant(ctx: ScenarioContext, stages: StageSpec[]): Promise<void> {
  for (const [i, stage] of stages.entries()) {
    if (ctx.token.isCancelled()) break;
    const label = `stage ${i + 1}: ${stage.rate !== undefined ? `${stage.rate} req/s` : `${stage.connections} connections`}`;
    if (stages.length > 1) ctx.announce(label, `Stage ${i + 1} of ${stages.length}: ${describeStage(stage)}`);
    else ctx.rec.stage = label;
    const measured = new MeasuredSpan(ctx, label, 'stage', stage.connections, 0, { rate: stage.rate });
    const load = stage.rate !== undefined ? rateLoad(ctx, stage.rate, stage.connections, stage.durationSec) : closedLoad(ctx, stage.connections, stage.durationSec);
    await load.done;
    measured.close();
  }
}
