// Accumulates every response a load engine sees into µs-precision histograms:
// overall, per endpoint, per one-second window of the run clock (the timeline,
// streamed to subscribers as each window closes) and per span (a stage, a
// stress step, the spike…). Errors are kept apart by kind: non-2xx answers,
// timeouts and connection errors.
//
// Live load (the embedded generators) takes a cheaper path, liveResponse: each
// response is recorded once, into its endpoint's histogram of the current
// "part" — a stretch of the run clock inside one window during which the same
// spans are open. A part is cut (merged into the window, the endpoint, the
// overall figures and each span it lies in) when a response falls outside it,
// when a span opens or closes, and before a window is published or the run
// finishes. Merging HDR histograms of one layout adds their counts, so every
// percentile is the one per-response recording would have given.

import type { RequestSpec } from '../config';
import { Emitter } from '../events';
import { LatencyHistogram } from './latencyHistogram';
import { EndpointResult, LoadResult, LoadTickDetail, TimelinePoint, ratio, round1 } from './loadResult';
import { endpointKey } from './requestMix';

export type ErrorKind = 'timeout' | 'connection';

interface Counts {
  responses: number;
  ok: number;
  non2xx: number;
  timeouts: number;
  connection: number;
}

const zero = (): Counts => ({ responses: 0, ok: 0, non2xx: 0, timeouts: 0, connection: 0 });
const errorsOf = (c: Counts) => c.non2xx + c.timeouts + c.connection;
const attemptsOf = (c: Counts) => c.responses + c.timeouts + c.connection;

/** A time range of the run with its own figures. */
export class Span {
  readonly hist = new LatencyHistogram();
  readonly counts = zero();
  toT = Infinity;
  /** [t, latencyMs] of each 2xx response, when asked for (spike recovery). */
  readonly samples: number[] | null;

  constructor(readonly label: string, public fromT: number, keepSamples: boolean) {
    this.samples = keepSamples ? [] : null;
  }

  covers(t: number): boolean {
    return t >= this.fromT && t < this.toT;
  }

  get errors(): number {
    return errorsOf(this.counts);
  }

  get errorRate(): number {
    return ratio(errorsOf(this.counts), attemptsOf(this.counts));
  }

  /** Responses per second over [fromT, toT]. */
  rps(): number {
    const seconds = (this.toT - this.fromT) / 1000;
    return seconds > 0 && Number.isFinite(seconds) ? round1(this.counts.responses / seconds) : 0;
  }
}

interface EndpointAcc {
  method: string;
  path: string;
  hist: LatencyHistogram;
  responses: number;
  non2xx: number;
  /** Timeouts and connection errors. */
  noAnswer: number;
  /** 2xx latencies and answers of the current part (live path), not yet merged. */
  partHist: LatencyHistogram;
  partOk: number;
  partNon2xx: number;
  partDirty: boolean;
}

/** An endpoint's accumulator, looked up once per request of a mix, for LoadRecorder.liveResponse. */
export type LiveEndpoint = EndpointAcc;

interface WindowAcc {
  hist: LatencyHistogram;
  counts: Counts;
}

export class LoadRecorder {
  readonly onTick = new Emitter<LoadTickDetail>();
  readonly loadStartT: number;
  private readonly overall = new LatencyHistogram();
  private readonly totals = zero();
  private readonly endpoints = new Map<string, EndpointAcc>();
  private readonly windows = new Map<number, WindowAcc>();
  private readonly spans = new Set<Span>();
  private readonly timeline: TimelinePoint[] = [];
  /** Index of the next window to publish. */
  private nextWindow = 0;
  private ticker: NodeJS.Timeout | null = null;
  // The current part of live load: [partFrom, partEnd) in window partWindow (null: already published).
  private partFrom = Infinity;
  private partEnd = -Infinity;
  private partWindow: WindowAcc | null = null;
  private partSpans: Span[] = [];
  private partSampleSpans: Span[] = [];
  private readonly partTouched: EndpointAcc[] = [];
  /** Label of the stage now running, sent with each tick. */
  stage: string | undefined;

  /**
   * @param clockStart ms since the epoch at which the run's clock started (t = 0)
   * @param loadStartT run-clock time at which the load began (windows are counted from it)
   */
  constructor(requests: RequestSpec[], readonly clockStart: number, loadStartT?: number) {
    for (const r of requests) this.endpoint(r.method, r.path);
    this.loadStartT = loadStartT ?? this.now();
  }

  /** Now on the run clock. */
  now(): number {
    return Date.now() - this.clockStart;
  }

