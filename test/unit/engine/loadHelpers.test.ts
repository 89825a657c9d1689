import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weightedSequence } from '../../../src/engine/load/requestMix';
import { autocannonRequests, MIN_REQUEST_LIST } from '../../../src/engine/load/autocannonStage';
import { assertLoopbackTarget, isLoopbackUrl } from '../../../src/engine/load/loopbackGuard';
import { LatencyHistogram } from '../../../src/engine/load/latencyHistogram';

test('weighted mix: each request appears weight times per cycle, interleaved', () => {
  const seq = weightedSequence([
    { method: 'GET', path: '/a', weight: 3 },
    { method: 'GET', path: '/b', weight: 1 },
  ]).map((r) => r.path);
  assert.equal(seq.length, 4);
  assert.equal(seq.filter((p) => p === '/a').length, 3);
  assert.notDeepEqual(seq, ['/a', '/a', '/a', '/b'].reverse()); // never all /b first
  assert.ok(seq.indexOf('/b') > 0 && seq.indexOf('/b') < 3, `expected /b interleaved, got ${seq}`);
});

test('loopback guard accepts loopback and refuses other hosts without the opt-in', () => {
  for (const url of ['http://127.0.0.1:80', 'http://localhost:3000/x', 'http://[::1]:8080', 'http://127.5.6.7']) assert.ok(isLoopbackUrl(url), url);
  for (const url of ['http://10.0.0.1', 'http://example.com', 'http://127.0.0.1.example.com', 'not a url']) assert.ok(!isLoopbackUrl(url), url);
  assert.throws(() => assertLoopbackTarget('http://example.com', false), /Refusing to send load to http:\/\/example\.com: .*load\.allowNonLoopback/);
  assert.doesNotThrow(() => assertLoopbackTarget('http://example.com', true));
});

test('latency histogram keeps sub-millisecond precision', () => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) h.recordMs(i / 1000); // 0.001 … 1.000 ms
  const s = h.summary();
  assert.equal(s.count, 1000);
  assert.ok(Math.abs(s.p50 - 0.5) < 0.002, `p50 ${s.p50}`);
  assert.ok(Math.abs(s.p99 - 0.99) < 0.002, `p99 ${s.p99}`);
  assert.ok(Math.abs(s.max - 1) < 0.002, `max ${s.max}`);
});

test("autocannon's request list repeats whole cycles of the mix to at least MIN_REQUEST_LIST", () => {
  const one = autocannonRequests([{ method: 'GET', path: '/', weight: 1 }]);
  assert.equal(one.length, MIN_REQUEST_LIST);
  assert.ok(one.every((r) => r.method === 'GET' && r.path === '/'));
  const mix = [
    { method: 'GET', path: '/a', weight: 3 },
    { method: 'POST', path: '/b', weight: 4, body: '{}', headers: { 'content-type': 'application/json' } },
  ];
  const cycle = weightedSequence(mix);
  const list = autocannonRequests(mix);
  assert.equal(list.length % cycle.length, 0, 'whole cycles only');
  assert.ok(list.length >= MIN_REQUEST_LIST && list.length < MIN_REQUEST_LIST + cycle.length);
  list.forEach((r, i) => assert.equal(r.path, cycle[i % cycle.length].path, `position ${i}`));
  assert.deepEqual(list.find((r) => r.method === 'POST'), { method: 'POST', path: '/b', headers: { 'content-type': 'application/json' }, body: '{}' });
  const big = Array.from({ length: 150 }, (_, i) => ({ method: 'GET', path: `/${i}`, weight: 1 }));
  assert.equal(autocannonRequests(big).length, 150, 'a cycle already longer than the minimum is kept once');
});
