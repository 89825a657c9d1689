// The stress, spike and soak sections of the Markdown and HTML reports, each
// opening with the question its scenario answers. Read defensively from
// run.json: runs saved by earlier releases lack some step fields (mean latency,
// the service's CPU), which then show as "–" rather than as a made-up figure.

import { SOAK_QUESTION } from '../load/scenarios/soak';
import { SPIKE_QUESTION } from '../load/scenarios/spike';
import { STRESS_QUESTION } from '../load/scenarios/stress';
import type { RunRecord } from '../runRecord';
import { card, empty, table } from './htmlParts';
import { escapeHtml as h } from './markupEscape';
import { fmtMiB, fmtMs, fmtNum, fmtPct } from './reportFormat';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (o: Obj, k: string): number | null => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : null);
const str = (o: Obj, k: string): string | null => (typeof o[k] === 'string' ? (o[k] as string) : null);
const dash = (v: number | null, f: (n: number) => string) => (v === null ? '–' : f(v));

/** One section: its title, the question, a headline of sentences and tables of plain-text cells. */
export interface ScenarioSection {
  id: 'stress' | 'spike' | 'soak';
  title: string;
  question: string;
  /** Sentences; `**…**` marks the headline figure. */
  lines: string[];
  tables: Array<{ columns: string[]; numeric: boolean[]; rows: string[][] }>;
  /** When the scenario ran but left no figures. */
  none: string | null;
}

export function scenarioReportSections(run: RunRecord): ScenarioSection[] {
  const load = isObj(run.load) ? (run.load as unknown as Obj) : {};
  const out: ScenarioSection[] = [];
  if (isObj(load.stress) || run.scenario === 'stress') out.push(stress(isObj(load.stress) ? load.stress : null));
  const stages = (Array.isArray(load.stages) ? load.stages : []).filter(isObj);
  if (isObj(load.spike) || run.scenario === 'spike') out.push(spike(isObj(load.spike) ? load.spike : null, stages));
  if (isObj(load.soak) || run.scenario === 'soak') out.push(soak(isObj(load.soak) ? load.soak : null));
  return out;
}

