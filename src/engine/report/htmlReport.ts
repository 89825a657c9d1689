// The HTML report: one self-contained file that works offline. Its style and
// script are inlined and allowed by hash in a strict Content-Security-Policy
// (nothing else may load or run), every string from the run is escaped, and
// the data the script draws from sits in a JSON block. It holds what the
// Markdown report holds, plus the load timeline charts and the flame graph.

import { createHash } from 'crypto';
import type { CpuProfile } from '../cpu/cpuProfile';
import type { RunRecord } from '../runRecord';
import { buildFlameGraph, FlameGraphData, inferWorkspaceRoot } from './flameGraphData';
import { reportPageScript } from './htmlReportScript';
import { REPORT_CSS } from './htmlReportStyle';
import { escapeHtml as h, jsonForScript } from './markupEscape';
import { memorySection, querySection } from './htmlRuntimeSections';
import { scenarioHtml } from './scenarioReport';
import { scoreHtml } from './scoreSection';
import {
  budgetCurrent, budgetMarginPct, budgetMarginText, fmtGiB, fmtMs, fmtNum, fmtPct, VERDICT_TEXT,
} from './reportFormat';
import type { ChartGeometry } from './svgCharts';
import { card, chartBox, empty, legend, loc, table } from './htmlParts';
import { comparisonHtml, comparisonInputOf, type ComparisonInput } from './comparisonSection';

