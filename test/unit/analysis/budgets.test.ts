import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { evaluateBudgets, parseBudget, validateBudgets } from '../../../src/engine/analysis/budgets';
import type { RunRecord } from '../../../src/engine/runRecord';

const repoRoot = process.env.HOTPATH_REPO_ROOT ?? path.resolve(__dirname, '../../../..');
const runDir = path.join(repoRoot, 'test', 'fixtures', 'runs', '20261123-182721-cf6277');
const run = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) as RunRecord;
const latencyHdr = fs.readFileSync(path.join(runDir, 'latency.hdr'), 'utf8');

const evaluate = (budgets: Record<string, string>, samples = {}) => evaluateBudgets(budgets, run, samples).map((r) => [r.metric, r.actual, r.unit, r.passed]);

test('k6 threshold form on latency: p(N), avg, med, max, min', () => {
  assert.deepEqual(
    evaluate({ 'http.latency': 'p(95)<200', http_req_duration: 'p(99)<=100', 'http.duration': 'avg<100' }),
    [
      ['http.latency', 128.319, 'ms', true],
      ['http_req_duration', 154.495, 'ms', false],
      ['http.duration', 72.139, 'ms', true],
    ],
  );
  // With the run's latency samples every percentile is available, and min.
  const withSamples = evaluateBudgets({ 'http.latency': 'p(99.9)<=500', http_req_duration: 'med<50' }, run, { latencyHdr });
  assert.equal(withSamples[0].passed, true);
  assert.ok(withSamples[0].actual! >= run.load!.latencyMs.p99 && withSamples[0].actual! <= run.load!.latencyMs.max * 1.001, `p(99.9) (HdrHistogram keeps 3 significant digits) ${withSamples[0].actual}`);
  assert.deepEqual([withSamples[1].actual, withSamples[1].passed], [run.load!.latencyMs.p50, false]);
  const [min] = evaluateBudgets({ 'http.latency': 'min<5' }, run, { latencyHdr });
  assert.ok(min.actual! > 0 && min.actual! < run.load!.latencyMs.p50);
  // Without them, a percentile run.json does not keep is "not measured", and says why.
  const [missing] = evaluateBudgets({ 'http.latency': 'p(99.9)<=500' }, run);
  assert.equal(missing.passed, false);
  assert.match(missing.message!, /needs the latency samples, latency\.hdr/);
});

test('k6 rate and count', () => {
  assert.deepEqual(evaluate({ 'http.errors': 'rate<0.01', http_req_failed: 'count<1', 'http.requests': 'count>100', http_reqs: 'rate>200' }), [
    ['http.errors', 0, 'ratio', true],
    ['http_req_failed', 0, 'count', true],
    ['http.requests', 660, 'count', true],
    ['http_reqs', 106.6, 'rps', false],
  ]);
});

test('gc, heap, event-loop and cpu metrics read run.json', () => {
  assert.deepEqual(
    evaluate({
      'gc.pauseSharePct': '< 5%',
      'gc.p99': '< 20ms',
      'gc.count': '< 100',
      'gc.pause': 'p(99)<50',
      'heap.growthPct': '< 50%',
      'heap.peakUsedMB': '< 512MB',
      'eventLoop.p99': '< 100ms',
      'eventLoop.utilization': '< 90%',
      'eventLoop.delay': 'max<200',
      'cpu.gcPct': '< 5%',
    }),
    [
      ['gc.pauseSharePct', 3.647, '%', true],
      ['gc.p99', 36.238, 'ms', false],
      ['gc.count', 42, 'count', true],
      ['gc.pause', 36.238, 'ms', true],
      ['heap.growthPct', 63.42, '%', false],
      ['heap.peakUsedMB', 27.419, 'MB', true],
      ['eventLoop.p99', 141.126, 'ms', false],
      ['eventLoop.utilization', 0.942, 'ratio', false],
      ['eventLoop.delay', 141.126, 'ms', true],
      ['cpu.gcPct', 3.711, '%', true],
    ],
  );
  const [busy] = evaluateBudgets({ 'cpu.busyPct': '<= 100%' }, run);
  assert.equal(busy.actual, Math.round((run.cpu!.busyMs / run.cpu!.durationMs) * 100 * 1000) / 1000);
  assert.deepEqual(evaluate({ 'eventLoop.utilization': '<= 0.95' }), [['eventLoop.utilization', 0.942, 'ratio', true]], 'a bare ratio works too');
});