function stress(s: Obj | null): ScenarioSection {
  const section: ScenarioSection = { id: 'stress', title: 'Stress ladder', question: (s && str(s, 'question')) ?? STRESS_QUESTION, lines: [], tables: [], none: null };
  const steps = (s && Array.isArray(s.steps) ? s.steps : []).filter(isObj).filter((x) => num(x, 'connections') !== null && num(x, 'rps') !== null);
  if (!s || !steps.length) return { ...section, none: 'The stress ladder recorded no steps.' };
  const max = isObj(s.maxSustainable) ? s.maxSustainable : null;
  const brk = isObj(s.breakingPoint) ? s.breakingPoint : null;
  const stepOf = (c: number | null) => steps.findIndex((x) => num(x, 'connections') === c) + 1;
  if (max && num(max, 'connections') !== null && num(max, 'rps') !== null) {
    const c = num(max, 'connections')!;
    const held = num(max, 'heldSec');
    // Requests per CPU-second stay put when other processes take CPU from the
    // service; its raw req/s and the step it sustains move with its share.
    const cpu = num(max, 'cpuPct');
    section.lines.push(
      `Maximum sustainable load: **${fmtNum(c)} connections** (step ${stepOf(c)} of ${steps.length}), **${fmtNum(num(max, 'rps')!)} req/s**` +
        `${num(max, 'p95') !== null ? ` at p95 ${fmtMs(num(max, 'p95')!)}` : ''}` +
        `${cpu !== null ? `, on ${fmtPct(cpu)} of a core${num(max, 'rpsPerCore') !== null ? `: **${fmtNum(num(max, 'rpsPerCore')!)} requests per CPU-second** of the service` : ''}` : ''}` +
        `${held !== null ? `; held for ${fmtNum(held)} s${max.heldWithinLimits === false ? ', and the hold went past the limits' : ' within the limits'}` : ''}.`,
    );
  } else {
    section.lines.push('Maximum sustainable load: none: the first step was already past the limits.');
  }
  if (brk && num(brk, 'connections') !== null) {
    const c = num(brk, 'connections')!;
    section.lines.push(`Breaking point: **${fmtNum(c)} connections** (step ${stepOf(c)})${num(brk, 'rps') !== null ? `, ${fmtNum(num(brk, 'rps')!)} req/s` : ''}${str(brk, 'reason') ? `: ${str(brk, 'reason')}` : ''}.`);
  } else {
    section.lines.push('Breaking point: not reached: every step of the ladder stayed within the limits.');
  }
  const limits = isObj(s.limits) ? s.limits : null;
  if (limits) {
    const parts = [num(limits, 'maxErrorRate') !== null ? `error rate ≤ ${fmtPct(num(limits, 'maxErrorRate')! * 100)}` : null, num(limits, 'maxP95Ms') !== null ? `p95 ≤ ${fmtMs(num(limits, 'maxP95Ms')!)}` : null];
    if (num(limits, 'maxP95Factor') !== null) parts.push(`p95 ≤ ${num(limits, 'maxP95Factor')}× the first step's${num(limits, 'referenceP95Ms') !== null ? ` ${fmtMs(num(limits, 'referenceP95Ms')!)}` : ''}`);
    section.lines.push(`Limits: ${parts.filter(Boolean).join(', ')}.`);
  }
  section.tables.push({
    columns: ['Step', 'Connections', 'req/s', 'Avg', 'p95', 'Errors', 'Service CPU', 'Within limits'],
    numeric: [true, true, true, true, true, true, true, false],
    rows: steps.map((x, i) => [
      String(i + 1),
      fmtNum(num(x, 'connections')!),
      fmtNum(num(x, 'rps')!),
      dash(num(x, 'avg'), fmtMs),
      dash(num(x, 'p95'), fmtMs),
      dash(num(x, 'errorRate'), (e) => fmtPct(e * 100)),
      dash(num(x, 'cpuPct'), fmtPct),
      x.withinLimits === true ? 'yes' : x.withinLimits === false ? `no${str(x, 'reason') ? `: ${str(x, 'reason')}` : ''}` : '–',
    ]),
  });
  return section;
}

function spike(s: Obj | null, stages: Obj[]): ScenarioSection {
  const section: ScenarioSection = { id: 'spike', title: 'Spike', question: (s && str(s, 'question')) ?? SPIKE_QUESTION, lines: [], tables: [], none: null };
  if (!s) return { ...section, none: 'No spike figures were measured.' };
  const rec = num(s, 'recoveryMs');
  const threshold = num(s, 'thresholdMs');
  const base = num(s, 'baselineP95Ms');
  const tol = num(s, 'tolerancePct');
  const crit = threshold !== null ? `p95 back under ${fmtMs(threshold)}${base !== null && tol !== null ? `, the pre-spike ${fmtMs(base)} + ${fmtNum(tol)}%` : ''}` : 'p95 back near the pre-spike level';
  if (rec === null) section.lines.push(`Recovery time: **not recovered**: ${crit} was never reached before the run ended.`);
  else if (rec === 0) section.lines.push(`Recovery time: **none needed**: the first second after the spike already had ${crit}.`);
  else section.lines.push(`Recovery time: **${fmtMs(rec)}** after the spike ended (${crit}).`);
  if (num(s, 'baseConnections') !== null && num(s, 'spikeConnections') !== null) {
    section.tables.push({
      columns: ['Phase', 'Connections', 'req/s', 'p95', 'Errors'],
      numeric: [false, true, true, true, true],
      rows: [
        ['before the spike', fmtNum(num(s, 'baseConnections')!), dash(num(s, 'baseRps'), fmtNum), dash(num(s, 'baselineP95Ms'), fmtMs), dash(stages.find((x) => x.kind === 'base') ? num(stages.find((x) => x.kind === 'base')!, 'errorRate') : null, (e) => fmtPct(e * 100))],
        ['spike', fmtNum(num(s, 'spikeConnections')!), dash(num(s, 'spikeRps'), fmtNum), dash(num(s, 'spikeP95Ms'), fmtMs), dash(num(s, 'spikeErrorRate'), (e) => fmtPct(e * 100))],
      ],
    });
    const after = stages.find((x) => x.kind === 'recovery');
    const lat = after && isObj(after.latencyMs) ? after.latencyMs : {};
    if (after) section.tables[0].rows.push(['after the spike', dash(num(after, 'connections'), fmtNum), dash(num(after, 'rps'), fmtNum), dash(num(lat, 'p95'), fmtMs), dash(num(after, 'errorRate'), (e) => fmtPct(e * 100))]);
  }
  return section;
}

