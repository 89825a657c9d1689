// `hotpath compare BASE_RUN_DIR RUN_DIR [--json]`: exit 0 no significant
// regression, 1 a regression, 2 error (CONTRACT.md).

import { compareRuns, formatP, type Comparison, type MetricComparison } from '../engine/analysis/compare';
import { HotpathError } from '../engine/events';
import { parseArgs } from './args';
import { table } from './terminal';

const HELP = `Usage: hotpath compare BASE_RUN_DIR RUN_DIR [--json]

Compares a run against a baseline run: latency, throughput, error rate, event
loop, GC, heap and per-endpoint figures, and the CPU self time per function.
A change is called a regression only when a test on the samples is
significant (p < 0.05) and the change is at least its floor (5%; 10% for p99
and event-loop delay; 0.1 percentage points for the error rate).
  --json   print the comparison as one JSON document

Exit code: 0 no significant regression, 1 a regression, 2 error.`;

export async function compareCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [], ['json', 'help']);
  if (args.flags.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (args.positionals.length !== 2) {
    throw new HotpathError(`compare needs two run directories, the baseline then the current run (got ${args.positionals.length}): hotpath compare .hotpath/runs/<base> .hotpath/runs/<run>.`);
  }
  const comparison = compareRuns(args.positionals[0], args.positionals[1]);
  if (args.flags.has('json')) process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else process.stdout.write(renderComparison(comparison));
  return comparison.regressions.length ? 1 : 0;
}

const fmt = (v: number | null, unit: MetricComparison['unit']) => (v === null ? '—' : `${v < 10 ? v.toFixed(2) : v < 1000 ? v.toFixed(1) : v.toFixed(0)}${unit === 'ms' ? ' ms' : unit === 'rps' ? ' req/s' : '%'}`);
const change = (m: MetricComparison) => (m.changePct === null ? '—' : `${m.changePct > 0 ? '+' : ''}${m.changePct.toFixed(1)}${m.metric === 'errorRate' ? ' pp' : '%'}`);

function rows(ms: MetricComparison[]): string[][] {
  return ms.map((m) => [m.label, fmt(m.baseline, m.unit), fmt(m.current, m.unit), change(m), m.verdict, m.tests.length ? `p ${formatP(Math.max(...m.tests.map((t) => t.pValue)))}` : '', m.why]);
}

export function renderComparison(c: Comparison): string {
  const out: string[] = [];
  const who = (r: Comparison['baseline']) => `${r.id}  (${r.startedAt.replace('T', ' ').slice(0, 16)}, node ${r.node}${r.gitCommit ? `, commit ${r.gitCommit.slice(0, 7)}` : ''})`;
  out.push(`Baseline  ${who(c.baseline)}`, `Current   ${who(c.current)}`, '');
  for (const w of c.warnings) out.push(`Warning: ${w}`);
  if (c.warnings.length) out.push('');
  const headers = ['metric', 'baseline', 'current', 'change', 'verdict', 'test', 'why'];
  const right = [false, true, true, true, false, false, false];
  out.push(table(headers, rows(c.metrics), right), '');
  if (c.latencyShift) {
    const s = c.latencyShift;
    out.push(
      `Typical request: ${s.shiftMs >= 0 ? '+' : ''}${s.shiftMs} ms (95% interval ${s.ci95Ms[0]} to ${s.ci95Ms[1]} ms, Hodges–Lehmann); ` +
        `a current request is slower than a baseline one with probability ${s.probabilityCurrentSlower} ` +
        `(Mann-Whitney U, n = ${s.mannWhitney.n.join(' / ')}, p ${formatP(s.mannWhitney.pValue)} allowing for a design effect of ${s.designEffect}; p ${formatP(s.mannWhitney.pValueIndependent)} if every request were independent).`,
      '',
    );
  }
  if (c.endpoints.length) out.push(table(['endpoint', 'baseline', 'current', 'change', 'verdict', 'test', 'why'], rows(c.endpoints), right), '');
  if (c.profile) {
    const fns = c.profile.functions.filter((f) => f.category !== 'idle' && f.category !== 'root').slice(0, 10);
    out.push(`CPU self time, share of busy time (baseline ${c.profile.base.busyMs} ms busy, current ${c.profile.current.busyMs} ms busy):`);
    out.push(
      table(
        ['function', 'location', 'baseline %', 'current %', 'change pp', 'change ms'],
        fns.map((f) => [f.name, f.file ? `${f.file}:${f.line}` : `(${f.category})`, f.baseSelfPct.toFixed(1), f.currentSelfPct.toFixed(1), signed(f.deltaPct), signed(f.deltaMs)]),
        [false, false, true, true, true, true],
      ),
      '',
    );
  } else {
    out.push('CPU profile diff: not available (a run has no cpu.cpuprofile).', '');
  }
  out.push(
    c.regressions.length
      ? `Verdict: regression in ${c.regressions.join(', ')}.`
      : `Verdict: no significant regression${c.improvements.length ? `; improved: ${c.improvements.join(', ')}` : ''}.`,
  );
  return `${out.join('\n')}\n`;
}

const signed = (x: number) => `${x > 0 ? '+' : ''}${x.toFixed(1)}`;
