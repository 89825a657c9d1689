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
  assertGolden('20261123-180845-2c36de.md', renderMarkdown(fixtureRun()));
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

test('GC, event loop, queries and stress sections render when the run has them', () => {
  const run = fixtureRun();
  run.gc = { count: 120, totalPauseMs: 231.5, pauseMs: { p50: 0.8, p95: 4.2, p99: 9.9, max: 14 }, byKind: { minor: 112, major: 8 } };
  run.eventLoop = { delayMs: { p50: 10.2, p99: 48, max: 61 }, utilization: 0.93 };
  run.queries = { total: 5226, nPlusOne: [{ query: 'select * from customers where id = ?', count: 25, totalMs: 61.2, route: 'GET /orders', callSite: { file: 'src/orders.js', line: 14, column: 22 } }] };
  run.heap = { profile: null, timeline: [{ t: 0, heapUsed: 10 * 2 ** 20, heapTotal: 20 * 2 ** 20, rss: 60 * 2 ** 20 }, { t: 5000, heapUsed: 12 * 2 ** 20, heapTotal: 24 * 2 ** 20, rss: 64 * 2 ** 20 }], growthPct: 20 };
  run.scenario = 'stress';
  (run.load as unknown as Record<string, unknown>).stress = { steps: [{ connections: 10, rps: 150, p95: 90, errorRate: 0 }, { connections: 20, rps: 160, p95: 400, errorRate: 0.02 }], maxSustainable: { connections: 10, rps: 150 }, breakingPoint: { connections: 20 } };
  const md = renderMarkdown(run);
  assert.ok(md.includes('- GC: 120 collections (minor 112, major 8), 232 ms paused; pauses p50 0.80 ms, p95 4.20 ms, p99 9.90 ms, max 14 ms.'));
  assert.ok(md.includes('- Event loop: delay p50 10 ms, p99 48 ms, max 61 ms; utilisation 93.0%.'));
  assert.ok(md.includes('- Memory: heap used 12.0 MiB of 24.0 MiB, RSS 64.0 MiB at the end of the run; heap growth 20.0%.'));
  assert.ok(md.includes('| `select * from customers where id = ?` | GET /orders | `src/orders.js:14` | 25 | 61 ms |'));
  assert.ok(md.includes('## Stress ladder'));
  assert.ok(md.includes('Maximum sustainable load: **150 req/s** at 10 connections.'));
  assert.ok(md.includes('| 20 | 160 | 400 ms | 2.00% |'));
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
