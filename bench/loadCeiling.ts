// Load-generator ceiling: Hotpath's load stage (LoadRunner, as the runner calls it)
// against wrk on a trivial node:http route answering 200 "ok", alternating runs.
// Reports req/s and the generator's CPU time per request (wrk: /usr/bin/time;
// Hotpath: process.cpuUsage() of this process, where the load stage runs).
//
// What is fair, and why:
// - Both generators are warmed up once before the rounds (1 s each), so the
//   figures are steady-state: module loading and JIT warm-up of this process
//   are a one-off cost of a run, not of each request. wrk's own start-up is
//   inside its /usr/bin/time figure (a few ms for a C program).
// - Each round runs both generators unpinned and then pinned (HOTPATH_BENCH_PIN=0
//   leaves pinning out): pinned, the server (all its threads) runs on CPU 0 and
//   the generator on CPU 1, wrk (`taskset -c 1`, still 2 threads) and this
//   process (`taskset -a -cp 1`, all threads) the same way. Unpinned is what a
//   user's 2-core machine does; pinned keeps the generator's CPU from being
//   taken from the server, so it shows the generator's own ceiling. On a
//   machine shared with other work neither removes the noise: CFS shares a
//   core between runnable threads, so wrk's two threads get a larger share of
//   a busy core than the single thread of the load stage.
// - A third row, autocannon alone in this process with a no-op 'response'
//   listener, separates autocannon's own cost from Hotpath's recording.
// - autocannon's `workers` option is not used. Tried on this machine (plain
//   autocannon, no Hotpath code, 2 workers, 4 s runs, load average 11–13):
//   108–155 µs of CPU per request at 10 connections and 200–500 µs at 50,
//   against 72–78 µs for one thread, and fewer req/s (4,004–4,357 against
//   4,465–4,688 at 10 connections; 482–1,956 against 3,031–3,238 at 50). Each
//   worker is a second V8 isolate with its own copy of autocannon and
//   histograms posting messages to the main thread, and on 2 cores it competes
//   with the server. With workers autocannon also stops emitting 'tick' and
//   'response' in the main thread, so the per-second timeline, the µs latency
//   histograms and the spans would need a recorder in each worker.

import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as os from 'os';
import type { HotpathConfig } from '../src/engine/config';
import { CancellationSource } from '../src/engine/events';
import { LoadRunner } from '../src/engine/load/loadRunner';
import { autocannonRequests } from '../src/engine/load/autocannonStage';
import autocannon from 'autocannon';

export interface Sample { rps: number; cpuUsPerReq: number }
export type Pinning = 'unpinned' | 'pinned';
export interface CeilingRow { generator: string; connections: number; pinning: Pinning; samples: Sample[] }
export interface CeilingResult { rows: CeilingRow[]; loadBefore: number[]; loadAfter: number[]; loadDuring: number[]; rounds: number; seconds: number; pinnings: Pinning[] }

const SERVER = `require('http').createServer((q,s)=>{s.writeHead(200,{'content-type':'text/plain'});s.end('ok')}).listen(0,'127.0.0.1',function(){process.stdout.write(this.address().port+'\\n')})`;

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve({ child, port: Number(String(d).trim()) }));
    child.once('error', reject);
  });
}

const GENERATORS: Record<string, string> = {
  wrk: 'wrk 4 (2 threads)',
  Hotpath: 'Hotpath load stage (autocannon)',
  autocannon: 'autocannon 9 alone (no-op response listener)',
};

const ALL_CPUS = `0-${os.cpus().length - 1}`;

/** Sets the CPUs of every thread of `pid` (taskset -a -cp). */
function setAffinity(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' });
}

function canPin(): boolean {
  if (process.env.HOTPATH_BENCH_PIN === '0' || os.cpus().length < 2 || process.platform !== 'linux') return false;
  try {
    execFileSync('taskset', ['-cp', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function runWrk(url: string, connections: number, seconds: number, pinned = false): Promise<Sample> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/time', ['-f', 'CPU %U %S', ...(pinned ? ['taskset', '-c', '1'] : []), 'wrk', '-t', '2', '-c', String(connections), '-d', `${seconds}s`, url], (err, stdout, stderr) => {
      if (err) return reject(err);
      const total = /(\d+) requests in/.exec(stdout);
      const secs = /requests in ([\d.]+)(ms|s|m)/.exec(stdout);
      const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(stderr);
      if (!total || !secs || !cpu) return reject(new Error(`unparsed wrk output: ${stdout} ${stderr}`));
      const n = Number(total[1]);
      const dur = Number(secs[1]) * (secs[2] === 'ms' ? 0.001 : secs[2] === 'm' ? 60 : 1);
      resolve({ rps: n / dur, cpuUsPerReq: ((Number(cpu[1]) + Number(cpu[2])) * 1e6) / n });
    });
  });
}

