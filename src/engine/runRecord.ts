// `run.json`, schemaVersion 1 (CONTRACT.md). Sections a run did not measure are
// absent or null, never filled with placeholders.

import type { LoadResult } from './load/autocannonDriver';
import type { HotFunction, HotLine, CpuSummary } from './cpu/cpuProfileModel';
import type { CollectedData, EventLoopSummary, ProcessSummary } from './collect/probeCollector';
import type { GcSummary } from './analysis/gcStats';
import type { HeapGrowth } from './analysis/memoryGrowth';
import type { RecordScore } from './analysis/score';
import type { ClinicRecord, ProfilerRecord } from './backends/backend';
import type { RunComparison } from './report/baselineComparison';

export type RunStatus = 'passed' | 'failed' | 'error' | 'cancelled';

export interface Environment {
  node: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cpus: number;
  totalMemBytes: number;
  gitCommit: string | null;
  hostname?: string;
}

export interface BudgetResult {
  metric: string;
  expression: string;
  actual: number | null;
  unit: string;
  passed: boolean;
  message?: string;
}

export interface Finding {
  kind: 'hot-path' | 'n-plus-one' | 'gc-pressure' | 'event-loop-block' | 'memory-growth' | 'clinic-doctor';
  severity: 'info' | 'warning' | 'error';
  message: string;
  location: { file: string; line: number; column: number } | null;
  /** The figures behind the message, by name (e.g. p99Ms, r2, slopeMBPerMin); see the finding kinds in README. */
  evidence?: Record<string, number | string>;
  /**
   * Frames that explain the finding, each with a source location. hot-path: the
   * chain from the profile's root down to the hottest function of the user's
   * code (last), `ms`/`pct` being each frame's total time on that path;
   * event-loop-block: the functions that ran while the loop was blocked, most
   * time first, `pct` being their share of the busy CPU time in those windows.
   */
  frames?: FindingFrame[];
}

export interface FindingFrame {
  name: string;
  file: string;
  line: number;
  column: number;
  /** user | library | node | native | gc | program (hot-path frames only). */
  category?: string;
  ms: number;
  pct: number;
}

export interface RunRecord {
  schemaVersion: 1;
  id: string;
  name: string;
  startedAt: string;
  durationMs: number;
  status: RunStatus;
  /** Why the run ended in `error` or `cancelled`: one sentence. */
  error: string | null;
  environment: Environment;
  service: { command: string; args: string[]; port: number; readyMs: number | null };
  scenario: string;
  load: (Omit<LoadResult, 'generatorTotal' | 'histogram'> & { scenario: string }) | null;
  cpu:
    | {
        profile: string;
        samplingIntervalMicros: number;
        slices: number;
        durationMs: number;
        busyMs: number;
        buckets: CpuSummary['buckets'];
        hotFunctions: HotFunction[];
        hotLines: HotLine[];
        /** Run time (ms since the start) of the profile's startTime; absent for profiles not on the run's clock (0x, Clinic). */
        startT?: number;
      }
    | null;
  /** Every process that loaded the probe: the service and its children or workers. */
  processes?: ProcessSummary[];
  heap: {
    profile: string | null;
    timeline: Array<{ t: number; heapUsed: number; heapTotal: number; rss: number; external?: number }>;
    growthPct: number | null;
    growth?: HeapGrowth | null;
  } | null;
  gc: GcSummary | null;
  eventLoop: EventLoopSummary | null;
  queries: CollectedData['queries'];
  budgets: BudgetResult[];
  findings: Finding[];
  /**
   * The 0–100 score (docs/score.md) with each component: weight, share, value,
   * points and why, and the components left out for lack of data. Present on
   * completed runs (passed or failed); reports render it when present.
   */
  score?: RecordScore;
  /** Present when profile.backend is 0x or Clinic.js: the tool, its version and the files it left. */
  profiler?: ProfilerRecord;
  /** Clinic.js runs: Doctor's verdict, Heap Profiler's allocation hotspots, the HTML report. */
  clinic?: ClinicRecord;
  /** The comparison with the baseline pinned when the run was made; absent when none was pinned. */
  comparison?: RunComparison;
}
