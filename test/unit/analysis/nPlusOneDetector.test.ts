import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CapturedQuery, NPlusOneDetector, REQUEST_IDLE_MS } from '../../../src/engine/analysis/nPlusOneDetector';

const site = { file: 'src/orders.js', line: 22, column: 5, functionName: 'listOrders' };
const q = (requestKey: string, sql = 'SELECT * FROM items WHERE order_id = ?', durationMs = 3): CapturedQuery => ({
  sql,
  durationMs,
  callSite: site,
  requestKey,
  route: 'GET /orders',
});

// The detector's clock is the time queries arrive; the tests drive it by hand so
// "a request idle for 10 s" takes no real time.
function detector(options = { minRepeats: 5, minTotalMs: 10 }) {
  let now = 0;
  const d = new NPlusOneDetector(options, 20_000, () => now);
  return { d, advance: (ms: number) => (now += ms) };
}

test('the same statement from one call site repeated within a request is an N+1; under the repeat or time threshold it is not', () => {
  const { d } = detector();
  for (let i = 0; i < 7; i++) d.add(q('1:a'));
  for (let i = 0; i < 4; i++) d.add(q('1:b')); // too few repeats
  for (let i = 0; i < 6; i++) d.add(q('1:c', undefined, 1)); // 6 ms together: under 10 ms
  d.add(q('1:d', 'SELECT * FROM items WHERE order_id IN (?)', 20)); // batched
  const found = d.finish();
  assert.equal(found.length, 1);
  assert.deepEqual({ count: found[0].count, requests: found[0].requests, totalMs: found[0].totalMs, route: found[0].route }, { count: 7, requests: 1, totalMs: 21, route: 'GET /orders' });
});

test('interleaved requests are grouped apart while both are active', () => {
  const { d, advance } = detector();
  for (let i = 0; i < 6; i++) {
    d.add(q('1:a'));
    advance(100);
    d.add(q('1:b'));
    advance(100);
  }
  const [f] = d.finish();
  assert.equal(f.requests, 2);
  assert.equal(f.count, 6);
});

test('requests idle for longer than the limit are closed as the run goes, so a long run holds only recent requests', () => {
  const { d, advance } = detector();
  let peak = 0;
  for (let r = 0; r < 2000; r++) {
    for (let i = 0; i < 6; i++) d.add(q(`1:${r}`));
    peak = Math.max(peak, d.openRequests);
    advance(100);
  }
  // 100 ms between requests: at most the last 10 s of requests are open.
  assert.ok(peak <= REQUEST_IDLE_MS / 100 + 1, `open requests peaked at ${peak}`);
  const [f] = d.finish();
  assert.equal(f.requests, 2000, 'closing early loses no request');
  assert.equal(d.openRequests, 0);
});

test('without idle time, the oldest requests are closed first at the open-request limit', () => {
  const d = new NPlusOneDetector({ minRepeats: 5, minTotalMs: 10 }, 50, () => 0);
  for (let r = 0; r < 500; r++) for (let i = 0; i < 5; i++) d.add(q(`1:${r}`));
  assert.ok(d.openRequests <= 50);
  assert.equal(d.finish()[0].requests, 500);
});
