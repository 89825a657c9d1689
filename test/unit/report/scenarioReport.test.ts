// Stress, spike and soak sections on recorded demo runs of each scenario
// (test/fixtures/runs/scenarios, real `hotpath run`s): the question each
// answers, the headline figures taken from run.json, golden Markdown, the same
// figures in HTML and in the CLI's end-of-run tables.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scenarioTables } from '../../../src/cli/scenarioTables';
import { renderHtml } from '../../../src/engine/report/htmlReport';
import { renderMarkdown } from '../../../src/engine/report/markdownReport';
import { scenarioReportSections } from '../../../src/engine/report/scenarioReport';
import { fmtMs, fmtNum } from '../../../src/engine/report/reportFormat';
import type { RunRecord } from '../../../src/engine/runRecord';
import { assertGolden } from './goldenFiles';
import { fixtureRun, repoRoot } from './reportFixtures';

const read = (name: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'runs', 'scenarios', `${name}.run.json`), 'utf8')) as RunRecord;
const section = (md: string, title: string) => md.slice(md.indexOf(`## ${title}`), md.indexOf('## Where the CPU time went'));

test('stress: question, maximum sustainable load in connections and req/s, breaking point, the ladder with CPU', () => {
  const run = read('stress');
  const s = run.load!.stress!;
  const md = renderMarkdown(run);
  const text = section(md, 'Stress ladder');
  assertGolden('scenario-stress.md', text);
  assert.ok(text.includes(`_${s.question}_`));
  const step = s.steps.findIndex((x) => x.connections === s.maxSustainable!.connections) + 1;
  assert.ok(text.includes(`Maximum sustainable load: **${s.maxSustainable!.connections} connections** (step ${step} of ${s.steps.length}), **${fmtNum(s.maxSustainable!.rps)} req/s**`), text);
  assert.ok(text.includes(`Breaking point: **${s.breakingPoint!.connections} connections**`));
  assert.equal(text.split('\n').filter((l) => /^\| \d+ \| /.test(l)).length, s.steps.length, 'one row per step');
  for (const x of s.steps) assert.ok(text.includes(`| ${fmtNum(x.connections)} | ${fmtNum(x.rps)} | ${fmtMs(x.avg)} | ${fmtMs(x.p95)} |`), `step ${x.connections}`);
  const html = renderHtml(run);
  assert.ok(html.includes(`<p class="question">${s.question}</p>`));
  assert.ok(html.includes(`Maximum sustainable load: <b>${s.maxSustainable!.connections} connections</b>`));
  assert.ok(html.includes('<th class="num" scope="col">Service CPU</th>'));
  const cli = scenarioTables(run);
  assert.ok(cli.includes(`Stress ladder: ${s.question}`));
  assert.match(cli, /step\s+connections\s+req\/s\s+avg\s+p95\s+errors\s+service cpu\s+within limits/i);
});

test('spike: question, recovery time and the phases', () => {
  const run = read('spike');
  const s = run.load!.spike!;
  const text = section(renderMarkdown(run), 'Spike');
  assertGolden('scenario-spike.md', text);
  assert.ok(text.includes(`_${s.question}_`));
  assert.match(text, /Recovery time: \*\*/);
  assert.ok(text.includes(`| before the spike | ${s.baseConnections} | ${fmtNum(s.baseRps)} | ${fmtMs(s.baselineP95Ms)} |`));
  assert.ok(text.includes(`| spike | ${s.spikeConnections} | ${fmtNum(s.spikeRps)} | ${fmtMs(s.spikeP95Ms)} |`));
  assert.ok(text.includes('| after the spike |'));
  // The three wordings of the recovery time.
  const lines = (recoveryMs: number | null) => scenarioReportSections({ ...run, load: { ...run.load!, spike: { ...s, recoveryMs, recovered: recoveryMs !== null } } })[0].lines[0];
  assert.match(lines(1500), /^Recovery time: \*\*1\.50 s\*\* after the spike ended/);
  assert.match(lines(0), /^Recovery time: \*\*none needed\*\*/);
  assert.match(lines(null), /^Recovery time: \*\*not recovered\*\*/);
});

test('soak: question, degradation between the first and last windows, heap growth', () => {
  const run = read('soak');
  const s = run.load!.soak!;
  const text = section(renderMarkdown(run), 'Endurance (soak)');
  assertGolden('scenario-soak.md', text);
  assert.ok(text.includes(`_${s.question}_`));
  assert.ok(text.includes(`p95 **${s.p95DegradationPct > 0 ? '+' : ''}${s.p95DegradationPct.toFixed(Math.abs(s.p95DegradationPct) < 10 ? 2 : 1)}%**`), text);
  assert.ok(text.includes(`| first | ${fmtNum(s.first.rps)} |`) && text.includes(`| last | ${fmtNum(s.last.rps)} |`));
  assert.ok(renderHtml(run).includes('id="soak"'));
});

test('a constant-load run has no scenario section; a stress run without steps says so', () => {
  const run = fixtureRun();
  assert.deepEqual(scenarioReportSections(run), []);
  assert.equal(scenarioTables(run), '');
  const empty = { ...run, scenario: 'stress' };
  const md = renderMarkdown(empty);
  assert.ok(md.includes('## Stress ladder') && md.includes('_The stress ladder recorded no steps._'));
});
