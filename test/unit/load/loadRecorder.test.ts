// LoadRecorder: one-second windows on the run clock, errors split by kind,
// spans, endpoints, and the last fragment folded into the timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadRecorder } from '../../../src/engine/load/loadRecorder';
import type { LoadTickDetail } from '../../../src/engine/load/loadResult';
import { LatencyHistogram } from '../../../src/engine/load/latencyHistogram';
import * as hdr from 'hdr-histogram-js';

const mix = [
  { method: 'GET', path: '/a', weight: 1 },
  { method: 'POST', path: '/b', weight: 1 },
];

test('windows are published in order with errors split, empty seconds included', () => {
  const rec = new LoadRecorder(mix, 0, 1000); // run clock = epoch ms; load starts at t = 1000
  const ticks: LoadTickDetail[] = [];
  rec.onTick.event((t) => ticks.push(t));
  rec.stage = 'stage 1';
  for (let i = 0; i < 10; i++) rec.response(1000 + i * 90, 'GET', '/a', 200, 1 + i); // 1..10 ms in the first second
  rec.response(1500, 'POST', '/b', 503, 2);
  rec.error(1600, 'timeout', 'POST', '/b');
  rec.error(1700, 'connection');
  rec.publishUpTo(2500);
  // nothing in the second second; two responses in the third
  rec.response(3100, 'GET', '/a', 200, 20);
  rec.response(3200, 'GET', '/a', 200, 30);
  rec.publishUpTo(4000);
  assert.equal(ticks.length, 3);
  assert.deepEqual(ticks.map((t) => t.t), [2000, 3000, 4000], 'each point is stamped with the end of its second');
  assert.deepEqual(
    { rps: ticks[0].rps, errors: ticks[0].errors, non2xx: ticks[0].non2xx, timeouts: ticks[0].timeouts, connection: ticks[0].connection, total: ticks[0].requestsTotal, stage: ticks[0].stage },
    { rps: 11, errors: 3, non2xx: 1, timeouts: 1, connection: 1, total: 11, stage: 'stage 1' },
  );
  assert.ok(Math.abs(ticks[0].p50 - 5) < 0.01 && Math.abs(ticks[0].p95 - 10) < 0.02, `latency of 2xx only: ${ticks[0].p50}/${ticks[0].p95}`);
  assert.deepEqual([ticks[1].rps, ticks[1].p95, ticks[1].errors], [0, 0, 0], 'a silent second is a zero point, not a gap');
  assert.equal(ticks[2].rps, 2);
  rec.publishUpTo(4000);
  assert.equal(ticks.length, 3, 'a window is published once');
});

test('finish: totals, error rate over attempts, per-endpoint figures and the tail folded into the last point', () => {
  const rec = new LoadRecorder(mix, 0, 0);
  for (let i = 0; i < 100; i++) rec.response(i * 10, 'GET', '/a', 200, 2);
  for (let i = 0; i < 10; i++) rec.response(i * 100 + 5, 'POST', '/b', i < 2 ? 500 : 201, 4);
  rec.error(999, 'timeout', 'POST', '/b');
  rec.response(1100, 'GET', '/a', 200, 2); // 0.2 s past the last full second
  const r = rec.finish('autocannon', 1200);
  assert.equal(r.durationMs, 1200);
  assert.deepEqual(r.requests, { total: 111, ok: 109 });
  assert.deepEqual(r.errors, { total: 3, rate: Math.round((3 / 112) * 1e6) / 1e6, non2xx: 2, timeouts: 1, connection: 0 });
  assert.equal(r.timeline.length, 1, 'the 0.2 s fragment joins the previous point');
  assert.equal(r.timeline[0].rps, 92.5, '(110 + 1) responses over 1.2 s');
  const b = r.endpoints.find((e) => e.path === '/b')!;
  assert.equal(b.method, 'POST');
  assert.equal(b.requests, 10);
  assert.equal(b.errorRate, Math.round((3 / 11) * 1e6) / 1e6, 'non-2xx and timeouts over attempts');
  assert.ok(r.histogram && r.histogram.length > 10, 'the 2xx latencies are kept as an HDR histogram');
});