export interface HtmlReportAssets {
  /** The run's merged CPU profile; the flame graph is drawn from it. */
  cpuProfile?: CpuProfile | null;
  /** Why the profile could not be read, shown in place of the flame graph. */
  cpuProfileProblem?: string;
  /** The comparison to show (`hotpath report --baseline`); by default the one run.json holds, if any. */
  comparison?: ComparisonInput;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export function renderHtml(run: RunRecord, assets: HtmlReportAssets = {}): string {
  const charts: ChartGeometry[] = [];
  let flame: FlameGraphData | null = null;
  let flameProblem = assets.cpuProfileProblem ?? null;
  if (assets.cpuProfile) {
    try {
      flame = buildFlameGraph(assets.cpuProfile, { root: inferWorkspaceRoot(assets.cpuProfile, run.cpu?.hotFunctions ?? []) });
      if (flame.totalUs <= 0) flame = null;
    } catch (err) {
      flameProblem = `the CPU profile could not be read (${(err as Error).message})`;
    }
  }

  const body = [
    header(run),
    verdict(run),
    scoreHtml(run),
    tiles(run),
    card('budgets', 'Budgets', budgets(run)),
    card('comparison', 'Compared with baseline', comparisonHtml(comparisonInputOf(run, assets.comparison))),
    card('timeline', 'Load over time', timeline(run, charts)),
    card('endpoints', 'Endpoints', endpoints(run)),
    ...scenarioHtml(run),
    card('cpu', 'Where the CPU time went', cpu(run, flame, flameProblem)),
    card('memory', 'Memory, GC and event loop', memorySection(run, charts)),
    card('queries', 'Queries', querySection(run)),
    card('findings', 'Findings', findings(run)),
    card('environment', 'Environment', environment(run)),
    `<footer>Every figure in this report was measured in this run. The raw data (run.json, ${run.cpu ? 'cpu.cpuprofile, ' : ''}${run.heap?.profile ? 'heap.heapprofile, ' : ''}latency histogram) is saved in the run folder beside it.</footer>`,
  ].join('\n');

  const data = jsonForScript({ charts, flame: flame ? { frames: flame.frames, root: flame.root, totalUs: flame.totalUs } : null });
  const script = reportPageScript();
  if (/<\/script/i.test(script) || /<\/style/i.test(REPORT_CSS)) throw new Error('inlined report assets must not close their own element');
  const csp = ["default-src 'none'", `script-src ${sha256(script)}`, `style-src ${sha256(REPORT_CSS)}`, 'img-src data:', "base-uri 'none'", "form-action 'none'"].join('; ');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp.replace(/"/g, '&quot;')}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Hotpath">
<title>${h(`Hotpath report: ${run.name}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${body}
</main>
<script type="application/json" id="hotpath-data">${data}</script>
<script>${script}</script>
</body>
</html>
`;
}

function header(run: RunRecord): string {
  const started = new Date(run.startedAt);
  const when = Number.isNaN(started.getTime()) ? run.startedAt : started.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `<header class="report-head"><div><p class="brand">Hotpath report</p><h1>${h(run.name)}</h1>
<p class="meta">Run <code>${h(run.id)}</code> · started ${h(when)} · ${h(fmtMs(run.durationMs))} · scenario <code>${h(run.scenario)}</code></p></div></header>`;
}

function verdict(run: RunRecord): string {
  const icon = { passed: '✓', failed: '✕', error: '!', cancelled: '■' }[run.status] ?? '?';
  const [head, ...rest] = (VERDICT_TEXT[run.status] ?? `Status: ${run.status}`).split(': ');
  const broken = run.budgets.filter((b) => !b.passed).map((b) => `${b.metric} ${b.expression} (${budgetCurrent(b)})`);
  const detail = [run.error, broken.length ? `Broken: ${broken.join('; ')}.` : null].filter((x): x is string => !!x);
  return `<div class="verdict ${h(run.status)}" role="status"><span class="icon" aria-hidden="true">${icon}</span><div><strong>${h(head)}</strong>${rest.length ? `<span>: ${h(rest.join(': '))}</span>` : ''}${detail.map((d) => `<p>${h(d)}</p>`).join('')}</div></div>`;
}

function tiles(run: RunRecord): string {
  const l = run.load;
  if (!l || l.requests.total === 0) return '';
  const tile = (k: string, v: string, unit = '') => `<div class="tile"><div class="k">${h(k)}</div><div class="v">${h(v)}${unit ? `<small>${h(unit)}</small>` : ''}</div></div>`;
  const msTile = (k: string, ms: number) => {
    const [v, unit] = fmtMs(ms).split(' ');
    return tile(k, v, unit);
  };
  return `<div class="tiles" aria-label="Key figures">${[
    tile('Throughput', fmtNum(l.throughputRps.mean), 'req/s'),
    tile('Requests', fmtNum(l.requests.total)),
    msTile('Latency p50', l.latencyMs.p50),
    msTile('Latency p95', l.latencyMs.p95),
    msTile('Latency p99', l.latencyMs.p99),
    msTile('Slowest', l.latencyMs.max),
    tile('Errors', fmtNum(l.errors.total), fmtPct(l.errors.rate * 100)),
  ].join('')}</div>`;
}

function budgets(run: RunRecord): string {
  if (!run.budgets.length) {
    return empty(run.status === 'passed' || run.status === 'failed' ? 'No budgets are configured.' : 'Budgets were not evaluated: the run did not complete.');
  }
  return table(
    [{ label: 'Metric' }, { label: 'Target' }, { label: 'Current', num: true }, { label: 'Status' }, { label: 'Margin', num: true }],
    run.budgets.map((b) => [
      `<code>${h(b.metric)}</code>`,
      h(b.expression),
      h(budgetCurrent(b)),
      b.passed ? '<span class="pill pass">pass</span>' : '<span class="pill fail">fail</span>',
      `<span${(budgetMarginPct(b) ?? 0) < 0 ? ' class="over"' : ''}>${h(budgetMarginText(b))}</span>`,
    ]),
  );
}

function timeline(run: RunRecord, charts: ChartGeometry[]): string {
  const tl = run.load?.timeline ?? [];
  if (!tl.length) return empty('No load timeline was recorded: no request completed.');
  const t = tl.map((p) => p.t);
  const parts = [
    chartBox(charts, { id: 'chart-throughput', title: 'Throughput', unit: 'req/s', t, series: [{ label: 'req/s', cls: 'c1', values: tl.map((p) => p.rps) }] }),
    chartBox(charts, {
      id: 'chart-latency',
      title: 'Latency',
      unit: 'ms',
      t,
      series: [
        { label: 'p50', cls: 'c2', values: tl.map((p) => p.p50) },
        { label: 'p95', cls: 'c3', values: tl.map((p) => p.p95) },
        { label: 'p99', cls: 'c4', values: tl.map((p) => p.p99) },
      ],
    }),
  ];
  if (tl.some((p) => p.errors > 0)) {
    parts.push(chartBox(charts, { id: 'chart-errors', title: 'Errors', unit: 'errors/s', t, series: [{ label: 'errors', cls: 'c4', values: tl.map((p) => p.errors) }] }));
  }
  return `<p class="lead">One point per second of load; hover a chart to read the values.</p><div class="charts">${parts.join('')}</div>`;
}

function endpoints(run: RunRecord): string {
  const l = run.load;
  if (!l || l.requests.total === 0) return empty('No load results: no request completed.');
  return (
    `<p class="lead">${h(fmtNum(l.requests.total))} requests in ${h(fmtMs(l.durationMs))}: <b>${h(fmtNum(l.throughputRps.mean))} req/s</b>, latency p50 ${h(fmtMs(l.latencyMs.p50))}, p95 <b>${h(fmtMs(l.latencyMs.p95))}</b>, p99 ${h(fmtMs(l.latencyMs.p99))}, max ${h(fmtMs(l.latencyMs.max))}; errors ${h(fmtNum(l.errors.total))} (${h(fmtPct(l.errors.rate * 100))}).</p>` +
    table(
      [{ label: 'Endpoint' }, { label: 'Requests', num: true }, { label: 'req/s', num: true }, { label: 'p50', num: true }, { label: 'p95', num: true }, { label: 'p99', num: true }, { label: 'Errors', num: true }],
      l.endpoints.map((e) => [
        `<code>${h(e.method)} ${h(e.path)}</code>`,
        h(fmtNum(e.requests)),
        h(fmtNum(e.throughputRps)),
        h(fmtMs(e.latencyMs.p50)),
        h(fmtMs(e.latencyMs.p95)),
        h(fmtMs(e.latencyMs.p99)),
        h(fmtPct(e.errorRate * 100)),
      ]),
    )
  );
}

const BUCKETS = [
  ['user', 'your code'],
  ['library', 'libraries'],
  ['node', 'Node.js internals'],
  ['native', 'native'],
  ['gc', 'GC'],
  ['program', 'V8 (program)'],
] as const;

function cpu(run: RunRecord, flame: FlameGraphData | null, flameProblem: string | null): string {
  const c = run.cpu;
  if (!c || !c.hotFunctions.length) return empty('No CPU profile was recorded.');
  const b = c.buckets;
  const busy = BUCKETS.reduce((s, [k]) => s + (b[k] ?? 0), 0) || 1;
  let x = 0;
  const rects = BUCKETS.map(([k, label]) => {
    const w = ((b[k] ?? 0) / busy) * 1000;
    const r = `<rect class="${k}" x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="14"><title>${h(`${label}: ${fmtMs(b[k] ?? 0)}`)}</title></rect>`;
    x += w;
    return r;
  }).join('');
  const parts = [
    `<p class="lead">${h(fmtMs(c.busyMs))} busy of ${h(fmtMs(c.durationMs))} profiled (sampling every ${h(String(c.samplingIntervalMicros))} µs, ${h(String(c.slices))} slices).</p>`,
    `<svg class="busy-bar" viewBox="0 0 1000 14" preserveAspectRatio="none" role="img" aria-label="Busy time by origin">${rects}</svg>`,
    legend(BUCKETS.filter(([k]) => (b[k] ?? 0) > 0).map(([k, label]) => ({ cls: k, label: `${label} ${fmtMs(b[k])} (${fmtPct((b[k] / busy) * 100)})` }))),
    '<h3>Flame graph</h3>',
  ];
  if (flame) {
    parts.push(
      `<div class="flame-tools"><input id="flame-search" type="search" placeholder="Highlight functions or files…" aria-label="Highlight functions or files"><button id="flame-reset" type="button" disabled>Reset zoom</button><span class="meta">Busy time, callers above callees; click a frame to zoom, Esc to reset.${flame.foldedFrames ? ` ${h(fmtNum(flame.foldedFrames))} frames under 0.1% are folded into their callers.` : ''}</span></div>`,
      '<div class="crumbs" id="flame-crumbs"></div>',
      `<div class="flame-wrap"><canvas id="flame-canvas" tabindex="0" role="img" aria-label="Flame graph of ${h(fmtMs(flame.totalUs / 1000))} busy CPU time"></canvas></div>`,
      '<noscript><p class="noscript">The flame graph needs JavaScript; the tables below hold the same hot functions.</p></noscript>',
      legend([
        { cls: 'user', label: 'your code' },
        { cls: 'library', label: 'libraries' },
        { cls: 'node', label: 'Node.js internals' },
        { cls: 'native', label: 'native / V8' },
        { cls: 'gc', label: 'GC' },
      ]),
    );
  } else {
    parts.push(empty(`No flame graph: ${flameProblem ?? 'the CPU profile file was not provided'}.`));
  }
  const userFns = c.hotFunctions.filter((f) => f.category === 'user').slice(0, 10);
  parts.push('<h3>Hottest functions in your code</h3>');
  parts.push(
    userFns.length
      ? table(
          [{ label: 'Function' }, { label: 'Location' }, { label: 'Self', num: true }, { label: 'Self %', num: true }, { label: 'Total %', num: true }],
          userFns.map((f) => [`<code>${h(f.name)}</code>`, loc(f.file, f.line), h(fmtMs(f.selfMs)), h(fmtPct(f.selfPct)), h(fmtPct(f.totalPct))]),
        )
      : empty('None of the sampled time was in your own code.'),
  );
  parts.push('<h3>Hottest lines</h3>');
  parts.push(
    c.hotLines.length
      ? table([{ label: 'Line' }, { label: 'Self', num: true }, { label: 'Self %', num: true }], c.hotLines.slice(0, 10).map((l) => [loc(l.file, l.line), h(fmtMs(l.selfMs)), h(fmtPct(l.selfPct))]))
      : empty('The profile holds no per-line ticks.'),
  );
  return parts.join('\n');
}

function findings(run: RunRecord): string {
  if (!run.findings.length) return empty('No findings.');
  return `<ul class="findings">${run.findings
    .map((f) => `<li><span class="pill ${h(f.severity)}">${h(f.severity)}</span><span class="kind">${h(f.kind)}</span><span>${h(f.message)}${f.location ? ` ${loc(f.location.file, f.location.line)}` : ''}</span></li>`)
    .join('')}</ul>`;
}

function environment(run: RunRecord): string {
  const e = run.environment;
  const rows: Array<[string, string]> = [
    ['Node.js', e.node],
    ['Platform', `${e.platform}/${e.arch}`],
    ['CPU', `${e.cpus} × ${e.cpuModel}`],
    ['Memory', fmtGiB(e.totalMemBytes)],
    ['Commit', e.gitCommit ?? 'unknown (not a git checkout)'],
    ['Started', run.startedAt],
    ['Service', [run.service.command, ...run.service.args].join(' ')],
  ];
  if (e.hostname) rows.splice(4, 0, ['Host', e.hostname]);
  return `<dl class="env">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${k === 'Commit' || k === 'Service' ? `<code>${h(v)}</code>` : h(v)}</dd>`).join('')}</dl>`;
}
