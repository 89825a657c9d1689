// pprof (profile.proto, gzip-compressed as pprof files are), for Go's
// `go tool pprof`, Pyroscope and the other tools that read it. Two sample
// types: samples/count and cpu/nanoseconds. Each call stack becomes one pprof
// sample per source line of its leaf frame (V8's per-line ticks), so
// `pprof -lines` shows hot lines; caller frames point at the function's line.

import { gzipSync } from 'zlib';
import { Profile, StringTable } from 'pprof-format';
import type { LocationInput, SampleInput, FunctionInput } from 'pprof-format';
import type { CpuProfile } from '../cpu/cpuProfile';
import { readStacks } from './profileStacks';

export interface PprofOptions {
  /** The profiler's sampling interval (pprof `period`). */
  samplingIntervalMicros?: number;
  /** Wall-clock start of the profile (pprof `time_nanos`); the .cpuprofile only has a monotonic clock. */
  startedAt?: Date;
}

/** Splits `total` into integers proportional to `shares` that add up to exactly `total` (largest remainder). */
export function apportion(total: number, shares: number[]): number[] {
  const sum = shares.reduce((s, x) => s + x, 0);
  if (!sum) return shares.map((_, i) => (i === 0 ? total : 0));
  const exact = shares.map((s) => (total * s) / sum);
  const out = exact.map(Math.floor);
  let rest = total - out.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; rest > 0 && k < order.length; k++, rest--) out[order[k][1]]++;
  return out;
}

export function toPprofProfile(profile: CpuProfile, options: PprofOptions = {}): Profile {
  const stacks = readStacks(profile);
  const strings = new StringTable();
  const s = (x: string) => strings.dedup(x);

  const functions: FunctionInput[] = stacks.frames.map((f, i) => ({ id: i + 1, name: s(f.name), systemName: s(f.name), filename: s(f.file), startLine: f.line }));
  let rootFunction = 0;
  const locations: LocationInput[] = [];
  const locationIds = new Map<string, number>();
  const location = (functionId: number, line: number): number => {
    const key = `${functionId}:${line}`;
    let id = locationIds.get(key);
    if (id === undefined) {
      id = locations.length + 1;
      locationIds.set(key, id);
      locations.push({ id, line: [{ functionId, line }] });
    }
    return id;
  };

  const counts = new Map<number, { count: number; us: number }>();
  profile.samples.forEach((nodeId, i) => {
    const acc = counts.get(nodeId) ?? { count: 0, us: 0 };
    acc.count++;
    acc.us += stacks.sampleDurations[i];
    counts.set(nodeId, acc);
  });

  const samples: SampleInput[] = [];
  for (const [nodeId, { count, us }] of counts) {
    let stack = stacks.stackOf(nodeId);
    if (!stack.length) {
      if (!rootFunction) functions.push({ id: (rootFunction = functions.length + 1), name: s('(root)'), systemName: s('(root)'), filename: s(''), startLine: 0 });
      stack = [];
    }
    // pprof lists the leaf first.
    const callers = stack.slice(0, -1).reverse().map((f) => location(f + 1, stacks.frames[f].line));
    const leaf = stack.length ? stack[stack.length - 1] : -1;
    const leafFunction = leaf >= 0 ? leaf + 1 : rootFunction;
    const ticks = (stacks.nodes.get(nodeId)?.positionTicks ?? []).filter((t) => t.ticks > 0);
    const lines = ticks.length ? ticks.map((t) => t.line) : [leaf >= 0 ? stacks.frames[leaf].line : 0];
    const weights = ticks.length ? ticks.map((t) => t.ticks) : [1];
    const splitCounts = apportion(count, weights);
    const splitNanos = apportion(Math.round(us * 1000), weights);
    lines.forEach((line, k) => {
      if (!splitCounts[k] && !splitNanos[k]) return;
      samples.push({ locationId: [location(leafFunction, line), ...callers], value: [splitCounts[k], splitNanos[k]] });
    });
  }

  return new Profile({
    sampleType: [
      { type: s('samples'), unit: s('count') },
      { type: s('cpu'), unit: s('nanoseconds') },
    ],
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: options.startedAt ? BigInt(options.startedAt.getTime()) * 1_000_000n : 0,
    durationNanos: Math.max(0, Math.round((profile.endTime - profile.startTime) * 1000)),
    periodType: { type: s('cpu'), unit: s('nanoseconds') },
    period: Math.round((options.samplingIntervalMicros ?? 0) * 1000),
    defaultSampleType: s('cpu'),
  });
}

/** The gzip-compressed profile.proto bytes of a `.pprof` / `.pb.gz` file. */
export function toPprof(profile: CpuProfile, options: PprofOptions = {}): Buffer {
  return gzipSync(toPprofProfile(profile, options).encode());
}
