// Benchmark: what profiling costs the service — the inspector backend taken
// apart (the inspector session, the heap/RSS timeline, CPU sampling at several
// intervals, never cut or cut into slices either way, the sampling heap
// profiler), a whole default run before and after the measured changes, and
// the probe preload (GC, memory, event loop, query capture).
//
// A demo route under a fixed load, in interleaved rounds whose order is
// rotated each round (A B C …, B C … A, …) so machine drift hits every
// configuration alike. Two figures per round: throughput (req/s) and the
// service's own CPU time per request (utime + stime from /proc). Each is given
// as a median with its min–max over the rounds, as the ratio of medians to the
// first row, and as the median of the paired within-round ratios (each
// configuration against the first row of the same round), which cancels the
// drift between rounds.
//
// Pinning (HOTPATH_BENCH_PIN, on by default where there are two CPUs and
// `taskset`): the service and everything it starts run on CPU 0, this process
// (the load generator and the Hotpath side of the profilers) on CPU 1. A
// profiler's own threads then compete with the service for its core, so their
// cost shows in throughput as well as in CPU time, and the load generator does
// not take turns with the service on one core.
//
// HOTPATH_BENCH_CONFIGS=3,5 measures only those rows (by index) besides the first.

import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import autocannon from 'autocannon';
import { CancellationSource } from '../src/engine/events';
import { freePort } from '../src/engine/freePort';
import { InspectorClient } from '../src/engine/inspectorClient';
import { CpuProfiler } from '../src/engine/cpu/cpuProfiler';
import { HeapSampler } from '../src/engine/collect/heapSampler';
import { HEAP_SAMPLING } from '../src/engine/collect/heapSampling';
import { readProfileClock } from '../src/engine/cpu/profileClock';
import { waitUntilReady } from '../src/engine/readiness';
import { delay, ServiceProcess } from '../src/engine/serviceProcess';
import { ProbeServer } from '../src/engine/probeServer';
import { groupCpuMs } from '../src/engine/backends/processTree';

type Spread = { median: number; min: number; max: number };

export interface OverheadRow {
  config: string;
  rounds: number;
  rps: Spread;
  cpuUsPerReq: Spread;
  /** Ratio of medians to the first row. */
  rpsRatio: number;
  cpuRatio: number;
  /** Within-round ratios to the first row of the same round: median (min–max). */
  rpsPaired: Spread;
  cpuPaired: Spread;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Median with the spread, as BENCHMARKS.md quotes every figure. */
export const stats = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/** Per-round samples of each configuration (in round order) → table rows against the first. */
export function overheadRows(names: string[], samples: Map<string, { rps: number[]; cpu: number[] }>): OverheadRow[] {
  const base = samples.get(names[0])!;
  const paired = (xs: number[], bs: number[]) => stats(xs.map((x, i) => x / bs[i]));
  return names.map((name) => {
    const s = samples.get(name)!;
    return {
      config: name,
      rounds: s.rps.length,
      rps: stats(s.rps),
      cpuUsPerReq: stats(s.cpu),
      rpsRatio: median(s.rps) / median(base.rps),
      cpuRatio: median(s.cpu) / median(base.cpu),
      rpsPaired: paired(s.rps, base.rps),
      cpuPaired: paired(s.cpu, base.cpu),
    };
  });
}

const f0 = (x: number) => x.toFixed(0);
const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);

export function overheadTable(rows: OverheadRow[], cpuLabel = 'service CPU µs/request'): string {
  return [
    `| Configuration | req/s median (min–max) | ratio of medians | paired ratio median (min–max) | ${cpuLabel} median (min–max) | ratio of medians | paired ratio median (min–max) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.config} | ${f0(r.rps.median)} (${f0(r.rps.min)}–${f0(r.rps.max)}) | ${f3(r.rpsRatio)} | ${f3(r.rpsPaired.median)} (${f2(r.rpsPaired.min)}–${f2(r.rpsPaired.max)}) | ${f0(r.cpuUsPerReq.median)} (${f0(r.cpuUsPerReq.min)}–${f0(r.cpuUsPerReq.max)}) | ${f3(r.cpuRatio)} | ${f3(r.cpuPaired.median)} (${f2(r.cpuPaired.min)}–${f2(r.cpuPaired.max)}) |`,
    ),
  ].join('\n');
}

/** CPU columns only, for a second reading of the same rounds. */
export function cpuTable(rows: OverheadRow[], cpuLabel: string): string {
  return [
    `| Configuration | ${cpuLabel} median (min–max) | ratio of medians | paired ratio median (min–max) |`,
    '| --- | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.config} | ${f0(r.cpuUsPerReq.median)} (${f0(r.cpuUsPerReq.min)}–${f0(r.cpuUsPerReq.max)}) | ${f3(r.cpuRatio)} | ${f3(r.cpuPaired.median)} (${f2(r.cpuPaired.min)}–${f2(r.cpuPaired.max)}) |`,
    ),
  ].join('\n');
}

