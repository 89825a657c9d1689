// Artillery's results, read two ways:
//  - its JSON report (`artillery run --output report.json`): `{aggregate,
//    intermediate[]}`, each block with `counters`, `rates`, `summaries`
//    (min/max/mean/median/p95/p99… per metric) and `period` (the start of a
//    10-second window aligned to the wall clock, ms since the epoch);
//  - its console output while it runs: one "Metrics for period to: …" block per
//    window, streamed to subscribers as it appears.
// Per-endpoint figures come from Artillery's built-in metrics-by-endpoint
// plugin (`plugins.metrics-by-endpoint.…`), which Artillery enables by default.

import { HotpathError } from '../events';
import type { EndpointResult, LoadResult, TimelinePoint } from './loadResult';
import { ratio, round1 } from './loadResult';

export interface ArtillerySummary {
  min?: number;
  max?: number;
  mean?: number;
  median?: number;
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  count?: number;
}

export interface ArtilleryBlock {
  period?: number | string;
  firstMetricAt?: number;
  lastMetricAt?: number;
  counters: Record<string, number>;
  rates?: Record<string, number>;
  summaries: Record<string, ArtillerySummary>;
  /** Console blocks only: the window's width in seconds as Artillery printed it. */
  widthSec?: number;
}

export interface ArtilleryReport {
  aggregate: ArtilleryBlock;
  intermediate: ArtilleryBlock[];
}

const BY_ENDPOINT = 'plugins.metrics-by-endpoint.';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function block(x: unknown): ArtilleryBlock | null {
  if (!isObj(x) || !isObj(x.counters)) return null;
  return {
    period: typeof x.period === 'number' || typeof x.period === 'string' ? x.period : undefined,
    firstMetricAt: typeof x.firstMetricAt === 'number' ? x.firstMetricAt : undefined,
    lastMetricAt: typeof x.lastMetricAt === 'number' ? x.lastMetricAt : undefined,
    counters: x.counters as Record<string, number>,
    rates: isObj(x.rates) ? (x.rates as Record<string, number>) : undefined,
    summaries: isObj(x.summaries) ? (x.summaries as Record<string, ArtillerySummary>) : {},
  };
}

/** Validates the shape of an Artillery JSON report; `file` names it in the error. */
export function parseArtilleryReport(raw: unknown, file: string): ArtilleryReport {
  const aggregate = isObj(raw) ? block(raw.aggregate) : null;
  if (!isObj(raw) || !aggregate) {
    throw new HotpathError(`${file} is not an Artillery JSON report: expected an object with "aggregate" and "intermediate" (what \`artillery run --output FILE\` writes).`);
  }
  const intermediate = Array.isArray(raw.intermediate) ? raw.intermediate.map(block).filter((b): b is ArtilleryBlock => b !== null) : [];
  return { aggregate, intermediate };
}

/** Artillery's error counters (`errors.ETIMEDOUT`, …) split into timeouts and connection errors. */
function errorCounts(counters: Record<string, number>, prefix = 'errors.'): { timeouts: number; connection: number } {
  let timeouts = 0;
  let connection = 0;
  for (const [key, n] of Object.entries(counters)) {
    if (!key.startsWith(prefix) || typeof n !== 'number') continue;
    if (/TIMEDOUT|timeout/i.test(key.slice(prefix.length))) timeouts += n;
    else connection += n;
  }
  return { timeouts, connection };
}

function codeCounts(counters: Record<string, number>, prefix = 'http.codes.'): { responses: number; ok: number; non2xx: number } {
  let ok = 0;
  let non2xx = 0;
  for (const [key, n] of Object.entries(counters)) {
    if (!key.startsWith(prefix) || typeof n !== 'number') continue;
    const code = Number(key.slice(prefix.length));
    if (code >= 200 && code < 300) ok += n;
    else non2xx += n;
  }
  return { responses: ok + non2xx, ok, non2xx };
}

const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);

/** The latency summary of successful responses when Artillery split it out, else of all responses. */
function latency(b: ArtilleryBlock): ArtillerySummary {
  return b.summaries['http.response_time.2xx'] ?? b.summaries['http.response_time'] ?? {};
}

