// Latency histograms in microseconds (autocannon's own are whole milliseconds,
// which reads 0 ms on fast routes).

import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

export class LatencyHistogram {
  // The JavaScript implementation (useWebAssembly: false), whose counts array addInto reads.
  private readonly h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000, // one hour in µs
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  }) as hdr.JsHistogram;

  recordMs(ms: number): void {
    this.h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  /**
   * Adds every value of this histogram to each of `targets`: all have one
   * layout, so counts add index by index and every percentile, the mean and
   * the max are those of recording the values into the targets directly.
   * Only the index range between the lowest and highest value is visited
   * (HDR's own add() walks all 23,552 counts).
   */
  addInto(targets: readonly LatencyHistogram[]): void {
    const h = this.h;
    const n = h.totalCount;
    if (!n || !targets.length) return;
    const to = h.countsArrayIndex(h.maxValue);
    for (let i = h.countsArrayIndex(h.minNonZeroValue); i <= to; i++) {
      const c = h.getCountAtIndex(i);
      if (c) for (const t of targets) t.h.addToCountAtIndex(i, c);
    }
    for (const t of targets) {
      t.h.setTotalCount(t.h.totalCount + n);
      t.h.updateMinAndMax(h.maxValue);
      t.h.updateMinAndMax(h.minNonZeroValue);
    }
  }

  get count(): number {
    return this.h.totalCount;
  }

  percentileMs(p: number): number {
    return this.h.totalCount ? this.h.getValueAtPercentile(p) / 1000 : 0;
  }

  summary(): LatencySummary {
    const ms = (us: number) => Math.round(us) / 1000;
    if (!this.h.totalCount) return { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0, count: 0 };
    return {
      p50: ms(this.h.getValueAtPercentile(50)),
      p90: ms(this.h.getValueAtPercentile(90)),
      p95: ms(this.h.getValueAtPercentile(95)),
      p99: ms(this.h.getValueAtPercentile(99)),
      max: ms(this.h.maxValue),
      mean: ms(this.mean()),
      count: this.h.totalCount,
    };
  }

  /**
   * HDR's mean (each bucket counted at its median equivalent value, summed in
   * index order, so the same number), over the occupied index range only: HDR's
   * getter walks every bucket through its iterator, about 40 ms a histogram.
   */
  private mean(): number {
    const h = this.h;
    if (!h.totalCount) return 0;
    let total = 0;
    const to = h.countsArrayIndex(h.maxValue);
    for (let i = h.countsArrayIndex(h.minNonZeroValue); i <= to; i++) {
      const c = h.getCountAtIndex(i);
      if (c) total += h.medianEquivalentValue(h.valueFromIndex(i)) * c;
    }
    return total / h.totalCount;
  }

  /** The histogram in HdrHistogram's compressed base64 form (values in µs), for later comparisons. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }

  reset(): void {
    this.h.reset();
  }
}
