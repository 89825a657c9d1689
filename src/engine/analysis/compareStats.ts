// Two-sample tests for `hotpath compare`.
//
// Latency samples arrive binned (HdrHistogram buckets: many requests share a
// value), so the rank tests work on bins: each bin's requests share one
// midrank, which is exactly how ties are ranked in the textbook test, and the
// cost is proportional to the number of distinct values, not of requests.
//
// With tens of thousands of requests these tests call a 0.5% shift
// "significant" (and requests in one run are not independent: a noisy
// neighbour slows a whole second of them). So a p-value alone never makes a
// verdict; `compare.ts` also asks for an effect-size floor.

/** Sorted distinct values with their counts. */
export interface Bins {
  values: Float64Array;
  counts: Float64Array;
  total: number;
}

export function binsFromSamples(samples: ArrayLike<number>): Bins {
  const sorted = Float64Array.from(samples).sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (values.length && values[values.length - 1] === sorted[i]) counts[counts.length - 1]++;
    else {
      values.push(sorted[i]);
      counts.push(1);
    }
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), total: sorted.length };
}

/** Complementary error function; Numerical Recipes' Chebyshev fit, relative error < 1.2e-7 everywhere. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard normal statistic. */
export const twoSidedP = (z: number) => Math.min(1, erfc(Math.abs(z) / Math.SQRT2));

export interface MannWhitney {
  /** Pairs (base, current) where current is larger, ties counting one half. */
  u: number;
  /** u / (nBase · nCurrent): probability that a current sample exceeds a baseline one (0.5: no difference). */
  probabilityCurrentGreater: number;
  z: number;
  pValue: number;
  method: 'normal approximation, tie-corrected' | 'exact permutation';
  n: [number, number];
}

/**
 * Mann-Whitney U over two binned samples: midranks per distinct value, the
 * tie-corrected variance nm/12·((N+1) − Σ(t³−t)/(N(N−1))), a continuity
 * correction and the two-sided normal p-value.
 */
