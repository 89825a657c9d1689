// Live GC and event-loop figures for the dashboard: the probe's GC pauses are
// summed by kind between two event-loop reports (about a second apart), and
// each report becomes one RuntimeSample. Only the service's main process counts.

import type { GcKind, ProbeMessage } from '../probe/probeMessages';
import type { RuntimeSample } from '../runEvents';

export class RuntimeWindow {
  private gc: Record<GcKind, number> = emptyGc();

  /** `clockStart`: epoch ms of the run's start (the runner's clock). Returns a sample on each event-loop report. */
  constructor(private readonly clockStart: number) {}

  add(msg: ProbeMessage): RuntimeSample | null {
    if (msg.type === 'gc') {
      if (msg.kind in this.gc && Number.isFinite(msg.durationMs)) this.gc[msg.kind] += msg.durationMs;
      return null;
    }
    if (msg.type !== 'eventLoop') return null;
    const sample: RuntimeSample = {
      t: Math.round((msg.t - this.clockStart) * 10) / 10,
      gcPauseMs: roundAll(this.gc),
      eventLoopDelayMs: { p50: msg.delay.p50, p99: msg.delay.p99, max: msg.delay.max },
      utilization: msg.utilization,
    };
    this.gc = emptyGc();
    return sample;
  }
}

function emptyGc(): Record<GcKind, number> {
  return { minor: 0, major: 0, incremental: 0, weakcb: 0 };
}

function roundAll(gc: Record<GcKind, number>): Record<GcKind, number> {
  return { minor: r(gc.minor), major: r(gc.major), incremental: r(gc.incremental), weakcb: r(gc.weakcb) };
}

function r(x: number): number {
  return Math.round(x * 100) / 100;
}
