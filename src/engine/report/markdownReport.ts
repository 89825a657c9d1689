// The Markdown report: for pull-request comments and the run folder. Every
// figure comes from the run record; a section without data says so.

import type { RunRecord } from '../runRecord';
import {
  budgetCurrent, budgetMarginText, eventLoopView, fmtGiB, fmtMiB, fmtMs, fmtNum, fmtPct, gcView, heapView, processesView, queriesView,
} from './reportFormat';
import { scenarioMarkdown } from './scenarioReport';
import { scoreMarkdown } from './scoreSection';
import { comparisonInputOf, comparisonMarkdown, type ComparisonInput } from './comparisonSection';

/** Markdown table cells must not break the table or inject markup. */
export const mdCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;')).replace(/\r?\n/g, ' ');
/**
 * Inline code holding any text: the fence is longer than any backtick run in
 * it. Code spans show `<` and backslashes literally, so only what breaks a table row
 * (`|`, line breaks) is escaped, and `|` only inside tables.
 */
const code = (s: string, inTable = true) => {
  let text = String(s).replace(/\r?\n/g, ' ');
  if (inTable) text = text.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return /^`|`$/.test(text) ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
};

const VERDICT: Record<RunRecord['status'], string> = {
  passed: '✅ **Passed**: every budget was met.',
  failed: '❌ **Failed**: at least one budget was broken.',
  error: '⚠️ **Error**: the run did not complete.',
  cancelled: '⏹ **Cancelled** before the end.',
};

export interface MarkdownOptions {
  /** The comparison to show (`hotpath report --baseline`); by default the one run.json holds, if any. */
  comparison?: ComparisonInput;
}

