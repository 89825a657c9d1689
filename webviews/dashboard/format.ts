// How figures and phases read on the dashboard, for eyes and screen readers alike.

import type { Phase } from './dashboardModel';

const locale = typeof navigator !== 'undefined' ? navigator.language : undefined;
const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });

/** Large values as whole numbers, small ones with one decimal; a dash when there is no value. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.abs(value) >= 100 ? whole.format(value) : oneDecimal.format(value);
}

const smallShare = new Intl.NumberFormat(locale, { maximumSignificantDigits: 2 });

/** A percentage that keeps small shares visible (0.031 %, not 0 %). */
export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return `${value > 0 && value < 1 ? smallShare.format(value) : formatNumber(value)}%`;
}

export function formatMs(value: number | null | undefined): string {
  const n = formatNumber(value);
  return n === '–' ? n : `${n} ms`;
}

export function formatMB(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  return `${formatNumber(bytes / (1024 * 1024))} MB`;
}

/** Whole seconds (counted like a stopwatch) as m:ss or h:mm:ss, for a run that may last half an hour. */
export function formatElapsed(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds + 1e-9));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export type PhaseTone = 'idle' | 'busy' | 'ok' | 'error';

const phaseText: Record<Phase, { label: string; tone: PhaseTone }> = {
  idle: { label: 'Idle', tone: 'idle' },
  starting: { label: 'Starting service', tone: 'busy' },
  ready: { label: 'Service ready', tone: 'busy' },
  load: { label: 'Under load', tone: 'busy' },
  stopping: { label: 'Stopping', tone: 'busy' },
  analyzing: { label: 'Analyzing', tone: 'busy' },
  saved: { label: 'Saved', tone: 'ok' },
  done: { label: 'Done', tone: 'ok' },
  failed: { label: 'Failed', tone: 'error' },
  cancelled: { label: 'Stopped', tone: 'idle' },
};

export function describePhase(phase: Phase): { label: string; tone: PhaseTone } {
  return phaseText[phase] ?? { label: String(phase), tone: 'idle' };
}