let pinned: boolean | null = null;

/**
 * Pins this process to CPU 1 (once) and returns the command that runs the
 * service on CPU 0, or leaves both alone when pinning is off or impossible.
 */
export function pinnedCommand(command: string, args: string[]): { command: string; args: string[] } {
  if (pinned === null) {
    pinned = false;
    if (process.env.HOTPATH_BENCH_PIN !== '0' && os.cpus().length >= 2 && process.platform === 'linux') {
      try {
        execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
        pinned = true;
      } catch {
        pinned = false;
      }
    }
  }
  return pinned ? { command: 'taskset', args: ['-c', '0', command, ...args] } : { command, args };
}

/**
 * Moves `pid` (every thread of it) to the load generator's CPU, where the
 * Hotpath side of the inspector backend runs too; its children keep theirs.
 * For the launchers of 0x and Clinic, whose own work (reading the V8 log,
 * relaying trace data) is their equivalent of that side. False when pinning is off.
 */
export function pinBesideGenerator(pid: number): boolean {
  if (!pinned) return false;
  try {
    execFileSync('taskset', ['-a', '-cp', '1', String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** For the environment line of a block. */
export function pinningNote(): string {
  return pinned ? 'service (with every process it starts) pinned to CPU 0 and the load generator to CPU 1 with `taskset`' : 'no CPU pinning';
}

/** The 1-minute load average, sampled before every measurement of a block. */
export class LoadAverage {
  private readonly samples: number[] = [];
  sample(): void {
    this.samples.push(os.loadavg()[0]);
  }
  toString(): string {
    return this.samples.length ? `${Math.min(...this.samples).toFixed(1)}–${Math.max(...this.samples).toFixed(1)}` : 'not sampled';
  }
}

export interface Profiling {
  name: string;
  /** Start the service with --inspect and connect to it (every row but one: so only the profiling differs). */
  inspect?: boolean;
  /** The heap/RSS timeline the runner keeps (Runtime.getHeapUsage by interrupt, HeapSampler's interval). */
  timeline?: boolean;
  /** CPU sampling interval, or none. */
  cpuMicros?: number | null;
  /** Slice length; 0 = one profile for the whole measurement (never cut). */
  sliceMs?: number;
  /** How slices are cut: handed over between overlapping console profiles (default) or by Profiler.stop + start (before). */
  cutBy?: 'handover' | 'restart';
  /** Sampling heap profiler: mean bytes between samples, and whether objects collected by GC stay in the profile. */
  heap?: { interval: number; collected: boolean } | null;
  /** The probe preload (GC, memory, event loop, query capture). */
  probe?: boolean;
}

async function oneRound(root: string, route: string, config: Profiling, seconds: number): Promise<{ rps: number; cpuUsPerReq: number }> {
  const port = await freePort();
  const cwd = path.join(root, 'examples', 'demo');
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NODE_ENV: 'production' };
  delete env.NODE_OPTIONS;
  let probeServer: ProbeServer | null = null;
  if (config.probe) {
    probeServer = new ProbeServer();
    probeServer.onMessage(() => undefined);
    env.HOTPATH_PROBE_SOCKET = await probeServer.start();
    env.NODE_OPTIONS = `--require=${path.join(root, 'dist', 'probe.js')}`;
  }
  const inspect = config.inspect !== false;
  const launch = pinnedCommand(process.execPath, inspect ? ['--inspect=127.0.0.1:0', 'server.js'] : ['server.js']);
  const service = new ServiceProcess({ ...launch, cwd, env });
  const cancel = new CancellationSource();
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/health`, 15000, service, cancel.token);
    let client: InspectorClient | null = null;
    let profiler: CpuProfiler | null = null;
    let timeline: HeapSampler | null = null;
    if (inspect) {
      while (!service.inspectorUrls.length) await delay(10);
      client = await InspectorClient.connect(service.inspectorUrls[0]);
      // What the runner asks before it records (pid, the profile clock).
      await client.send('Runtime.evaluate', { expression: 'process.pid', returnByValue: true });
      await readProfileClock(client);
    }
    // Warm up (JIT) before measuring.
    await autocannon({ url: `http://127.0.0.1:${port}${route}`, connections: 4, duration: 1 });
    if (client) {
      if (config.timeline) {
        timeline = new HeapSampler(client, service.pid!, Date.now(), () => null);
        timeline.start();
      }
      if (config.cpuMicros) {
        // sliceMs 0: one profile, never cut while measuring.
        profiler = new CpuProfiler(client, config.cpuMicros, config.sliceMs || 3_600_000, config.cutBy ?? 'handover');
        await profiler.start();
      }
      if (config.heap) {
        await client.send('HeapProfiler.enable');
        await client.send('HeapProfiler.startSampling', {
          samplingInterval: config.heap.interval,
          includeObjectsCollectedByMajorGC: config.heap.collected,
          includeObjectsCollectedByMinorGC: config.heap.collected,
        });
      }
    }
    const cpuBefore = groupCpuMs(service.pid!);
    const result = await autocannon({ url: `http://127.0.0.1:${port}${route}`, connections: 8, duration: seconds });
    const cpuAfter = groupCpuMs(service.pid!);
    timeline?.stop();
    await profiler?.stop();
    if (client && config.heap) await client.send('HeapProfiler.stopSampling').catch(() => undefined);
    client?.close();
    const requests = result.requests.total;
    return { rps: requests / seconds, cpuUsPerReq: ((cpuAfter - cpuBefore) * 1000) / Math.max(requests, 1) };
  } finally {
    await service.stop();
    await probeServer?.close();
  }
}

const DEFAULT_HEAP = { interval: HEAP_SAMPLING.samplingInterval, collected: true };
const kib = (bytes: number) => `${bytes / 1024} KiB`;
/** What a default inspector run records: the timeline, CPU at 1000 µs in 2 s slices, the sampling heap profiler. */
const DEFAULT_RUN: Profiling = { name: '', timeline: true, cpuMicros: 1000, sliceMs: 2000, heap: DEFAULT_HEAP };
/** The same before the measured changes: slices cut by stop + start, heap sampled every 32 KiB. */
const BEFORE_RUN: Profiling = { ...DEFAULT_RUN, cutBy: 'restart', heap: { interval: 32768, collected: true } };

/** The inspector backend taken apart, on the CPU-bound route. */
export const INSPECTOR_PROFILINGS: Profiling[] = [
  { name: 'inspector attached, nothing recorded' },
  { name: 'not attached (no --inspect)', inspect: false },
  { name: 'heap/RSS timeline only (5 a second)', timeline: true },
  { name: 'CPU 1000 µs, one profile (never cut)', cpuMicros: 1000, sliceMs: 0 },
  { name: 'CPU 1000 µs, 2 s slices cut by stop + start (before)', cpuMicros: 1000, sliceMs: 2000, cutBy: 'restart' },
  { name: 'CPU 1000 µs, 2 s slices handed over (default)', cpuMicros: 1000, sliceMs: 2000 },
  { name: 'CPU 500 µs, 2 s slices handed over', cpuMicros: 500, sliceMs: 2000 },
  { name: 'CPU 250 µs, 2 s slices handed over', cpuMicros: 250, sliceMs: 2000 },
  { name: 'CPU 100 µs, 2 s slices handed over', cpuMicros: 100, sliceMs: 2000 },
  { name: 'heap sampling 32 KiB, collected objects kept (before)', heap: { interval: 32768, collected: true } },
  { name: 'heap sampling 32 KiB, live objects only', heap: { interval: 32768, collected: false } },
  { name: `heap sampling ${kib(DEFAULT_HEAP.interval)}, collected objects kept (default)`, heap: DEFAULT_HEAP },
  { ...BEFORE_RUN, name: 'a default run before: timeline + CPU 1000 µs restarted slices + heap 32 KiB' },
  { ...DEFAULT_RUN, name: `a default run now: timeline + CPU 1000 µs handed-over slices + heap ${kib(DEFAULT_HEAP.interval)}` },
];

/** The probe preload on the query-heavy route, alone and with a default run's profiling. */
export const PROBE_PROFILINGS: Profiling[] = [
  { name: 'inspector attached, nothing recorded' },
  { name: 'probe only (GC, memory, event loop, queries)', probe: true },
  { ...DEFAULT_RUN, name: 'inspector profiling of a default run, no probe' },
  { ...DEFAULT_RUN, name: 'a default run: inspector profiling + probe', probe: true },
];

export async function inspectorOverhead(
  root: string,
  route: string,
  rounds: number,
  seconds: number,
  configs: Profiling[],
  load = new LoadAverage(),
): Promise<OverheadRow[]> {
  const only = process.env.HOTPATH_BENCH_CONFIGS?.split(',').map(Number);
  if (only) configs = configs.filter((_, i) => i === 0 || only.includes(i));
  const samples = new Map(configs.map((c) => [c.name, { rps: [] as number[], cpu: [] as number[] }]));
  for (let r = 0; r < rounds; r++) {
    const order = configs.map((_, i) => configs[(i + r) % configs.length]);
    for (const config of order) {
      load.sample();
      const m = await oneRound(root, route, config, seconds);
      samples.get(config.name)!.rps.push(m.rps);
      samples.get(config.name)!.cpu.push(m.cpuUsPerReq);
      process.stderr.write(`  ${route} round ${r + 1}/${rounds} ${config.name}: ${m.rps.toFixed(1)} req/s, ${m.cpuUsPerReq.toFixed(0)} µs CPU/request\n`);
    }
  }
  return overheadRows(
    configs.map((c) => c.name),
    samples,
  );
}
