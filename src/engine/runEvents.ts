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
}

/** One sample of the service's process metrics (from the probe). */
export interface ProcessSample {
  t: number;
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
}

export type RunEvent =
  | { type: 'phase'; phase: RunPhase; message: string; t: number }
  | { type: 'log'; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'loadTick'; tick: LoadTick }
  /** A partial CPU profile, every `profile.sliceSeconds` while the run goes (for live flame graphs). */
  | { type: 'cpuSlice'; index: number; samples: number; t: number; profile: CpuProfile }
  | { type: 'processSample'; sample: ProcessSample };
