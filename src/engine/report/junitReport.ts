// JUnit XML for CI test reports (Jenkins, GitLab, Azure DevOps, GitHub test
// reporters): one <testsuite> per run, one <testcase> per budget, a broken
// budget as <failure>. A run that did not complete adds a test case with an
// <error>, so CI never reads an incomplete run as green. The shape follows the
// common JUnit schema (Ant/Jenkins): properties, then test cases, then output.

import type { BudgetResult, RunRecord } from '../runRecord';
import { escapeXml as x } from './markupEscape';
import { budgetCurrent, budgetMarginText, fmtMs, fmtNum, fmtPct } from './reportFormat';

/** `xs:dateTime` without a zone, as the JUnit schema's timestamp wants it (UTC). */
function timestamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '1970-01-01T00:00:00' : d.toISOString().slice(0, 19);
}

function budgetCase(b: BudgetResult): string {
  const name = `${b.metric} ${b.expression}`;
  const head = `    <testcase classname="hotpath.budgets" name="${x(name)}" time="0"`;
  if (b.passed) return `${head}/>`;
  const message = b.actual === null ? `${b.metric} was not measured${b.message ? `: ${b.message}` : ''}` : `${b.metric} is ${budgetCurrent(b)}, budget ${b.expression} (${budgetMarginText(b)})`;
  return `${head}>\n      <failure message="${x(message)}" type="BudgetExceeded">${x(message)}</failure>\n    </testcase>`;
}

export function renderJUnit(run: RunRecord): string {
  const cases = run.budgets.map(budgetCase);
  let errors = 0;
  if (run.status === 'error' || run.status === 'cancelled') {
    errors = 1;
    const type = run.status === 'error' ? 'RunError' : 'RunCancelled';
    const message = run.error ?? (run.status === 'error' ? 'The run did not complete.' : 'The run was cancelled before the end.');
    cases.unshift(
      `    <testcase classname="hotpath.run" name="run ${x(run.id)}" time="${(run.durationMs / 1000).toFixed(3)}">\n      <error message="${x(message)}" type="${type}">${x(message)}</error>\n    </testcase>`,
    );
  }
  const failures = run.budgets.filter((b) => !b.passed).length;
  const tests = cases.length;
  const time = (run.durationMs / 1000).toFixed(3);
  const e = run.environment;
  const properties: Array<[string, string]> = [
    ['hotpath.runId', run.id],
    ['hotpath.status', run.status],
    ['hotpath.scenario', run.scenario],
    ['node', e.node],
    ['platform', `${e.platform}/${e.arch}`],
    ['cpuModel', e.cpuModel],
    ['cpus', String(e.cpus)],
    ['totalMemBytes', String(e.totalMemBytes)],
    ['gitCommit', e.gitCommit ?? ''],
  ];
  const l = run.load;
  if (l) {
    properties.push(['load.requests', String(l.requests.total)], ['load.throughputRps', String(l.throughputRps.mean)]);
    for (const p of ['p50', 'p95', 'p99'] as const) properties.push([`load.latencyMs.${p}`, String(l.latencyMs[p])]);
    properties.push(['load.errorRate', String(l.errors.rate)]);
  }
  const summary = l
    ? `${fmtNum(l.requests.total)} requests, ${fmtNum(l.throughputRps.mean)} req/s, p95 ${fmtMs(l.latencyMs.p95)}, errors ${fmtPct(l.errors.rate * 100)}.`
    : 'No load results.';
  const name = `hotpath: ${run.name}`;

  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="hotpath" tests="${tests}" failures="${failures}" errors="${errors}" time="${time}">
  <testsuite name="${x(name)}" id="0" package="hotpath" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="${time}" timestamp="${timestamp(run.startedAt)}" hostname="${x(e.hostname ?? 'unknown')}">
    <properties>
${properties.map(([k, v]) => `      <property name="${x(k)}" value="${x(v)}"/>`).join('\n')}
    </properties>
${cases.join('\n')}
    <system-out>${x(`Run ${run.id} ${run.status}. ${summary}`)}</system-out>
    <system-err>${x(run.error ?? '')}</system-err>
  </testsuite>
</testsuites>
`;
}
