// The Markdown report: golden output for the demo run, the sections the probe
// and scenarios fill in, and text from the run that must not break tables or
// inject markup.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mdCell, renderMarkdown } from '../../../src/engine/report/markdownReport';
import { budgetMarginPct, budgetMarginText } from '../../../src/engine/report/reportFormat';
import type { BudgetResult } from '../../../src/engine/runRecord';
import { assertGolden } from './goldenFiles';
import { erroredRun, fixtureRun, hostileRun } from './reportFixtures';

test('the demo run matches its golden report', () => {
  assertGolden('20261123-182721-cf6277.md', renderMarkdown(fixtureRun()));
});

test('budget margin: headroom positive, overrun negative, per direction of the comparison', () => {
  const b = (metric: string, expression: string, actual: number | null): BudgetResult => ({ metric, expression, actual, unit: 'ms', passed: true });
  assert.equal(budgetMarginPct(b('http.p95', '< 200ms', 150)), 25);
  assert.equal(budgetMarginPct(b('http.p95', '< 0.2s', 300)), -50);
  assert.equal(budgetMarginPct(b('http.rps', '> 100 req/s', 150)), 50);
  assert.equal(budgetMarginPct(b('http.rps', '>= 100', 80)), -20);
  assert.equal(budgetMarginPct(b('http.errorRate', '< 0%', 0)), null, 'a zero limit has no relative margin');
  assert.equal(budgetMarginPct(b('http.p95', '< 200ms', null)), null);
  assert.equal(budgetMarginPct(b('no.such.metric', '< 1', 1)), null);
  assert.equal(budgetMarginText(b('http.p95', '< 200ms', 250)), '25.0% over');
  assert.equal(budgetMarginText(b('http.p95', '< 200ms', 150)), '25.0% headroom');
});

test('memory, GC, event loop, queries, N+1 and stress sections render from the run', () => {
  const run = fixtureRun();
  run.queries!.nPlusOne.push({ query: 'SELECT id, name, email, city FROM customers WHERE id = ?', count: 25, totalMs: 61.2, route: 'GET /orders', callSite: { file: 'src/orders.js', line: 19, column: 22 }, requests: 147 });
  run.scenario = 'stress';
  (run.load as unknown as Record<string, unknown>).stress = { steps: [{ connections: 10, rps: 150, p95: 90, errorRate: 0 }, { connections: 20, rps: 160, p95: 400, errorRate: 0.02 }], maxSustainable: { connections: 10, rps: 150 }, breakingPoint: { connections: 20 } };
  const md = renderMarkdown(run);
  assert.ok(md.includes('- GC: 42 collections (minor 36, major 3, incremental 3), 252 ms paused (3.65% of the time); pauses p50 5.08 ms, p95 11 ms, p99 36 ms, max 36 ms.'));
  assert.ok(md.includes('- Event loop: delay p50 54 ms, p99 141 ms, max 141 ms; utilisation 94.2%.'));
  assert.match(md, /- Memory: heap used [\d.]+ MiB of [\d.]+ MiB, RSS [\d.]+ MiB at the end of the run; heap growth 63\.4% \(fitted baseline 1\.4 MiB\/s, r² 0\.17\)\./);
  assert.ok(md.includes('**1 repeated-query (N+1) patterns**'));
  assert.ok(md.includes('| `SELECT id, name, email, city FROM customers WHERE id = ?` | GET /orders | `src/orders.js:19` | 25 | 61 ms | 147 |'));
  assert.ok(md.includes('| `SELECT id, name, email, city FROM customers WHERE id = ?` | 3,675 | 37 ms | 0.01 ms | 2.05 ms | `src/orders.js:19` |'));
  assert.ok(md.includes('## Stress ladder'));
  assert.ok(md.includes('Maximum sustainable load: **10 connections** (step 1 of 2), **150 req/s**.'));
  assert.ok(md.includes('| 2 | 20 | 160 | – | 400 ms | 2.00% | – | – |'));
});

test('a run that did not complete says so in every section', () => {
  const md = renderMarkdown(erroredRun());
  for (const text of [
    '⚠️ **Error**: the run did not complete.',
    '_Budgets were not evaluated: the run did not complete._',
    '_No load results: no request completed._',
    '_No CPU profile was recorded._',
    '_No memory, GC or event-loop data was recorded in this run._',
    '_No queries were captured in this run._',
    '_No findings._',
  ]) {
    assert.ok(md.includes(text), text);
  }
});

test('text from the run cannot break a table row or inject HTML', () => {
  const { run } = hostileRun();
  run.load!.endpoints[1].path = '/a|b`c';
  const md = renderMarkdown(run);
  assert.ok(!/<script>|<img/.test(md.replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '')), 'outside code spans, no raw tags');
  for (const line of md.split('\n').filter((l) => l.startsWith('| '))) {
    const cells = line.split(/(?<!\\)\|/).length;
    const header = md.split('\n').find((l) => l.startsWith('| ') && md.indexOf(l) <= md.indexOf(line));
    assert.ok(cells >= 3 && header, line);
  }
  assert.ok(md.includes('| ``GET /a\\|b`c`` |'), 'backtick in a code span gets a longer fence; the pipe is escaped');
  assert.equal(mdCell('a|b<c>\nd'), 'a\\|b&lt;c&gt; d');
});
