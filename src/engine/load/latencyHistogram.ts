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
  private readonly h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000, // one hour in µs
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  recordMs(ms: number): void {
    this.h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  /** Adds every value of `other` (same layout, so percentiles are those of recording both sets into one). */
  add(other: LatencyHistogram): void {
    if (other.h.totalCount) this.h.add(other.h);
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
      mean: ms(this.h.mean),
      count: this.h.totalCount,
    };
  }

  /** The histogram in HdrHistogram's compressed base64 form (values in µs), for later comparisons. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }

  reset(): void {
    this.h.reset();
  }
}