async function runHotpath(port: number, connections: number, seconds: number, root: string): Promise<Sample> {
  const load = {
    engine: 'autocannon',
    target: `http://127.0.0.1:${port}`,
    requests: [{ method: 'GET', path: '/', weight: 1 }],
    stages: [{ durationSec: seconds, connections }],
    scenario: 'load',
    allowNonLoopback: false,
    scenarioFile: null,
    timeoutSec: 10,
  } as unknown as HotpathConfig['load'];
  const cpu0 = process.cpuUsage();
  const result = await new LoadRunner().run({ load, root, port, clockStart: Date.now(), token: new CancellationSource().token });
  const cpu = process.cpuUsage(cpu0);
  const n = result.requests.total;
  return { rps: n / (result.durationMs / 1000), cpuUsPerReq: (cpu.user + cpu.system) / n };
}

/** autocannon alone, in this process, with a no-op 'response' listener: what the load stage costs without Hotpath's recording. */
async function runAutocannon(port: number, connections: number, seconds: number): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const n = await new Promise<number>((resolve) => {
    const instance = autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, requests: autocannonRequests([{ method: 'GET', path: '/', weight: 1 }]), timeout: 10, pipelining: 1 }, () => undefined);
    (instance as unknown as NodeJS.EventEmitter).on('response', () => undefined);
    instance.on('done', (result: autocannon.Result) => resolve(result.requests.total));
  });
  const cpu = process.cpuUsage(cpu0);
  return { rps: n / ((Date.now() - t0) / 1000), cpuUsPerReq: (cpu.user + cpu.system) / n };
}

export async function loadCeiling(root: string, rounds: number, seconds: number, connectionsList: number[]): Promise<CeilingResult> {
  const { child, port } = await startServer();
  const url = `http://127.0.0.1:${port}/`;
  const pinnings: Pinning[] = canPin() ? ['unpinned', 'pinned'] : ['unpinned'];
  const rows: CeilingRow[] = [];
  const row = (generator: string, connections: number, pinning: Pinning) => {
    let r = rows.find((x) => x.generator === generator && x.connections === connections && x.pinning === pinning);
    if (!r) rows.push((r = { generator, connections, pinning, samples: [] }));
    return r;
  };
  const loadBefore = os.loadavg();
  const loadDuring: number[] = [];
  const pin = (mode: Pinning) => {
    if (!pinnings.includes('pinned')) return;
    setAffinity(child.pid!, mode === 'pinned' ? '0' : ALL_CPUS);
    setAffinity(process.pid, mode === 'pinned' ? '1' : ALL_CPUS);
  };
  try {
    // Warm-up of the server and of both generators (this process loads and compiles the load stage once).
    await runWrk(url, 10, 1);
    await runHotpath(port, 10, 1, root);
    for (let i = 0; i < rounds; i++) {
      for (const mode of pinnings) {
        pin(mode);
        for (const c of connectionsList) {
          const order = i % 2 === 0 ? ['wrk', 'Hotpath', 'autocannon'] : ['autocannon', 'Hotpath', 'wrk'];
          for (const g of order) {
            loadDuring.push(os.loadavg()[0]);
            const s = g === 'wrk' ? await runWrk(url, c, seconds, mode === 'pinned') : g === 'Hotpath' ? await runHotpath(port, c, seconds, root) : await runAutocannon(port, c, seconds);
            row(GENERATORS[g], c, mode).samples.push(s);
            process.stderr.write(`round ${i + 1} ${mode} c=${c} ${g}: ${s.rps.toFixed(0)} req/s, ${s.cpuUsPerReq.toFixed(1)} µs CPU/req\n`);
          }
        }
      }
    }
  } finally {
    pin('unpinned');
    child.kill();
  }
  return { rows, loadBefore, loadAfter: os.loadavg(), loadDuring, rounds, seconds, pinnings };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: m, min: s[0], max: s[s.length - 1] };
};

