// `npm run bench`: runs the benchmarks and rewrites their generated blocks of BENCHMARKS.md.
//   HOTPATH_BENCH_ROUNDS (default 6), HOTPATH_BENCH_SECONDS (default 5)
//   HOTPATH_BENCH_ONLY   a comma list of block names to run (default: all)

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cpuTable, inspectorOverhead, INSPECTOR_PROFILINGS, LoadAverage, overheadTable, pinningNote, PROBE_PROFILINGS } from './inspectorOverhead';
import { runListing, runListingBlock } from './runListing';
import { backendOverhead } from './backendOverhead';
import { activationBlock, measureActivation } from './activation';
import { profileAnalysis, profileAnalysisBlock, writeBigProfileNote } from './profileAnalysis';
import { flameGraphBench, flameGraphBlock } from './flameGraph';
import { loadCeiling, loadCeilingBlock } from './loadCeiling';

const root = path.resolve(__dirname, '../..');
const rounds = Number(process.env.HOTPATH_BENCH_ROUNDS ?? 6);
const seconds = Number(process.env.HOTPATH_BENCH_SECONDS ?? 5);
const only = process.env.HOTPATH_BENCH_ONLY?.split(',').map((s) => s.trim());

export function environmentLine(started: Date, what: string): string {
  const cpus = os.cpus();
  return `Measured ${started.toISOString().slice(0, 10)} with \`npm run bench\`: Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim()}; ${what}. Ratios are medians against the first row, from the same session.`;
}

/** Replaces (or appends) the block between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`. */
export function writeBlock(name: string, body: string): void {
  const file = path.join(root, 'BENCHMARKS.md');
  const block = `<!-- bench:${name}:start -->\n${body}\n<!-- bench:${name}:end -->`;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const re = new RegExp(`<!-- bench:${name}:start -->[\\s\\S]*<!-- bench:${name}:end -->`);
  fs.writeFileSync(file, re.test(text) ? text.replace(re, block) : `${text}\n${block}\n`);
}

const wanted = (name: string) => !only || only.includes(name);

async function main(): Promise<void> {
  if (wanted('run-listing')) {
    const started = new Date();
    process.stderr.write('run-listing: 500 runs, 15 repetitions\n');
    const block = runListingBlock(runListing(root), environmentLine(started, 'listing 500 runs in one process').replace('against the first row', 'against `listRunSummaries`'));
    writeBlock('run-listing', block);
    process.stdout.write(`\nrun-listing\n${block}\n`);
  }
  for (const [name, route, configs] of [
    ['inspector-overhead', '/report/cpu', INSPECTOR_PROFILINGS],
    ['probe-overhead', '/orders', PROBE_PROFILINGS],
  ] as const) {
    if (!wanted(name)) continue;
    const started = new Date();
    process.stderr.write(`${name}: ${rounds} interleaved rounds of ${seconds} s on GET ${route}\n`);
    const load = new LoadAverage();
    const rows = await inspectorOverhead(root, route, rounds, seconds, configs, load);
    const table = overheadTable(rows);
    const what = `${rounds} interleaved rounds of ${seconds} s (order rotated each round), 8 connections, demo route \`GET ${route}\`, ${pinningNote()}, machine load average ${load} during the session`;
    writeBlock(name, [environmentLine(started, what), '', table].join('\n'));
    process.stdout.write(`\n${name}\n${table}\n`);
  }
  if (wanted('activation')) {
    const started = new Date();
    const activationRounds = Number(process.env.HOTPATH_ACTIVATION_ROUNDS ?? 7);
    process.stderr.write(`activation: ${activationRounds} window loads of the demo in code-server\n`);
    const result = await measureActivation(root, activationRounds);
    const block = activationBlock(result, environmentLine(started, `${activationRounds} window loads of examples/demo in code-server (VS Code 1.100) with Chromium, machine load average ${os.loadavg()[0].toFixed(1)} at the end`).replace(' Ratios are medians against the first row, from the same session.', ''));
    writeBlock('activation', block);
    process.stdout.write(`\nactivation\n${block}\n`);
  }
  if (wanted('profile-analysis')) {
    const started = new Date();
    const bigBytes = process.env.HOTPATH_BENCH_BIG_PROFILE === '0' ? null : 520 * 1024 * 1024;
    const result = profileAnalysis(rounds, bigBytes);
    const block = profileAnalysisBlock(result, environmentLine(started, `${rounds} rounds, order rotated`).replace('against the first row', 'against Hotpath'));
    writeBlock('profile-analysis', block);
    writeBigProfileNote(root, result, started);
    process.stdout.write(`\nprofile-analysis\n${block}\n`);
  }
  if (wanted('flame-graph')) {
    const started = new Date();
    const flameRounds = Number(process.env.HOTPATH_FLAME_ROUNDS ?? 3);
    process.stderr.write(`flame-graph: ${flameRounds} rotated rounds, Hotpath vs speedscope vs d3-flame-graph in headless Chromium\n`);
    const result = await flameGraphBench(root, flameRounds);
    const block = flameGraphBlock(result, environmentLine(started, `${flameRounds} rounds of a 200,000-node profile in headless Chromium`).replace('against the first row', 'against Hotpath'));
    writeBlock('flame-graph', block);
    process.stdout.write(`\nflame-graph\n${block}\n`);
  }
  if (wanted('load-ceiling')) {
    const started = new Date();
    process.stderr.write(`load-ceiling: ${rounds} alternating rounds of ${seconds} s, wrk vs Hotpath's load stage, 10 and 50 connections\n`);
    const result = await loadCeiling(root, rounds, seconds, [10, 50]);
    const block = loadCeilingBlock(result, environmentLine(started, `${rounds} alternating rounds of ${seconds} s`).replace('against the first row', 'against wrk'));
    writeBlock('load-ceiling', block);
    process.stdout.write(`\nload-ceiling\n${block}\n`);
  }
  if (wanted('backend-overhead')) {
    const started = new Date();
    process.stderr.write(`backend-overhead: ${rounds} interleaved rounds of ${seconds} s on GET /report/cpu\n`);
    const { rows, serviceRows, loadAverage } = await backendOverhead(root, '/report/cpu', rounds, seconds);
    const table = [
      overheadTable(rows, 'CPU µs/request of the whole process group'),
      '',
      'The same rounds, CPU of the service process alone (the node process running the demo, without the launchers of 0x and Clinic):',
      '',
      cpuTable(serviceRows, 'service process CPU µs/request'),
    ].join('\n');
    const pinning = pinningNote().replace('pinned to CPU 0', 'pinned to CPU 0 (the launchers of 0x and Clinic moved to CPU 1 once the service is up)');
    const what = `${rounds} interleaved rounds of ${seconds} s (order rotated each round), 8 connections, demo route \`GET /report/cpu\`, ${pinning}, machine load average ${loadAverage} during the session`;
    writeBlock('backend-overhead', [environmentLine(started, what), '', table].join('\n'));
    process.stdout.write(`\nbackend-overhead\n${table}\n`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
}