function soak(s: Obj | null): ScenarioSection {
  const section: ScenarioSection = { id: 'soak', title: 'Endurance (soak)', question: (s && str(s, 'question')) ?? SOAK_QUESTION, lines: [], tables: [], none: null };
  if (!s || num(s, 'p95DegradationPct') === null) return { ...section, none: 'No endurance figures were measured (a soak needs at least two windows).' };
  const heap = num(s, 'heapGrowthPct');
  const signed = (x: number) => `${x > 0 ? '+' : ''}${fmtPct(x)}`;
  section.lines.push(
    `From the first window to the last: p95 **${signed(num(s, 'p95DegradationPct')!)}**, throughput ${num(s, 'throughputDegradationPct')! > 0 ? 'down' : 'up'} **${fmtPct(Math.abs(num(s, 'throughputDegradationPct')!))}**, ` +
      `heap ${heap === null ? 'growth not measured' : `**${signed(heap)}**`} (positive p95 and heap figures are worse).`,
  );
  const first = isObj(s.first) ? s.first : null;
  const last = isObj(s.last) ? s.last : null;
  const windows = Array.isArray(s.windows) ? s.windows.length : null;
  if (windows !== null && num(s, 'windowSec') !== null) section.lines.push(`${windows} windows of ${fmtNum(num(s, 'windowSec')!)} s at ${dash(num(s, 'connections'), fmtNum)} connections.`);
  if (first && last) {
    const troughs = isObj(s.heap) ? s.heap : {};
    const row = (name: string, w: Obj, trough: number | null) => [name, dash(num(w, 'rps'), fmtNum), dash(num(w, 'p50'), fmtMs), dash(num(w, 'p95'), fmtMs), dash(num(w, 'p99'), fmtMs), dash(num(w, 'errorRate'), (e) => fmtPct(e * 100)), dash(trough, fmtMiB)];
    section.tables.push({
      columns: ['Window', 'req/s', 'p50', 'p95', 'p99', 'Errors', 'Heap after GC'],
      numeric: [false, true, true, true, true, true, true],
      rows: [row('first', first, num(troughs, 'firstTroughBytes')), row('last', last, num(troughs, 'lastTroughBytes'))],
    });
  }
  return section;
}

/** Markdown: `cell` escapes text for a table cell or a line. */
export function scenarioMarkdown(run: RunRecord, cell: (s: string) => string): string[] {
  const out: string[] = [];
  for (const s of scenarioReportSections(run)) {
    out.push(`## ${s.title}`, '', `_${cell(s.question)}_`, '');
    if (s.none) {
      out.push(`_${cell(s.none)}_`, '');
      continue;
    }
    for (const l of s.lines) out.push(`${cell(l)}  `);
    out[out.length - 1] = out[out.length - 1].trimEnd();
    for (const t of s.tables) {
      out.push('', `| ${t.columns.join(' | ')} |`, `| ${t.numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`, ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`));
    }
    out.push('');
  }
  return out;
}

const bold = (escaped: string) => escaped.replace(/\*\*(.+?)\*\*/g, '<b>$1</b>');

export function scenarioHtml(run: RunRecord): string[] {
  return scenarioReportSections(run).map((s) => {
    const body = [`<p class="question">${h(s.question)}</p>`];
    if (s.none) body.push(empty(s.none));
    else {
      body.push(...s.lines.map((l) => `<p class="lead">${bold(h(l))}</p>`));
      body.push(...s.tables.map((t) => table(t.columns.map((label, i) => ({ label, num: t.numeric[i] })), t.rows.map((r) => r.map((c) => h(c))))));
    }
    return card(s.id, s.title, body.join('\n'));
  });
}