export function mannWhitneyBinned(base: Bins, current: Bins): MannWhitney | null {
  const n1 = base.total;
  const n2 = current.total;
  if (n1 === 0 || n2 === 0) return null;
  const N = n1 + n2;
  let i = 0;
  let j = 0;
  let below = 0;
  let rankSumCurrent = 0;
  let tieTerm = 0;
  while (i < base.values.length || j < current.values.length) {
    const v = Math.min(i < base.values.length ? base.values[i] : Infinity, j < current.values.length ? current.values[j] : Infinity);
    const a = i < base.values.length && base.values[i] === v ? base.counts[i++] : 0;
    const b = j < current.values.length && current.values[j] === v ? current.counts[j++] : 0;
    const t = a + b;
    rankSumCurrent += b * (below + (t + 1) / 2);
    tieTerm += t * t * t - t;
    below += t;
  }
  const u = rankSumCurrent - (n2 * (n2 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  const diff = u - mean;
  let z = 0;
  let pValue = 1;
  if (variance > 0) {
    const corrected = Math.max(0, Math.abs(diff) - 0.5);
    z = (Math.sign(diff) * corrected) / Math.sqrt(variance);
    pValue = twoSidedP(z);
  }
  return { u, probabilityCurrentGreater: u / (n1 * n2), z, pValue, method: 'normal approximation, tie-corrected', n: [n1, n2] };
}

/**
 * Mann-Whitney U for small samples (one value per second of a run): the exact
 * permutation distribution of the rank sum, ties included (midranks doubled to
 * stay integers). Falls back to the normal approximation past 60 values.
 */
export function mannWhitney(base: ArrayLike<number>, current: ArrayLike<number>): MannWhitney | null {
  const n1 = base.length;
  const n2 = current.length;
  const approx = mannWhitneyBinned(binsFromSamples(base), binsFromSamples(current));
  if (!approx || n1 + n2 > 60) return approx;
  const all = [...Array.from(base, (v) => ({ v, cur: false })), ...Array.from(current, (v) => ({ v, cur: true }))].sort((a, b) => a.v - b.v);
  const N = all.length;
  const doubledRanks: number[] = [];
  for (let k = 0; k < N; ) {
    let e = k;
    while (e + 1 < N && all[e + 1].v === all[k].v) e++;
    for (let q = k; q <= e; q++) doubledRanks.push(k + 1 + e + 1); // 2 × midrank
    k = e + 1;
  }
  const observed = all.reduce((s, x, k) => s + (x.cur ? doubledRanks[k] : 0), 0);
  // ways[k][s]: subsets of size k whose doubled rank sum is s.
  const maxSum = doubledRanks.reduce((s, r) => s + r, 0);
  const ways: Float64Array[] = Array.from({ length: n2 + 1 }, () => new Float64Array(maxSum + 1));
  ways[0][0] = 1;
  for (const r of doubledRanks) {
    // 0/1 knapsack: walk sizes downwards so each rank is used once.
    for (let k = n2; k >= 1; k--) {
      const prev = ways[k - 1];
      const row = ways[k];
      for (let s = maxSum; s >= r; s--) if (prev[s - r]) row[s] += prev[s - r];
    }
  }
  const dist = ways[n2];
  const expected = n2 * (N + 1); // doubled mean rank sum
  const distance = Math.abs(observed - expected);
  let tail = 0;
  let total = 0;
  for (let s = 0; s <= maxSum; s++) {
    if (!dist[s]) continue;
    total += dist[s];
    if (Math.abs(s - expected) >= distance - 1e-9) tail += dist[s];
  }
  return { ...approx, pValue: Math.min(1, tail / total), method: 'exact permutation' };
}

/** Value at percentile p (0–100) of binned data: the smallest value with at least p% of the samples at or below it. */
export function quantileBinned(bins: Bins, p: number): number {
  if (!bins.total) return 0;
  return valueAtRank(bins, Math.min(bins.total, Math.max(1, Math.ceil((p / 100) * bins.total))));
}

function valueAtRank(bins: Bins, rank: number): number {
  let seen = 0;
  for (let i = 0; i < bins.values.length; i++) {
    seen += bins.counts[i];
    if (seen >= rank) return bins.values[i];
  }
  return bins.values[bins.values.length - 1];
}

export function meanBinned(bins: Bins): number {
  let s = 0;
  for (let i = 0; i < bins.values.length; i++) s += bins.values[i] * bins.counts[i];
  return bins.total ? s / bins.total : 0;
}

const Z95 = 1.959964;

/**
 * Tests whether a percentile moved: each run's percentile gets a
 * distribution-free 95% interval from the binomial ranks of its order
 * statistics, turned into a standard error; the difference over the combined
 * error is a z statistic (the idea of Price & Bonett's quantile comparison).
 */
/**
 * Standard error of percentile p from a distribution-free 95% interval: the
 * binomial ranks of the order statistics around n·p, read off the bins.
 */
export function quantileStandardError(bins: Bins, p: number): number {
  const q = p / 100;
  const n = bins.total;
  const half = Z95 * Math.sqrt(n * q * (1 - q));
  const lo = valueAtRank(bins, Math.max(1, Math.floor(n * q - half)));
  const hi = valueAtRank(bins, Math.min(n, Math.ceil(n * q + half)));
  return (hi - lo) / (2 * Z95);
}

/**
 * Tests whether a percentile moved: each run's percentile gets a standard
 * error from its order statistics; the difference over the combined error is
 * a z statistic (the idea of Price & Bonett's quantile comparison).
 * `inflation` multiplies the variance (the design effect, see below).
 */
export function quantileDifferenceTest(base: Bins, current: Bins, p: number, inflation = 1): { pValue: number; z: number } | null {
  if (!base.total || !current.total) return null;
  const diff = quantileBinned(current, p) - quantileBinned(base, p);
  const s = Math.hypot(quantileStandardError(base, p), quantileStandardError(current, p)) * Math.sqrt(inflation);
  if (s === 0) return diff === 0 ? { pValue: 1, z: 0 } : { pValue: 0, z: Math.sign(diff) * Infinity };
  const z = diff / s;
  return { pValue: twoSidedP(z), z };
}

/**
 * Design effect of a run's requests for percentile p: how much more the
 * per-second percentile varies than it would if requests were independent.
 * Requests of one second share the machine's state (a noisy neighbour, a GC,
 * a burst of queueing), so n requests carry the information of about n / D
 * independent ones; tests on the requests divide their z by √D.
 * `perSecond` holds each second's percentile and request count.
 */
export function designEffect(bins: Bins, p: number, perSecond: Array<{ value: number; count: number }>): number | null {
  const windows = perSecond.filter((w) => w.count > 0 && Number.isFinite(w.value));
  if (windows.length < 3 || !bins.total) return null;
  const mean = windows.reduce((s, w) => s + w.value, 0) / windows.length;
  const observed = windows.reduce((s, w) => s + (w.value - mean) ** 2, 0) / (windows.length - 1);
  const meanCount = windows.reduce((s, w) => s + w.count, 0) / windows.length;
  const se = quantileStandardError(bins, p);
  const independent = se * se * (bins.total / meanCount);
  if (independent <= 0) return observed > 0 ? Infinity : 1;
  return Math.max(1, observed / independent);
}

/** A normal statistic's p-value after inflating its variance by `inflation`. */
export function inflatedP(z: number, inflation: number): number {
  return twoSidedP(z / Math.sqrt(Math.max(1, inflation)));
}

/** Pairs (b, c) with c − b ≤ d, by walking both sorted bin lists once. */
function pairsAtMost(base: Bins, current: Bins, d: number): number {
  // For each current value c, count base values ≥ c − d. As c grows the threshold grows.
  let count = 0;
  let i = 0;
  let baseBelow = 0;
  for (let j = 0; j < current.values.length; j++) {
    const threshold = current.values[j] - d;
    while (i < base.values.length && base.values[i] < threshold) baseBelow += base.counts[i++];
    count += current.counts[j] * (base.total - baseBelow);
  }
  return count;
}

/** The smallest pairwise difference (current − base) with at least `k` differences at or below it. */
function kthDifference(base: Bins, current: Bins, k: number): number {
  let lo = current.values[0] - base.values[base.values.length - 1];
  let hi = current.values[current.values.length - 1] - base.values[0];
  for (let iter = 0; iter < 100 && hi - lo > 1e-9 * Math.max(1, Math.abs(hi)); iter++) {
    const mid = (lo + hi) / 2;
    if (pairsAtMost(base, current, mid) >= k) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface Shift {
  /** Hodges–Lehmann estimate: the median of all differences current − base. */
  estimate: number;
  /** 95% interval (Moses), from the order statistics of the same differences. */
  ci95: [number, number];
}

/**
 * Hodges–Lehmann shift with its 95% interval, computed on bins by bisection:
 * O(bins · log range). `inflation` widens the interval by the design effect.
 */
export function hodgesLehmannBinned(base: Bins, current: Bins, inflation = 1): Shift | null {
  const n1 = base.total;
  const n2 = current.total;
  if (!n1 || !n2) return null;
  const pairs = n1 * n2;
  const median = (kthDifference(base, current, Math.ceil(pairs / 2)) + kthDifference(base, current, Math.floor(pairs / 2) + 1)) / 2;
  const c = Math.max(1, Math.floor(pairs / 2 - Z95 * Math.sqrt((Math.max(1, inflation) * pairs * (n1 + n2 + 1)) / 12)));
  return { estimate: median, ci95: [kthDifference(base, current, c), kthDifference(base, current, pairs - c + 1)] };
}

/** Two-proportion z test (pooled), for error rates. */
export function twoProportionTest(errorsBase: number, totalBase: number, errorsCurrent: number, totalCurrent: number): { pValue: number; z: number } | null {
  if (!totalBase || !totalCurrent) return null;
  const pooled = (errorsBase + errorsCurrent) / (totalBase + totalCurrent);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / totalBase + 1 / totalCurrent));
  const diff = errorsCurrent / totalCurrent - errorsBase / totalBase;
  if (se === 0) return { pValue: diff === 0 ? 1 : 0, z: 0 };
  const z = diff / se;
  return { pValue: twoSidedP(z), z };
}
