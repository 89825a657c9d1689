// The HTML report's sections over what the probe and the scenarios measure:
// memory, GC and the event loop; queries and N+1 patterns; stress, spike and
// soak results. Each says so when the run holds no such data.

import type { RunRecord } from '../runRecord';
import { card, chartBox, empty, loc, table } from './htmlParts';
import { escapeHtml as h } from './markupEscape';
import { eventLoopView, fmtMiB, fmtMs, fmtNum, fmtPct, gcView, heapView, processesView, queriesView } from './reportFormat';
import type { ChartGeometry } from './svgCharts';

const MiB = 1024 * 1024;

export function memorySection(run: RunRecord, charts: ChartGeometry[]): string {
  const heap = heapView(run);
  const gc = gcView(run);
  const loop = eventLoopView(run);
  const processes = processesView(run);
  if (!heap && !gc && !loop) return empty('No memory, GC or event-loop data was recorded in this run.');
  const parts: string[] = [];
  const chartBoxes: string[] = [];
  if (heap) {
    const last = heap.timeline[heap.timeline.length - 1];
    const fit = heap.slopeBytesPerSec !== null ? ` (fitted baseline ${h(fmtMiB(heap.slopeBytesPerSec))}/s, r² ${h(heap.fitR2!.toFixed(2))})` : '';
    parts.push(
      `<p class="lead">${last ? `Heap used ${h(fmtMiB(last.heapUsed))} of ${h(fmtMiB(last.heapTotal))}, RSS ${h(fmtMiB(last.rss))} at the end of the run` : 'No memory samples'}${heap.growthPct !== null ? `; heap growth over the run ${h(fmtPct(heap.growthPct))}${fit}` : ''}.</p>`,
    );
    if (heap.timeline.length >= 2) {
      chartBoxes.push(
        chartBox(charts, {
          id: 'chart-memory',
          title: 'Memory',
          unit: 'MiB',
          t: heap.timeline.map((p) => p.t),
          series: [
            { label: 'heap used', cls: 'c5', values: heap.timeline.map((p) => p.heapUsed / MiB) },
            { label: 'heap total', cls: 'c1', values: heap.timeline.map((p) => p.heapTotal / MiB) },
            { label: 'RSS', cls: 'c3', values: heap.timeline.map((p) => p.rss / MiB) },
          ],
        }),
      );
    }
  } else {
    parts.push(empty('No memory samples were recorded.'));
  }
  if (loop && loop.timeline.length >= 2) {
    chartBoxes.push(
      chartBox(charts, {
        id: 'chart-event-loop',
        title: 'Event-loop delay',
        unit: 'ms',
        t: loop.timeline.map((p) => p.t),
        series: [{ label: 'p99 delay', cls: 'c4', values: loop.timeline.map((p) => p.p99) }],
      }),
    );
  }
  if (chartBoxes.length) parts.push(`<div class="charts">${chartBoxes.join('')}</div>`);
  parts.push('<h3>Garbage collection</h3>');
  if (gc) {
    const kinds = Object.entries(gc.byKind).map(([k, v]) => `${k} ${fmtNum(v)}`).join(', ');
    parts.push(
      `<p class="lead">${h(fmtNum(gc.count))} collections${kinds ? ` (${h(kinds)})` : ''}, ${h(fmtMs(gc.totalPauseMs))} paused in total${gc.pauseSharePct !== null ? `, ${h(fmtPct(gc.pauseSharePct))} of the time observed` : ''}.</p>` +
        table(
          [{ label: 'Pause p50', num: true }, { label: 'p95', num: true }, { label: 'p99', num: true }, { label: 'max', num: true }],
          [[fmtMs(gc.pauseMs.p50), fmtMs(gc.pauseMs.p95), fmtMs(gc.pauseMs.p99), fmtMs(gc.pauseMs.max)].map(h)],
        ),
    );
  } else {
    parts.push(empty('No GC data was recorded.'));
  }
  parts.push('<h3>Event loop</h3>');
  if (loop) {
    parts.push(
      table(
        [{ label: 'Delay p50', num: true }, { label: 'p99', num: true }, { label: 'max', num: true }, { label: 'Utilisation', num: true }],
        [[fmtMs(loop.delayMs.p50), fmtMs(loop.delayMs.p99), fmtMs(loop.delayMs.max), loop.utilization === null ? '–' : fmtPct(loop.utilization * 100)].map(h)],
      ),
    );
  } else {
    parts.push(empty('No event-loop data was recorded.'));
  }
  if (processes.length > 1) {
    parts.push('<h3>Processes</h3>');
    parts.push(
      table(
        [{ label: 'PID', num: true }, { label: 'Role' }, { label: 'Command' }, { label: 'GCs', num: true }, { label: 'GC paused', num: true }, { label: 'Peak RSS', num: true }, { label: 'Queries', num: true }],
        processes.map((p) => [
          h(String(p.pid)),
          h(p.role),
          `<code>${h(p.command)}</code>`,
          p.gcCount === null ? '–' : h(fmtNum(p.gcCount)),
          p.gcPauseMs === null ? '–' : h(fmtMs(p.gcPauseMs)),
          p.peakRss === null ? '–' : h(fmtMiB(p.peakRss)),
          p.queries === null ? '–' : h(fmtNum(p.queries)),
        ]),
      ),
    );
  }
  return parts.join('\n');
}

