// The run score (docs/score.md) beside the verdict: the value out of 100 and
// every component behind it (measured value, points, share, why), and what
// was left out for lack of data. Nothing when the run has no score.

import type { RecordScore } from '../analysis/score';
import type { RunRecord } from '../runRecord';
import { table } from './htmlParts';
import { escapeHtml as h } from './markupEscape';
import { fmtMs, fmtNum, fmtPct } from './reportFormat';

type Component = RecordScore['components'][number];

const measured = (c: Component) => (c.unit === 'ms' ? fmtMs(c.value) : c.unit === '%' ? fmtPct(c.value) : `${fmtNum(c.value)} ${c.unit}`);
const share = (c: Component) => `${fmtNum(c.share * 100)}%`;

function scoreOf(run: RunRecord): RecordScore | null {
  const s = run.score;
  return s && Array.isArray(s.components) ? s : null;
}

export function scoreHeadline(s: RecordScore): string {
  return s.value === null ? 'Score: not computed (no component had data)' : `Score: ${fmtNum(s.value)} / 100`;
}

export function scoreMarkdown(run: RunRecord, cell: (s: string) => string): string[] {
  const s = scoreOf(run);
  if (!s) return [];
  const out = ['', `**${scoreHeadline(s)}** (formula in Hotpath's docs/score.md)`];
  if (s.components.length) {
    out.push('', '| Component | Measured | Points | Share | Why |', '| --- | ---: | ---: | ---: | --- |');
    for (const c of s.components) out.push(`| ${cell(c.name)} | ${cell(measured(c))} | ${fmtNum(c.points)} | ${share(c)} | ${cell(c.why)} |`);
  }
  if (s.omitted?.length) out.push('', `Left out for lack of data: ${s.omitted.map((o) => `${cell(o.name)} (${cell(o.why)})`).join('; ')}.`);
  return out;
}

export function scoreHtml(run: RunRecord): string {
  const s = scoreOf(run);
  if (!s) return '';
  const parts = [`<h2 id="score-h"><span class="score-value">${h(s.value === null ? '–' : fmtNum(s.value))}</span> / 100 score</h2>`];
  if (s.value === null) parts.push(`<p class="empty">${h('Not computed: no component had data.')}</p>`);
  if (s.components.length) {
    parts.push(
      table(
        [{ label: 'Component' }, { label: 'Measured', num: true }, { label: 'Points', num: true }, { label: 'Share', num: true }, { label: 'Why' }],
        s.components.map((c) => [h(c.name), h(measured(c)), h(fmtNum(c.points)), h(share(c)), h(c.why)]),
      ),
    );
  }
  if (s.omitted?.length) parts.push(`<p class="meta">${h(`Left out for lack of data: ${s.omitted.map((o) => `${o.name} (${o.why})`).join('; ')}.`)}</p>`);
  return `<section class="card" id="score" aria-labelledby="score-h">\n${parts.join('\n')}\n</section>`;
}
