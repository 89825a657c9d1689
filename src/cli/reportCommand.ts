// `hotpath report RUN_DIR --format …`: renders a saved run as a report, or
// exports its CPU profile for another tool. Text goes to stdout unless --out is
// given; pprof is binary and is never written to a terminal.

import * as fs from 'fs';
import { HotpathError } from '../engine/events';
import { toCollapsed } from '../engine/export/collapsed';
import { toPprof } from '../engine/export/pprof';
import { toSpeedscope } from '../engine/export/speedscope';
import { renderHtml } from '../engine/report/htmlReport';
import { renderJUnit } from '../engine/report/junitReport';
import { compareWithRun, pinnedBaselineFor } from '../engine/report/baselineComparison';
import { NO_BASELINE, type ComparisonInput } from '../engine/report/comparisonSection';
import { renderMarkdown } from '../engine/report/markdownReport';
import { readRunCpuProfile } from '../engine/report/runProfile';
import type { RunRecord } from '../engine/runRecord';
import { readRun, writeAtomic } from '../engine/store/runStore';
import { parseArgs } from './args';

const FORMATS = ['md', 'html', 'json', 'junit', 'speedscope', 'pprof', 'collapsed', 'cpuprofile'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `Usage: hotpath report RUN_DIR --format FORMAT [--out FILE] [--baseline BASE_RUN]

Renders a saved run (a folder in .hotpath/runs) or exports its CPU profile.
Without --out the output goes to stdout.

The md and html reports have a "Compared with baseline" section: against
--baseline BASE_RUN (--compare is the same; a run folder, or the id of a run
beside RUN_DIR) when given, else the comparison the run saved when it was
made, else the baseline pinned now in RUN_DIR's folder (hotpath baseline).

Reports:
  md          Markdown, for pull-request comments (the default)
  html        self-contained HTML with charts and the flame graph; works offline
  json        the run record (run.json)
  junit       JUnit XML: one test case per budget, for CI test reports

CPU profile exports:
  cpuprofile  Chrome DevTools format (the saved profile itself)
  speedscope  speedscope JSON (https://www.speedscope.app)
  pprof       gzipped pprof protobuf, for go tool pprof and Pyroscope; binary,
              so it needs --out FILE or stdout redirected away from a terminal
  collapsed   folded stacks for flamegraph.pl

Exit codes: 0 written, 2 error (unreadable run, missing profile, bad option).`;

export async function reportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['format', 'out', 'baseline', 'compare'], ['help']);
  if (args.flags.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const dir = args.positionals[0];
  if (!dir) throw new HotpathError('report needs a RUN_DIR: hotpath report .hotpath/runs/<runId> --format md.');
  if (args.positionals.length > 1) throw new HotpathError(`report takes one RUN_DIR, not ${args.positionals.length}: pass the other options with --format and --out.`);
  const format = String(args.flags.get('format') ?? 'md') as Format;
  if (!FORMATS.includes(format)) throw new HotpathError(`--format must be one of ${FORMATS.join(', ')}, not "${format}".`);
  const out = args.flags.get('out');
  const outFile = typeof out === 'string' ? out : null;

  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new HotpathError(`${dir} does not exist: pass a run folder such as .hotpath/runs/<runId>.`);
  }
  if (!stat.isDirectory()) throw new HotpathError(`${dir} is a file, not a run folder: pass the folder that holds run.json.`);
  const run = readRun(dir);
  if (!run.ok) throw new HotpathError(`${dir} is not a readable run: ${run.reason}.`);

  if (format === 'pprof' && !outFile && process.stdout.isTTY) {
    throw new HotpathError('pprof output is binary and stdout is a terminal: pass --out FILE (for example --out cpu.pb.gz) or redirect stdout.');
  }
  const baseArg = args.flags.get('baseline') ?? args.flags.get('compare');
  const comparison = format === 'md' || format === 'html' ? comparisonFor(dir, run.record, typeof baseArg === 'string' ? baseArg : null) : undefined;
  const data = render(format, dir, run.record, comparison);
  if (outFile) {
    try {
      writeAtomic(outFile, data);
    } catch (err) {
      throw new HotpathError(`Cannot write ${outFile} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check that its folder exists and is writable.`);
    }
  } else {
    await new Promise<void>((resolve, reject) => process.stdout.write(data, (err) => (err ? reject(err) : resolve())));
  }
  return 0;
}

/** The comparison a report shows: the one asked for, the one saved in the run, or the pinned baseline's. */
function comparisonFor(dir: string, record: RunRecord, baseArg: string | null): ComparisonInput {
  if (baseArg) return { comparison: compareWithRun(baseArg, dir) };
  if (record.comparison) return { comparison: record.comparison };
  const pinned = pinnedBaselineFor(dir);
  if (pinned.state === 'self') return { none: 'This run is the pinned baseline: other runs are compared with it.' };
  if (pinned.state === 'gone') return { none: `No comparison: ${pinned.reason}.` };
  if (pinned.state === 'none') return { none: NO_BASELINE };
  if (!record.load) return { none: 'No comparison: this run has no load results.' };
  try {
    return { comparison: compareWithRun(pinned.dir, dir) };
  } catch (err) {
    return { none: `No comparison with the pinned baseline ${pinned.id}: ${(err as Error).message}` };
  }
}

function render(format: Format, dir: string, record: RunRecord, comparison?: ComparisonInput): string | Buffer {
  switch (format) {
    case 'md':
      return renderMarkdown(record, { comparison });
    case 'json':
      return `${JSON.stringify(record, null, 2)}\n`;
    case 'junit':
      return renderJUnit(record);
    case 'html': {
      const p = readRunCpuProfile(dir, record);
      return renderHtml(record, p.ok ? { cpuProfile: p.profile, comparison } : { cpuProfile: null, cpuProfileProblem: p.reason, comparison });
    }
    case 'cpuprofile':
    case 'speedscope':
    case 'pprof':
    case 'collapsed': {
      const p = readRunCpuProfile(dir, record);
      if (!p.ok) throw new HotpathError(`Cannot export ${format} from ${dir}: ${p.reason}.`);
      if (format === 'cpuprofile') return fs.readFileSync(p.file);
      if (format === 'collapsed') return toCollapsed(p.profile);
      if (format === 'speedscope') return `${JSON.stringify(toSpeedscope(p.profile, { name: `${record.name} ${record.id} (CPU)`, exporter: 'hotpath' }))}\n`;
      const startedAt = new Date(record.startedAt);
      return toPprof(p.profile, { samplingIntervalMicros: record.cpu?.samplingIntervalMicros, startedAt: Number.isNaN(startedAt.getTime()) ? undefined : startedAt });
    }
  }
}
