import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weightedSequence } from '../../../src/engine/load/requestMix';
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
