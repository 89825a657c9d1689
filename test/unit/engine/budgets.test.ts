import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateBudgets, parseBudget, validateBudgets } from '../../../src/engine/analysis/budgets';
import type { RunRecord } from '../../../src/engine/runRecord';

const run = {
  load: { latencyMs: { p50: 10, p90: 50, p95: 120, p99: 300, max: 900, mean: 30 }, errors: { rate: 0.02, total: 20 }, throughputRps: { mean: 250 }, requests: { total: 1000 } },
} as unknown as RunRecord;

test('friendly budget forms evaluate against the run', () => {
  const results = evaluateBudgets({ 'http.p95': '< 200ms', 'http.p99': '< 0.25s', 'http.errorRate': '< 1%', 'http.rps': '>= 200' }, run);
  assert.deepEqual(
    results.map((r) => [r.metric, r.actual, r.passed]),
    [
      ['http.p95', 120, true],
      ['http.p99', 300, false],
      ['http.errorRate', 2, false],
      ['http.rps', 250, true],
    ],
  );
});

test('unknown metrics and bad expressions fail with what is valid', () => {
  assert.throws(() => validateBudgets({ 'http.p96': '< 1ms' }), /Unknown budget metric "http\.p96"; valid metrics: http\.p50, .*http\.p95/);
  assert.throws(() => parseBudget('http.p95', 'fast'), /"fast" is not a valid expression; write a comparison and a number in ms, s/);
  assert.throws(() => parseBudget('http.errorRate', '< 2ms'), /not a valid expression/);
});

test('a budget on a metric the run did not measure fails and says so', () => {
  const [r] = evaluateBudgets({ 'http.p95': '< 1ms' }, { load: null } as unknown as RunRecord);
  assert.equal(r.passed, false);
  assert.equal(r.actual, null);
  assert.match(r.message ?? '', /no 95th percentile latency was measured/);
});
