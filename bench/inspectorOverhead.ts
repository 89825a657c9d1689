// Benchmark: what profiling costs the service — the inspector CPU profiler at
// two sampling intervals, the probe preload (GC, memory, event loop, query
// capture), and both together (what a default run does).
//
// A demo route under a fixed load, in interleaved rounds (A B C … A B C …) so
// machine drift hits every configuration alike. Two figures per round: throughput (req/s) and the service's own CPU
// time per request (user+system from /proc, which load-generator noise does
// not move). Medians and ratios to "none" are printed and returned.

import * as fs from 'fs';
import * as path from 'path';
import autocannon from 'autocannon';
import { CancellationSource } from '../src/engine/events';
import { freePort } from '../src/engine/freePort';
import { InspectorClient } from '../src/engine/inspectorClient';
import { CpuProfiler } from '../src/engine/cpu/cpuProfiler';
import { waitUntilReady } from '../src/engine/readiness';
import { delay, ServiceProcess } from '../src/engine/serviceProcess';
import { ProbeServer } from '../src/engine/probeServer';

export interface OverheadRow {
  config: string;
  rounds: number;
  rps: { median: number; min: number; max: number };
  cpuUsPerReq: { median: number; min: number; max: number };
  rpsRatio: number;
  cpuRatio: number;
}

const CLK_TCK = 100;

function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime + stime
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Median with the spread, as BENCHMARKS.md quotes every figure. */
export const stats = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

interface Profiling {
  name: string;
  intervalMicros: number | null;
  probe: boolean;
}

async function oneRound(root: string, route: string, config: Profiling, seconds: number): Promise<{ rps: number; cpuUsPerReq: number }> {
  const port = await freePort();
  const cwd = path.join(root, 'examples', 'demo');
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NODE_ENV: 'production' };
  let probeServer: ProbeServer | null = null;
  if (config.probe) {
    probeServer = new ProbeServer();
    probeServer.onMessage(() => undefined);
    env.HOTPATH_PROBE_SOCKET = await probeServer.start();
    env.NODE_OPTIONS = `--require=${path.join(root, 'dist', 'probe.js')}`;
  }
  const intervalMicros = config.intervalMicros;
  const service = new ServiceProcess({
    command: process.execPath,
    args: ['--inspect=127.0.0.1:0', 'server.js'],
    cwd,
    env,
  });
  const cancel = new CancellationSource();
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/health`, 15000, service, cancel.token);
    while (!service.inspectorUrls.length) await delay(10);
    // Every configuration is attached to the inspector, so only profiling differs.
    const client = await InspectorClient.connect(service.inspectorUrls[0]);
    const profiler = intervalMicros ? new CpuProfiler(client, intervalMicros, 2000) : null;
    // Warm up (JIT) before measuring.
    await autocannon({ url: `http://127.0.0.1:${port}${route}`, connections: 4, duration: 1 });
    await profiler?.start();
    const cpuBefore = processCpuMs(service.pid!);
    const result = await autocannon({ url: `http://127.0.0.1:${port}${route}`, connections: 8, duration: seconds });
    const cpuAfter = processCpuMs(service.pid!);
    await profiler?.stop();
    client.close();
    const requests = result.requests.total;
    return { rps: requests / seconds, cpuUsPerReq: ((cpuAfter - cpuBefore) * 1000) / Math.max(requests, 1) };
  } finally {
    await service.stop();
    await probeServer?.close();
  }
}

export const PROFILINGS: Profiling[] = [
  { name: 'no profiler', intervalMicros: null, probe: false },
  { name: 'inspector, 1000 µs sampling (default)', intervalMicros: 1000, probe: false },
  { name: 'inspector, 100 µs sampling', intervalMicros: 100, probe: false },
  { name: 'probe only (GC, memory, event loop, queries)', intervalMicros: null, probe: true },
  { name: 'inspector 1000 µs + probe (a default run)', intervalMicros: 1000, probe: true },
];

export async function inspectorOverhead(root: string, route: string, rounds: number, seconds: number, configs = PROFILINGS): Promise<OverheadRow[]> {
  const samples = new Map(configs.map((c) => [c.name, { rps: [] as number[], cpu: [] as number[] }]));
  for (let r = 0; r < rounds; r++) {
    for (const config of configs) {
      const m = await oneRound(root, route, config, seconds);
      samples.get(config.name)!.rps.push(m.rps);
      samples.get(config.name)!.cpu.push(m.cpuUsPerReq);
      process.stderr.write(`  ${route} round ${r + 1}/${rounds} ${config.name}: ${m.rps.toFixed(0)} req/s, ${m.cpuUsPerReq.toFixed(0)} µs CPU/request\n`);
    }
  }
  const base = samples.get(configs[0].name)!;
  return configs.map(({ name }) => {
    const s = samples.get(name)!;
    return {
      config: name,
      rounds,
      rps: stats(s.rps),
      cpuUsPerReq: stats(s.cpu),
      rpsRatio: median(s.rps) / median(base.rps),
      cpuRatio: median(s.cpu) / median(base.cpu),
    };
  });
}
