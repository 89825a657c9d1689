// Messages between the extension host and the live dashboard webview.
// Both sides import this file; the host validates what arrives with isFromDashboard.

import type { LoadTick, ProcessSample, RunPhase, RuntimeSample } from '../engine/runEvents';

export interface DashboardState {
  runId: string | null;
  title: string;
  phase: RunPhase | 'idle' | 'done' | 'failed' | 'cancelled';
  message: string;
  ticks: LoadTick[];
  samples: ProcessSample[];
  /** GC pauses by kind and event-loop delay, about once a second (absent from older hosts). */
  runtime?: RuntimeSample[];
}

export type ToDashboard =
  | { type: 'snapshot'; state: DashboardState }
  | { type: 'phase'; phase: DashboardState['phase']; message: string }
  | { type: 'tick'; tick: LoadTick }
  | { type: 'sample'; sample: ProcessSample }
  | { type: 'runtime'; sample: RuntimeSample };

export type FromDashboard = { type: 'ready' } | { type: 'openReport' };

export function isFromDashboard(value: unknown): value is FromDashboard {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'openReport';
}
