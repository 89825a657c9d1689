// The host is trusted, but a malformed message must not break the page: it is
// checked for shape before the dashboard acts on it.

import type { ToDashboard } from '../../src/protocol/dashboard';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isToDashboard(value: unknown): value is ToDashboard {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'snapshot': {
      const state = value.state;
      return isObject(state) && Array.isArray(state.ticks) && Array.isArray(state.samples) && typeof state.phase === 'string';
    }
    case 'phase':
      return typeof value.phase === 'string' && typeof value.message === 'string';
    case 'tick':
      return isObject(value.tick) && typeof value.tick.t === 'number';
    case 'sample':
      return isObject(value.sample) && typeof value.sample.t === 'number';
    case 'runtime':
      return isObject(value.sample) && typeof value.sample.t === 'number' && isObject(value.sample.gcPauseMs) && isObject(value.sample.eventLoopDelayMs);
    default:
      return false;
  }
}
