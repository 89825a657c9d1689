// The shape of `run.json` `load` (CONTRACT.md), whichever engine produced it.
// All times `t`, `startT`, `endT` are milliseconds since the run's start: the
// same clock as the CPU, heap and event-loop timelines.

import type { LoadEngine } from '../config';
import type { LoadStageTick } from '../runEvents';
import type { LatencySummary } from './latencyHistogram';

export interface EndpointResult {
  method: string;
  path: string;
  requests: number;
  throughputRps: number;
  latencyMs: { p50: number; p95: number; p99: number; mean: number; max: number };
  errorRate: number;
}

/** One second of load (the last point may cover up to 1.5 s). */
export interface TimelinePoint {
  t: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** non2xx + timeouts + connection. */
  errors: number;
  non2xx: number;
  timeouts: number;
  connection: number;
}

/** What subscribers get once a second: the timeline point plus running totals and the current stage (see LoadStageTick). */
export type LoadTickDetail = LoadStageTick;

export type StageKind = 'warmup' | 'stage' | 'step' | 'hold' | 'base' | 'spike' | 'recovery' | 'soak';

/** A span of the run with its own figures: a configured stage, a stress step, the spike, … */
export interface StageResult {
  label: string;
  kind: StageKind;
  /** Connections (closed model) or, for a rate stage, the in-flight limit. */
  connections: number;
  /** Target requests/s of a rate stage (open model). */
  rate?: number;
  startT: number;
  endT: number;
  /** Figures count responses from here to endT (later than startT when the stage has a settling time). */
  measuredFromT: number;
  requests: number;
  rps: number;
  latencyMs: LatencySummary;
  errors: number;
  errorRate: number;
  /** The service's CPU time over the measured span, percent of one core; null when it could not be read. */
  cpuPct: number | null;
}

export interface StressStep {
  connections: number;
  rps: number;
  /** Mean latency, ms. */
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  errorRate: number;
  cpuPct: number | null;
  /**
   * Requests per second of the service's own CPU time (rps ÷ CPU share): the
   * capacity of one core, which stays put when other processes take CPU from
   * the service and its raw throughput moves with them.
   */
  rpsPerCore: number | null;
  requests: number;
  startT: number;
  endT: number;
  withinLimits: boolean;
  /** Why a step is past the limits, in words. */
  reason: string | null;
}

export interface StressResult {
  question: string;
  /** maxP95Factor and the p95 it multiplies (the first step's), when a relative limit was set. */
  limits: { maxErrorRate: number; maxP95Ms: number; maxP95Factor?: number; referenceP95Ms?: number };
  steps: StressStep[];
  /** The highest step within the limits. */
  /** From the hold at that level when load.stress.holdSec is set (`heldSec`), else from its step. */
  maxSustainable: {
    connections: number;
    rps: number;
    p95: number;
    cpuPct: number | null;
    rpsPerCore: number | null;
    heldSec?: number;
    /** Whether the hold stayed within the limits too. */
    heldWithinLimits?: boolean;
  } | null;
  /** The first step beyond the limits. */
  breakingPoint: { connections: number; rps: number; p95: number; errorRate: number; reason: string } | null;
}

export interface SpikeResult {
  question: string;
  baseConnections: number;
  spikeConnections: number;
  spikeStartT: number;
  spikeEndT: number;
  baselineP95Ms: number;
  baseRps: number;
  spikeP95Ms: number;
  spikeRps: number;
  spikeErrorRate: number;
  tolerancePct: number;
  /** baselineP95Ms × (1 + tolerancePct/100). */
  thresholdMs: number;
  recovered: boolean;
  /** From the end of the spike to the start of the first one-second window whose p95 is within the threshold; null if it never was. */
  recoveryMs: number | null;
}

export interface SoakWindow {
  startT: number;
  endT: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errorRate: number;
}

export interface SoakResult {
  question: string;
  connections: number;
  windowSec: number;
  windows: SoakWindow[];
  first: SoakWindow;
  last: SoakWindow;
  /** (last p95 − first p95) / first p95, percent: positive is slower. */
  p95DegradationPct: number;
  /** (first rps − last rps) / first rps, percent: positive is fewer requests served. */
  throughputDegradationPct: number;
  /**
   * Heap growth, percent: the lowest heap used in the last window against the
   * lowest in the first (heap after collections); the probe's fit over the
   * whole run when a window has no heap samples. Null until the runner sets it.
   */
  heapGrowthPct: number | null;
  heap?: { firstTroughBytes: number | null; lastTroughBytes: number | null; runGrowthPct: number | null };
}

export interface ExternalReport {
  tool: 'artillery' | 'k6';
  /** The scenario file as given in the config. */
  scenarioFile: string;
  /** The tool's own report files, saved beside run.json. */
  files: string[];
}

export interface LoadResult {
  engine: LoadEngine;
  durationMs: number;
  requests: { total: number; ok: number };
  throughputRps: { mean: number };
  latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number; mean: number };
  /**
   * True when latency counts from when each request was due (rate stages),
   * so the time a request waited for a free connection is included.
   */
  latencyCorrected: boolean;
  /** `unclassified`: failures an imported summary counts without saying why (k6's summary). */
  errors: { total: number; rate: number; non2xx: number; timeouts: number; connection: number; unclassified?: number };
  endpoints: EndpointResult[];
  timeline: TimelinePoint[];
  stages: StageResult[];
  stress?: StressResult;
  spike?: SpikeResult;
  soak?: SoakResult;
  external?: ExternalReport;
  /** Requests the generator itself counted, kept to cross-check ours. */
  generatorTotal: number;
  /** Every 2xx latency of the run (µs), HdrHistogram compressed base64: saved as latency.hdr; null when the engine gives no raw samples. */
  histogram: string | null;
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
export const round3 = (x: number) => Math.round(x * 1000) / 1000;
export const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1e6) / 1e6 : 0);
