// The probe's one clock: epoch milliseconds with sub-millisecond precision,
// comparable across the processes of a run.

import { performance } from 'perf_hooks';

export const now = (): number => performance.timeOrigin + performance.now();
