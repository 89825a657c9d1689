// Drives load with autocannon's programmatic API. Latencies are recorded from
// each response into our own µs-precision histograms: overall, per endpoint and
// per one-second window (the timeline streamed to subscribers).

import autocannon from 'autocannon';
import type { RequestSpec, StageSpec } from '../config';
import { CancellationToken, Emitter } from '../events';
import type { LoadTick } from '../runEvents';
import { LatencyHistogram, LatencySummary } from './latencyHistogram';
import { endpointKey, weightedSequence } from './requestMix';

export interface EndpointResult {
  method: string;
  path: string;
  requests: number;
  throughputRps: number;
  latencyMs: { p50: number; p95: number; p99: number; mean: number; max: number };
  errorRate: number;
}

export interface StageResult {
  connections: number;
  startT: number;
  endT: number;
  requests: number;
  rps: number;
  latencyMs: LatencySummary;
  errors: number;
}

export interface LoadResult {
  engine: 'autocannon';
  durationMs: number;
  requests: { total: number; ok: number };
  throughputRps: { mean: number };
  latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number; mean: number };
  errors: { total: number; rate: number; non2xx: number; timeouts: number; connection: number };
  endpoints: EndpointResult[];
  timeline: Array<{ t: number; rps: number; p50: number; p95: number; p99: number; errors: number }>;
  stages: StageResult[];
  /** Requests autocannon itself counted, kept to cross-check ours. */
  generatorTotal: number;
  /** Every 2xx latency of the run (µs), HdrHistogram compressed base64: saved as latency.hdr. */
  histogram: string;
}

export interface LoadOptions {
  target: string;
  requests: RequestSpec[];
  stages: StageSpec[];
  /** ms since epoch at which the run's clock started (t = 0). */
  clockStart: number;
  token: CancellationToken;
  timeoutSec?: number;
}

interface EndpointAcc {
  spec: RequestSpec;
  hist: LatencyHistogram;
  responses: number;
  errors: number;
}

interface AutocannonClient {
  requestIterator?: { currentRequest?: { method?: string; path?: string } };
}

export class AutocannonDriver {
  readonly onTick = new Emitter<LoadTick>();

  async run(opts: LoadOptions): Promise<LoadResult> {
    const overall = new LatencyHistogram();
    const window = new LatencyHistogram();
    const stageHist = new LatencyHistogram();
    const endpoints = new Map<string, EndpointAcc>();
    for (const r of opts.requests) {
      const key = endpointKey(r.method, r.path);
      if (!endpoints.has(key)) endpoints.set(key, { spec: r, hist: new LatencyHistogram(), responses: 0, errors: 0 });
    }
    const counts = { responses: 0, ok: 0, non2xx: 0, timeouts: 0, connection: 0 };
    let windowResponses = 0;
    let windowErrors = 0;
    let stageResponses = 0;
    let stageErrors = 0;
    const timeline: LoadResult['timeline'] = [];
    const stages: StageResult[] = [];
    const now = () => Date.now() - opts.clockStart;
    const loadStart = now();
    let lastTickAt = loadStart;
    const lastWindow = { responses: 0, seconds: 0 };
    let generatorTotal = 0;

    const flushWindow = () => {
      const t = now();
      const seconds = Math.max((t - lastTickAt) / 1000, 1e-3);
      lastTickAt = t;
      lastWindow.responses = windowResponses;
      lastWindow.seconds = seconds;
      const point = {
        t,
        rps: Math.round((windowResponses / seconds) * 10) / 10,
        p50: window.percentileMs(50),
        p95: window.percentileMs(95),
        p99: window.percentileMs(99),
        errors: windowErrors,
      };
      timeline.push(point);
      this.onTick.fire({ ...point, requestsTotal: counts.responses });
      window.reset();
      windowResponses = 0;
      windowErrors = 0;
    };
    const ticker = setInterval(flushWindow, 1000);

    const sequence = weightedSequence(opts.requests).map((r) => ({
      method: r.method,
      path: r.path,
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.body !== undefined ? { body: r.body } : {}),
    }));

