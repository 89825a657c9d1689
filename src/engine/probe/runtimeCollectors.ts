// Process-level samples: memory and CPU time every 200 ms (timers on a busy
// loop fire late, and 250 ms gave under 4 samples a second under load), event-loop delay and utilisation
// every second, and every garbage collection as it is reported. All timers are
// unref'd so that they never keep a finished service alive.

import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'perf_hooks';
import { now } from './probeClock';
import type { EventLoopMessage, GcKind, GcMessage, MemoryMessage, ProbeFeature } from './probeMessages';

export const MEMORY_INTERVAL_MS = 200;
export const EVENT_LOOP_INTERVAL_MS = 1000;
/** monitorEventLoopDelay's timer period; an idle loop reports about this much, so it is subtracted. */
export const EVENT_LOOP_RESOLUTION_MS = 10;

type Send = (message: MemoryMessage | EventLoopMessage | GcMessage) => void;

const GC_KINDS: ReadonlyMap<number, GcKind> = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

export interface RuntimeCollectors {
  stop(): void;
}

export function startRuntimeCollectors(send: Send, takeDropped: () => number, disabled: ReadonlySet<ProbeFeature>): RuntimeCollectors {
  const stops: Array<() => void> = [];
  const pid = process.pid;

  if (!disabled.has('memory')) {
    const timer = setInterval(() => {
      try {
        const usage = process.memoryUsage();
        const cpu = process.cpuUsage();
        send({
          type: 'memory',
          pid,
          t: now(),
          heapUsed: usage.heapUsed,
          heapTotal: usage.heapTotal,
          rss: usage.rss,
          external: usage.external,
          arrayBuffers: usage.arrayBuffers,
          cpuUserUs: cpu.user,
          cpuSystemUs: cpu.system,
          dropped: takeDropped(),
        });
      } catch {
        // memoryUsage can fail when the process runs out of file descriptors; skip the sample.
      }
    }, MEMORY_INTERVAL_MS);
    timer.unref();
    stops.push(() => clearInterval(timer));
  }

  if (!disabled.has('eventLoop')) {
    const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
    histogram.enable();
    let lastUtilization = performance.eventLoopUtilization();
    const late = (nanoseconds: number): number => round3(Math.max(0, nanoseconds / 1e6 - EVENT_LOOP_RESOLUTION_MS));
    const timer = setInterval(() => {
      try {
        const utilization = performance.eventLoopUtilization(lastUtilization);
        lastUtilization = performance.eventLoopUtilization();
        const empty = histogram.count === 0;
        send({
          type: 'eventLoop',
          pid,
          t: now(),
          delay: {
            min: empty ? 0 : late(histogram.min),
            max: empty ? 0 : late(histogram.max),
            mean: empty ? 0 : late(histogram.mean),
            p50: empty ? 0 : late(histogram.percentile(50)),
            p90: empty ? 0 : late(histogram.percentile(90)),
            p99: empty ? 0 : late(histogram.percentile(99)),
          },
          utilization: round3(utilization.utilization),
        });
        histogram.reset();
      } catch {
        // Skip this interval.
      }
    }, EVENT_LOOP_INTERVAL_MS);
    timer.unref();
    stops.push(() => {
      clearInterval(timer);
      histogram.disable();
    });
  }

  if (!disabled.has('gc')) {
    const observer = new PerformanceObserver((list) => {
      try {
        for (const entry of list.getEntries()) {
          // `detail.kind` since Node 16; the older `kind` on the entry itself as a fallback.
          const gcEntry = entry as unknown as { detail?: { kind?: number }; kind?: number };
          const kind = GC_KINDS.get(gcEntry.detail?.kind ?? gcEntry.kind ?? -1);
          if (!kind) continue;
          send({
            type: 'gc',
            pid,
            t: now(),
            kind,
            durationMs: round3(entry.duration),
            startMs: round3(performance.timeOrigin + entry.startTime),
          });
        }
      } catch {
        // Skip this batch.
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    stops.push(() => observer.disconnect());
  }

  return {
    stop() {
      for (const stop of stops.splice(0)) {
        try {
          stop();
        } catch {
          // Keep stopping the rest.
        }
      }
    },
  };
}
