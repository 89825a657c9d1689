// "Compared with baseline" in the reports, on two recorded demo runs: the
// second was made while the first was pinned as the baseline, so its run.json
// holds the comparison. The section is checked against a golden file, against
// a fresh comparison of the two run folders, and for the run without one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareWithRun, pinnedBaselineFor, type RunComparison } from '../../../src/engine/report/baselineComparison';
import { comparisonMarkdown, fmtChange, NO_BASELINE } from '../../../src/engine/report/comparisonSection';
import { renderHtml } from '../../../src/engine/report/htmlReport';
import { mdCell, renderMarkdown } from '../../../src/engine/report/markdownReport';
import type { RunRecord } from '../../../src/engine/runRecord';
import { schemaErrors, undescribedFields } from '../store/runSchemaCheck';
import { assertGolden } from './goldenFiles';
import { fixtureRun, repoRoot } from './reportFixtures';

const PAIR = path.join(repoRoot, 'test', 'fixtures', 'runs', 'baseline-pair');
const BASE_ID = '20261123-211301-67f27f';
const CUR_ID = '20261123-211317-101a84';
const read = (id: string) => JSON.parse(fs.readFileSync(path.join(PAIR, id, 'run.json'), 'utf8')) as RunRecord;

test('the run made with a pinned baseline stores the comparison, and run.json still validates', () => {
  const cur = read(CUR_ID);
  assert.ok(cur.comparison, 'the second run holds a comparison');
  assert.equal(cur.comparison.baseline.id, BASE_ID);
  assert.deepEqual(schemaErrors(cur), []);
  assert.deepEqual(undescribedFields(cur).filter((f) => f.startsWith('$.comparison')), []);
  const ids = cur.comparison.metrics.map((m) => m.metric);
  for (const id of ['throughput', 'latency.p50', 'latency.p95', 'latency.p99', 'errorRate', 'cpu.perRequest', 'gc.pauseSharePct', 'heap.peakUsed']) assert.ok(ids.includes(id), `${id} is compared`);
  assert.ok(cur.comparison.functions.length > 0, 'per-function self-time changes are kept');
});

test('the stored comparison equals a fresh comparison of the two run folders', () => {
  const stored = read(CUR_ID).comparison!;
  const fresh = compareWithRun(path.join(PAIR, BASE_ID), path.join(PAIR, CUR_ID));
  const figures = (c: RunComparison) => c.metrics.map((m) => [m.metric, m.baseline, m.current, m.changePct, m.verdict]);
  assert.deepEqual(figures(fresh), figures(stored));
  assert.deepEqual(fresh.functions.map((f) => [f.name, f.deltaPct]), stored.functions.map((f) => [f.name, f.deltaPct]));
  // By id, beside the reported run, as `hotpath report --baseline <id>` passes it.
  assert.deepEqual(figures(compareWithRun(BASE_ID, path.join(PAIR, CUR_ID))), figures(stored));
  assert.throws(() => compareWithRun(CUR_ID, path.join(PAIR, CUR_ID)), /is the run being reported/);
});

test('Markdown: the section matches its golden file and sits after the budgets', () => {
  const cur = read(CUR_ID);
  const section = comparisonMarkdown({ comparison: cur.comparison! }, mdCell, (s) => `\`${s}\``).join('\n');
  assertGolden('baseline-pair.comparison.md', section);
  const md = renderMarkdown(cur);
  const at = md.indexOf('## Compared with baseline');
  assert.ok(at > md.indexOf('## Budgets') && at < md.indexOf('## Load'), 'between Budgets and Load');
  const l = cur.load!;
  assert.match(md, new RegExp(`\\| throughput \\| ${cur.comparison!.metrics[0].baseline} req/s \\| ${l.throughputRps.mean} req/s \\| [+−±][\\d.]+% \\| no significant change \\| p = `));
  assert.ok(md.includes('**CPU self time: largest changes**'));
  assert.ok(md.includes('| `computePriceStats` | `src/pricing.js:16` |'));
});

test('a percentage figure changes in percentage points, others in percent', () => {
  const m = { metric: 'gc.pauseSharePct', label: 'GC pause share', unit: '%' as const, better: 'lower' as const, baseline: 3.3, current: 3.0, changePct: -9.1, verdict: 'not tested' as const, pValue: null, why: '' };
  assert.equal(fmtChange(m), '−0.3 pp');
  assert.equal(fmtChange({ ...m, metric: 'latency.p95', unit: 'ms', changePct: 21.4 }), '+21%');
  assert.equal(fmtChange({ ...m, metric: 'latency.p95', unit: 'ms', changePct: null }), '–');
});

test('no baseline: one line saying so, in Markdown and HTML', () => {
  const run = fixtureRun();
  assert.equal(run.comparison, undefined);
  const md = renderMarkdown(run);
  const section = md.slice(md.indexOf('## Compared with baseline'), md.indexOf('## Load'));
  assert.equal(section.trim().split('\n').filter((l) => l.trim()).length, 2, 'a heading and one line');
  assert.ok(section.includes('No baseline was pinned'));
  const html = renderHtml(run);
  const card = html.slice(html.indexOf('id="comparison"'), html.indexOf('id="timeline"'));
  assert.ok(card.includes(`<p class="empty">No baseline was pinned when this run was made`), card);
  assert.ok(!card.includes('<table'), 'no table without a comparison');
  assert.ok(NO_BASELINE.startsWith('No baseline was pinned'));
});

test('HTML: figures, verdict pills and significance with confidence; a regression is called one', () => {
  const cur = read(CUR_ID);
  const c = structuredClone(cur.comparison!);
  const p95 = c.metrics.find((m) => m.metric === 'latency.p95')!;
  Object.assign(p95, { current: p95.baseline! * 1.3, changePct: 30, verdict: 'regression', pValue: 0.0004 });
  c.regressions = ['p95 latency'];
  const html = renderHtml(cur, { comparison: { comparison: c } });
  assert.ok(html.includes('id="comparison"'));
  assert.ok(html.includes('<span class="pill fail">significant regression</span>'));
  assert.ok(html.includes('p &lt; 0.001 at 95% confidence'));
  assert.ok(html.includes('Significant regression in p95 latency.'));
  assert.ok(html.includes('<code>computePriceStats</code>'));
  const md = renderMarkdown(cur, { comparison: { comparison: c } });
  assert.ok(md.includes('**Significant regression in p95 latency.**'));
  assert.match(md, /\| p95 latency \| [\d.]+ ms \| [\d.]+ ms \| \+30% \| 🔴 significant regression \| p &lt; 0\.001 at 95% confidence \|/);
});

test('the pinned baseline of a runs folder is found, and a run is never compared with itself', () => {
  assert.deepEqual(pinnedBaselineFor(path.join(PAIR, CUR_ID)), { state: 'set', dir: path.join(PAIR, BASE_ID), id: BASE_ID });
  assert.deepEqual(pinnedBaselineFor(path.join(PAIR, BASE_ID)), { state: 'self' });
});
