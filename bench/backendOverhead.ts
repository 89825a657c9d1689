// Benchmark: what each profiler backend costs the service — no profiler, the
// inspector backend (as a default run records: the heap/RSS timeline, CPU
// sampling at 1000 µs in 2-second slices and the sampling heap profiler; and
// CPU sampling alone), 0x, Clinic Flame (Clinic's CPU profiler, 0x underneath)
// and Clinic Doctor (which records no CPU profile: it samples CPU usage,
// memory and event-loop delay, and traces GC).
//
// The demo's CPU-bound route under a fixed load, in interleaved rounds
// (the configurations in order, then the same rotated by one, …) so machine
// drift hits every configuration alike. Two figures per round: throughput, and
// CPU time per request. Under 0x and Clinic the service is a child of their
// launcher (whose own node process also works: 0x parses the service's
// optimisation output, Clinic relays it), so the CPU figure is the sum over
// every process in the group Hotpath started (utime + stime from
// /proc/PID/stat), in every configuration alike. The Hotpath side of the
// inspector backend (receiving and merging the slices, reading the timeline)
// runs in this process, as it runs in the extension host or the CLI, and is
// not counted. With pinning (see inspectorOverhead.ts) the whole group runs on
// CPU 0 and the load generator on CPU 1. The probe preload is left out
// everywhere: it is the same in every backend and measured on its own in the
// probe-overhead block.
//
// Each service runs in a scratch working directory (the demo's script given by
// absolute path): Clinic's trace and tick files and 0x's V8 log land there and
// are deleted with it. The tools are killed after the measurement; their
// reports are not written (that happens after the load, not during it).

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import autocannon from 'autocannon';
import { CancellationSource } from '../src/engine/events';
import { freePort } from '../src/engine/freePort';
import { InspectorClient } from '../src/engine/inspectorClient';
import { CpuProfiler } from '../src/engine/cpu/cpuProfiler';
import { readProfileClock } from '../src/engine/cpu/profileClock';
import { HeapSampler } from '../src/engine/collect/heapSampler';
import { HEAP_SAMPLING } from '../src/engine/collect/heapSampling';
import { DEFAULT_SAMPLING_INTERVAL_MICROS } from '../src/engine/config';
import { waitUntilReady } from '../src/engine/readiness';
import { delay, ServiceProcess } from '../src/engine/serviceProcess';
import { cmdline, groupMembers, readStat } from '../src/engine/backends/processTree';
import { findTool } from '../src/engine/backends/toolLocator';
import { LoadAverage, overheadRows, pinBesideGenerator, pinnedCommand, type OverheadRow } from './inspectorOverhead';

type Backend = 'none' | 'inspector' | 'inspector-cpu' | '0x' | 'clinic-flame' | 'clinic-doctor';

export const BACKEND_CONFIGS: Array<[Backend, string]> = [
  ['none', 'no profiler'],
  ['inspector', `inspector backend as a default run (CPU ${DEFAULT_SAMPLING_INTERVAL_MICROS} µs + heap sampling ${HEAP_SAMPLING.samplingInterval / 1024} KiB + timeline)`],
  ['inspector-cpu', 'inspector backend, CPU sampling only (profile.heap false)'],
  ['0x', '0x'],
  ['clinic-flame', 'Clinic Flame'],
  ['clinic-doctor', 'Clinic Doctor'],
];

interface Measured {
  rps: number;
  /** CPU per request of every process in the group Hotpath started. */
  cpuUsPerReq: number;
  /** CPU per request of the service process alone (the node running server.js). */
  serviceCpuUsPerReq: number;
  processes: number;
}

/** The process running the demo's script: the group leader itself, or the launcher's descendant that runs it. */
function serviceProcessOf(group: number, script: string): number {
  const members = groupMembers(group);
  const pids = new Set(members.map((p) => p.pid));
  // 0x's and Clinic's launchers carry the script in their own arguments too: the service is the one started by another member.
  const child = members.find((p) => pids.has(p.ppid) && cmdline(p.pid).includes(script));
  return child?.pid ?? group;
}

const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + (readStat(pid)?.cpuMs ?? 0), 0);