test('units convert in the friendly form', () => {
  assert.equal(parseBudget('http.p95', '< 0.2s').value, 200);
  assert.equal(parseBudget('http.p95', '<= 500us').value, 0.5);
  assert.equal(parseBudget('heap.peakUsedMB', '< 1GB').value, 1024);
  assert.equal(parseBudget('eventLoop.utilization', '< 80%').value, 0.8);
  assert.deepEqual(
    [parseBudget('http.latency', 'p(95) < 200').op, parseBudget('http.latency', 'p( 99.9 )>=1').value],
    ['<', 1],
  );
});

test('an unknown metric lists the valid ones, both forms', () => {
  assert.throws(
    () => validateBudgets({ 'http.p96': '< 1ms' }),
    (e: Error) =>
      /^Unknown budget metric "http\.p96"; valid metrics: http\.p50, /.test(e.message) &&
      /gc\.pauseSharePct/.test(e.message) &&
      /heap\.peakUsedMB/.test(e.message) &&
      /eventLoop\.utilization/.test(e.message) &&
      /cpu\.gcPct/.test(e.message) &&
      /http\.latency \(p\(N\), avg, med, min, max\)/.test(e.message),
  );
});

test('bad expressions get one sentence saying what is valid', () => {
  assert.throws(() => parseBudget('http.latency', '< 200ms'), /"< 200ms" is not a valid expression; write a k6 threshold with p\(N\), avg, med, min, max, e\.g\. "p\(95\)<200"\./);
  assert.throws(() => parseBudget('gc.pause', 'rate<1'), /uses the aggregation "rate", which gc\.pause does not have; it has p\(N\), med, max, avg, count\./);
  assert.throws(() => parseBudget('gc.pause', 'p(90)<1'), /cannot be evaluated: gc\.pause keeps p\(50\), p\(95\) and p\(99\)\./);
  assert.throws(() => parseBudget('http.p95', 'p(95)<200'), /which http\.p95 does not have; it takes the friendly form, e\.g\. "< 200ms"\./);
  assert.throws(() => parseBudget('http.latency', 'p(0)<200'), /write p\(N\) with N above 0 and at most 100/);
  assert.throws(() => parseBudget('http.latency', 'p(abc)<200'), /percentile "abc"/);
  assert.throws(() => parseBudget('http.latency', 'avg==100'), /uses "=="; a budget is a limit, so use <, <=, > or >=\./);
  assert.throws(() => parseBudget('http.requests', 'lots'), /write a comparison and a number, e\.g\. "> 100" or a k6 threshold \(count, rate\)/);
  assert.throws(() => parseBudget('heap.peakUsedMB', '< 5ms'), /in mb, kb, gb/);
  for (const bad of ['< 5ms', '<', '200', 'p(95)', 'p95<200']) assert.throws(() => parseBudget('http.errorRate', bad), /not a valid expression|does not have/, bad);
});

test('a budget on a section the run did not measure fails and says so', () => {
  const bare = { ...run, gc: null, eventLoop: null, heap: null, cpu: null, processes: [] } as unknown as RunRecord;
  for (const r of evaluateBudgets({ 'gc.p99': '< 1ms', 'eventLoop.delay': 'p(99)<100', 'heap.peakUsedMB': '< 1', 'cpu.gcPct': '< 1%' }, bare)) {
    assert.equal(r.passed, false, r.metric);
    assert.equal(r.actual, null);
    assert.match(r.message ?? '', /^no .* was measured/);
  }
});
