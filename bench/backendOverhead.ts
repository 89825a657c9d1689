// Benchmark: what each profiler backend costs the service — no profiler, the
// inspector backend (CPU sampling at 1000 µs in 2-second slices plus the
// sampling heap profiler, as a default run does; and CPU sampling alone), 0x,
// and Clinic Doctor.
//
// The demo's CPU-bound route under a fixed load, in interleaved rounds
// (none, inspector, 0x, doctor, then the same rotated by one, …) so machine
// drift hits every configuration alike. Two figures per round: throughput, and CPU time per
// request. Under 0x and Clinic the service is a child of their launcher (whose
// own node process also works: 0x parses the service's optimisation output,
// Clinic relays it), so the CPU figure is the sum over every process in the
// group Hotpath started (utime + stime from /proc/PID/stat), in all four
// configurations alike. The probe preload is left out everywhere: it is the
// same in every backend and measured on its own in the probe-overhead block.
//
// Each service runs in a scratch working directory (the demo's script given by
// absolute path): Clinic Doctor's trace-event files and 0x's V8 log land
// there and are deleted with it. The tools are killed after the measurement;
// their reports are not written (that happens after the load, not during it).

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import autocannon from 'autocannon';
import { CancellationSource } from '../src/engine/events';
import { freePort } from '../src/engine/freePort';
import { InspectorClient } from '../src/engine/inspectorClient';
import { CpuProfiler } from '../src/engine/cpu/cpuProfiler';
import { waitUntilReady } from '../src/engine/readiness';
import { delay, ServiceProcess } from '../src/engine/serviceProcess';
import { groupCpuMs, groupMembers } from '../src/engine/backends/processTree';
import { findTool } from '../src/engine/backends/toolLocator';
import { median, stats, type OverheadRow } from './inspectorOverhead';

type Backend = 'none' | 'inspector' | 'inspector-cpu' | '0x' | 'clinic-doctor';

export const BACKEND_CONFIGS: Array<[Backend, string]> = [
  ['none', 'no profiler'],
  ['inspector', 'inspector backend (CPU 1000 µs + heap sampling, default)'],
  ['inspector-cpu', 'inspector backend, CPU sampling only (profile.heap false)'],
  ['0x', '0x'],
  ['clinic-doctor', 'Clinic Doctor'],
];

interface Measured {
  rps: number;
  cpuUsPerReq: number;
  processes: number;
}

async function oneRound(root: string, route: string, backend: Backend, seconds: number): Promise<Measured> {
  const port = await freePort();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-bench-'));
  const script = path.join(root, 'examples', 'demo', 'server.js');
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NODE_ENV: 'production', NO_INSIGHT: '1', NO_UPDATE_NOTIFIER: '1' };
  delete env.NODE_OPTIONS;
  const node = process.execPath;
  let command = node;
  let args = [script];
  if (backend === 'inspector' || backend === 'inspector-cpu') args = ['--inspect=127.0.0.1:0', script];
  if (backend === '0x') {
    command = findTool('0x', [root])!.bin;
    args = ['--output-dir', path.join(scratch, 'out'), '--working-dir', scratch, '--quiet', '--', node, script];
  }
  if (backend === 'clinic-doctor') {
    command = findTool('clinic', [root])!.bin;
    args = ['doctor', '--open=false', '--dest', path.join(scratch, 'out'), '--', node, script];
  }
  const service = new ServiceProcess({ command, args, cwd: scratch, env });
  const cancel = new CancellationSource();
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/health`, 30000, service, cancel.token);
    let client: InspectorClient | null = null;
    let profiler: CpuProfiler | null = null;
    if (backend === 'inspector' || backend === 'inspector-cpu') {
      while (!service.inspectorUrls.length) await delay(10);
      client = await InspectorClient.connect(service.inspectorUrls[0]);
      profiler = new CpuProfiler(client, 1000, 2000);
    }
    // Warm up (JIT) before measuring.
    await autocannon({ url: `http://127.0.0.1:${port}${route}`, connections: 4, duration: 1 });
    if (client && profiler) {
      await profiler.start();
      if (backend === 'inspector') await client.send('HeapProfiler.enable');
      if (backend === 'inspector') await client.send('HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    }
    const group = service.pid!;
    const processes = groupMembers(group).length;
    const cpuBefore = groupCpuMs(group);
    const result = await autocannon({ url: `http://127.0.0.1:${port}${route}`, connections: 8, duration: seconds });
    const cpuAfter = groupCpuMs(group);
    if (client && profiler) {
      await profiler.stop();
      if (backend === 'inspector') await client.send('HeapProfiler.stopSampling').catch(() => undefined);
      client.close();
    }
    const requests = result.requests.total;
    return { rps: requests / seconds, cpuUsPerReq: ((cpuAfter - cpuBefore) * 1000) / Math.max(requests, 1), processes };
  } finally {
    await service.stop(1000);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export interface BackendOverhead {
  rows: OverheadRow[];
  /** The machine's 1-minute load average, sampled before every measurement: how much else was running. */
  loadAverage: { min: number; max: number };
}

export async function backendOverhead(root: string, route: string, rounds: number, seconds: number): Promise<BackendOverhead> {
  for (const tool of ['0x', 'clinic'] as const) {
    if (!findTool(tool, [root])) throw new Error(`${tool} is not installed: run npm install (it is a devDependency) before the backend benchmark.`);
  }
  const samples = new Map(BACKEND_CONFIGS.map(([b]) => [b, { rps: [] as number[], cpu: [] as number[] }]));
  const loads: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Interleaved, and rotated each round (A B C D, B C D A, …) so that no
    // configuration always follows the same one.
    const order = BACKEND_CONFIGS.map((_, i) => BACKEND_CONFIGS[(i + r) % BACKEND_CONFIGS.length]);
    for (const [backend, name] of order) {
      loads.push(os.loadavg()[0]);
      const m = await oneRound(root, route, backend, seconds);
      samples.get(backend)!.rps.push(m.rps);
      samples.get(backend)!.cpu.push(m.cpuUsPerReq);
      process.stderr.write(`  round ${r + 1}/${rounds} ${name}: ${m.rps.toFixed(0)} req/s, ${m.cpuUsPerReq.toFixed(0)} µs CPU/request over ${m.processes} process(es)\n`);
    }
  }
  const base = samples.get('none')!;
  const rows = BACKEND_CONFIGS.map(([backend, name]) => {
    const s = samples.get(backend)!;
    return {
      config: name,
      rounds,
      rps: stats(s.rps),
      cpuUsPerReq: stats(s.cpu),
      rpsRatio: median(s.rps) / median(base.rps),
      cpuRatio: median(s.cpu) / median(base.cpu),
    };
  });
  return { rows, loadAverage: { min: Math.min(...loads), max: Math.max(...loads) } };
}
