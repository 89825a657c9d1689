// `hotpath lint [PATH...] [--json]`: static N+1 hints. Exit 0 (hints are not
// failures), 2 on error (CONTRACT.md).

import { lintPaths } from '../engine/lint/nPlusOneLint';
import { parseArgs } from './args';

const HELP = `Usage: hotpath lint [PATH...] [--json]

Static N+1 hints: query-shaped calls (pg/mysql2 .query() and .execute(), knex
chains, Prisma, Sequelize/Mongoose/TypeORM finders, MongoDB, better-sqlite3
and node:sqlite prepare(...).get/all/run) inside loops and map/forEach/reduce
callbacks of TypeScript and JavaScript files. PATH defaults to the current
folder; node_modules, dist, out and .git are skipped. A hint is not a
verdict: a run (hotpath run) confirms or dismisses it.
  --json   print an array of findings shaped as run.json "findings"

Exit code: 0, or 2 on error.`;

export async function lintCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [], ['json', 'help']);
  if (args.flags.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const result = lintPaths(args.positionals, process.cwd());
  for (const s of result.skipped) process.stderr.write(`hotpath: skipped ${s.file}: it ${s.reason}.\n`);
  if (args.flags.has('json')) {
    process.stdout.write(`${JSON.stringify(result.findings, null, 2)}\n`);
    return 0;
  }
  for (const f of result.findings) process.stdout.write(`${f.location!.file}:${f.location!.line}:${f.location!.column}  ${f.severity}  ${f.message}\n`);
  const n = result.findings.length;
  process.stdout.write(`${n ? '\n' : ''}${n} possible N+1 quer${n === 1 ? 'y' : 'ies'} in ${result.files} file${result.files === 1 ? '' : 's'}.\n`);
  return 0;
}