async function oneRound(root: string, route: string, backend: Backend, seconds: number): Promise<Measured> {
  const port = await freePort();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-bench-'));
  const script = path.join(root, 'examples', 'demo', 'server.js');
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NODE_ENV: 'production', NO_INSIGHT: '1', NO_UPDATE_NOTIFIER: '1' };
  delete env.NODE_OPTIONS;
  const node = process.execPath;
  const inspector = backend === 'inspector' || backend === 'inspector-cpu';
  let command = node;
  let args = [script];
  if (inspector) args = ['--inspect=127.0.0.1:0', script];
  if (backend === '0x') {
    command = findTool('0x', [root])!.bin;
    args = ['--output-dir', path.join(scratch, 'out'), '--working-dir', scratch, '--quiet', '--', node, script];
  }
  if (backend === 'clinic-flame' || backend === 'clinic-doctor') {
    command = findTool('clinic', [root])!.bin;
    args = [backend === 'clinic-flame' ? 'flame' : 'doctor', '--open=false', '--dest', path.join(scratch, 'out'), '--', node, script];
  }
  const service = new ServiceProcess({ ...pinnedCommand(command, args), cwd: scratch, env });
  const cancel = new CancellationSource();
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/health`, 30000, service, cancel.token);
    let client: InspectorClient | null = null;
    let profiler: CpuProfiler | null = null;
    let timeline: HeapSampler | null = null;
    if (inspector) {
      while (!service.inspectorUrls.length) await delay(10);
      client = await InspectorClient.connect(service.inspectorUrls[0]);
      // What the runner asks before it records (the service's pid, the profile clock).
      await client.send('Runtime.evaluate', { expression: 'process.pid', returnByValue: true });
      await readProfileClock(client);
      profiler = new CpuProfiler(client, DEFAULT_SAMPLING_INTERVAL_MICROS, 2000);
    }
    // Warm up (JIT) before measuring.
    await autocannon({ url: `http://127.0.0.1:${port}${route}`, connections: 4, duration: 1 });
    if (client && profiler) {
      // As the runner does: the timeline, then CPU, then heap sampling.
      timeline = new HeapSampler(client, service.pid!, Date.now(), () => null);
      timeline.start();
      await profiler.start();
      if (backend === 'inspector') {
        await client.send('HeapProfiler.enable');
        await client.send('HeapProfiler.startSampling', HEAP_SAMPLING);
      }
    }
    const group = service.pid!;
    const members = groupMembers(group).map((p) => p.pid);
    const served = serviceProcessOf(group, script);
    // With pinning, the launchers of 0x and Clinic join the load generator and
    // Hotpath's own side of the inspector backend on CPU 1: each profiler's
    // out-of-process half is treated alike, and only the service has CPU 0.
    for (const pid of members) if (pid !== served) pinBesideGenerator(pid);
    const groupBefore = cpuOf(members);
    const serviceBefore = cpuOf([served]);
    const result = await autocannon({ url: `http://127.0.0.1:${port}${route}`, connections: 8, duration: seconds });
    const groupAfter = cpuOf(members);
    const serviceAfter = cpuOf([served]);
    if (client && profiler) {
      timeline?.stop();
      await profiler.stop();
      if (backend === 'inspector') await client.send('HeapProfiler.stopSampling').catch(() => undefined);
      client.close();
    }
    const requests = Math.max(result.requests.total, 1);
    return {
      rps: result.requests.total / seconds,
      cpuUsPerReq: ((groupAfter - groupBefore) * 1000) / requests,
      serviceCpuUsPerReq: ((serviceAfter - serviceBefore) * 1000) / requests,
      processes: members.length,
    };
  } finally {
    await service.stop(1000);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export interface BackendOverhead {
  /** CPU per request of the whole process group. */
  rows: OverheadRow[];
  /** The same rounds with the CPU of the service process alone. */
  serviceRows: OverheadRow[];
  /** The machine's 1-minute load average, sampled before every measurement: how much else was running. */
  loadAverage: LoadAverage;
}

export async function backendOverhead(root: string, route: string, rounds: number, seconds: number): Promise<BackendOverhead> {
  for (const tool of ['0x', 'clinic'] as const) {
    if (!findTool(tool, [root])) throw new Error(`${tool} is not installed: run npm install (it is a devDependency) before the backend benchmark.`);
  }
  const samples = new Map(BACKEND_CONFIGS.map(([, name]) => [name, { rps: [] as number[], cpu: [] as number[] }]));
  const serviceSamples = new Map(BACKEND_CONFIGS.map(([, name]) => [name, { rps: [] as number[], cpu: [] as number[] }]));
  const loadAverage = new LoadAverage();
  for (let r = 0; r < rounds; r++) {
    // Interleaved, and rotated each round (A B C D, B C D A, …) so that no
    // configuration always follows the same one.
    const order = BACKEND_CONFIGS.map((_, i) => BACKEND_CONFIGS[(i + r) % BACKEND_CONFIGS.length]);
    for (const [backend, name] of order) {
      loadAverage.sample();
      const m = await oneRound(root, route, backend, seconds);
      samples.get(name)!.rps.push(m.rps);
      samples.get(name)!.cpu.push(m.cpuUsPerReq);
      serviceSamples.get(name)!.rps.push(m.rps);
      serviceSamples.get(name)!.cpu.push(m.serviceCpuUsPerReq);
      process.stderr.write(
        `  round ${r + 1}/${rounds} ${name}: ${m.rps.toFixed(1)} req/s, ${m.cpuUsPerReq.toFixed(0)} µs CPU/request over ${m.processes} process(es), ${m.serviceCpuUsPerReq.toFixed(0)} in the service\n`,
      );
    }
  }
  const names = BACKEND_CONFIGS.map(([, name]) => name);
  return { rows: overheadRows(names, samples), serviceRows: overheadRows(names, serviceSamples), loadAverage };
}
