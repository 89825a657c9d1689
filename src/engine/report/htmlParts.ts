// Building blocks of the HTML report's sections. Every cell and label is
// escaped here or arrives already escaped (the `string[][]` table cells).

import { escapeHtml as h } from './markupEscape';
import { ChartGeometry, ChartSpec, lineChartSvg } from './svgCharts';

export interface Column {
  label: string;
  num?: boolean;
}

/** A table whose cells are already-escaped HTML. */
export function table(columns: Column[], rows: string[][]): string {
  const head = columns.map((c) => `<th${c.num ? ' class="num"' : ''} scope="col">${h(c.label)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((cell, i) => `<td${columns[i]?.num ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

export const empty = (text: string) => `<p class="empty">${h(text)}</p>`;
export const card = (id: string, title: string, body: string) => `<section class="card" id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${h(title)}</h2>\n${body}\n</section>`;
export const loc = (file: string, line: number) => `<code>${h(file)}${line ? `:${line}` : ''}</code>`;

export function legend(items: Array<{ label: string; cls: string }>): string {
  return `<ul class="legend">${items.map((i) => `<li><span class="swatch ${h(i.cls)}"></span>${h(i.label)}</li>`).join('')}</ul>`;
}

/** A chart in its box with a legend; its geometry joins `charts` for the hover read-out. */
export function chartBox(charts: ChartGeometry[], spec: ChartSpec): string {
  const { svg, geometry } = lineChartSvg(spec);
  charts.push(geometry);
  return `<div class="chart-box"><h3>${h(spec.title)}</h3>${svg}${legend(spec.series)}</div>`;
}