    try {
      for (const stage of opts.stages) {
        if (opts.token.isCancelled()) break;
        const startT = now();
        stageHist.reset();
        stageResponses = 0;
        stageErrors = 0;
        const instance = autocannon(
          {
            url: opts.target,
            connections: stage.connections,
            duration: stage.durationSec,
            requests: sequence,
            timeout: opts.timeoutSec ?? 10,
            pipelining: 1,
          } as autocannon.Options,
          () => undefined,
        );
        // @types/autocannon types the listener's `client` too narrowly for the iterator we read.
        (instance as unknown as NodeJS.EventEmitter).on('response', (client: AutocannonClient, statusCode: number, _bytes: number, responseTime: number) => {
          const req = client.requestIterator?.currentRequest;
          const ep = req ? endpoints.get(endpointKey(req.method ?? 'GET', req.path ?? '/')) : undefined;
          counts.responses++;
          windowResponses++;
          stageResponses++;
          if (ep) ep.responses++;
          if (statusCode >= 200 && statusCode < 300) {
            counts.ok++;
            overall.recordMs(responseTime);
            window.recordMs(responseTime);
            stageHist.recordMs(responseTime);
            ep?.hist.recordMs(responseTime);
          } else {
            counts.non2xx++;
            windowErrors++;
            stageErrors++;
            if (ep) ep.errors++;
          }
        });
        instance.on('reqError', (err: Error) => {
          if (/timed out/.test(err.message)) counts.timeouts++;
          else counts.connection++;
          windowErrors++;
          stageErrors++;
        });
        const cancel = opts.token.onCancelled(() => instance.stop());
        const result = await new Promise<autocannon.Result>((resolve) => instance.on('done', resolve));
        cancel.dispose();
        generatorTotal += result.requests.total;
        const endT = now();
        stages.push({
          connections: stage.connections,
          startT,
          endT,
          requests: stageResponses,
          rps: round1(stageResponses / Math.max((endT - startT) / 1000, 1e-3)),
          latencyMs: stageHist.summary(),
          errors: stageErrors,
        });
      }
    } finally {
      clearInterval(ticker);
    }
    // A last fragment of a second is folded into the previous point, so the
    // timeline does not end on a rate computed over a few milliseconds.
    const tail = (now() - lastTickAt) / 1000;
    const prev = timeline[timeline.length - 1];
    if (prev && lastWindow.seconds > 0 && tail < 0.5) {
      prev.rps = round1((lastWindow.responses + windowResponses) / (lastWindow.seconds + tail));
      prev.errors += windowErrors;
    } else if (windowResponses || windowErrors) {
      flushWindow();
    }

    const durationMs = now() - loadStart;
    const errorsTotal = counts.non2xx + counts.timeouts + counts.connection;
    const attempts = counts.responses + counts.timeouts + counts.connection;
    const s = overall.summary();
    const seconds = Math.max(durationMs / 1000, 1e-3);
    return {
      engine: 'autocannon',
      durationMs,
      requests: { total: counts.responses, ok: counts.ok },
      throughputRps: { mean: round1(counts.responses / seconds) },
      latencyMs: { p50: s.p50, p90: s.p90, p95: s.p95, p99: s.p99, max: s.max, mean: s.mean },
      errors: {
        total: errorsTotal,
        rate: attempts ? Math.round((errorsTotal / attempts) * 1e6) / 1e6 : 0,
        non2xx: counts.non2xx,
        timeouts: counts.timeouts,
        connection: counts.connection,
      },
      endpoints: [...endpoints.values()].map((ep) => {
        const e = ep.hist.summary();
        return {
          method: ep.spec.method,
          path: ep.spec.path,
          requests: ep.responses,
          throughputRps: round1(ep.responses / seconds),
          latencyMs: { p50: e.p50, p95: e.p95, p99: e.p99, mean: e.mean, max: e.max },
          errorRate: ep.responses ? Math.round((ep.errors / ep.responses) * 1e6) / 1e6 : 0,
        };
      }),
      timeline,
      stages,
      generatorTotal,
      histogram: overall.encode(),
    };
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;
