// The Report view's document: a run's verdict, KPIs, budgets and findings.
// Pure (no `vscode`) so tests can render it. The view runs no script at all:
// links to source lines are `command:` URIs, which the view enables.

import type { RunRecord } from '../engine/runRecord';
import { escapeHtml } from './webviewHtml';

import { formatMeasure, formatMs } from './format';

export function reportViewHtml(cspSource: string, styleUri: string, run: RunRecord | null, openCommand: string): string {
  const body = run ? renderRun(run, openCommand) : '<p class="empty">No run selected. Run a benchmark or pick a run in the Runs view.</p>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(styleUri)}">
<title>Hotpath report</title>
</head>
<body>
${body}
</body>
</html>`;
}

function renderRun(run: RunRecord, openCommand: string): string {
  const parts: string[] = [];
  parts.push(`<h2 class="verdict status-${escapeHtml(run.status)}">${escapeHtml(run.status.toUpperCase())} <span class="muted">${escapeHtml(new Date(run.startedAt).toLocaleString())}</span></h2>`);
  if (run.error) parts.push(`<p class="error" role="alert">${escapeHtml(run.error)}</p>`);
  if (run.load) {
    const l = run.load;
    parts.push('<table class="kpi"><caption>Load</caption><tbody>');
    const rows: Array<[string, string]> = [
      ['Throughput', `${l.throughputRps.mean} req/s`],
      ['Requests', String(l.requests.total)],
      ['Latency p50', formatMs(l.latencyMs.p50)],
      ['Latency p95', formatMs(l.latencyMs.p95)],
      ['Latency p99', formatMs(l.latencyMs.p99)],
      ['Errors', `${l.errors.total} (${(l.errors.rate * 100).toFixed(2)}%)`],
    ];
    for (const [k, v] of rows) parts.push(`<tr><th scope="row">${k}</th><td>${escapeHtml(v)}</td></tr>`);
    parts.push('</tbody></table>');
  }
  if (run.budgets.length) {
    // Narrow side bar: the verdict is a mark in front of the metric, not a fourth column.
    parts.push('<table class="budgets"><caption>Budgets</caption><thead><tr><th>Metric</th><th>Target</th><th>Actual</th></tr></thead><tbody>');
    for (const b of run.budgets) {
      const mark = b.passed ? '<span class="pass" role="img" aria-label="passed">✓</span>' : '<span class="fail" role="img" aria-label="failed">✗</span>';
      parts.push(
        `<tr class="${b.passed ? 'ok' : 'broken'}"><td>${mark} ${escapeHtml(b.metric)}</td><td class="nowrap">${escapeHtml(b.expression)}</td><td class="nowrap">${b.actual === null ? 'not measured' : escapeHtml(formatMeasure(b.actual, b.unit))}</td></tr>`,
      );
    }
    parts.push('</tbody></table>');
  }
  const hot = run.cpu?.hotFunctions.filter((f) => f.category === 'user').slice(0, 8) ?? [];
  if (hot.length) {
    parts.push('<table class="hot"><caption>Hot functions (your code)</caption><thead><tr><th>Function</th><th>Self %</th><th>Total %</th></tr></thead><tbody>');
    for (const f of hot) {
      parts.push(`<tr><td>${sourceLink(openCommand, f.file, f.line, f.name)}</td><td>${f.selfPct.toFixed(1)}</td><td>${f.totalPct.toFixed(1)}</td></tr>`);
    }
    parts.push('</tbody></table>');
  }
  if (run.findings.length) {
    parts.push('<h3>Findings</h3><ul class="findings">');
    for (const f of run.findings) {
      const where = f.location ? ` ${sourceLink(openCommand, f.location.file, f.location.line, `${f.location.file}:${f.location.line}`)}` : '';
      parts.push(`<li class="sev-${escapeHtml(f.severity)}"><strong>${escapeHtml(f.kind)}</strong>: ${escapeHtml(f.message)}${where}</li>`);
    }
    parts.push('</ul>');
  }
  return parts.join('\n');
}

function sourceLink(command: string, file: string, line: number, text: string): string {
  const args = encodeURIComponent(JSON.stringify([{ file, line }]));
  // The accessible name carries the place too: several "(anonymous)" links must not sound alike.
  const where = `${file}:${line}`;
  const label = text === where ? `Open ${where}` : `${text}, open ${where}`;
  return `<a href="command:${escapeHtml(command)}?${escapeHtml(args)}" title="${escapeHtml(where)}" aria-label="${escapeHtml(label)}">${escapeHtml(text)}</a>`;
}
