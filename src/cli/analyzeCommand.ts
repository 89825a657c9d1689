import * as path from 'path';
import * as fs from 'fs';
import { analyzeCpuProfile, type CpuSummary } from '../engine/cpu/cpuProfileModel';
import { analyzeCpuProfileFile } from '../engine/cpu/profileFile';
import { ProfileFormatError } from '../engine/cpu/profileStream';
import type { CpuProfile } from '../engine/cpu/cpuProfile';
import { HotpathError } from '../engine/events';
import { heapHotspots, heapProfileProblem } from '../engine/backends/heapHotspots';
import { cleanMessage, MAX_JSON_BYTES, readJsonFile } from '../engine/jsonInput';
import { SourceMapResolver } from '../engine/sourceMaps';
import { summaryProblem } from '../engine/cpu/cpuProfileCheck';
import { parseArgs } from './args';
import { table } from './terminal';

const HELP = `Usage: hotpath analyze FILE [--json]

Analyses a .cpuprofile (Chrome DevTools format): the hottest functions and lines;
or a .heapprofile (sampling heap profile): the functions that allocated most.
  --json   print {"hotFunctions": [...], "hotLines": [...]} as in run.json "cpu"

Exit code: 0 analysed, 2 error (unreadable or unrecognised file).`;

export async function analyzeCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [], ['json', 'help']);
  if (args.flags.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const file = args.positionals[0];
  if (!file) throw new HotpathError('analyze needs a FILE: hotpath analyze path/to/profile.cpuprofile.');
  const streamed = /\.heapprofile$/i.test(file) ? null : await analyzeStreamed(file);
  let summary: CpuSummary;
  if (streamed) {
    const problem = summaryProblem(streamed);
    if (problem) throw new HotpathError(`${file} is ${problem}.`);
    summary = streamed;
  }
  else {
    const parsed = readJsonFile(file, /\.heapprofile$/i.test(file) ? 'a .heapprofile' : 'a .cpuprofile');
    if (/\.heapprofile$/i.test(file) || (isObjectWith(parsed, 'head') && !isObjectWith(parsed, 'nodes'))) return analyzeHeap(file, parsed, args.flags.has('json'));
    try {
      summary = analyzeCpuProfile(parsed as CpuProfile, { root: process.cwd(), sourceMaps: new SourceMapResolver() });
    } catch (err) {
      throw new HotpathError(`${file} is ${cleanMessage((err as Error).message)}.`);
    }
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

/**
 * A CPU profile through the streaming reader (a worker thread for big files).
 * Null hands the file to the in-memory reader, which names odd encodings and
 * reads heap profiles: when the start of the file is not UTF-8 JSON text, or
 * the stream reader found no CPU profile in a file small enough to load.
 */
async function analyzeStreamed(file: string): Promise<CpuSummary | null> {
  let size: number;
  let head: Buffer;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) return null;
    size = stat.size;
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(Math.min(size, 4096));
      fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  const utf16 = head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
  if (size === 0 || utf16 || /[\u0000-\u0008\u000e-\u001f]/.test(head.toString('latin1'))) return null;
  try {
    return await analyzeCpuProfileFile(file, { root: process.cwd(), sourceMaps: new SourceMapResolver() });
  } catch (err) {
    if (err instanceof ProfileFormatError || (err as Error).name === 'ProfileFormatError') {
      if (size <= MAX_JSON_BYTES && /not a CPU profile/.test((err as Error).message)) return null;
      throw new HotpathError((err as Error).message);
    }
    throw new HotpathError(`Cannot read ${file} (${cleanMessage((err as Error).message)}).`);
  }
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
