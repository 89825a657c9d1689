// Turns a `.cpuprofile` into what a developer reads: self and total time per
// function and self time per line, and how busy time splits between the
// user's code, libraries, Node internals, GC and native code.
//
// Percentages are of *busy* time (every sample that is not `(idle)`), so a
// service that idled between requests still shows where its work went.

import { CpuProfile } from './cpuProfile';
import { cpuProfileProblem } from './cpuProfileCheck';
import type { FrameCategory } from './frameCategory';
import { aggregateTable } from './profileAggregate';
import { summarizeAggregate } from './profileSummary';
import { tableFromProfile } from './profileTable';
import type { SourceMapResolver } from '../sourceMaps';

export { categorize, displayPath, type FrameCategory } from './frameCategory';

export interface HotFunction {
  name: string;
  file: string;
  /** 1-based, as in editors */
  line: number;
  column: number;
  category: FrameCategory;
  selfMs: number;
  selfPct: number;
  totalMs: number;
  totalPct: number;
}

export interface HotLine {
  file: string;
  line: number;
  selfMs: number;
  selfPct: number;
}

export interface CpuSummary {
  durationMs: number;
  busyMs: number;
  sampleCount: number;
  buckets: Record<'user' | 'library' | 'node' | 'native' | 'gc' | 'program' | 'idle', number>;
  hotFunctions: HotFunction[];
  hotLines: HotLine[];
}

export interface AnalyzeOptions {
  /** Files are reported relative to this folder (the workspace root). */
  root?: string;
  topFunctions?: number;
  topLines?: number;
  /** Maps generated JavaScript positions to original sources (TypeScript) where maps exist. */
  sourceMaps?: SourceMapResolver;
  /** Absolute paths of Hotpath's own injected files (the probe), ranked as libraries. */
  instrumentationFiles?: string[];
}

/** Self time of each node in microseconds, attributing each sample the time until the next one. */
export function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  let t = profile.startTime;
  const stamps = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    stamps[i] = t;
  }
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < samples.length ? stamps[i + 1] : Math.max(profile.endTime, stamps[i]);
    const dt = Math.max(0, next - stamps[i]);
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  return self;
}

export function analyzeCpuProfile(profile: CpuProfile, options: AnalyzeOptions = {}): CpuSummary {
  const problem = cpuProfileProblem(profile);
  if (problem) throw new Error(problem);
  return summarizeAggregate(aggregateTable(tableFromProfile(profile)), options);
}