/** Long statements (schema DDL, wide SELECTs) are cut in the table; the tooltip and run.json hold them whole. */
const sql = (q: string) => (q.length > 240 ? `<code class="sql" title="${h(q)}">${h(q.slice(0, 237))}…</code>` : `<code class="sql">${h(q)}</code>`);

const sites = (list: Array<{ file: string; line: number }>) => (list.length ? list.slice(0, 3).map((c) => loc(c.file, c.line)).join('<br>') + (list.length > 3 ? ` <span class="meta">+${list.length - 3}</span>` : '') : '–');

export function querySection(run: RunRecord): string {
  const q = queriesView(run);
  if (!q) return empty('No queries were captured in this run.');
  const parts = [
    `<p class="lead">${h(fmtNum(q.total))} queries captured${q.totalMs !== null ? `, ${h(fmtMs(q.totalMs))} in total` : ''}, ${h(fmtNum(q.statements.length))} distinct statements; ${q.nPlusOne.length ? `<b>${h(fmtNum(q.nPlusOne.length))} repeated-query (N+1) patterns</b>` : 'no N+1 pattern'}.</p>`,
  ];
  if (q.nPlusOne.length) {
    parts.push('<h3>N+1 patterns</h3>');
    parts.push(
      table(
        [{ label: 'Query' }, { label: 'Route' }, { label: 'Call site' }, { label: 'Repeats per request', num: true }, { label: 'Time per request', num: true }, { label: 'Requests', num: true }],
        q.nPlusOne.map((n) => [sql(n.query), h(n.route), n.callSite ? loc(n.callSite.file, n.callSite.line) : '–', h(fmtNum(n.count)), h(fmtMs(n.totalMs)), n.requests === null ? '–' : h(fmtNum(n.requests))]),
      ),
    );
  }
  if (q.statements.length) {
    parts.push('<h3>Statements by total time</h3>');
    parts.push(
      table(
        [{ label: 'Query' }, { label: 'Calls', num: true }, { label: 'Total', num: true }, { label: 'Mean', num: true }, { label: 'Max', num: true }, { label: 'Call sites' }, { label: 'Routes' }],
        q.statements.slice(0, 10).map((st) => [
          sql(st.query),
          h(fmtNum(st.count)),
          h(fmtMs(st.totalMs)),
          h(fmtMs(st.meanMs)),
          h(fmtMs(st.maxMs)),
          sites(st.callSites),
          st.routes.map(h).join('<br>') || '–',
        ]),
      ),
    );
    if (q.statements.length > 10) parts.push(`<p class="meta">${h(fmtNum(q.statements.length - 10))} more statements are in run.json.</p>`);
  }
  return parts.join('\n');
}