/** Window width in seconds: Artillery's own (first to last metric), else its 10-second period. */
function widthSec(b: ArtilleryBlock): number {
  if (b.widthSec) return b.widthSec;
  if (b.firstMetricAt && b.lastMetricAt && b.lastMetricAt > b.firstMetricAt) return (b.lastMetricAt - b.firstMetricAt) / 1000;
  return 10;
}

/** One timeline point from one window. `t` is the window's end on the run clock. */
export function blockToPoint(b: ArtilleryBlock, t: number): TimelinePoint {
  const codes = codeCounts(b.counters);
  const errs = errorCounts(b.counters);
  const responses = num(b.counters['http.responses']) || codes.responses;
  const lat = latency(b);
  return {
    t,
    rps: round1(responses / widthSec(b)),
    p50: num(lat.median ?? lat.p50),
    p95: num(lat.p95),
    p99: num(lat.p99),
    errors: codes.non2xx + errs.timeouts + errs.connection,
    non2xx: codes.non2xx,
    timeouts: errs.timeouts,
    connection: errs.connection,
  };
}

/** The end of a report window on the run clock. */
function blockEndT(b: ArtilleryBlock, clockStart: number): number {
  const end = b.lastMetricAt ?? (b.period !== undefined ? Number(b.period) + 10_000 : clockStart);
  return Math.max(0, end - clockStart);
}

/**
 * Methods per URL path, read from the scenario file's flow steps
 * (`- get: { url: "/x" }` in YAML or JSON): Artillery's per-endpoint metrics
 * name the path only.
 */