  /** The endpoint's accumulator, created on first sight (imported reports name their own). */
  private endpoint(method: string, path: string): EndpointAcc {
    const key = endpointKey(method, path);
    let ep = this.endpoints.get(key);
    if (!ep) {
      ep = { method: method.toUpperCase(), path, hist: new LatencyHistogram(), responses: 0, non2xx: 0, noAnswer: 0, partHist: new LatencyHistogram(), partOk: 0, partNon2xx: 0, partDirty: false };
      this.endpoints.set(key, ep);
    }
    return ep;
  }

  private window(t: number): WindowAcc | null {
    const k = Math.floor((t - this.loadStartT) / 1000);
    if (k < this.nextWindow) {
      // Late for a published window (an imported sample out of order): it still counts in the totals.
      return null;
    }
    let w = this.windows.get(k);
    if (!w) {
      w = { hist: new LatencyHistogram(), counts: zero() };
      this.windows.set(k, w);
    }
    return w;
  }

  /** A response: `status` 2xx is a success; anything else is a non-2xx error. */
  response(t: number, method: string | null, path: string | null, status: number, latencyMs: number): void {
    const ok = status >= 200 && status < 300;
    const w = this.window(t);
    const ep = method && path ? this.endpoint(method, path) : null;
    const add = (c: Counts) => {
      c.responses++;
      if (ok) c.ok++;
      else c.non2xx++;
    };
    add(this.totals);
    if (w) add(w.counts);
    if (ep) {
      ep.responses++;
      if (!ok) ep.non2xx++;
    }
    for (const s of this.spans) {
      if (!s.covers(t)) continue;
      add(s.counts);
      if (ok) {
        s.hist.recordMs(latencyMs);
        s.samples?.push(t, latencyMs);
      }
    }
    if (ok) {
      this.overall.recordMs(latencyMs);
      w?.hist.recordMs(latencyMs);
      ep?.hist.recordMs(latencyMs);
    }
  }

  /** The accumulator to pass to liveResponse for this endpoint (look it up once, not per response). */
  liveEndpoint(method: string, path: string): LiveEndpoint {
    return this.endpoint(method, path);
  }

  /**
   * A response of live load, `t` being now on the run clock: the same figures
   * as response(), recorded once into the current part and merged when it is cut.
   */
  liveResponse(t: number, ep: LiveEndpoint, status: number, latencyMs: number): void {
    if (!(t >= this.partFrom && t < this.partEnd)) this.startPart(t);
    if (status >= 200 && status < 300) {
      ep.partOk++;
      ep.partHist.recordMs(latencyMs);
      for (const s of this.partSampleSpans) s.samples!.push(t, latencyMs);
    } else ep.partNon2xx++;
    if (!ep.partDirty) {
      ep.partDirty = true;
      this.partTouched.push(ep);
    }
  }

  /** Cuts the current part and starts one at `t`: to the end of its window or the next span start, whichever is first. */
  private startPart(t: number): void {
    this.flushPart();
    const k = Math.floor((t - this.loadStartT) / 1000);
    let end = this.loadStartT + (k + 1) * 1000;
    const spans: Span[] = [];
    for (const s of this.spans) {
      if (s.covers(t)) spans.push(s);
      else if (s.fromT > t) end = Math.min(end, s.fromT);
    }
    this.partFrom = t;
    this.partEnd = end;
    this.partWindow = this.window(t);
    this.partSpans = spans;
    this.partSampleSpans = spans.filter((s) => s.samples !== null);
  }

  /** Merges the current part into the totals, its window, the endpoints and its spans; the next live response starts a new part. */
  private flushPart(): void {
    const w = this.partWindow;
    const counts = [this.totals, ...(w ? [w.counts] : []), ...this.partSpans.map((s) => s.counts)];
    const hists = [this.overall, ...(w ? [w.hist] : []), ...this.partSpans.map((s) => s.hist)];
    for (const ep of this.partTouched) {
      const ok = ep.partOk;
      for (const c of counts) {
        c.responses += ok + ep.partNon2xx;
        c.ok += ok;
        c.non2xx += ep.partNon2xx;
      }
      ep.responses += ok + ep.partNon2xx;
      ep.non2xx += ep.partNon2xx;
      if (ok) {
        ep.partHist.addInto([...hists, ep.hist]);
        ep.partHist.reset();
      }
      ep.partOk = 0;
      ep.partNon2xx = 0;
      ep.partDirty = false;
    }
    this.partTouched.length = 0;
    this.partFrom = Infinity;
    this.partEnd = -Infinity;
    this.partWindow = null;
    this.partSpans = [];
    this.partSampleSpans = [];
  }

  /** A request that got no answer. */
  error(t: number, kind: ErrorKind, method: string | null = null, path: string | null = null): void {
    const add = (c: Counts) => (kind === 'timeout' ? c.timeouts++ : c.connection++);
    add(this.totals);
    const w = this.window(t);
    if (w) add(w.counts);
    if (method && path) this.endpoint(method, path).noAnswer++;
    for (const s of this.spans) if (s.covers(t)) add(s.counts);
  }

