// The four live charts: what each plots, in which theme colour, and how its
// latest values read as one sentence (the canvas's accessible name).

import type { DashboardModel, SeriesKey } from './dashboardModel';
import { formatElapsed, formatMB, formatMs, formatNumber } from './format';
import type { Theme } from './theme';

export type ChartId = 'throughput' | 'latency' | 'errors' | 'memory' | 'gc' | 'eventLoop';

export interface DatasetSpec {
  key: SeriesKey;
  label: string;
  color: keyof Omit<Theme, 'foreground' | 'border' | 'fontFamily'>;
  fill?: boolean;
}

export interface ChartSpec {
  id: ChartId;
  title: string;
  yTitle: string;
  datasets: DatasetSpec[];
  describe(model: DashboardModel): string;
}

function at(seconds: number | undefined): string {
  return seconds === undefined ? '' : ` at ${formatElapsed(seconds)}`;
}

export const chartSpecs: readonly ChartSpec[] = [
  {
    id: 'throughput',
    title: 'Throughput',
    yTitle: 'req/s',
    datasets: [{ key: 'rps', label: 'Requests/s', color: 'blue', fill: true }],
    describe(model) {
      const last = model.series.rps.last;
      if (!last) return 'Throughput chart, requests per second: no data yet.';
      const peak = Math.max(...model.series.rps.points.map((p) => p.y));
      return `Throughput chart: ${formatNumber(last.y)} requests per second${at(last.x)}, peak ${formatNumber(peak)}.`;
    },
  },
  {
    id: 'latency',
    title: 'Latency',
    yTitle: 'ms',
    datasets: [
      { key: 'p50', label: 'p50', color: 'green' },
      { key: 'p95', label: 'p95', color: 'yellow' },
      { key: 'p99', label: 'p99', color: 'red' },
    ],
    describe(model) {
      const tick = model.lastTick;
      if (!tick) return 'Latency chart, p50, p95 and p99: no data yet.';
      return `Latency chart: p50 ${formatMs(tick.p50)}, p95 ${formatMs(tick.p95)}, p99 ${formatMs(tick.p99)}${at(tick.t / 1000)}.`;
    },
  },
  {
    id: 'errors',
    title: 'Errors',
    yTitle: 'errors/s',
    datasets: [{ key: 'errors', label: 'Errors/s', color: 'red', fill: true }],
    describe(model) {
      const last = model.series.errors.last;
      if (!last) return 'Errors chart, errors per second: no data yet.';
      return `Errors chart: ${formatNumber(last.y)} errors per second${at(last.x)}, ${formatNumber(model.errorsTotal)} in total.`;
    },
  },
  {
    id: 'memory',
    title: 'Memory',
    yTitle: 'MB',
    datasets: [
      { key: 'heapUsed', label: 'Heap used', color: 'purple', fill: true },
      { key: 'heapTotal', label: 'Heap total', color: 'blue' },
      { key: 'rss', label: 'RSS', color: 'orange' },
    ],
    describe(model) {
      const s = model.lastSample;
      if (!s) return 'Memory chart, heap used, heap total and RSS: no data yet.';
      return `Memory chart: heap used ${formatMB(s.heapUsed)}, heap total ${formatMB(s.heapTotal)}, RSS ${formatMB(s.rss)}${at(s.t / 1000)}.`;
    },
  },
  {
    id: 'gc',
    title: 'GC pauses',
    yTitle: 'ms per second',
    datasets: [
      { key: 'gcMinor', label: 'Minor', color: 'green' },
      { key: 'gcMajor', label: 'Major', color: 'red' },
      { key: 'gcIncremental', label: 'Incremental', color: 'yellow' },
    ],
    describe(model) {
      const r = model.lastRuntime;
      if (!r) return 'GC pauses chart, by kind: no data yet.';
      const g = r.gcPauseMs;
      return `GC pauses chart: minor ${formatMs(g.minor)}, major ${formatMs(g.major)}, incremental ${formatMs(g.incremental + g.weakcb)} in the last second${at(r.t / 1000)}.`;
    },
  },
  {
    id: 'eventLoop',
    title: 'Event-loop delay',
    yTitle: 'ms',
    datasets: [
      { key: 'loopP99', label: 'Delay p99', color: 'orange' },
      { key: 'loopMax', label: 'Delay max', color: 'purple' },
    ],
    describe(model) {
      const r = model.lastRuntime;
      if (!r) return 'Event-loop delay chart, p99 and max: no data yet.';
      return `Event-loop delay chart: p99 ${formatMs(r.eventLoopDelayMs.p99)}, max ${formatMs(r.eventLoopDelayMs.max)}${at(r.t / 1000)}.`;
    },
  },
];
