import * as fs from 'fs';
import { HotpathError } from '../engine/events';
import { renderMarkdown } from '../engine/report/markdownReport';
import { readRun } from '../engine/store/runStore';
import { parseArgs } from './args';

const HELP = `Usage: hotpath report RUN_DIR --format md|json [--out FILE]

Renders a saved run. Without --out the report goes to stdout.`;

const FORMATS = ['md', 'json'];

export async function reportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['format', 'out'], ['help']);
  if (args.flags.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const dir = args.positionals[0];
  if (!dir) throw new HotpathError('report needs a RUN_DIR: hotpath report .hotpath/runs/<runId> --format md.');
  const format = String(args.flags.get('format') ?? 'md');
  if (!FORMATS.includes(format)) throw new HotpathError(`--format must be one of ${FORMATS.join(', ')}, not "${format}".`);
  const run = readRun(dir);
  if (!run.ok) throw new HotpathError(`${dir} is not a readable run: ${run.reason}.`);
  const text = format === 'json' ? `${JSON.stringify(run.record, null, 2)}\n` : renderMarkdown(run.record);
  const out = args.flags.get('out');
  if (typeof out === 'string') fs.writeFileSync(out, text);
  else process.stdout.write(text);
  return 0;
}