export function artilleryMethods(text: string): Map<string, string> {
  const out = new Map<string, Set<string>>();
  const re = /\b(get|post|put|patch|delete|head|options)["']?\s*:\s*\{?\s*(?:\n\s*)?["']?url["']?\s*:\s*["']?([^"'\s,}]+)/gi;
  for (const m of text.matchAll(re)) {
    const p = m[2].replace(/\?.*$/, '');
    if (!out.has(p)) out.set(p, new Set());
    out.get(p)!.add(m[1].toUpperCase());
  }
  return new Map([...out].map(([p, set]) => [p, [...set].join('|')]));
}

/** `load` from an Artillery JSON report. `clockStart` places its windows on the run clock. */
export function importArtilleryReport(
  report: ArtilleryReport,
  opts: { clockStart: number; methods?: Map<string, string>; scenarioFile: string; files: string[] },
): LoadResult {
  const a = report.aggregate;
  const codes = codeCounts(a.counters);
  const errs = errorCounts(a.counters);
  const responses = num(a.counters['http.responses']) || codes.responses;
  const durationMs = a.firstMetricAt && a.lastMetricAt ? a.lastMetricAt - a.firstMetricAt : report.intermediate.length * 10_000;
  const seconds = Math.max(durationMs / 1000, 1e-3);
  const lat = latency(a);
  const errorsTotal = codes.non2xx + errs.timeouts + errs.connection;

  const endpoints: EndpointResult[] = [];
  for (const [key, s] of Object.entries(a.summaries)) {
    if (!key.startsWith(`${BY_ENDPOINT}response_time.`)) continue;
    const name = key.slice(`${BY_ENDPOINT}response_time.`.length);
    const epCodes = codeCounts(a.counters, `${BY_ENDPOINT}${name}.codes.`);
    const epErrs = errorCounts(a.counters, `${BY_ENDPOINT}${name}.errors.`);
    const requests = epCodes.responses || num(s.count);
    endpoints.push({
      method: opts.methods?.get(name) ?? 'ANY',
      path: name,
      requests,
      throughputRps: round1(requests / seconds),
      latencyMs: { p50: num(s.median ?? s.p50), p95: num(s.p95), p99: num(s.p99), mean: num(s.mean), max: num(s.max) },
      errorRate: ratio(epCodes.non2xx + epErrs.timeouts + epErrs.connection, requests + epErrs.timeouts + epErrs.connection),
    });
  }
  endpoints.sort((x, y) => y.requests - x.requests);

  const timeline = report.intermediate
    .map((b) => blockToPoint(b, blockEndT(b, opts.clockStart)))
    .sort((x, y) => x.t - y.t);
  const startT = a.firstMetricAt ? Math.max(0, a.firstMetricAt - opts.clockStart) : 0;
  const endT = a.lastMetricAt ? Math.max(0, a.lastMetricAt - opts.clockStart) : startT + durationMs;

  return {
    engine: 'artillery',
    durationMs,
    requests: { total: responses, ok: codes.ok },
    throughputRps: { mean: round1(responses / seconds) },
    latencyMs: { p50: num(lat.median ?? lat.p50), p90: num(lat.p90), p95: num(lat.p95), p99: num(lat.p99), max: num(lat.max), mean: num(lat.mean) },
    latencyCorrected: false,
    errors: {
      total: errorsTotal,
      rate: ratio(errorsTotal, responses + errs.timeouts + errs.connection),
      non2xx: codes.non2xx,
      timeouts: errs.timeouts,
      connection: errs.connection,
    },
    endpoints,
    timeline,
    stages: [
      {
        label: 'artillery',
        kind: 'stage',
        connections: num(a.counters['vusers.created']),
        startT,
        endT,
        measuredFromT: startT,
        requests: responses,
        rps: round1(responses / seconds),
        latencyMs: {
          p50: num(lat.median ?? lat.p50),
          p90: num(lat.p90),
          p95: num(lat.p95),
          p99: num(lat.p99),
          max: num(lat.max),
          mean: num(lat.mean),
          count: num(lat.count),
        },
        errors: errorsTotal,
        errorRate: ratio(errorsTotal, responses + errs.timeouts + errs.connection),
        cpuPct: null,
      },
    ],
    external: { tool: 'artillery', scenarioFile: opts.scenarioFile, files: opts.files },
    generatorTotal: num(a.counters['http.requests']),
    histogram: null,
  };
}

/**
 * Reads Artillery's console output as it comes and yields each completed
 * "Metrics for period to: …" block. A block is complete when the next block or
 * another message starts, or when `flush()` is called (the output paused).
 */
export class ArtilleryConsoleParser {
  private buffer = '';
  private current: ArtilleryBlock | null = null;
  private summaryName: string | null = null;

  /** Feeds output; returns the blocks it completed. */
  push(chunk: string): ArtilleryBlock[] {
    this.buffer += chunk;
    const out: ArtilleryBlock[] = [];
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      const done = this.line(line);
      if (done) out.push(done);
    }
    return out;
  }

  /** Completes the block being read, if it has any metric. */
  flush(): ArtilleryBlock | null {
    const b = this.current;
    this.current = null;
    this.summaryName = null;
    return b && (Object.keys(b.counters).length || Object.keys(b.summaries).length) ? b : null;
  }

  private line(line: string): ArtilleryBlock | null {
    const header = /^Metrics for period to: .*?\(width: ([\d.]+)s\)/.exec(line);
    if (header) {
      const done = this.flush();
      this.current = { counters: {}, summaries: {}, widthSec: Number(header[1]) };
      return done;
    }
    if (!this.current || line.trim() === '' || /^-+$/.test(line)) return null;
    const stat = /^\s+(\w+): \.+ ([\d.]+)$/.exec(line);
    if (stat && this.summaryName) {
      (this.current.summaries[this.summaryName] as Record<string, number>)[stat[1]] = Number(stat[2]);
      return null;
    }
    const counter = /^(\S.*?): \.+ ([\d.]+)(\/sec)?$/.exec(line);
    if (counter) {
      this.summaryName = null;
      if (counter[3]) (this.current.rates ??= {})[counter[1]] = Number(counter[2]);
      else this.current.counters[counter[1]] = Number(counter[2]);
      return null;
    }
    const summary = /^(\S.*):$/.exec(line);
    if (summary) {
      this.summaryName = summary[1];
      this.current.summaries[this.summaryName] = {};
      return null;
    }
    // Any other message ends the block.
    return this.flush();
  }
}
