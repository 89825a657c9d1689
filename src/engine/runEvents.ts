import type { CpuProfile } from './cpu/cpuProfile';

// Everything a run publishes while it goes. All times `t` are milliseconds since
// the run's start (one clock for load, CPU and memory timelines).

export type RunPhase = 'starting' | 'ready' | 'load' | 'stopping' | 'analyzing' | 'saved';

/** One second of load, as the load generator saw it. */
export interface LoadTick {
  t: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** Requests completed since the load began. */
  requestsTotal: number;
  /** `errors` split by cause (present in every tick the load stage sends). */
  non2xx?: number;
  timeouts?: number;
  connection?: number;
  /** The stage or step the load is in, e.g. "step 3: 16 connections". */
  stage?: string;
}

/** A tick as the load stage sends it, once a second: the error split is always there. */
export interface LoadStageTick extends LoadTick {
  non2xx: number;
  timeouts: number;
  connection: number;
}

/** One sample of the service's process metrics (from the probe). */
export interface ProcessSample {
  t: number;
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
}

/** About one second of the service's runtime health (from the probe's event-loop reports). */
export interface RuntimeSample {
  t: number;
  /** GC pause time by kind since the previous sample, ms. */
  gcPauseMs: { minor: number; major: number; incremental: number; weakcb: number };
  /** Event-loop delay over the window, ms. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Event-loop utilisation over the window, 0..1. */
  utilization: number;
}

export type RunEvent =
  | { type: 'phase'; phase: RunPhase; message: string; t: number }
  | { type: 'log'; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'loadTick'; tick: LoadStageTick }
  /** A partial CPU profile, every `profile.sliceSeconds` while the run goes (for live flame graphs). */
  | { type: 'cpuSlice'; index: number; samples: number; t: number; profile: CpuProfile }
  | { type: 'processSample'; sample: ProcessSample }
  | { type: 'runtimeSample'; sample: RuntimeSample };
