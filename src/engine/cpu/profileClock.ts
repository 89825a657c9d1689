// Ties the CPU profile's timestamps to the run's clock. V8 stamps samples in
// microseconds of the monotonic clock that process.hrtime() also reads; the
// probe and the engine stamp events in epoch milliseconds. One reading of both
// clocks in the profiled process gives the offset, so a profile sample can be
// matched with the event-loop windows the probe reported.

import type { InspectorClient } from '../inspectorClient';
import type { CpuProfile } from './cpuProfile';

export interface ProfileClock {
  /** process.hrtime in µs, V8's profile clock. */
  monotonicUs: number;
  /** The probe's clock at the same moment: performance.timeOrigin + performance.now(), epoch ms. */
  epochMs: number;
}

const EXPRESSION = 'JSON.stringify([Number(process.hrtime.bigint() / 1000n), performance.timeOrigin + performance.now()])';

export async function readProfileClock(client: InspectorClient): Promise<ProfileClock | null> {
  try {
    const r = await client.send<{ result: { value?: unknown } }>('Runtime.evaluate', { expression: EXPRESSION, returnByValue: true });
    const [monotonicUs, epochMs] = JSON.parse(String(r.result.value)) as unknown[];
    return typeof monotonicUs === 'number' && typeof epochMs === 'number' && Number.isFinite(monotonicUs) && Number.isFinite(epochMs) ? { monotonicUs, epochMs } : null;
  } catch {
    return null;
  }
}

/** The run time (ms since `clockStart`, epoch ms) of the profile's startTime. */
export function profileStartT(profile: Pick<CpuProfile, 'startTime'>, clock: ProfileClock, clockStart: number): number {
  return Math.round(((profile.startTime - clock.monotonicUs) / 1000 + clock.epochMs - clockStart) * 10) / 10;
}
