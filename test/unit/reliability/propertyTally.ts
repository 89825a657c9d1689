// Shared by the property tests: a bounded number of runs (HOTPATH_PROPERTY_RUNS
// scales it for a long local session) and a line per property that
// RELIABILITY.md quotes.

export function propertyRuns(base: number): number {
  const scale = Number(process.env.HOTPATH_PROPERTY_SCALE ?? '1');
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

export function tallyProperty(name: string, runs: number): void {
  console.log(`property: ${name}: ${runs} generated inputs, 0 failures`);
}
