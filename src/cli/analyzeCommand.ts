import * as fs from 'fs';
import * as path from 'path';
import { analyzeCpuProfile } from '../engine/cpu/cpuProfileModel';
import type { CpuProfile } from '../engine/cpu/cpuProfile';
import { HotpathError } from '../engine/events';
import { SourceMapResolver } from '../engine/sourceMaps';
import { parseArgs } from './args';
import { table } from './terminal';

const HELP = `Usage: hotpath analyze FILE [--json]

Analyses a .cpuprofile (Chrome DevTools format): the hottest functions and lines.
  --json   print {"hotFunctions": [...], "hotLines": [...]} as in run.json "cpu"`;

export async function analyzeCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [], ['json', 'help']);
  if (args.flags.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const file = args.positionals[0];
  if (!file) throw new HotpathError('analyze needs a FILE: hotpath analyze path/to/profile.cpuprofile.');
  let profile: CpuProfile;
  try {
    profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new HotpathError(
      e.code === 'ENOENT' ? `${file} does not exist.` : e.code ? `Cannot read ${file} (${e.code}).` : `${file} is not valid JSON (${e.message}): is it a complete .cpuprofile?`,
    );
  }
  let summary;
  try {
    summary = analyzeCpuProfile(profile, { root: process.cwd(), sourceMaps: new SourceMapResolver() });
  } catch (err) {
    throw new HotpathError(`${file} is ${(err as Error).message}.`);
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
