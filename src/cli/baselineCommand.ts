// `hotpath baseline [RUN_DIR] [--runs DIR] [--clear] [--json]`: pins, shows or
// clears the baseline of a runs folder (the same `baseline` file the VS Code
// Runs view and CI use). A run made while a baseline is pinned is compared
// with it, and its report holds the comparison.

import * as path from 'path';
import { HotpathError } from '../engine/events';
import { clearBaseline, getBaseline, setBaseline } from '../engine/store/baseline';
import { parseArgs } from './args';

const HELP = `Usage: hotpath baseline [RUN_DIR] [--runs DIR] [--clear] [--json]

  hotpath baseline RUN_DIR    pin RUN_DIR as the baseline of the folder that holds it
  hotpath baseline            show the pinned baseline
  hotpath baseline --clear    unpin it

Runs made while a baseline is pinned are compared with it: their run.json
holds the comparison and their report a "Compared with baseline" section.

  --runs DIR   the runs folder (default: .hotpath/runs in the current folder)
  --json       print {"id", "dir"} of the pinned baseline (null when none)

Exit code: 0 done, 2 error (no such run, unreadable run).`;

export async function baselineCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['runs'], ['clear', 'json', 'help']);
  if (args.flags.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (args.positionals.length > 1) throw new HotpathError(`baseline takes one RUN_DIR, not ${args.positionals.length}: hotpath baseline .hotpath/runs/<runId>.`);
  const runArg = args.positionals[0];
  if (runArg && args.flags.has('clear')) throw new HotpathError('Pass either RUN_DIR (to pin it) or --clear, not both.');
  if (runArg) {
    const abs = path.resolve(runArg);
    const runsDir = args.flags.has('runs') ? path.resolve(String(args.flags.get('runs'))) : path.dirname(abs);
    const dir = setBaseline(runsDir, path.basename(abs));
    return print(args.flags.has('json'), path.basename(dir), dir, `Pinned ${path.basename(dir)} as the baseline of ${runsDir}.`);
  }
  const runsDir = path.resolve(String(args.flags.get('runs') ?? path.join('.hotpath', 'runs')));
  if (args.flags.has('clear')) {
    clearBaseline(runsDir);
    return print(args.flags.has('json'), null, null, `No baseline is pinned in ${runsDir} now.`);
  }
  const b = getBaseline(runsDir);
  if (b.state === 'gone') throw new HotpathError(`The pinned baseline cannot be used: ${b.reason}.`);
  return b.state === 'set' ? print(args.flags.has('json'), b.id, b.dir, `Baseline: ${b.id} (${b.dir}).`) : print(args.flags.has('json'), null, null, `No baseline is pinned in ${runsDir}.`);
}

function print(json: boolean, id: string | null, dir: string | null, text: string): number {
  process.stdout.write(json ? `${JSON.stringify({ id, dir })}\n` : `${text}\n`);
  return 0;
}
