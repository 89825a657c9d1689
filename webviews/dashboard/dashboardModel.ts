// What the dashboard shows, kept apart from how it is drawn: the bounded
// series behind the charts, the latest figures for the tiles, and the form in
// which all of it survives the panel being hidden (`vscode.setState`).

import type { DashboardState } from '../../src/protocol/dashboard';
import type { LoadTick, ProcessSample, RuntimeSample } from '../../src/engine/runEvents';
import { BoundedSeries } from './boundedSeries';
import { addMarker, type StageMarker } from './stageMarkers';

export type Phase = DashboardState['phase'];

export const seriesKeys = ['rps', 'p50', 'p95', 'p99', 'errors', 'heapUsed', 'heapTotal', 'rss', 'gcMinor', 'gcMajor', 'gcIncremental', 'loopP99', 'loopMax'] as const;
export type SeriesKey = (typeof seriesKeys)[number];

const bytesPerMB = 1024 * 1024;

/** The shape stored with `vscode.setState`; versioned so an old shape is ignored, not misread. */
export interface PersistedDashboard {
  version: 1;
  runId: string | null;
  title: string;
  phase: Phase;
  message: string;
  errorsTotal: number;
  lastTick: LoadTick | null;
  lastSample: ProcessSample | null;
  lastRuntime?: RuntimeSample | null;
  markers?: StageMarker[];
  series: Record<SeriesKey, number[]>;
}

export class DashboardModel {
  runId: string | null = null;
  title = '';
  phase: Phase = 'idle';
  message = '';
  errorsTotal = 0;
  lastTick: LoadTick | null = null;
  lastSample: ProcessSample | null = null;
  lastRuntime: RuntimeSample | null = null;
  /** Where the load's stage changed (ticks carry the stage). */
  readonly markers: StageMarker[] = [];
  readonly series: Record<SeriesKey, BoundedSeries>;

  constructor(maxPoints?: number) {
    this.series = Object.fromEntries(seriesKeys.map((key) => [key, new BoundedSeries(maxPoints)])) as Record<
      SeriesKey,
      BoundedSeries
    >;
  }

  applySnapshot(state: DashboardState): void {
    this.runId = state.runId;
    this.title = String(state.title ?? '');
    this.setPhase(state.phase, state.message);
    this.errorsTotal = 0;
    this.lastTick = null;
    this.lastSample = null;
    this.lastRuntime = null;
    this.markers.length = 0;
    for (const key of seriesKeys) this.series[key].clear();
    for (const tick of state.ticks) this.addTick(tick);
    for (const sample of state.samples) this.addSample(sample);
    for (const sample of Array.isArray(state.runtime) ? state.runtime : []) this.addRuntime(sample);
  }

  setPhase(phase: Phase, message: string): void {
    this.phase = phase;
    this.message = String(message ?? '');
  }

  addTick(tick: LoadTick): void {
    // A tick the host posted while a snapshot that already held it was on its way.
    if (this.lastTick && tick.t <= this.lastTick.t) return;
    const x = tick.t / 1000;
    this.series.rps.push(x, tick.rps);
    this.series.p50.push(x, tick.p50);
    this.series.p95.push(x, tick.p95);
    this.series.p99.push(x, tick.p99);
    this.series.errors.push(x, tick.errors);
    // Each tick counts the errors of its own second.
    if (Number.isFinite(tick.errors)) this.errorsTotal += tick.errors;
    // The stage began about a second before the first tick that names it.
    addMarker(this.markers, Math.max(0, x - 1), tick.stage);
    this.lastTick = tick;
  }

  addSample(sample: ProcessSample): void {
    if (this.lastSample && sample.t <= this.lastSample.t) return;
    const x = sample.t / 1000;
    this.series.heapUsed.push(x, sample.heapUsed / bytesPerMB);
    this.series.heapTotal.push(x, sample.heapTotal / bytesPerMB);
    this.series.rss.push(x, sample.rss / bytesPerMB);
    this.lastSample = sample;
  }

  /** GC pause time per kind (ms in the window, about a second) and event-loop delay. */
  addRuntime(sample: RuntimeSample): void {
    if (this.lastRuntime && sample.t <= this.lastRuntime.t) return;
    const x = sample.t / 1000;
    this.series.gcMinor.push(x, sample.gcPauseMs.minor);
    this.series.gcMajor.push(x, sample.gcPauseMs.major);
    // Incremental marking and weak callbacks are small; one series keeps the legend short.
    this.series.gcIncremental.push(x, sample.gcPauseMs.incremental + sample.gcPauseMs.weakcb);
    this.series.loopP99.push(x, sample.eventLoopDelayMs.p99);
    this.series.loopMax.push(x, sample.eventLoopDelayMs.max);
    this.lastRuntime = sample;
  }

  /** Seconds since the run started of the newest point in any series. */
  latestSeconds(): number {
    let latest = 0;
    for (const key of seriesKeys) latest = Math.max(latest, this.series[key].last?.x ?? 0);
    return latest;
  }

  toPersisted(): PersistedDashboard {
    const series = Object.fromEntries(seriesKeys.map((key) => [key, this.series[key].toFlat()])) as Record<
      SeriesKey,
      number[]
    >;
    return {
      version: 1,
      runId: this.runId,
      title: this.title,
      phase: this.phase,
      message: this.message,
      errorsTotal: this.errorsTotal,
      lastTick: this.lastTick,
      lastSample: this.lastSample,
      lastRuntime: this.lastRuntime,
      markers: this.markers,
      series,
    };
  }

  /** Restores what `toPersisted` saved; returns false (and changes nothing) for anything else. */
  restore(saved: unknown): boolean {
    if (typeof saved !== 'object' || saved === null) return false;
    const s = saved as Partial<PersistedDashboard>;
    if (s.version !== 1 || typeof s.series !== 'object' || s.series === null) return false;
    this.runId = typeof s.runId === 'string' ? s.runId : null;
    this.title = typeof s.title === 'string' ? s.title : '';
    this.setPhase(typeof s.phase === 'string' ? s.phase : 'idle', typeof s.message === 'string' ? s.message : '');
    this.errorsTotal = typeof s.errorsTotal === 'number' ? s.errorsTotal : 0;
    this.lastTick = s.lastTick ?? null;
    this.lastSample = s.lastSample ?? null;
    this.lastRuntime = s.lastRuntime ?? null;
    this.markers.length = 0;
    if (Array.isArray(s.markers)) for (const m of s.markers) if (m && typeof m.x === 'number' && typeof m.label === 'string') this.markers.push({ x: m.x, label: m.label });
    for (const key of seriesKeys) {
      const flat = (s.series as Partial<Record<SeriesKey, unknown>>)[key];
      this.series[key].loadFlat(Array.isArray(flat) ? flat : []);
    }
    return true;
  }
}
