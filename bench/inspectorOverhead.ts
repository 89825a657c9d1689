// Benchmark: what the inspector CPU profiler costs the service.
//
// The demo's CPU-hot route under a fixed load, in interleaved rounds
// (none, 1000 µs, 100 µs, none, …) so machine drift hits every configuration
// alike. Two figures per round: throughput (req/s) and the service's own CPU
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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const stats = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

async function oneRound(root: string, route: string, intervalMicros: number | null, seconds: number): Promise<{ rps: number; cpuUsPerReq: number }> {
  const port = await freePort();
  const cwd = path.join(root, 'examples', 'demo');
  const service = new ServiceProcess({
    command: process.execPath,
    args: ['--inspect=127.0.0.1:0', 'server.js'],
    cwd,
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
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
  }
}

export async function inspectorOverhead(root: string, rounds: number, seconds: number): Promise<OverheadRow[]> {
  const configs: Array<[string, number | null]> = [
    ['no profiler', null],
    ['inspector, 1000 µs sampling (default)', 1000],
    ['inspector, 100 µs sampling', 100],
  ];
  const samples = new Map(configs.map(([name]) => [name, { rps: [] as number[], cpu: [] as number[] }]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, interval] of configs) {
      const m = await oneRound(root, '/report/cpu', interval, seconds);
      samples.get(name)!.rps.push(m.rps);
      samples.get(name)!.cpu.push(m.cpuUsPerReq);
      process.stderr.write(`  round ${r + 1}/${rounds} ${name}: ${m.rps.toFixed(0)} req/s, ${m.cpuUsPerReq.toFixed(0)} µs CPU/request\n`);
    }
  }
  const base = samples.get(configs[0][0])!;
  return configs.map(([name]) => {
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
