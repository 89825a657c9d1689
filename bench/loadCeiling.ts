// Load-generator ceiling: Hotpath's load stage (LoadRunner, as the runner calls it)
// against wrk on a trivial node:http route answering 200 "ok", alternating runs.
// Reports req/s and the generator's CPU time per request (wrk: /usr/bin/time;
// Hotpath: process.cpuUsage() of this process, where the load stage runs).

import { ChildProcess, execFile, spawn } from 'child_process';
import * as os from 'os';
import type { HotpathConfig } from '../src/engine/config';
import { CancellationSource } from '../src/engine/events';
import { LoadRunner } from '../src/engine/load/loadRunner';

export interface Sample { rps: number; cpuUsPerReq: number }
export interface CeilingRow { generator: string; connections: number; samples: Sample[] }
export interface CeilingResult { rows: CeilingRow[]; loadBefore: number[]; loadAfter: number[]; rounds: number; seconds: number }

const SERVER = `require('http').createServer((q,s)=>{s.writeHead(200,{'content-type':'text/plain'});s.end('ok')}).listen(0,'127.0.0.1',function(){process.stdout.write(this.address().port+'\\n')})`;

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve({ child, port: Number(String(d).trim()) }));
    child.once('error', reject);
  });
}

function runWrk(url: string, connections: number, seconds: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/time', ['-f', 'CPU %U %S', 'wrk', '-t', '2', '-c', String(connections), '-d', `${seconds}s`, url], (err, stdout, stderr) => {
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

export async function loadCeiling(root: string, rounds: number, seconds: number, connectionsList: number[]): Promise<CeilingResult> {
  const { child, port } = await startServer();
  const url = `http://127.0.0.1:${port}/`;
  const rows: CeilingRow[] = [];
  const row = (generator: string, connections: number) => {
    let r = rows.find((x) => x.generator === generator && x.connections === connections);
    if (!r) rows.push((r = { generator, connections, samples: [] }));
    return r;
  };
  const loadBefore = os.loadavg();
  try {
    await runWrk(url, 10, 1); // warm-up of the server
    for (let i = 0; i < rounds; i++) {
      for (const c of connectionsList) {
        const order = i % 2 === 0 ? ['wrk', 'Hotpath'] : ['Hotpath', 'wrk'];
        for (const g of order) {
          const s = g === 'wrk' ? await runWrk(url, c, seconds) : await runHotpath(port, c, seconds, root);
          row(g === 'wrk' ? 'wrk 4 (2 threads)' : 'Hotpath load stage (autocannon)', c).samples.push(s);
          process.stderr.write(`round ${i + 1} c=${c} ${g}: ${s.rps.toFixed(0)} req/s, ${s.cpuUsPerReq.toFixed(1)} µs CPU/req\n`);
        }
      }
    }
  } finally {
    child.kill();
  }
  return { rows, loadBefore, loadAfter: os.loadavg(), rounds, seconds };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: m, min: s[0], max: s[s.length - 1] };
};

export function loadCeilingBlock(r: CeilingResult, environment: string): string {
  const lines = [
    '## Load-generator ceiling: Hotpath\'s load stage against wrk on a trivial route',
    '',
    environment,
    '',
    `Trivial route: a separate \`node:http\` process on 127.0.0.1 answering 200 "ok". ${r.rounds} rounds of ${r.seconds} s per generator and connection count, wrk and Hotpath alternating (order swapped every round). Load average (1/5/15 min) before ${r.loadBefore.map((x) => x.toFixed(2)).join('/')}, after ${r.loadAfter.map((x) => x.toFixed(2)).join('/')}. Generator CPU: wrk's user+system from \`/usr/bin/time\`; Hotpath's from \`process.cpuUsage()\` of the process running \`LoadRunner.run\`. The server shares the 2 cores with the generator, so req/s is partly the server's ceiling.`,
    '',
    '| Generator | connections | req/s median (min–max) | ratio to wrk | generator CPU µs/request median (min–max) | ratio to wrk |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of r.rows) {
    const wrk = r.rows.find((x) => x.connections === row.connections && x.generator.startsWith('wrk'))!;
    const rps = stats(row.samples.map((s) => s.rps));
    const cpu = stats(row.samples.map((s) => s.cpuUsPerReq));
    const wr = stats(wrk.samples.map((s) => s.rps)).median;
    const wc = stats(wrk.samples.map((s) => s.cpuUsPerReq)).median;
    lines.push(`| ${row.generator} | ${row.connections} | ${rps.median.toFixed(0)} (${rps.min.toFixed(0)}–${rps.max.toFixed(0)}) | ${(rps.median / wr).toFixed(2)} | ${cpu.median.toFixed(1)} (${cpu.min.toFixed(1)}–${cpu.max.toFixed(1)}) | ${(cpu.median / wc).toFixed(2)} |`);
  }
  lines.push('', 'Reproduce: `npm run compile-tests && HOTPATH_BENCH_ONLY=load-ceiling HOTPATH_BENCH_ROUNDS=5 HOTPATH_BENCH_SECONDS=5 node out/bench/run.js` (wrk from the Debian package: `apt-get install -y wrk`).');
  return lines.join('\n');
}