test('a fragment of half a second or more becomes its own point with its own rate', () => {
  const rec = new LoadRecorder([], 0, 0);
  for (let i = 0; i < 10; i++) rec.response(i * 100, 'GET', '/', 200, 1);
  for (let i = 0; i < 4; i++) rec.response(1000 + i * 100, 'GET', '/', 200, 1);
  const r = rec.finish('autocannon', 1800);
  assert.deepEqual(r.timeline.map((p) => [p.t, p.rps]), [[1000, 10], [1800, 5]]);
});

test('spans count only what happens inside them, and keep samples when asked', () => {
  const rec = new LoadRecorder([], 0, 0);
  const early = rec.openSpan('early', { fromT: 0 });
  const late = rec.openSpan('late', { fromT: 500, keepSamples: true });
  rec.response(100, 'GET', '/', 200, 1);
  rec.response(600, 'GET', '/', 200, 9);
  rec.error(700, 'connection');
  rec.closeSpan(early, 800);
  rec.response(900, 'GET', '/', 404, 3);
  rec.closeSpan(late, 1000);
  rec.response(1100, 'GET', '/', 200, 1);
  assert.deepEqual(early.counts, { responses: 2, ok: 2, non2xx: 0, timeouts: 0, connection: 1 });
  assert.deepEqual(late.counts, { responses: 2, ok: 1, non2xx: 1, timeouts: 0, connection: 1 });
  assert.deepEqual(late.samples, [600, 9], 'samples hold 2xx responses as t, latency');
  assert.equal(late.rps(), 4, '2 responses over 0.5 s');
  assert.equal(late.errorRate, Math.round((2 / 3) * 1e6) / 1e6);
});

test('imported samples may come out of order within the open windows', () => {
  const rec = new LoadRecorder([], 0, 0);
  rec.response(1500, 'GET', '/', 200, 1);
  rec.response(200, 'GET', '/', 200, 1);
  rec.publishUpTo(1000);
  rec.response(300, 'GET', '/', 200, 1); // too late for its window: counted in the totals only
  const r = rec.finish('k6', 2000);
  assert.deepEqual(r.timeline.map((p) => p.rps), [1, 1]);
  assert.equal(r.requests.total, 3);
});

// The live path records each response once into a per-part, per-endpoint
// histogram and merges at cuts; every figure must equal per-response recording.
test('liveResponse gives the same timeline, endpoints, spans and histogram as response()', () => {
  const mix3 = [...mix, { method: 'get', path: '/c', weight: 2 }];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const direct = new LoadRecorder(mix3, 0, 500);
  const live = new LoadRecorder(mix3, 0, 500);
  const ticks: [LoadTickDetail[], LoadTickDetail[]] = [[], []];
  direct.onTick.event((t) => ticks[0].push(t));
  live.onTick.event((t) => ticks[1].push(t));
  const eps = mix3.map((r) => live.liveEndpoint(r.method, r.path));
  const spans: Array<[ReturnType<LoadRecorder['openSpan']>, ReturnType<LoadRecorder['openSpan']>]> = [];
  const closed: typeof spans = [];
  const both = (f: (r: LoadRecorder, i: number) => void) => [direct, live].forEach(f);
  let t = 500;
  for (let n = 0; n < 20000; n++) {
    t += rand() * 0.6; // about 3,300 responses a second for 6 s
    const e = Math.floor(rand() * 3);
    const u = rand();
    const status = u < 0.9 ? 200 : u < 0.95 ? 201 : u < 0.98 ? 503 : 404;
    const latencyMs = Math.round((0.05 + rand() ** 3 * 80) * 1000) / 1000;
    direct.response(t, mix3[e].method, mix3[e].path, status, latencyMs);
    live.liveResponse(t, eps[e], status, latencyMs);
    if (n % 997 === 0) both((r) => r.error(t, n % 2 ? 'timeout' : 'connection', mix3[e].method, mix3[e].path));
    if (n % 2500 === 100) {
      // a span that opens now, one that starts a little later (settling) and keeps samples
      const a = direct.openSpan(`s${n}`, { fromT: t });
      const b = live.openSpan(`s${n}`, { fromT: t });
      spans.push([a, b]);
      const from = t + 150 + rand() * 900;
      spans.push([direct.openSpan(`settled ${n}`, { fromT: from, keepSamples: true }), live.openSpan(`settled ${n}`, { fromT: from, keepSamples: true })]);
    }
    if (n % 3100 === 3000 && spans.length) {
      const [a, b] = spans.shift()!;
      direct.closeSpan(a, t);
      live.closeSpan(b, t);
      closed.push([a, b]);
    }
    if (n % 1400 === 0) both((r) => r.publishUpTo(t));
  }
  for (const [a, b] of spans) {
    direct.closeSpan(a, t);
    live.closeSpan(b, t);
    closed.push([a, b]);
  }
  const [rd, rl] = [direct.finish('autocannon', t + 10), live.finish('autocannon', t + 10)];
  assert.ok(rd.timeline.length >= 6 && rd.requests.total > 19000);
  assert.deepEqual(rl, rd);
  assert.deepEqual(ticks[1], ticks[0]);
  assert.ok(closed.length >= 6 && closed.some(([a]) => a.samples !== null && a.samples.length > 100));
  for (const [a, b] of closed) {
    assert.deepEqual(b.counts, a.counts, a.label);
    assert.deepEqual(b.hist.summary(), a.hist.summary(), a.label);
    assert.deepEqual(b.samples, a.samples, a.label);
    if (a.fromT < t - 100) assert.ok(a.counts.responses > 0, a.label);
  }
  assert.ok(rd.endpoints.every((e) => e.requests > 1000 && e.latencyMs.p99 > e.latencyMs.p50));
});

