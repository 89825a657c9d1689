// The HTML report's sections over what the probe and the scenarios measure:
// memory, GC and the event loop; queries and N+1 patterns; stress, spike and
// soak results. Each says so when the run holds no such data.

import type { RunRecord } from '../runRecord';
import { card, chartBox, empty, loc, table } from './htmlParts';
import { escapeHtml as h } from './markupEscape';
import { eventLoopView, fmtMiB, fmtMs, fmtNum, fmtPct, gcView, heapView, queriesView, scenarioViews } from './reportFormat';
import type { ChartGeometry } from './svgCharts';

const MiB = 1024 * 1024;

export function memorySection(run: RunRecord, charts: ChartGeometry[]): string {
  const heap = heapView(run);
  const gc = gcView(run);
  const loop = eventLoopView(run);
  if (!heap && !gc && !loop) return empty('No memory, GC or event-loop data was recorded in this run.');
  const parts: string[] = [];
  if (heap) {
    const last = heap.timeline[heap.timeline.length - 1];
    parts.push(
      `<p class="lead">${last ? `Heap used ${h(fmtMiB(last.heapUsed))} of ${h(fmtMiB(last.heapTotal))}, RSS ${h(fmtMiB(last.rss))} at the end of the run` : 'No memory samples'}${heap.growthPct !== null ? `; heap growth over the run ${h(fmtPct(heap.growthPct))}` : ''}.</p>`,
    );
    if (heap.timeline.length >= 2) {
      parts.push(
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
  parts.push('<h3>Garbage collection</h3>');
  if (gc) {
    const kinds = Object.entries(gc.byKind).map(([k, v]) => `${k} ${fmtNum(v)}`).join(', ');
    parts.push(
      `<p class="lead">${h(fmtNum(gc.count))} collections${kinds ? ` (${h(kinds)})` : ''}, ${h(fmtMs(gc.totalPauseMs))} paused in total.</p>` +
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
  return parts.join('\n');
}

export function querySection(run: RunRecord): string {
  const q = queriesView(run);
  if (!q) return empty('No queries were captured in this run.');
  const parts = [`<p class="lead">${h(fmtNum(q.total))} queries captured; ${q.nPlusOne.length ? `${h(fmtNum(q.nPlusOne.length))} repeated-query (N+1) patterns` : 'no N+1 pattern'}.</p>`];
  if (q.nPlusOne.length) {
    parts.push(
      table(
        [{ label: 'Query' }, { label: 'Route' }, { label: 'Call site' }, { label: 'Times per request', num: true }, { label: 'Time', num: true }],
        q.nPlusOne.map((n) => [`<code>${h(n.query)}</code>`, h(n.route), n.callSite ? loc(n.callSite.file, n.callSite.line) : '–', h(fmtNum(n.count)), h(fmtMs(n.totalMs))]),
      ),
    );
  }
  return parts.join('\n');
}

export function scenarioSections(run: RunRecord): string[] {
  const { stress, spikeRecoveryMs, soak } = scenarioViews(run);
  const out: string[] = [];
  if (stress || run.scenario === 'stress') {
    if (!stress || !stress.steps.length) {
      out.push(card('stress', 'Stress ladder', empty('The stress ladder recorded no steps.')));
    } else {
      const summary = [
        stress.maxSustainable ? `Maximum sustainable load: <b>${h(fmtNum(stress.maxSustainable.rps))} req/s</b> at ${h(fmtNum(stress.maxSustainable.connections))} connections` : 'No step met the budgets',
        stress.breakingPoint ? `breaking point at ${h(fmtNum(stress.breakingPoint.connections))} connections` : 'no breaking point within the ladder',
      ].join('; ');
      out.push(
        card(
          'stress',
          'Stress ladder',
          `<p class="lead">${summary}.</p>` +
            table(
              [{ label: 'Connections', num: true }, { label: 'req/s', num: true }, { label: 'p95', num: true }, { label: 'Errors', num: true }],
              stress.steps.map((s) => [fmtNum(s.connections), fmtNum(s.rps), fmtMs(s.p95), fmtPct(s.errorRate * 100)].map(h)),
            ),
        ),
      );
    }
  }
  if (spikeRecoveryMs !== null || run.scenario === 'spike') {
    out.push(card('spike', 'Spike', spikeRecoveryMs === null ? empty('No recovery time was measured.') : `<p class="lead">Latency recovered ${h(fmtMs(spikeRecoveryMs))} after the spike ended.</p>`));
  }
  if (soak || run.scenario === 'soak') {
    out.push(
      card(
        'soak',
        'Endurance',
        soak
          ? table(
              [{ label: 'p95 degradation', num: true }, { label: 'Throughput degradation', num: true }, { label: 'Heap growth', num: true }],
              [[fmtPct(soak.p95DegradationPct), fmtPct(soak.throughputDegradationPct), fmtPct(soak.heapGrowthPct)].map(h)],
            )
          : empty('No endurance figures were measured.'),
      ),
    );
  }
  return out;
}
