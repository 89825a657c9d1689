// The live line of `hotpath run` while the load goes: progress against the
// planned length of the scenario, the stage or step, and the last second's
// figures with errors split by cause.

import type { LoadStageTick } from '../engine/runEvents';
import { progressBar } from './terminal';

/** `planned` is null for Artillery and k6, whose scenario files set their own length. */
export function liveLine(tick: LoadStageTick, elapsedSec: number, planned: number | null): string {
  const progress = planned ? `${progressBar(elapsedSec / planned)} ${Math.min(elapsedSec, planned).toFixed(0)}/${planned} s` : `${elapsedSec.toFixed(0)} s`;
  const errors = tick.errors ? `errors ${tick.errors} (non-2xx ${tick.non2xx}, timeouts ${tick.timeouts}, connection ${tick.connection})` : 'errors 0';
  return [progress, tick.stage ?? null, `${tick.rps.toFixed(0)} req/s`, `p50 ${tick.p50.toFixed(1)} p95 ${tick.p95.toFixed(1)} p99 ${tick.p99.toFixed(1)} ms`, errors]
    .filter((x): x is string => x !== null)
    .join('  ');
}