export function renderMarkdown(run: RunRecord, options: MarkdownOptions = {}): string {
  const out: string[] = [];
  out.push(`# Hotpath report: ${mdCell(run.name)}`, '');
  out.push(`Run ${code(run.id, false)}, started ${mdCell(run.startedAt)}, ${fmtMs(run.durationMs)}, scenario ${code(run.scenario, false)}.`, '');
  out.push(VERDICT[run.status] ?? `Status: ${mdCell(run.status)}`);
  if (run.error) out.push('', `> ${mdCell(run.error)}`);
  const broken = run.budgets.filter((b) => !b.passed);
  if (broken.length) out.push('', `Broken: ${broken.map((b) => `${code(b.metric, false)} ${mdCell(b.expression)} (${mdCell(budgetCurrent(b))})`).join('; ')}.`);
  out.push(...scoreMarkdown(run, mdCell));
  out.push('');

  out.push('## Budgets', '');
  if (run.budgets.length) {
    out.push('| Metric | Target | Current | Status | Margin |', '| --- | --- | ---: | --- | ---: |');
    for (const b of run.budgets) {
      out.push(`| ${code(b.metric)} | ${mdCell(b.expression)} | ${mdCell(budgetCurrent(b))} | ${b.passed ? '✅ pass' : '❌ fail'} | ${budgetMarginText(b)} |`);
    }
  } else {
    out.push(run.status === 'passed' || run.status === 'failed' ? '_No budgets are configured._' : '_Budgets were not evaluated: the run did not complete._');
  }
  out.push('');
  out.push(...comparisonMarkdown(comparisonInputOf(run, options.comparison), mdCell, (t) => code(t)));

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
      out.push(`| ${code(`${e.method} ${e.path}`)} | ${fmtNum(e.requests)} | ${fmtNum(e.throughputRps)} | ${fmtMs(e.latencyMs.p50)} | ${fmtMs(e.latencyMs.p95)} | ${fmtMs(e.latencyMs.p99)} | ${fmtPct(e.errorRate * 100)} |`);
    }
  } else {
    out.push('_No load results: no request completed._');
  }
  out.push('');
  out.push(...scenarioMarkdown(run, mdCell));

  out.push('## Where the CPU time went', '');
  if (run.cpu && run.cpu.hotFunctions.length) {
    const c = run.cpu;
    const b = c.buckets;
    out.push(
      `${fmtMs(c.busyMs)} busy of ${fmtMs(c.durationMs)} profiled (sampling every ${c.samplingIntervalMicros} µs, ${c.slices} slices). ` +
        `Busy time: your code ${fmtMs(b.user)}, libraries ${fmtMs(b.library)}, Node.js internals ${fmtMs(b.node)}, native ${fmtMs(b.native)}, GC ${fmtMs(b.gc)}.`,
      '',
    );
    const userFns = c.hotFunctions.filter((f) => f.category === 'user').slice(0, 10);
    if (userFns.length) {
      out.push('| Function | Location | Self | Self % | Total % |', '| --- | --- | ---: | ---: | ---: |');
      for (const f of userFns) out.push(`| ${code(f.name)} | ${code(`${f.file}:${f.line}`)} | ${fmtMs(f.selfMs)} | ${fmtPct(f.selfPct)} | ${fmtPct(f.totalPct)} |`);
    } else {
      out.push('_None of the sampled time was in your own code._');
    }
    const lines = c.hotLines.slice(0, 10);
    if (lines.length) {
      out.push('', '**Hottest lines**', '', '| Line | Self | Self % |', '| --- | ---: | ---: |');
      for (const l of lines) out.push(`| ${code(`${l.file}:${l.line}`)} | ${fmtMs(l.selfMs)} | ${fmtPct(l.selfPct)} |`);
    }
  } else {
    out.push('_No CPU profile was recorded._');
  }
  out.push('');

  out.push(...memory(run), ...queries(run));

  out.push('## Findings', '');
  if (run.findings.length) {
    for (const f of run.findings) {
      const where = f.location ? ` (${code(`${f.location.file}:${f.location.line}`, false)})` : '';
      out.push(`- **${mdCell(f.kind)}** (${mdCell(f.severity)}): ${mdCell(f.message)}${where}`);
    }
  } else {
    out.push('_No findings._');
  }
  out.push('');

  const e = run.environment;
  out.push('## Environment', '');
  out.push(
    `Node ${mdCell(e.node)} on ${mdCell(e.platform)}/${mdCell(e.arch)}, ${e.cpus} × ${mdCell(e.cpuModel)}, ${fmtGiB(e.totalMemBytes)} memory, ` +
      `commit ${e.gitCommit ? code(e.gitCommit.slice(0, 12), false) : 'unknown (not a git checkout)'}, started ${mdCell(run.startedAt)}.`,
  );
  const saved = ['`run.json`', run.cpu ? '`cpu.cpuprofile`' : '', run.heap?.profile ? '`heap.heapprofile`' : '', run.load ? '`latency.hdr`' : ''].filter(Boolean).join(', ');
  out.push('', `_Every figure above was measured in this run; the raw data (${saved}) is saved beside this report._`, '');
  return out.join('\n');
}

