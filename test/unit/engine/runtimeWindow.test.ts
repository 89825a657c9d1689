import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeWindow } from '../../../src/engine/collect/runtimeWindow';
import type { ProbeMessage } from '../../../src/engine/probe/probeMessages';

test('GC pauses are summed by kind between event-loop reports; each report is one sample on the run clock', () => {
  const w = new RuntimeWindow(10_000);
  const base = { pid: 1, t: 0 } as const;
  const gc = (kind: 'minor' | 'major', durationMs: number) => ({ ...base, type: 'gc', kind, durationMs, startMs: 10_500 }) as unknown as ProbeMessage;
  const loop = (t: number, p99: number) => ({ ...base, t, type: 'eventLoop', delay: { min: 0, max: p99 * 2, mean: 1, p50: 1, p90: 2, p99 }, utilization: 0.5 }) as unknown as ProbeMessage;
  assert.equal(w.add(gc('minor', 1.5)), null);
  assert.equal(w.add(gc('minor', 2.25)), null);
  assert.equal(w.add(gc('major', 7)), null);
  const first = w.add(loop(11_000, 12));
  assert.deepEqual(first, { t: 1000, gcPauseMs: { minor: 3.75, major: 7, incremental: 0, weakcb: 0 }, eventLoopDelayMs: { p50: 1, p99: 12, max: 24 }, utilization: 0.5 });
  // The next window starts empty.
  assert.deepEqual(w.add(loop(12_000, 3))?.gcPauseMs, { minor: 0, major: 0, incremental: 0, weakcb: 0 });
});