export function loadCeilingBlock(r: CeilingResult, environment: string): string {
  const during = stats(r.loadDuring);
  const lines = [
    '## Load-generator ceiling: Hotpath\'s load stage against wrk on a trivial route',
    '',
    environment,
    '',
    `Trivial route: a separate \`node:http\` process on 127.0.0.1 answering 200 "ok". ${r.rounds} rounds of ${r.seconds} s per generator, connection count${r.pinnings.length > 1 ? ' and pinning' : ''}, wrk, Hotpath and autocannon alone alternating (order reversed every round), after a 1 s warm-up of wrk and Hotpath. "autocannon alone" is autocannon with the same request list and a no-op \`response\` listener in the same process, without Hotpath's recording: the difference between it and Hotpath's row is what the recording costs. Load average (1/5/15 min) before ${r.loadBefore.map((x) => x.toFixed(2)).join('/')}, after ${r.loadAfter.map((x) => x.toFixed(2)).join('/')}; 1-minute load average before each run median ${during.median.toFixed(2)} (${during.min.toFixed(2)}–${during.max.toFixed(2)}). Generator CPU: wrk's user+system from \`/usr/bin/time\`; Hotpath's from \`process.cpuUsage()\` of the process running \`LoadRunner.run\` (all its threads). ${r.pinnings.length > 1 ? 'Unpinned, the server shares the 2 cores with the generator, so req/s is partly the server\'s ceiling; pinned, the server runs on CPU 0 and either generator on CPU 1 (`taskset`; wrk keeps its 2 threads, both on CPU 1).' : 'No CPU pinning: the server shares the cores with the generator, so req/s is partly the server\'s ceiling.'} autocannon's \`workers\` option is not used (see the header of \`bench/loadCeiling.ts\`).`,
    '',
    '| Generator | connections | CPUs | req/s median (min–max) | ratio to wrk | paired ratio median (min–max) | generator CPU µs/request median (min–max) | ratio to wrk |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const reading: string[] = [];
  for (const row of r.rows) {
    const wrk = r.rows.find((x) => x.connections === row.connections && x.pinning === row.pinning && x.generator.startsWith('wrk'))!;
    const rps = stats(row.samples.map((s) => s.rps));
    const cpu = stats(row.samples.map((s) => s.cpuUsPerReq));
    const wr = stats(wrk.samples.map((s) => s.rps)).median;
    const wc = stats(wrk.samples.map((s) => s.cpuUsPerReq)).median;
    // Within-round ratio: each Hotpath run against the wrk run next to it.
    const paired = stats(row.samples.map((s, i) => s.rps / wrk.samples[i].rps));
    const cpus = row.pinning === 'pinned' ? 'server 0, generator 1' : 'shared';
    lines.push(`| ${row.generator} | ${row.connections} | ${cpus} | ${rps.median.toFixed(0)} (${rps.min.toFixed(0)}–${rps.max.toFixed(0)}) | ${(rps.median / wr).toFixed(2)} | ${paired.median.toFixed(2)} (${paired.min.toFixed(2)}–${paired.max.toFixed(2)}) | ${cpu.median.toFixed(1)} (${cpu.min.toFixed(1)}–${cpu.max.toFixed(1)}) | ${(cpu.median / wc).toFixed(2)} |`);
    if (row.generator === GENERATORS.Hotpath) reading.push(`${row.connections} connections ${row.pinning}: ${(rps.median / wr).toFixed(2)}× (${rps.median / wr >= 0.8 ? 'met' : 'not met'})`);
  }
  lines.push('', `Against issue 4's target (at least 0.8× wrk's request rate, ratio of medians): ${reading.join('; ')}.`);
  lines.push('', 'Reproduce: `npm run compile-tests && HOTPATH_BENCH_ONLY=load-ceiling HOTPATH_BENCH_ROUNDS=5 HOTPATH_BENCH_SECONDS=5 node out/bench/run.js` (wrk from the Debian package: `apt-get install -y wrk`).');
  return lines.join('\n');
}
