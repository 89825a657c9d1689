// k6's results, in its two documented file formats:
//  - `k6 run --out json=FILE`: one JSON object a line, `{"type":"Metric",…}`
//    declaring a metric or `{"type":"Point","metric":"http_req_duration",
//    "data":{"time":"RFC 3339","value":ms,"tags":{"method","name","url",
//    "status","error_code",…}}}` for each sample. Every request's duration goes
//    into our histograms, so percentiles, the timeline and the per-endpoint
//    table are exact.
//  - `k6 run --summary-export=FILE` (and handleSummary's JSON): end-of-test
//    aggregates per metric, e.g. `http_req_duration: {avg, min, med, max,
//    "p(90)", "p(95)"}`, `http_reqs: {count, rate}`, `http_req_failed:
//    {passes, fails, value}` (for this rate metric a "pass" is a failed request).

import { HotpathError } from '../events';
import { LoadRecorder } from './loadRecorder';
import type { LoadResult } from './loadResult';
import { ratio, round1 } from './loadResult';

/** k6 error codes that mean the request timed out (1050: request timeout; 1211: dial timeout). */
const TIMEOUT_CODES = new Set(['1050', '1211']);

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The endpoint path of a sample: its `name` tag (the URL unless the script named the request) without origin and query. */
function pathOf(tags: Record<string, unknown>): string {
  const name = typeof tags.name === 'string' ? tags.name : typeof tags.url === 'string' ? tags.url : '/';
  try {
    return new URL(name).pathname;
  } catch {
    return name.replace(/\?.*$/, '') || '/';
  }
}

/**
 * Feeds k6 JSON output lines into a LoadRecorder. Lines may arrive in pieces
 * (a file being written): a partial last line is kept until the rest comes.
 */
export class K6PointReader {
  private rest = '';
  firstT: number | null = null;
  lastT: number | null = null;
  /** Requests k6 itself counted (http_reqs points). */
  httpReqs = 0;
  malformed = 0;

  constructor(private readonly rec: LoadRecorder) {}

  push(chunk: string): void {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): void {
    if (this.rest.trim()) this.line(this.rest);
    this.rest = '';
  }

  private line(line: string): void {
    if (!line.trim()) return;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      this.malformed++;
      return;
    }
    if (!isObj(o) || o.type !== 'Point' || !isObj(o.data)) return;
    const data = o.data;
    if (o.metric === 'http_reqs') {
      this.httpReqs += typeof data.value === 'number' ? data.value : 1;
      return;
    }
    if (o.metric !== 'http_req_duration') return;
    const time = typeof data.time === 'string' ? Date.parse(data.time) : NaN;
    const value = typeof data.value === 'number' ? data.value : NaN;
    if (!Number.isFinite(time) || !Number.isFinite(value)) {
      this.malformed++;
      return;
    }
    const t = time - this.rec.clockStart;
    this.firstT = this.firstT === null ? t - value : Math.min(this.firstT, t - value);
    this.lastT = this.lastT === null ? t : Math.max(this.lastT, t);
    const tags = isObj(data.tags) ? data.tags : {};
    const method = typeof tags.method === 'string' ? tags.method : 'GET';
    const p = pathOf(tags);
    const status = Number(tags.status ?? 0);
    if (status > 0) this.rec.response(t, method, p, status, value);
    else this.rec.error(t, TIMEOUT_CODES.has(String(tags.error_code ?? '')) ? 'timeout' : 'connection', method, p);
  }
}

/** `load` from a k6 JSON output file's text; `clockStart` places it on the run clock (default: its first sample). */
export function importK6Points(text: string, opts: { clockStart?: number; scenarioFile: string; files: string[] }): LoadResult {
  let clockStart = opts.clockStart;
  if (clockStart === undefined) {
    const m = /"type":"Point".*?"time":"([^"]+)"/.exec(text);
    clockStart = m ? Date.parse(m[1]) - 1000 : 0;
  }
  // The first window starts at the first sample, which is only known once read: read, then replay.
  const probe = new LoadRecorder([], clockStart, 0);
  const scan = new K6PointReader(probe);
  scan.push(text);
  scan.end();
  const start = Math.max(0, Math.floor(scan.firstT ?? 0));
  const rec = new LoadRecorder([], clockStart, start);
  const reader = new K6PointReader(rec);
  reader.push(text);
  reader.end();
  if (reader.lastT === null) {
    throw new HotpathError(`The k6 output holds no http_req_duration points: check that it is what \`k6 run --out json=FILE\` wrote and that the script made HTTP requests.`);
  }
  return finishK6(rec, reader, opts);
}

export function finishK6(rec: LoadRecorder, reader: K6PointReader, opts: { scenarioFile: string; files: string[] }): LoadResult {
  const endT = Math.max(rec.loadStartT, reader.lastT ?? rec.loadStartT);
  const r = rec.finish('k6', endT);
  return {
    ...r,
    latencyCorrected: false,
    stages: [],
    external: { tool: 'k6', scenarioFile: opts.scenarioFile, files: opts.files },
    generatorTotal: reader.httpReqs,
  };
}

function metricValues(metrics: Record<string, unknown>, name: string): Record<string, number> | null {
  const m = metrics[name];
  if (!isObj(m)) return null;
  // --summary-export writes the values flat; handleSummary's data nests them under "values".
  const values = isObj(m.values) ? m.values : m;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'number') out[k] = v;
  return out;
}

/** `load` from k6's end-of-test summary (no timeline or per-endpoint table: the summary holds neither). */
export function importK6Summary(raw: unknown, opts: { file: string; scenarioFile: string; files: string[] }): LoadResult {
  if (!isObj(raw) || !isObj(raw.metrics)) {
    throw new HotpathError(`${opts.file} is not a k6 summary: expected an object with "metrics" (what \`k6 run --summary-export=FILE\` or handleSummary writes).`);
  }
  const metrics = raw.metrics;
  const d = metricValues(metrics, 'http_req_duration{expected_response:true}') ?? metricValues(metrics, 'http_req_duration');
  const reqs = metricValues(metrics, 'http_reqs');
  if (!d || !reqs) throw new HotpathError(`${opts.file} has no http_req_duration or http_reqs metric: the script made no HTTP requests, or this is not a k6 summary.`);
  const total = reqs.count ?? 0;
  const rate = reqs.rate ?? 0;
  const failed = metricValues(metrics, 'http_req_failed');
  // For k6's rate metrics "passes" counts the non-zero values: here, the failed requests.
  const failures = failed ? (failed.passes ?? Math.round((failed.value ?? failed.rate ?? 0) * total)) : 0;
  const durationMs = rate > 0 ? Math.round((total / rate) * 1000) : 0;
  const state = isObj(raw.state) && typeof raw.state.testRunDurationMs === 'number' ? raw.state.testRunDurationMs : null;
  return {
    engine: 'k6',
    durationMs: state ?? durationMs,
    requests: { total, ok: total - failures },
    throughputRps: { mean: round1(rate) },
    latencyMs: { p50: d.med ?? 0, p90: d['p(90)'] ?? 0, p95: d['p(95)'] ?? 0, p99: d['p(99)'] ?? 0, max: d.max ?? 0, mean: d.avg ?? 0 },
    latencyCorrected: false,
    // The summary does not say why requests failed: they are counted, not split.
    errors: { total: failures, rate: ratio(failures, total), non2xx: 0, timeouts: 0, connection: 0, unclassified: failures },
    endpoints: [],
    timeline: [],
    stages: [],
    external: { tool: 'k6', scenarioFile: opts.scenarioFile, files: opts.files },
    generatorTotal: total,
    histogram: null,
  };
}