function memory(run: RunRecord): string[] {
  const heap = heapView(run);
  const gc = gcView(run);
  const loop = eventLoopView(run);
  const out = ['## Memory, GC and event loop', ''];
  if (!heap && !gc && !loop) return [...out, '_No memory, GC or event-loop data was recorded in this run._', ''];
  const last = heap?.timeline[heap.timeline.length - 1];
  const fit = heap?.slopeBytesPerSec != null ? ` (fitted baseline ${fmtMiB(heap.slopeBytesPerSec)}/s, r² ${heap.fitR2!.toFixed(2)})` : '';
  out.push(
    last
      ? `- Memory: heap used ${fmtMiB(last.heapUsed)} of ${fmtMiB(last.heapTotal)}, RSS ${fmtMiB(last.rss)} at the end of the run${heap?.growthPct != null ? `; heap growth ${fmtPct(heap.growthPct)}${fit}` : ''}.`
      : '- Memory: _no samples were recorded._',
  );
  if (gc) {
    const kinds = Object.entries(gc.byKind).map(([k, v]) => `${mdCell(k)} ${fmtNum(v)}`).join(', ');
    out.push(
      `- GC: ${fmtNum(gc.count)} collections${kinds ? ` (${kinds})` : ''}, ${fmtMs(gc.totalPauseMs)} paused${gc.pauseSharePct !== null ? ` (${fmtPct(gc.pauseSharePct)} of the time)` : ''}; ` +
        `pauses p50 ${fmtMs(gc.pauseMs.p50)}, p95 ${fmtMs(gc.pauseMs.p95)}, p99 ${fmtMs(gc.pauseMs.p99)}, max ${fmtMs(gc.pauseMs.max)}.`,
    );
  } else {
    out.push('- GC: _no data was recorded._');
  }
  if (loop) {
    out.push(`- Event loop: delay p50 ${fmtMs(loop.delayMs.p50)}, p99 ${fmtMs(loop.delayMs.p99)}, max ${fmtMs(loop.delayMs.max)}${loop.utilization !== null ? `; utilisation ${fmtPct(loop.utilization * 100)}` : ''}.`);
  } else {
    out.push('- Event loop: _no data was recorded._');
  }
  const processes = processesView(run);
  if (processes.length > 1) {
    out.push('', '| Process | Role | GCs | GC paused | Peak RSS | Queries |', '| --- | --- | ---: | ---: | ---: | ---: |');
    for (const p of processes) {
      out.push(`| ${code(`${p.pid} ${p.command}`)} | ${mdCell(p.role)} | ${p.gcCount === null ? '–' : fmtNum(p.gcCount)} | ${p.gcPauseMs === null ? '–' : fmtMs(p.gcPauseMs)} | ${p.peakRss === null ? '–' : fmtMiB(p.peakRss)} | ${p.queries === null ? '–' : fmtNum(p.queries)} |`);
    }
  }
  return [...out, ''];
}

/** Long statements are cut for the table; run.json holds them whole. */
const sql = (q: string) => (q.length > 160 ? `${q.slice(0, 157)}…` : q);

function queries(run: RunRecord): string[] {
  const q = queriesView(run);
  const out = ['## Queries', ''];
  if (!q) return [...out, '_No queries were captured in this run._', ''];
  out.push(
    `${fmtNum(q.total)} queries captured${q.totalMs !== null ? `, ${fmtMs(q.totalMs)} in total` : ''}, ${fmtNum(q.statements.length)} distinct statements; ` +
      `${q.nPlusOne.length ? `**${fmtNum(q.nPlusOne.length)} repeated-query (N+1) patterns**` : 'no N+1 pattern'}.`,
  );
  if (q.nPlusOne.length) {
    out.push('', '**N+1 patterns**', '', '| Query | Route | Call site | Repeats per request | Time per request | Requests |', '| --- | --- | --- | ---: | ---: | ---: |');
    for (const n of q.nPlusOne) {
      out.push(`| ${code(sql(n.query))} | ${mdCell(n.route)} | ${n.callSite ? code(`${n.callSite.file}:${n.callSite.line}`) : '–'} | ${fmtNum(n.count)} | ${fmtMs(n.totalMs)} | ${n.requests === null ? '–' : fmtNum(n.requests)} |`);
    }
  }
  if (q.statements.length) {
    out.push('', '**Statements by total time**', '', '| Query | Calls | Total | Mean | Max | Call site |', '| --- | ---: | ---: | ---: | ---: | --- |');
    for (const st of q.statements.slice(0, 10)) {
      const site = st.callSites[0] ? `${code(`${st.callSites[0].file}:${st.callSites[0].line}`)}${st.callSites.length > 1 ? ` +${st.callSites.length - 1}` : ''}` : '–';
      out.push(`| ${code(sql(st.query))} | ${fmtNum(st.count)} | ${fmtMs(st.totalMs)} | ${fmtMs(st.meanMs)} | ${fmtMs(st.maxMs)} | ${site} |`);
    }
  }
  return [...out, ''];
}