  /** Starts a span whose figures count from `fromT` (default now) until it is closed. */
  openSpan(label: string, options: { fromT?: number; keepSamples?: boolean } = {}): Span {
    const span = new Span(label, options.fromT ?? this.now(), options.keepSamples ?? false);
    this.flushPart();
    this.spans.add(span);
    return span;
  }

  closeSpan(span: Span, t = this.now()): Span {
    this.flushPart();
    span.toT = Math.max(span.fromT, t);
    this.spans.delete(span);
    return span;
  }

  /** Publishes one-second windows every second while live load runs. */
  startTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => this.publishUpTo(this.now()), 1000);
  }

  stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** Publishes every window that ends at or before `t` (empty ones too: a stalled service shows as 0 req/s). */
  publishUpTo(t: number): void {
    const complete = Math.floor((t - this.loadStartT) / 1000);
    if (this.nextWindow < complete) this.flushPart();
    while (this.nextWindow < complete) {
      const k = this.nextWindow++;
      this.publish(k, this.loadStartT + (k + 1) * 1000, 1);
    }
  }

  private publish(k: number, t: number, seconds: number): TimelinePoint {
    const w = this.windows.get(k) ?? { hist: new LatencyHistogram(), counts: zero() };
    this.windows.delete(k);
    const point: TimelinePoint = {
      t,
      rps: round1(w.counts.responses / seconds),
      p50: w.hist.percentileMs(50),
      p95: w.hist.percentileMs(95),
      p99: w.hist.percentileMs(99),
      errors: errorsOf(w.counts),
      non2xx: w.counts.non2xx,
      timeouts: w.counts.timeouts,
      connection: w.counts.connection,
    };
    this.timeline.push(point);
    this.onTick.fire({ ...point, requestsTotal: this.totals.responses, ...(this.stage ? { stage: this.stage } : {}) });
    return point;
  }

  /**
   * Closes the timeline at `endT` and returns the figures. A last fragment
   * shorter than half a second is folded into the previous point, so the
   * timeline does not end on a rate computed over a few milliseconds.
   */
  finish(engine: LoadResult['engine'], endT: number): Omit<LoadResult, 'stages' | 'generatorTotal' | 'latencyCorrected'> {
    this.stopTicker();
    this.flushPart();
    this.publishUpTo(endT);
    const k = this.nextWindow;
    const tailSec = (endT - (this.loadStartT + k * 1000)) / 1000;
    const tail = this.windows.get(k);
    const prev = this.timeline[this.timeline.length - 1];
    if (tail && prev && tailSec < 0.5) {
      prev.rps = round1((prev.rps + tail.counts.responses) / (1 + Math.max(tailSec, 0)));
      prev.non2xx += tail.counts.non2xx;
      prev.timeouts += tail.counts.timeouts;
      prev.connection += tail.counts.connection;
      prev.errors += errorsOf(tail.counts);
      this.windows.delete(k);
    } else if (tail && (tail.counts.responses || errorsOf(tail.counts))) {
      this.nextWindow++;
      this.publish(k, endT, Math.max(tailSec, 1e-3));
    }
    this.windows.clear();

    const durationMs = Math.max(0, endT - this.loadStartT);
    const seconds = Math.max(durationMs / 1000, 1e-3);
    const s = this.overall.summary();
    const errorsTotal = errorsOf(this.totals);
    const endpoints: EndpointResult[] = [...this.endpoints.values()].map((ep) => {
      const e = ep.hist.summary();
      return {
        method: ep.method,
        path: ep.path,
        requests: ep.responses,
        throughputRps: round1(ep.responses / seconds),
        latencyMs: { p50: e.p50, p95: e.p95, p99: e.p99, mean: e.mean, max: e.max },
        errorRate: ratio(ep.non2xx + ep.noAnswer, ep.responses + ep.noAnswer),
      };
    });
    return {
      engine,
      durationMs,
      requests: { total: this.totals.responses, ok: this.totals.ok },
      throughputRps: { mean: round1(this.totals.responses / seconds) },
      latencyMs: { p50: s.p50, p90: s.p90, p95: s.p95, p99: s.p99, max: s.max, mean: s.mean },
      errors: {
        total: errorsTotal,
        rate: ratio(errorsTotal, attemptsOf(this.totals)),
        non2xx: this.totals.non2xx,
        timeouts: this.totals.timeouts,
        connection: this.totals.connection,
      },
      endpoints,
      timeline: this.timeline,
      histogram: this.overall.count ? this.overall.encode() : null,
    };
  }
}
