// Importers for the external engines' files. Artillery's are real: a report
// and console output from `artillery run` 2.0.34 against the echo service
// (test/fixtures/load/artillery-scenario.yml). k6's are written in k6's
// documented formats (`--out json` lines, `--summary-export`, handleSummary's
// data): k6 is not installable on the machines these tests were written on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import {
  ArtilleryConsoleParser,
  artilleryMethods,
  importArtilleryReport,
  parseArtilleryReport,
} from '../../../src/engine/load/artilleryReport';
import { importK6Points, importK6Summary, K6PointReader } from '../../../src/engine/load/k6Import';
import { LoadRecorder } from '../../../src/engine/load/loadRecorder';
import { loadFixture } from './loadHarness';

const read = (name: string) => fs.readFileSync(loadFixture(name), 'utf8');

test('Artillery JSON report: totals, latency of 2xx, errors split, endpoints with methods, windows on the run clock', () => {
  const raw = JSON.parse(read('artillery-report.json'));
  const report = parseArtilleryReport(raw, 'report.json');
  const clockStart = raw.aggregate.firstMetricAt - 2000; // the load began 2 s into the run
  const load = importArtilleryReport(report, {
    clockStart,
    methods: artilleryMethods(read('artillery-scenario.yml')),
    scenarioFile: 'artillery-scenario.yml',
    files: ['artillery-report.json'],
  });
  const c = raw.aggregate.counters;
  assert.equal(load.engine, 'artillery');
  assert.deepEqual(load.requests, { total: c['http.responses'], ok: c['http.codes.200'] + c['http.codes.201'] });
  assert.deepEqual(load.errors, { total: c['http.codes.404'], rate: Math.round((c['http.codes.404'] / c['http.responses']) * 1e6) / 1e6, non2xx: c['http.codes.404'], timeouts: 0, connection: 0 });
  const s2xx = raw.aggregate.summaries['http.response_time.2xx'];
  assert.deepEqual(load.latencyMs, { p50: s2xx.median, p90: s2xx.p90, p95: s2xx.p95, p99: s2xx.p99, max: s2xx.max, mean: s2xx.mean });
  assert.equal(load.durationMs, raw.aggregate.lastMetricAt - raw.aggregate.firstMetricAt);
  assert.deepEqual(
    load.endpoints.map((e) => `${e.method} ${e.path} ${e.requests} ${e.errorRate}`).sort(),
    ['GET /items 160 0', 'GET /missing 160 1', 'POST /orders 160 0'],
  );
  const orders = load.endpoints.find((e) => e.path === '/orders')!;
  assert.equal(orders.latencyMs.p95, raw.aggregate.summaries['plugins.metrics-by-endpoint.response_time./orders'].p95);
  assert.equal(load.timeline.length, raw.intermediate.length);
  assert.deepEqual(load.timeline.map((p) => p.t), raw.intermediate.map((b: { lastMetricAt: number }) => b.lastMetricAt - clockStart));
  assert.equal(load.timeline.reduce((s, p) => s + p.non2xx, 0), c['http.codes.404']);
  assert.ok(load.timeline.every((p) => p.rps > 0 && p.p95 > 0));
  assert.equal(load.stages[0].startT, 2000, 'the load span sits on the run clock');
  assert.deepEqual(load.external, { tool: 'artillery', scenarioFile: 'artillery-scenario.yml', files: ['artillery-report.json'] });
  assert.equal(load.histogram, null, 'Artillery gives no raw samples');
});

test('Artillery report: errors.* counters are timeouts or connection errors; a non-report is refused in one sentence', () => {
  const report = parseArtilleryReport(
    {
      aggregate: {
        counters: { 'http.responses': 90, 'http.codes.200': 90, 'errors.ETIMEDOUT': 4, 'errors.ESOCKETTIMEDOUT': 1, 'errors.ECONNREFUSED': 5 },
        summaries: { 'http.response_time': { median: 3, p95: 9, p99: 12, max: 20, mean: 4 } },
        firstMetricAt: 1000,
        lastMetricAt: 11000,
      },
      intermediate: [],
    },
    'r.json',
  );
  const load = importArtilleryReport(report, { clockStart: 0, scenarioFile: 's.yml', files: [] });
  assert.deepEqual(load.errors, { total: 10, rate: 0.1, non2xx: 0, timeouts: 5, connection: 5 });
  assert.equal(load.latencyMs.p95, 9, 'without a 2xx split, the overall response time');
  assert.equal(load.throughputRps.mean, 9);
  assert.throws(() => parseArtilleryReport({ hello: 1 }, 'x.json'), /^HotpathError: x\.json is not an Artillery JSON report: expected an object with "aggregate"/);
});

test('Artillery console output: every "Metrics for period" block, and nothing from the final summary', () => {
  const text = read('artillery-stdout.txt');
  const raw = JSON.parse(read('artillery-report.json'));
  const parser = new ArtilleryConsoleParser();
  const blocks = [];
  // Fed in awkward pieces, as a pipe delivers it.
  for (let i = 0; i < text.length; i += 97) blocks.push(...parser.push(text.slice(i, i + 97)));
  const last = parser.flush();
  if (last) blocks.push(last);
  assert.equal(blocks.length, raw.intermediate.length);
  for (const [i, b] of blocks.entries()) {
    assert.equal(b.counters['http.responses'], raw.intermediate[i].counters['http.responses'], `block ${i}`);
    assert.equal(b.summaries['http.response_time.2xx'].p95, raw.intermediate[i].summaries['http.response_time.2xx'].p95);
    assert.ok(b.widthSec! > 0 && b.widthSec! <= 10);
    assert.ok(b.rates!['http.request_rate'] > 0);
  }
});

