// The Markdown report: for pull-request comments and the run folder. Every
// figure comes from the run record; a section without data says so.

import type { RunRecord } from '../runRecord';

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`);
const fmtNum = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const fmtPct = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)}%`;
const fmtBytes = (b: number) => `${(b / 1024 / 1024 / 1024).toFixed(1)} GiB`;
/** Markdown table cells must not break the table or inject markup. */
export const mdCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;')).replace(/\r?\n/g, ' ');

const VERDICT: Record<RunRecord['status'], string> = {
  passed: '✅ **Passed**: every budget was met.',
  failed: '❌ **Failed**: at least one budget was broken.',
  error: '⚠️ **Error**: the run did not complete.',
  cancelled: '⏹ **Cancelled** before the end.',
};

export function renderMarkdown(run: RunRecord): string {
  const out: string[] = [];
  out.push(`# Hotpath report: ${mdCell(run.name)}`, '');
  out.push(`Run \`${run.id}\`, started ${run.startedAt}, ${fmtMs(run.durationMs)}, scenario \`${run.scenario}\`.`, '');
  out.push(VERDICT[run.status]);
  if (run.error) out.push('', `> ${mdCell(run.error)}`);
  out.push('');

  out.push('## Budgets', '');
  if (run.budgets.length) {
    out.push('| Metric | Target | Current | Status |', '| --- | --- | --- | --- |');
    for (const b of run.budgets) {
      const current = b.actual === null ? `not measured (${b.message ?? ''})` : `${fmtNum(b.actual)}${b.unit === 'ms' ? ' ms' : b.unit === '%' ? '%' : b.unit === 'rps' ? ' req/s' : ''}`;
      out.push(`| \`${mdCell(b.metric)}\` | ${mdCell(b.expression)} | ${current} | ${b.passed ? '✅ pass' : '❌ fail'} |`);
    }
  } else {
    out.push(run.status === 'passed' || run.status === 'failed' ? '_No budgets are configured._' : '_Budgets were not evaluated: the run did not complete._');
  }
  out.push('');

  out.push('## Load', '');
  if (run.load && run.load.requests.total > 0) {
    const l = run.load;
    out.push(
      `${fmtNum(l.requests.total)} requests in ${fmtMs(l.durationMs)}: **${fmtNum(l.throughputRps.mean)} req/s**, ` +
        `latency p50 ${fmtMs(l.latencyMs.p50)}, p95 **${fmtMs(l.latencyMs.p95)}**, p99 ${fmtMs(l.latencyMs.p99)}, max ${fmtMs(l.latencyMs.max)}; ` +
        `errors ${fmtNum(l.errors.total)} (${fmtPct(l.errors.rate * 100)}).`,
      '',
      '| Endpoint | Requests | req/s | p50 | p95 | p99 | Errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const e of l.endpoints) {
      out.push(`| \`${mdCell(e.method)} ${mdCell(e.path)}\` | ${fmtNum(e.requests)} | ${fmtNum(e.throughputRps)} | ${fmtMs(e.latencyMs.p50)} | ${fmtMs(e.latencyMs.p95)} | ${fmtMs(e.latencyMs.p99)} | ${fmtPct(e.errorRate * 100)} |`);
    }
  } else {
    out.push('_No load results: no request completed._');
  }
  out.push('');

  out.push('## Where the CPU time went', '');
  if (run.cpu && run.cpu.hotFunctions.length) {
    const c = run.cpu;
    const b = c.buckets;
    out.push(
      `${fmtMs(c.busyMs)} busy of ${fmtMs(c.durationMs)} profiled (sampling every ${c.samplingIntervalMicros} µs, ${c.slices} slices). ` +
        `Busy time: your code ${fmtMs(b.user)}, libraries ${fmtMs(b.library)}, Node.js internals ${fmtMs(b.node)}, native ${fmtMs(b.native)}, GC ${fmtMs(b.gc)}.`,
      '',
      '| Function | Location | Self | Self % | Total % |',
      '| --- | --- | ---: | ---: | ---: |',
    );
    for (const f of c.hotFunctions.filter((f) => f.category === 'user').slice(0, 10)) {
      out.push(`| \`${mdCell(f.name)}\` | \`${mdCell(f.file)}:${f.line}\` | ${fmtMs(f.selfMs)} | ${fmtPct(f.selfPct)} | ${fmtPct(f.totalPct)} |`);
    }
    const lines = c.hotLines.slice(0, 10);
    if (lines.length) {
      out.push('', '**Hottest lines**', '', '| Line | Self | Self % |', '| --- | ---: | ---: |');
      for (const l of lines) out.push(`| \`${mdCell(l.file)}:${l.line}\` | ${fmtMs(l.selfMs)} | ${fmtPct(l.selfPct)} |`);
    }
  } else {
    out.push('_No CPU profile was recorded._');
  }
  out.push('');

  if (run.findings.length) {
    out.push('## Findings', '');
    for (const f of run.findings) {
      const where = f.location ? ` (\`${mdCell(f.location.file)}:${f.location.line}\`)` : '';
      out.push(`- **${f.kind}** (${f.severity}): ${mdCell(f.message)}${where}`);
    }
    out.push('');
  }

  const e = run.environment;
  out.push('## Environment', '');
  out.push(`Node ${e.node} on ${e.platform}/${e.arch}, ${e.cpus} × ${mdCell(e.cpuModel)}, ${fmtBytes(e.totalMemBytes)} memory, commit ${e.gitCommit ? `\`${e.gitCommit.slice(0, 12)}\`` : 'unknown (not a git checkout)'}.`);
  out.push('', '_Every figure above was measured in this run; the raw data (`run.json`, `cpu.cpuprofile`, `heap.heapprofile`) is saved beside this report._', '');
  return out.join('\n');
}
