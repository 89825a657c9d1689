// `hotpath import-load FILE --engine artillery|k6 [--out DIR] [--name NAME]`:
// saves the report of a load test run elsewhere (a distributed Artillery or k6
// run) as a Hotpath run, so it lists, renders and compares like any other.

import { HotpathError } from '../engine/events';
import { importLoadRun, ImportEngine } from '../engine/load/importLoad';
import { parseArgs } from './args';

const HELP = `Usage: hotpath import-load FILE --engine artillery|k6 [--out DIR] [--name NAME]

Saves a load-test report as a run in DIR (default .hotpath/runs):
  artillery  the JSON report of \`artillery run --output FILE\`, also from
             --platform aws:lambda or aws:ecs (Fargate) runs
  k6         the file of \`k6 run --out json=FILE\` (every request: timeline and
             per-endpoint table) or of \`--summary-export=FILE\` (totals only)

The run holds the load figures and the report itself; there is no profile,
because the service ran elsewhere. Prints the run directory on the last line.

Exit codes: 0 saved, 2 error (unreadable or unrecognised file, bad option).`;

export async function importLoadCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['engine', 'out', 'name'], ['help']);
  if (args.flags.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) throw new HotpathError('import-load needs one FILE: hotpath import-load report.json --engine artillery.');
  const engine = args.flags.get('engine');
  if (engine !== 'artillery' && engine !== 'k6') throw new HotpathError(`--engine must be artillery or k6${typeof engine === 'string' ? `, not "${engine}"` : ''}: say which tool wrote ${file}.`);
  const out = args.flags.get('out');
  const name = args.flags.get('name');
  const { runDir, record } = await importLoadRun({
    file,
    engine: engine as ImportEngine,
    runsDir: typeof out === 'string' ? out : '.hotpath/runs',
    name: typeof name === 'string' ? name : undefined,
  });
  const l = record.load!;
  process.stdout.write(
    `${l.requests.total} requests over ${(l.durationMs / 1000).toFixed(1)} s, ${l.throughputRps.mean} req/s, p95 ${l.latencyMs.p95} ms, errors ${(l.errors.rate * 100).toFixed(2)}%\n${runDir}\n`,
  );
  return 0;
}
