// The `hotpath` command. Exit codes (CONTRACT.md): 0 ok / budgets pass,
// 1 budget broken or regression, 2 error. Errors are one sentence on stderr.

import { runCommand } from './runCommand';
import { analyzeCommand } from './analyzeCommand';
import { reportCommand } from './reportCommand';
import { compareCommand } from './compareCommand';
import { lintCommand } from './lintCommand';
import { importLoadCommand } from './importLoadCommand';
import { baselineCommand } from './baselineCommand';
import { UsageError } from './args';
import { HotpathError } from '../engine/events';

const USAGE = `Usage: hotpath <command> [options]

Commands:
  run [--config FILE] [--out DIR] [--verbose]   run the benchmark and save the run
  analyze FILE [--json]                         analyse a .cpuprofile
  report RUN_DIR --format FORMAT [--out FILE]   render a saved run: md, html, json, junit,
                                                or export: cpuprofile, speedscope, pprof, collapsed;
              [--baseline BASE_RUN]             md and html compared with BASE_RUN
  compare BASE_RUN_DIR RUN_DIR [--json]         what changed between two runs, with significance
  baseline [RUN_DIR] [--clear]                  pin (or show, or clear) the baseline runs are compared with
  lint [PATH...] [--json]                       static N+1 hints
  import-load FILE --engine artillery|k6        save an Artillery or k6 report (e.g. of a
              [--out DIR]                       distributed run) as a run

Run "hotpath <command> --help" for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'analyze':
        return await analyzeCommand(rest);
      case 'report':
        return await reportCommand(rest);
      case 'compare':
        return await compareCommand(rest);
      case 'baseline':
        return await baselineCommand(rest);
      case 'import-load':
        return await importLoadCommand(rest);
      case 'lint':
        return await lintCommand(rest);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      case '--version':
        process.stdout.write(`${require('../../package.json').version}\n`);
        return 0;
      default:
        process.stderr.write(`hotpath: unknown command "${command}".\n\n${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof HotpathError) {
      process.stderr.write(`hotpath: ${err.message}${err instanceof HotpathError && err.detail ? err.detail : ''}\n`);
    } else {
      process.stderr.write(`hotpath: unexpected internal error: ${(err as Error)?.message ?? err}. Please report it with the stack below.\n${(err as Error)?.stack ?? ''}\n`);
    }
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 2;
    },
  );
}
