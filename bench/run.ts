// `npm run bench`: runs the benchmarks and rewrites the generated block of BENCHMARKS.md.
//   HOTPATH_BENCH_ROUNDS (default 6), HOTPATH_BENCH_SECONDS (default 5)

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspectorOverhead } from './inspectorOverhead';

const root = path.resolve(__dirname, '../..');
const rounds = Number(process.env.HOTPATH_BENCH_ROUNDS ?? 6);
const seconds = Number(process.env.HOTPATH_BENCH_SECONDS ?? 5);

async function main(): Promise<void> {
  const started = new Date();
  process.stderr.write(`Inspector overhead: ${rounds} interleaved rounds of ${seconds} s on GET /report/cpu\n`);
  const rows = await inspectorOverhead(root, rounds, seconds);
  const f0 = (x: number) => x.toFixed(0);
  const table = [
    '| Configuration | req/s median (min–max) | ratio | service CPU µs/request median (min–max) | ratio |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.config} | ${f0(r.rps.median)} (${f0(r.rps.min)}–${f0(r.rps.max)}) | ${r.rpsRatio.toFixed(3)} | ${f0(r.cpuUsPerReq.median)} (${f0(r.cpuUsPerReq.min)}–${f0(r.cpuUsPerReq.max)}) | ${r.cpuRatio.toFixed(3)} |`,
    ),
  ].join('\n');
  const cpus = os.cpus();
  const block = [
    '<!-- bench:inspector-overhead:start -->',
    `Measured ${started.toISOString().slice(0, 10)} with \`npm run bench\`: Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim()}, ${rounds} interleaved rounds of ${seconds} s, 8 connections, demo route \`GET /report/cpu\`. Ratios are medians against "no profiler" from the same session.`,
    '',
    table,
    '<!-- bench:inspector-overhead:end -->',
  ].join('\n');
  const file = path.join(root, 'BENCHMARKS.md');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const re = /<!-- bench:inspector-overhead:start -->[\s\S]*<!-- bench:inspector-overhead:end -->/;
  fs.writeFileSync(file, re.test(text) ? text.replace(re, block) : `${text}\n${block}\n`);
  process.stdout.write(`${table}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
