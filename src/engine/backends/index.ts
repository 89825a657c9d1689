// The profiler backends besides the built-in inspector (see backend.ts).

import type { ProfileBackend } from '../config';
import type { ProfilerBackend } from './backend';
import { ClinicBackend } from './clinicBackend';
import { ZeroXBackend } from './zeroXBackend';

export type { BackendResult, ClinicRecord, ProfilerBackend, ProfilerRecord } from './backend';

/** The backend for `profile.backend`, or null for the built-in inspector. */
export function createBackend(name: ProfileBackend): ProfilerBackend | null {
  switch (name) {
    case 'inspector':
      return null;
    case '0x':
      return new ZeroXBackend();
    case 'clinic-doctor':
    case 'clinic-flame':
    case 'clinic-heapprofiler':
      return new ClinicBackend(name);
  }
}
