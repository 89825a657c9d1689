// The findings that need the whole run: gc-pressure, event-loop-block and
// memory-growth, each at the line to change where the data can name one. The
// runner calls this once the probe data, the CPU profile and the heap profile
// are in the record.

import type { HotpathConfig } from '../config';
import type { CpuProfile } from '../cpu/cpuProfile';
import type { Finding, RunRecord } from '../runRecord';
import { topAllocationSite } from './allocationSite';
import { eventLoopBlockFinding } from './eventLoopBlock';
import type { LocateOptions } from './findingLocation';
import { gcPressureFinding } from './gcPressure';
import { memoryGrowthFinding } from './memoryGrowthFinding';

export interface RunFindingInputs {
  /** The merged CPU profile and the run time (ms) of its startTime; null when there is none or it is not on the run's clock. */
  cpu: { profile: CpuProfile; startT: number } | null;
  heapProfile: unknown;
}

export function runFindings(record: RunRecord, settings: HotpathConfig['analysis'], inputs: RunFindingInputs, options: LocateOptions): Finding[] {
  let site: ReturnType<typeof topAllocationSite> = null;
  try {
    site = inputs.heapProfile ? topAllocationSite(inputs.heapProfile, options) : null;
  } catch {
    site = null; // a malformed heap profile costs the location, not the run
  }
  const loop = record.eventLoop;
  const findings = [
    eventLoopBlockFinding(loop ? { delayMs: loop.delayMs, timeline: loop.timeline ?? [], profile: inputs.cpu } : null, settings.eventLoopBlock, options),
    gcPressureFinding(record.gc, settings.gcPressure, site),
    memoryGrowthFinding(record.heap?.growth, settings.memoryGrowth, site),
  ];
  return findings.filter((f): f is Finding => f !== null);
}
