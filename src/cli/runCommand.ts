import * as path from 'path';
import { loadConfig } from '../engine/config';
import { CancellationSource } from '../engine/events';
import { BenchmarkRun } from '../engine/runner';
import { parseArgs } from './args';
import { scenarioTables } from './scenarioTables';
import { liveLine } from './liveLine';
import { comparisonSummary, fmtChange, fmtValue, significance } from '../engine/report/comparisonSection';
import { StatusLine, table } from './terminal';
import { plannedLoadSeconds } from '../engine/load/loadRunner';

const HELP = `Usage: hotpath run [--config FILE] [--out DIR] [--verbose]

Starts the service from the config, profiles it while driving the configured
load, and saves the run to DIR/<runId>/ (default: .hotpath/runs next to the
config). The last line printed on stdout is the run directory.

While the load runs, a live line shows progress against the scenario's planned
length (stress, spike and soak included), the stage, req/s, p50/p95/p99 and
errors split into non-2xx, timeouts and connection errors. At the end: the
endpoints, the scenario's tables (stress ladder, spike recovery, soak windows),
the hottest functions, findings, budgets and, when a baseline is pinned
(hotpath baseline RUN_DIR), the comparison with it.

  --config FILE   config file (default: ./hotpath.config.json)
  --out DIR       folder for run directories
  --verbose       show the service's output while it runs

Exit code: 0 every budget passed, 1 a budget failed, 2 error.`;

export async function runCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['config', 'out'], ['verbose', 'help']);
  if (args.flags.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const configFile = String(args.flags.get('config') ?? 'hotpath.config.json');
  const loaded = loadConfig(configFile);
  const runsDir = args.flags.has('out') ? path.resolve(String(args.flags.get('out'))) : path.join(loaded.root, '.hotpath', 'runs');
  const verbose = args.flags.has('verbose');
  // A stress ladder may stop before its last step: the bar then ends early rather than overrunning.
  const totalLoadSec = plannedLoadSeconds(loaded.config.load);

  const cancel = new CancellationSource();
  const onSignal = () => cancel.cancel('The run was cancelled (interrupted).');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const status = new StatusLine();
  const run = new BenchmarkRun({ loaded, runsDir, token: cancel.token });
  let loadStartedAt = 0;
  run.onEvent.event((e) => {
    switch (e.type) {
      case 'phase':
        if (e.phase === 'load') loadStartedAt = e.t;
        status.print(`hotpath: ${e.message}`);
        break;
      case 'log':
        if (verbose) status.print(`  [service ${e.stream}] ${e.line}`);
        break;
      case 'loadTick': {
        status.update(liveLine(e.tick, (e.tick.t - loadStartedAt) / 1000, totalLoadSec));
        break;
      }
      case 'cpuSlice':
      case 'processSample':
        break;
    }
  });

  try {
    const outcome = await run.run();
    status.done();
    if (!outcome.record || !outcome.runDir) {
      process.stderr.write(`hotpath: ${outcome.error ?? 'The run was cancelled before the service was ready.'}\n`);
      return 2;
    }
    const r = outcome.record;
    if (r.load) {
      process.stdout.write(
        `\n${table(
          ['endpoint', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
          r.load.endpoints.map((e) => [
            `${e.method} ${e.path}`,
            String(e.requests),
            e.throughputRps.toFixed(1),
            e.latencyMs.p50.toFixed(2),
            e.latencyMs.p95.toFixed(2),
            e.latencyMs.p99.toFixed(2),
            `${(e.errorRate * 100).toFixed(2)}%`,
          ]),
          [false, true, true, true, true, true, true],
        )}\n`,
      );
      process.stdout.write(
        `total: ${r.load.requests.total} requests, ${r.load.throughputRps.mean} req/s, p95 ${r.load.latencyMs.p95} ms, errors ${(r.load.errors.rate * 100).toFixed(2)}%\n`,
      );
      process.stdout.write(scenarioTables(r));
    }
    const hot = r.cpu?.hotFunctions.filter((f) => f.category === 'user').slice(0, 5) ?? [];
    if (hot.length) {
      process.stdout.write(
        `\n${table(
          ['hot function', 'location', 'self %', 'total %'],
          hot.map((f) => [f.name, `${f.file}:${f.line}`, f.selfPct.toFixed(1), f.totalPct.toFixed(1)]),
          [false, false, true, true],
        )}\n`,
      );
    }
    if (r.findings.length) {
      process.stdout.write('\nfindings:\n');
      for (const f of r.findings) {
        const where = f.location ? `${f.location.file}:${f.location.line}:${f.location.column}  ` : '';
        process.stdout.write(`  ${f.severity.padEnd(7)} ${f.kind.padEnd(16)} ${where}${f.message}\n`);
      }
      process.stdout.write('\n');
    }
    for (const b of r.budgets) {
      process.stdout.write(`${b.passed ? 'PASS' : 'FAIL'} ${b.metric} ${b.expression} (actual ${b.actual ?? 'not measured'}${b.unit === '%' ? '%' : b.unit === 'ms' ? ' ms' : ''})\n`);
    }
    if (r.comparison) {
      const c = r.comparison;
      process.stdout.write(
        `\ncompared with baseline ${c.baseline.id}: ${comparisonSummary(c)}\n${table(
          ['metric', 'baseline', 'current', 'change', 'verdict', 'significance'],
          c.metrics.map((m) => [m.label, fmtValue(m.baseline, m.unit), fmtValue(m.current, m.unit), fmtChange(m), m.verdict, significance(m, c.alpha)]),
          [false, true, true, true, false, false],
        )}\n`,
      );
    }
    if (outcome.error) process.stderr.write(`hotpath: ${outcome.error}\n`);
    process.stdout.write(`\nreport: ${path.join(outcome.runDir, 'report.md')}\n${outcome.runDir}\n`);
    return r.status === 'passed' ? 0 : r.status === 'failed' ? 1 : 2;
  } finally {
    status.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
