// "Compared with baseline" in the Markdown and HTML reports: per metric the
// baseline, the current figure, the change and the verdict of the compare
// engine's tests, then the functions whose CPU self time moved most. Without a
// comparison the section is one line saying why.

import type { ComparedMetric, RunComparison } from './baselineComparison';
import { empty, loc, table } from './htmlParts';
import { escapeHtml as h } from './markupEscape';
import { fmtMiB, fmtMs, fmtNum, fmtPct } from './reportFormat';

/** What a report shows in the section: a comparison, or the reason there is none. */
export type ComparisonInput = { comparison: RunComparison } | { none: string };

export const NO_BASELINE = 'No baseline was pinned when this run was made: pin one (Runs view › Set as Baseline, or `hotpath baseline RUN_DIR`) or pass `hotpath report RUN_DIR --baseline BASE_RUN`.';

export function comparisonInputOf(run: { comparison?: RunComparison | null }, given?: ComparisonInput): ComparisonInput {
  if (given) return given;
  return run.comparison ? { comparison: run.comparison } : { none: NO_BASELINE };
}

export function fmtValue(v: number | null, unit: ComparedMetric['unit']): string {
  if (v === null) return '–';
  if (unit === 'ms') return fmtMs(v);
  if (unit === 'rps') return `${fmtNum(v)} req/s`;
  if (unit === 'bytes') return fmtMiB(v);
  return fmtPct(v);
}

const signed = (x: number, unit: string) => {
  const abs = Math.abs(x);
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${abs.toFixed(abs < 10 ? 1 : 0)}${unit}`;
};

/** Relative change in percent; a figure that is itself a percentage changes in percentage points. */
export function fmtChange(m: ComparedMetric): string {
  if (m.unit === '%') return m.baseline === null || m.current === null ? '–' : signed(m.current - m.baseline, ' pp');
  return m.changePct === null ? '–' : signed(m.changePct, '%');
}

const where = (f: RunComparison['functions'][number]) => (f.file ? `${f.file}:${f.line}` : f.category ? `(${f.category})` : '');

const VERDICT_LABEL: Record<ComparedMetric['verdict'], string> = {
  regression: 'significant regression',
  improvement: 'significant improvement',
  'no significant change': 'no significant change',
  'not tested': 'not tested',
};

export function fmtP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`;
}

/** "p < 0.001 at 95% confidence", "p = 0.34", or "one value per run". */
export function significance(m: ComparedMetric, alpha: number): string {
  if (m.pValue === null) return m.verdict === 'not tested' && m.why.startsWith('one value') ? 'one value per run' : '–';
  return m.pValue < alpha ? `${fmtP(m.pValue)} at ${fmtNum((1 - alpha) * 100)}% confidence` : fmtP(m.pValue);
}

export function comparisonSummary(c: RunComparison): string {
  if (c.regressions.length) return `Significant regression in ${c.regressions.join(', ')}.`;
  return `No significant regression${c.improvements.length ? `; significant improvement in ${c.improvements.join(', ')}` : ''}.`;
}

const baselineLine = (c: RunComparison) =>
  `Baseline run ${c.baseline.id}, started ${c.baseline.startedAt}${c.baseline.gitCommit ? `, commit ${c.baseline.gitCommit.slice(0, 12)}` : ''}.`;

export function comparisonMarkdown(input: ComparisonInput, cell: (s: string) => string, code: (s: string) => string): string[] {
  const out = ['## Compared with baseline', ''];
  if ('none' in input) return [...out, `_${cell(input.none)}_`, ''];
  const c = input.comparison;
  const icon = (m: ComparedMetric) => (m.verdict === 'regression' ? '🔴 ' : m.verdict === 'improvement' ? '🟢 ' : '');
  out.push(`${cell(baselineLine(c))} **${cell(comparisonSummary(c))}**`, '');
  out.push('| Metric | Baseline | Current | Change | Verdict | Significance |', '| --- | ---: | ---: | ---: | --- | --- |');
  for (const m of c.metrics) {
    out.push(`| ${cell(m.label)} | ${fmtValue(m.baseline, m.unit)} | ${fmtValue(m.current, m.unit)} | ${fmtChange(m)} | ${icon(m)}${VERDICT_LABEL[m.verdict]} | ${cell(significance(m, c.alpha))} |`);
  }
  for (const w of c.warnings) out.push('', `> ⚠️ ${cell(w)}`);
  out.push('');
  if (c.functions.length) {
    out.push('**CPU self time: largest changes** (share of busy CPU time)', '', '| Function | Location | Baseline | Current | Change |', '| --- | --- | ---: | ---: | ---: |');
    for (const f of c.functions) {
      out.push(`| ${code(f.name)} | ${where(f) ? code(where(f)) : '–'} | ${fmtPct(f.baseSelfPct)} | ${fmtPct(f.currentSelfPct)} | ${signed(f.deltaPct, ' pp')} |`);
    }
  } else {
    out.push(c.profileCompared ? '_No function changed its share of CPU self time._' : '_CPU self time was not compared: one of the runs has no CPU profile._');
  }
  return [...out, ''];
}

export function comparisonHtml(input: ComparisonInput): string {
  if ('none' in input) return empty(input.none.replace(/`/g, ''));
  const c = input.comparison;
  const pill = (m: ComparedMetric) =>
    m.verdict === 'regression' ? '<span class="pill fail">significant regression</span>' : m.verdict === 'improvement' ? '<span class="pill pass">significant improvement</span>' : h(VERDICT_LABEL[m.verdict]);
  const parts = [
    `<p class="lead">${h(baselineLine(c))} <b>${h(comparisonSummary(c))}</b></p>`,
    table(
      [{ label: 'Metric' }, { label: 'Baseline', num: true }, { label: 'Current', num: true }, { label: 'Change', num: true }, { label: 'Verdict' }, { label: 'Significance' }],
      c.metrics.map((m) => [h(m.label), h(fmtValue(m.baseline, m.unit)), h(fmtValue(m.current, m.unit)), h(fmtChange(m)), pill(m), `<span title="${h(m.why)}">${h(significance(m, c.alpha))}</span>`]),
    ),
    ...c.warnings.map((w) => `<p class="warning">${h(w)}</p>`),
    '<h3>CPU self time: largest changes</h3>',
  ];
  parts.push(
    c.functions.length
      ? table(
          [{ label: 'Function' }, { label: 'Location' }, { label: 'Baseline %', num: true }, { label: 'Current %', num: true }, { label: 'Change', num: true }],
          c.functions.map((f) => [`<code>${h(f.name)}</code>`, f.file ? loc(f.file, f.line) : where(f) ? `<code>${h(where(f))}</code>` : '–', h(fmtPct(f.baseSelfPct)), h(fmtPct(f.currentSelfPct)), h(signed(f.deltaPct, ' pp'))]),
        )
      : empty(c.profileCompared ? 'No function changed its share of CPU self time.' : 'CPU self time was not compared: one of the runs has no CPU profile.'),
  );
  return parts.join('\n');
}
