// The `hotpath` command. Exit codes (CONTRACT.md): 0 ok / budgets pass,
// 1 budget broken or regression, 2 error. Errors are one sentence on stderr.

import { UsageError } from './args';
import { HotpathError } from '../engine/events';

const USAGE = `Usage: hotpath <command> [options]

Profile a Node.js service under load, save the run, report it and compare it.

Run and inspect:
  run [--config FILE] [--out DIR]           start the service, profile it under load, save the run;
                                            exit 1 when a budget is broken
  report RUN_DIR [--format F] [--out FILE]  render a run: md (default), html, json, junit;
         [--baseline BASE_RUN]              or export its profile: cpuprofile, speedscope,
                                            pprof, collapsed
  analyze FILE [--json]                     hottest functions of a .cpuprofile or .heapprofile

Compare:
  compare BASE_RUN_DIR RUN_DIR [--json]     what changed, with significance; exit 1 on a regression
  baseline [RUN_DIR] [--clear]              pin the run later runs and reports are compared with

Other:
  lint [PATH...] [--json]                   static N+1 hints in JavaScript and TypeScript
  import-load FILE --engine artillery|k6    save an Artillery or k6 report (e.g. of a distributed
              [--out DIR]                   run) as a run

Exit codes: 0 ok, 1 budget broken or regression, 2 error.
Run "hotpath <command> --help" for a command's options.`;

// Each command's module is loaded when it runs: the bundle is one file, but
// evaluating every command's dependencies up front (the load generator, the
// histogram's WebAssembly, the report renderers) cost `hotpath analyze` a few
// hundred milliseconds of start-up before it read a byte.
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await (await import('./runCommand')).runCommand(rest);
      case 'analyze':
        return await (await import('./analyzeCommand')).analyzeCommand(rest);
      case 'report':
        return await (await import('./reportCommand')).reportCommand(rest);
      case 'compare':
        return await (await import('./compareCommand')).compareCommand(rest);
      case 'baseline':
        return await (await import('./baselineCommand')).baselineCommand(rest);
      case 'import-load':
        return await (await import('./importLoadCommand')).importLoadCommand(rest);
      case 'lint':
        return await (await import('./lintCommand')).lintCommand(rest);
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
