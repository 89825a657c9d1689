// The load stage of a run: picks the engine and the scenario, streams ticks
// and stage markers, and returns `load` for run.json.

import type { HotpathConfig } from '../config';
import { CancellationToken, Emitter } from '../events';
import { preflightArtillery, runArtillery } from './artillery';
import { preflightK6, runK6 } from './k6';
import { LoadRecorder } from './loadRecorder';
import type { LoadResult, LoadTickDetail } from './loadResult';
import { assertLoopbackTarget } from './loopbackGuard';
import { ScenarioContext } from './scenarios/common';
import { describeStage, runConstant } from './scenarios/constant';
import { runSpike } from './scenarios/spike';
import { runSoak } from './scenarios/soak';
import { ladder, runStress } from './scenarios/stress';

export interface LoadRunOptions {
  /** The load config with ${port} already substituted. */
  load: HotpathConfig['load'];
  /** The config file's folder (scenario files and node_modules/.bin are found from it). */
  root: string;
  port: number;
  /** ms since the epoch at which the run's clock started (t = 0). */
  clockStart: number;
  token: CancellationToken;
  /** CPU seconds the service has used so far; read at stress-step boundaries for its CPU %. */
  serviceCpuSeconds?: () => number | null;
  /** Folder for an external tool's report files (the run directory being assembled). */
  artifactDir?: string;
}

export interface StageMarker {
  label: string;
  message: string;
  t: number;
}

/** Checks that need no process, so that a bad setup fails before the service starts. */
export function preflightLoad(load: HotpathConfig['load'], root: string, port: number): void {
  assertLoopbackTarget(load.target, load.allowNonLoopback);
  if (load.engine === 'artillery') preflightArtillery(load, root, port);
  if (load.engine === 'k6') preflightK6(load, root);
}

/** One sentence on what the load stage will do, for the 'load' phase event. */
export function describeLoad(load: HotpathConfig['load']): string {
  if (load.engine !== 'autocannon') return `Load: ${load.engine} runs ${load.scenarioFile} against ${load.target}`;
  switch (load.scenario) {
    case 'stress': {
      const s = load.stress;
      const rungs = ladder(s);
      const p95 = `p95 > ${s.maxP95Ms} ms${s.maxP95Factor !== null ? ` or > ${s.maxP95Factor} × the first step's` : ''}`;
      return `Stress ladder: ${rungs.join(', ')} connections, ${s.stepDurationSec} s a step, until ${p95} or errors > ${s.maxErrorRate * 100}%`;
    }
    case 'spike': {
      const s = load.spike;
      return `Spike: ${s.baseConnections} connections, ${s.factor}× for ${s.spikeDurationSec} s after ${s.baseDurationSec} s, then ${s.recoveryDurationSec} s of recovery`;
    }
    case 'soak':
      return `Soak: ${load.soak.connections} connections for ${load.soak.durationSec} s`;
    default:
      return `Load (${load.scenario}): ${load.stages.map(describeStage).join(', then ')}`;
  }
}

/** Upper bound of the load stage's length in seconds (a stress ladder may stop earlier), for progress bars. */
export function plannedLoadSeconds(load: HotpathConfig['load']): number | null {
  if (load.engine !== 'autocannon') return null;
  switch (load.scenario) {
    case 'stress':
      return load.stress.warmupSec + ladder(load.stress).length * load.stress.stepDurationSec + (load.stress.holdSec ? load.stress.settleSec + load.stress.holdSec : 0);
    case 'spike':
      return load.spike.baseDurationSec + load.spike.spikeDurationSec + load.spike.recoveryDurationSec;
    case 'soak':
      return load.soak.durationSec;
    default:
      return load.stages.reduce((s, st) => s + st.durationSec, 0);
  }
}

export class LoadRunner {
  readonly onTick = new Emitter<LoadTickDetail>();
  readonly onStage = new Emitter<StageMarker>();
  /** Lines an external tool printed. */
  readonly onLog = new Emitter<{ stream: 'stdout' | 'stderr'; line: string }>();

  async run(opts: LoadRunOptions): Promise<LoadResult> {
    const { load } = opts;
    preflightLoad(load, opts.root, opts.port);
    if (load.engine === 'artillery' || load.engine === 'k6') {
      const external = {
        load,
        root: opts.root,
        port: opts.port,
        clockStart: opts.clockStart,
        token: opts.token,
        artifactDir: opts.artifactDir,
        onTick: (t: LoadTickDetail) => this.onTick.fire(t),
        onLog: (stream: 'stdout' | 'stderr', line: string) => this.onLog.fire({ stream, line }),
      };
      return load.engine === 'artillery' ? runArtillery(external) : runK6(external);
    }

    const rec = new LoadRecorder(load.requests, opts.clockStart);
    rec.onTick.event((t) => this.onTick.fire(t));
    const ctx: ScenarioContext = {
      rec,
      target: load.target,
      requests: load.requests,
      timeoutSec: load.timeoutSec,
      token: opts.token,
      serviceCpuSeconds: opts.serviceCpuSeconds ?? (() => null),
      announce: (label, message) => {
        rec.stage = label;
        this.onStage.fire({ label, message, t: rec.now() });
      },
      generatorTotal: 0,
      stages: [],
    };
    rec.startTicker();
    const extra: Pick<LoadResult, 'stress' | 'spike' | 'soak'> = {};
    try {
      switch (load.scenario) {
        case 'stress':
          extra.stress = await runStress(ctx, load.stress);
          break;
        case 'spike':
          extra.spike = await runSpike(ctx, load.spike);
          break;
        case 'soak': {
          const soak = await runSoak(ctx, load.soak);
          if (soak) extra.soak = soak;
          break;
        }
        default:
          await runConstant(ctx, load.stages);
      }
    } finally {
      rec.stopTicker();
    }
    const result = rec.finish('autocannon', rec.now());
    const corrected = load.scenario !== 'stress' && load.scenario !== 'spike' && load.scenario !== 'soak' && load.stages.some((s) => s.rate !== undefined);
    return { ...result, latencyCorrected: corrected, stages: ctx.stages, ...extra, generatorTotal: ctx.generatorTotal };
  }
}
