// LoadRecorder: one-second windows on the run clock, errors split by kind,
// spans, endpoints, and the last fragment folded into the timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadRecorder } from '../../../src/engine/load/loadRecorder';
import type { LoadTickDetail } from '../../../src/engine/load/loadResult';

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
