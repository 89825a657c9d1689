// Diff mode: each frame's self time as a share of busy time, against the same
// function (name, file, line) in the baseline profile. Shares, not raw
// milliseconds, so two runs of different length or load compare fairly; the
// tooltip shows both runs' milliseconds and shares.

import { frameKey, selfByFunction, type FlameTree } from './flameModel';

export const DIFF_STEPS = 4;

export interface FrameDiff {
  baseSelfUs: number;
  baseTotalUs: number;
  /** Share of busy time, percent. */
  baseSharePct: number;
  currentSharePct: number;
}

export interface DiffColouring {
  /** Per level, 0..2*DIFF_STEPS: 0 much slower (red) … DIFF_STEPS unchanged … much faster (blue). */
  steps: Uint8Array[];
  byKey: Map<string, FrameDiff>;
}

/** Percentage points of busy time at which each step starts. */
const THRESHOLDS_PP = [0.1, 0.5, 2, 5];

export function stepOf(changePp: number): number {
  let step = 0;
  for (const t of THRESHOLDS_PP) if (Math.abs(changePp) >= t) step++;
  return changePp > 0 ? DIFF_STEPS - step : DIFF_STEPS + step;
}

export function diffAgainst(current: FlameTree, baseline: FlameTree): DiffColouring {
  const cur = selfByFunction(current);
  const base = selfByFunction(baseline);
  const byKey = new Map<string, FrameDiff>();
  const pct = (us: number, total: number) => (total > 0 ? (us / total) * 100 : 0);
  for (const [key, us] of cur.byKey) {
    const b = base.byKey.get(key) ?? 0;
    byKey.set(key, { baseSelfUs: b, baseTotalUs: base.totalUs, baseSharePct: pct(b, base.totalUs), currentSharePct: pct(us, cur.totalUs) });
  }
  const stepOfFrame = current.frames.map((f, i) => {
    if (i === 0) return DIFF_STEPS;
    const d = byKey.get(frameKey(f));
    return d ? stepOf(d.currentSharePct - d.baseSharePct) : DIFF_STEPS;
  });
  const steps = current.levels.map((level) => {
    const s = new Uint8Array(level.count);
    for (let i = 0; i < level.count; i++) s[i] = stepOfFrame[level.frame[i]];
    return s;
  });
  return { steps, byKey };
}
