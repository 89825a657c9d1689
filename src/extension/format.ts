// Numbers as people read them: three significant figures at most.

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10000 ? 1 : 2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatRps(rps: number): string {
  return rps >= 100 ? rps.toFixed(0) : rps.toFixed(1);
}

export function formatMeasure(value: number, unit: string): string {
  switch (unit) {
    case 'ms':
      return formatMs(value);
    case '%':
      return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}%`;
    case 'rps':
      return `${formatRps(value)} req/s`;
    default:
      return String(Math.round(value * 100) / 100);
  }
}
