import * as path from 'path';
import { analyzeCpuProfile } from '../engine/cpu/cpuProfileModel';
import type { CpuProfile } from '../engine/cpu/cpuProfile';
import { HotpathError } from '../engine/events';
import { heapHotspots, heapProfileProblem } from '../engine/backends/heapHotspots';
import { cleanMessage, readJsonFile } from '../engine/jsonInput';
import { SourceMapResolver } from '../engine/sourceMaps';
import { parseArgs } from './args';
import { table } from './terminal';

const HELP = `Usage: hotpath analyze FILE [--json]

Analyses a .cpuprofile (Chrome DevTools format): the hottest functions and lines;
or a .heapprofile (sampling heap profile): the functions that allocated most.
  --json   print {"hotFunctions": [...], "hotLines": [...]} as in run.json "cpu"`;

export async function analyzeCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [], ['json', 'help']);
  if (args.flags.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const file = args.positionals[0];
  if (!file) throw new HotpathError('analyze needs a FILE: hotpath analyze path/to/profile.cpuprofile.');
  const parsed = readJsonFile(file, /\.heapprofile$/i.test(file) ? 'a .heapprofile' : 'a .cpuprofile');
  if (/\.heapprofile$/i.test(file) || (isObjectWith(parsed, 'head') && !isObjectWith(parsed, 'nodes'))) return analyzeHeap(file, parsed, args.flags.has('json'));
  let summary;
  try {
    summary = analyzeCpuProfile(parsed as CpuProfile, { root: process.cwd(), sourceMaps: new SourceMapResolver() });
  } catch (err) {
    throw new HotpathError(`${file} is ${cleanMessage((err as Error).message)}.`);
  }
  if (args.flags.has('json')) {
    process.stdout.write(`${JSON.stringify({ file: path.resolve(file), durationMs: summary.durationMs, busyMs: summary.busyMs, buckets: summary.buckets, hotFunctions: summary.hotFunctions, hotLines: summary.hotLines }, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`${summary.sampleCount} samples, ${summary.busyMs} ms busy of ${summary.durationMs} ms\n\n`);
  process.stdout.write(
    `${table(
      ['function', 'location', 'kind', 'self ms', 'self %', 'total %'],
      summary.hotFunctions.slice(0, 20).map((f) => [f.name, `${f.file}:${f.line}`, f.category, f.selfMs.toFixed(1), f.selfPct.toFixed(1), f.totalPct.toFixed(1)]),
      [false, false, false, true, true, true],
    )}\n`,
  );
  return 0;
}

function analyzeHeap(file: string, parsed: unknown, json: boolean): number {
  const problem = heapProfileProblem(parsed);
  if (problem) throw new HotpathError(`${file} is ${problem}.`);
  const hotspots = heapHotspots(parsed as Parameters<typeof heapHotspots>[0], { root: process.cwd(), sourceMaps: new SourceMapResolver(), top: 20 });
  if (json) {
    process.stdout.write(`${JSON.stringify({ file: path.resolve(file), allocationHotspots: hotspots }, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    `${table(
      ['function', 'location', 'self bytes', 'self %'],
      hotspots.map((h) => [h.name, `${h.file}:${h.line}`, String(h.selfBytes), h.selfPct.toFixed(1)]),
      [false, false, true, true],
    )}\n`,
  );
  return 0;
}

function isObjectWith(x: unknown, key: string): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.prototype.hasOwnProperty.call(x, key);
}
