// The run score in the reports' verdict area: the value and every component
// (measured value, points, share, why) when run.json has a score, nothing when
// it has none. The score is computed by the engine from the recorded demo run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreRecord, scoreRun } from '../../../src/engine/analysis/score';
import { renderHtml } from '../../../src/engine/report/htmlReport';
import { mdCell, renderMarkdown } from '../../../src/engine/report/markdownReport';
import { scoreMarkdown } from '../../../src/engine/report/scoreSection';
import { fmtNum } from '../../../src/engine/report/reportFormat';
import { assertGolden } from './goldenFiles';
import { fixtureRun } from './reportFixtures';

function scored() {
  const run = fixtureRun();
  run.score = scoreRecord(scoreRun(run));
  return run;
}

test('Markdown: the score and its components right after the verdict', () => {
  const run = scored();
  const s = run.score!;
  assert.ok(s.value !== null && s.components.length >= 3, JSON.stringify(s));
  assertGolden('20261123-182721-cf6277.score.md', scoreMarkdown(run, mdCell).join('\n'));
  const md = renderMarkdown(run);
  const at = md.indexOf(`**Score: ${fmtNum(s.value!)} / 100**`);
  assert.ok(at > md.indexOf('**Failed**') && at < md.indexOf('## Budgets'), 'in the verdict area');
  for (const c of s.components) assert.ok(md.includes(`| ${mdCell(c.name)} | `) && md.includes(`| ${fmtNum(c.points)} | ${fmtNum(c.share * 100)}% | ${mdCell(c.why)} |`), c.name);
  for (const o of s.omitted) assert.ok(md.includes(`${o.name} (`), `omitted ${o.name}`);
});

test('HTML: the score card after the verdict with every component', () => {
  const run = scored();
  const html = renderHtml(run);
  const at = html.indexOf('id="score"');
  assert.ok(at > html.indexOf('class="verdict') && at < html.indexOf('id="budgets"'));
  assert.ok(html.includes(`<span class="score-value">${fmtNum(run.score!.value!)}</span> / 100 score`));
  for (const c of run.score!.components) assert.ok(html.includes(`<td>${c.name}</td>`), c.name);
});

test('no score in run.json: nothing about a score in either report', () => {
  const run = fixtureRun();
  assert.equal(run.score, undefined);
  assert.ok(!renderMarkdown(run).includes('Score'));
  assert.ok(!renderHtml(run).includes('id="score"'));
});