test('a live span opened with a later start counts from that start, within a window', () => {
  const rec = new LoadRecorder([], 0, 0);
  const ep = rec.liveEndpoint('GET', '/');
  const span = rec.openSpan('settled', { fromT: 400 });
  rec.liveResponse(100, ep, 200, 50);
  rec.liveResponse(399, ep, 200, 50);
  rec.liveResponse(400, ep, 200, 2);
  rec.liveResponse(700, ep, 500, 3);
  rec.closeSpan(span, 800);
  rec.liveResponse(900, ep, 200, 50);
  assert.deepEqual(span.counts, { responses: 2, ok: 1, non2xx: 1, timeouts: 0, connection: 0 });
  assert.equal(span.hist.summary().max, 2);
  const r = rec.finish('autocannon', 1000);
  assert.deepEqual(r.timeline.map((p) => p.rps), [5]);
  assert.equal(r.endpoints[0].requests, 5);
});

test('LatencyHistogram.addInto: the targets read as if every value had been recorded into them', () => {
  const values = [0.001, 0.2, 0.2004, 1.5, 2.047, 2.049, 17.3333, 250.5, 999.9, 61_000.25];
  const direct = new LatencyHistogram();
  const part = new LatencyHistogram();
  const target = new LatencyHistogram();
  const other = new LatencyHistogram();
  target.recordMs(3.3);
  direct.recordMs(3.3);
  for (const v of values) {
    direct.recordMs(v);
    part.recordMs(v);
  }
  part.addInto([target, other]);
  assert.deepEqual(target.summary(), direct.summary());
  assert.equal(target.encode(), direct.encode());
  assert.equal(other.count, values.length);
  assert.equal(other.summary().max, 61_000.25);
  for (const p of [1, 10, 50, 90, 99, 99.9]) assert.equal(target.percentileMs(p), direct.percentileMs(p), `p${p}`);
});

test("LatencyHistogram's mean is HDR's own", () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const ours = new LatencyHistogram();
  const theirs = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  for (let i = 0; i < 5000; i++) {
    const ms = 0.01 + rand() ** 4 * 3000;
    ours.recordMs(ms);
    theirs.recordValue(Math.max(1, Math.round(ms * 1000)));
  }
  assert.equal(ours.summary().mean, Math.round(theirs.mean) / 1000);
  assert.equal(new LatencyHistogram().summary().mean, 0);
});
