// Micro-benchmark: CPU time of one query's stack capture in the probe, the
// current captureStack against the previous method (50 structured frames,
// every one formatted), called from 30 frames deep, interleaved rounds.
// Run: npm run compile-tests && node out/bench/probeStackCapture.js

import * as os from 'os';
import { captureStack } from '../src/engine/probe/queryRecorder';
import { median, stats } from './inspectorOverhead';

function previousCapture(boundary: Function): string[] {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  const holder: { stack?: unknown } = {};
  Error.stackTraceLimit = 50;
  Error.prepareStackTrace = (_e, sites) => sites;
  Error.captureStackTrace(holder, boundary);
  const sites = holder.stack as NodeJS.CallSite[];
  Error.stackTraceLimit = limit;
  Error.prepareStackTrace = prepare;
  const frames: string[] = [];
  for (const s of sites) {
    const file = s.getFileName();
    if (file) frames.push(`${file}:${s.getLineNumber()}:${s.getColumnNumber()}`);
  }
  return frames;
}

function driverCurrent(): string[] {
  return captureStack(driverCurrent);
}
function driverPrevious(): string[] {
  return previousCapture(driverPrevious);
}
function deep(n: number, fn: () => string[]): number {
  return n === 0 ? fn().length : deep(n - 1, fn) + 0;
}

const calls = 20_000;
const rounds = Number(process.env.HOTPATH_BENCH_ROUNDS ?? 7);
const us: Record<string, number[]> = { previous: [], current: [] };
for (let r = 0; r < rounds; r++) {
  const order: Array<[string, () => string[]]> = [['previous', driverPrevious], ['current', driverCurrent]];
  if (r % 2) order.reverse();
  for (const [name, fn] of order) {
    const t = process.cpuUsage();
    for (let i = 0; i < calls; i++) deep(30, fn);
    const u = process.cpuUsage(t);
    us[name].push((u.user + u.system) / calls);
  }
}
for (const name of ['previous', 'current']) {
  const s = stats(us[name]);
  process.stdout.write(`${name}: ${s.median.toFixed(1)} µs CPU per capture (${s.min.toFixed(1)}–${s.max.toFixed(1)}), ${rounds} rounds of ${calls}\n`);
}
process.stdout.write(`ratio ${(median(us.current) / median(us.previous)).toFixed(2)}, load average ${os.loadavg()[0].toFixed(1)}\n`);