test('methods per path from an Artillery scenario, YAML or JSON', () => {
  assert.deepEqual([...artilleryMethods(read('artillery-scenario.yml'))], [['/items', 'GET'], ['/orders', 'POST'], ['/missing', 'GET']]);
  const json = JSON.stringify({ scenarios: [{ flow: [{ get: { url: '/a?x=1' } }, { put: { url: '/a' } }] }] });
  assert.deepEqual([...artilleryMethods(json)], [['/a', 'GET|PUT']]);
});

test('k6 JSON output: each request into the histograms, failures split by k6 error code, endpoints by name tag', () => {
  const text = read('k6-points.json');
  const first = Date.parse('2024-05-09T14:34:45.000+02:00');
  const load = importK6Points(text, { clockStart: first - 3000, scenarioFile: 'script.js', files: [] });
  assert.equal(load.engine, 'k6');
  assert.deepEqual(load.requests, { total: 28, ok: 27 }, '30 requests, 2 without a response');
  assert.deepEqual(load.errors, { total: 3, rate: 0.1, non2xx: 1, timeouts: 1, connection: 1 });
  assert.ok(Math.abs(load.latencyMs.p50 - 14) < 0.05, `p50 ${load.latencyMs.p50}`);
  assert.ok(Math.abs(load.latencyMs.max - 40) < 0.05, 'a timed-out request has no latency');
  assert.deepEqual(
    load.endpoints.map((e) => `${e.method} ${e.path} ${e.requests}`),
    ['GET /items 22', 'POST /orders 6'],
    'query strings do not split endpoints; the name tag keeps them together',
  );
  assert.equal(load.endpoints[0].errorRate, 0.125, '3 failures among the 24 /items attempts (22 answered)');
  assert.equal(load.timeline.length, 3);
  assert.deepEqual(load.timeline.map((p) => p.rps), [10, 9, 9.9], 'the last point covers the 0.91 s up to the last sample');
  assert.deepEqual(load.timeline.map((p) => [p.non2xx, p.timeouts, p.connection]), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assert.ok(load.timeline[0].t > 3000 && load.timeline[0].t < 4100, `first point on the run clock: ${load.timeline[0].t}`);
  assert.equal(load.generatorTotal, 30, "k6's own http_reqs count");
  assert.ok(load.histogram, 'raw latencies kept');
});

test('k6 JSON output read while it is written: partial lines wait for the rest', () => {
  const text = read('k6-points.json');
  const rec = new LoadRecorder([], Date.parse('2024-05-09T14:34:45.000+02:00'), 0);
  const reader = new K6PointReader(rec);
  for (let i = 0; i < text.length; i += 50) reader.push(text.slice(i, i + 50));
  reader.end();
  assert.equal(reader.malformed, 0);
  assert.equal(reader.httpReqs, 30);
  assert.equal(rec.finish('k6', reader.lastT!).requests.total, 28);
});

test("k6 JSON output as k6 writes it today (metric first, metadata) and mixed into a runner's log", () => {
  const log = [
    '',
    '         /\\      Grafana   /‾‾/',
    'execution: local',
    '{"metric":"http_req_duration","type":"Point","data":{"time":"2025-03-01T10:00:00.5Z","value":12.5,"tags":{"method":"GET","name":"http://127.0.0.1:3000/items","status":"200"},"metadata":{"trace_id":"abc"}}}',
    'running (00m01.0s), 1/1 VUs, 1 complete and 0 interrupted iterations',
    '{"metric":"http_req_duration","type":"Point","data":{"time":"2025-03-01T10:00:00.9Z","value":7.5,"tags":{"method":"GET","name":"http://127.0.0.1:3000/items","status":"500"}}}',
  ].join('\n');
  const load = importK6Points(log, { scenarioFile: 'script.js', files: [] });
  assert.deepEqual(load.requests, { total: 2, ok: 1 });
  assert.equal(load.errors.non2xx, 1);
  assert.ok(Math.abs(load.latencyMs.p50 - 12.5) < 0.05);
});

test('k6 summary: --summary-export and handleSummary data', () => {
  const legacy = importK6Summary(JSON.parse(read('k6-summary-export.json')), { file: 'k6-summary-export.json', scenarioFile: 'script.js', files: [] });
  assert.deepEqual(legacy.requests, { total: 30, ok: 27 });
  assert.deepEqual(legacy.errors, { total: 3, rate: 0.1, non2xx: 0, timeouts: 0, connection: 0, unclassified: 3 });
  assert.deepEqual(legacy.latencyMs, { p50: 14, p90: 40, p95: 40, p99: 40, max: 40, mean: 19 }, 'successful requests when k6 split them out');
  assert.equal(legacy.throughputRps.mean, 10);
  assert.equal(legacy.durationMs, 3005);

  const handle = importK6Summary(JSON.parse(read('k6-handle-summary.json')), { file: 'k6-handle-summary.json', scenarioFile: 'script.js', files: [] });
  assert.deepEqual(handle.requests, { total: 30, ok: 27 });
  assert.equal(handle.latencyMs.p95, 40);
  assert.equal(handle.latencyMs.p99, 0, 'not in the default trend stats');
  assert.equal(handle.durationMs, 3005.2);

  assert.throws(() => importK6Summary({ root_group: {} }, { file: 's.json', scenarioFile: 'x', files: [] }), /^HotpathError: s\.json is not a k6 summary/);
  assert.throws(() => importK6Points('{"type":"Metric"}\n', { scenarioFile: 'x', files: [] }), /no http_req_duration points/);
});
