// Line charts for the HTML report, drawn here as static SVG rather than by a
// charting library in the page: a few kilobytes instead of chart.js's ~200 KB,
// nothing to load at run time (the packaged extension ships no node_modules),
// and the charts still show with scripts off, in print and in mail clients.
// The page script only adds a hover read-out, from the geometry returned here.

import { escapeXml } from './markupEscape';

export interface ChartSeries {
  label: string;
  /** A class from the report stylesheet that sets the colour (`c1`…`c4`). */
  cls: string;
  values: number[];
}

export interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  /** ms since the start of the run, one per value */
  t: number[];
  series: ChartSeries[];
}

/** What the page script needs to map the pointer to a sample. */
export interface ChartGeometry {
  id: string;
  unit: string;
  t: number[];
  series: Array<{ label: string; cls: string; values: number[] }>;
  view: { width: number; height: number };
  plot: { left: number; top: number; width: number; height: number };
  tMin: number;
  tMax: number;
  yMax: number;
}

const W = 520;
const H = 220;
const PLOT = { left: 46, top: 18, right: 12, bottom: 30 };

/** 1, 2 or 5 times a power of ten: the step for about `count` ticks up to `max`. */
export function niceStep(max: number, count = 4): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const tickLabel = (v: number) => (Math.abs(v) >= 1000 ? `${r1(v / 1000)}k` : String(r1(v)));

export function lineChartSvg(spec: ChartSpec): { svg: string; geometry: ChartGeometry } {
  const pw = W - PLOT.left - PLOT.right;
  const ph = H - PLOT.top - PLOT.bottom;
  const tMin = 0;
  const tMax = Math.max(1, ...spec.t);
  const dataMax = Math.max(0, ...spec.series.flatMap((s) => s.values.filter(Number.isFinite)));
  const step = niceStep(dataMax || 1);
  const yMax = Math.max(step, Math.ceil(dataMax / step) * step);
  const x = (t: number) => PLOT.left + ((t - tMin) / (tMax - tMin)) * pw;
  const y = (v: number) => PLOT.top + ph - (v / yMax) * ph;

  const parts: string[] = [];
  for (let v = 0; v <= yMax + step / 2; v += step) {
    const yy = r1(y(v));
    parts.push(`<line class="grid" x1="${PLOT.left}" x2="${W - PLOT.right}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="tick" x="${PLOT.left - 8}" y="${r1(yy + 4)}" text-anchor="end">${tickLabel(v)}</text>`);
  }
  const tStep = niceStep(tMax / 1000, 6) * 1000;
  for (let t = 0; t <= tMax + 1; t += tStep) {
    const xx = r1(x(t));
    parts.push(`<line class="tick-mark" x1="${xx}" x2="${xx}" y1="${PLOT.top + ph}" y2="${PLOT.top + ph + 4}"/>`);
    parts.push(`<text class="tick" x="${xx}" y="${PLOT.top + ph + 17}" text-anchor="middle">${tickLabel(t / 1000)} s</text>`);
  }
  parts.push(`<text class="unit" x="${PLOT.left}" y="${PLOT.top - 7}" text-anchor="start">${escapeXml(spec.unit)}</text>`);
  parts.push(`<line class="axis" x1="${PLOT.left}" x2="${W - PLOT.right}" y1="${PLOT.top + ph}" y2="${PLOT.top + ph}"/>`);

  for (const s of spec.series) {
    const pts = spec.t.map((t, i) => [t, s.values[i]] as const).filter(([, v]) => Number.isFinite(v));
    if (!pts.length) continue;
    const d = pts.map(([t, v], i) => `${i ? 'L' : 'M'}${r1(x(t))} ${r1(y(v))}`).join('');
    if (pts.length === 1) {
      parts.push(`<circle class="series ${escapeXml(s.cls)}" cx="${r1(x(pts[0][0]))}" cy="${r1(y(pts[0][1]))}" r="3"/>`);
    } else {
      parts.push(`<path class="series ${escapeXml(s.cls)}" d="${d}"/>`);
    }
  }
  parts.push(`<g class="hover" data-hover-for="${escapeXml(spec.id)}"></g>`);

  const label = `${spec.title}: ${spec.series.map((s) => s.label).join(', ')} over ${tickLabel(tMax / 1000)} s`;
  const svg = `<svg id="${escapeXml(spec.id)}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(label)}">${parts.join('')}</svg>`;
  return {
    svg,
    geometry: {
      id: spec.id,
      unit: spec.unit,
      t: spec.t,
      series: spec.series.map((s) => ({ label: s.label, cls: s.cls, values: s.values })),
      view: { width: W, height: H },
      plot: { left: PLOT.left, top: PLOT.top, width: pw, height: ph },
      tMin,
      tMax,
      yMax,
    },
  };
}
