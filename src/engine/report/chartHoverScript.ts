// The report page's chart read-out: hovering an SVG chart (drawn in
// svgCharts.ts) shows a crosshair and the values at the nearest second. Inlined
// into the page through Function.prototype.toString (htmlReportScript.ts), so
// it uses nothing outside its own body; DOM objects are typed loosely because
// the engine compiles without DOM typings.

/* eslint-disable @typescript-eslint/no-explicit-any */

export function chartHover(): void {
  const win: any = globalThis;
  const doc: any = win.document;

  interface Chart {
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
  const dataEl = doc.getElementById('hotpath-data');
  const charts: Chart[] = dataEl ? JSON.parse(dataEl.textContent).charts : [];

  const fmtVal = (v: number, unit: string): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' ' + unit;
  const el = (tag: string, cls: string, text?: string): any => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  for (const chart of charts) {
    const svg = doc.getElementById(chart.id);
    if (!svg || !chart.t.length) continue;
    const layer = svg.querySelector('g.hover');
    const ns = svg.namespaceURI;
    const tip = el('div', 'chart-tip');
    tip.hidden = true;
    svg.parentNode.appendChild(tip);
    const x = (t: number) => chart.plot.left + ((t - chart.tMin) / (chart.tMax - chart.tMin)) * chart.plot.width;
    const y = (v: number) => chart.plot.top + chart.plot.height - (v / chart.yMax) * chart.plot.height;
    const show = (e: any) => {
      const r = svg.getBoundingClientRect();
      const vx = ((e.clientX - r.left) / r.width) * chart.view.width;
      let best = 0;
      for (let i = 1; i < chart.t.length; i++) if (Math.abs(x(chart.t[i]) - vx) < Math.abs(x(chart.t[best]) - vx)) best = i;
      while (layer.firstChild) layer.removeChild(layer.firstChild);
      const line = doc.createElementNS(ns, 'line');
      line.setAttribute('class', 'crosshair');
      line.setAttribute('x1', String(x(chart.t[best])));
      line.setAttribute('x2', String(x(chart.t[best])));
      line.setAttribute('y1', String(chart.plot.top));
      line.setAttribute('y2', String(chart.plot.top + chart.plot.height));
      layer.appendChild(line);
      tip.textContent = '';
      tip.appendChild(el('div', 'chart-tip-title', (chart.t[best] / 1000).toFixed(1) + ' s'));
      for (const s of chart.series) {
        const v = s.values[best];
        if (typeof v !== 'number' || !isFinite(v)) continue;
        const dot = doc.createElementNS(ns, 'circle');
        dot.setAttribute('class', 'dot ' + s.cls);
        dot.setAttribute('cx', String(x(chart.t[best])));
        dot.setAttribute('cy', String(y(v)));
        dot.setAttribute('r', '3.5');
        layer.appendChild(dot);
        const row = el('div', 'chart-tip-row');
        row.appendChild(el('span', 'swatch ' + s.cls));
        row.appendChild(el('span', '', s.label + ' '));
        row.appendChild(el('b', '', fmtVal(v, chart.unit)));
        tip.appendChild(row);
      }
      tip.hidden = false;
      const px = (x(chart.t[best]) / chart.view.width) * r.width;
      const right = px > r.width * 0.6;
      tip.style.left = right ? '' : px + 12 + 'px';
      tip.style.right = right ? r.width - px + 12 + 'px' : '';
    };
    svg.addEventListener('pointermove', show);
    svg.addEventListener('pointerleave', () => {
      while (layer.firstChild) layer.removeChild(layer.firstChild);
      tip.hidden = true;
    });
  }
}
