// The dashboard's DOM: header with title and phase, the figure tiles, one card
// per chart, and a visually hidden live region. Built with createElement and
// filled with textContent only, so nothing from a run is ever parsed as HTML.

import type { ChartId, ChartSpec } from './chartSpecs';
import type { DashboardModel } from './dashboardModel';
import { describePhase, formatElapsed, formatMB, formatMs, formatNumber, formatPercent } from './format';

type TileId = 'rps' | 'p95' | 'errors' | 'heap';

const tileLabels: Record<TileId, string> = {
  rps: 'Requests/s',
  p95: 'p95 latency',
  errors: 'Errors',
  heap: 'Heap used',
};

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Sets text only when it changed, so screen readers and layout see no churn. */
function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export interface DashboardViewActions {
  openReport(): void;
  showSeries(chart: ChartId, index: number, visible: boolean): void;
}

export class DashboardView {
  readonly canvases = new Map<ChartId, HTMLCanvasElement>();
  private readonly title = el('h1', 'run-title');
  private readonly phaseBadge = el('span', 'phase-badge');
  private readonly phaseLabel = el('span', 'phase-label');
  private readonly phaseMessage = el('span', 'phase-message');
  private readonly elapsed = el('span', 'phase-elapsed');
  private readonly openReport = el('button', 'open-report', 'Open report');
  private readonly tiles = new Map<TileId, { value: HTMLElement; detail: HTMLElement }>();
  private readonly liveRegion = el('div', 'visually-hidden');

  constructor(root: HTMLElement, specs: readonly ChartSpec[], private readonly actions: DashboardViewActions) {
    root.replaceChildren(this.buildHeader(), this.buildTiles(), this.buildCharts(specs), this.liveRegion);
    this.liveRegion.setAttribute('role', 'status');
    this.liveRegion.setAttribute('aria-live', 'polite');
    this.liveRegion.setAttribute('aria-atomic', 'true');
    this.openReport.type = 'button';
    this.openReport.hidden = true;
    this.openReport.addEventListener('click', () => actions.openReport());
  }

  /** Header and tiles: cheap, so they follow every update. */
  render(model: DashboardModel): void {
    setText(this.title, model.title || (model.runId ? model.runId : 'Hotpath live dashboard'));
    const phase = describePhase(model.phase);
    this.phaseBadge.className = `phase-badge phase-${phase.tone}`;
    setText(this.phaseLabel, phase.label);
    setText(this.phaseMessage, model.message);
    const seconds = model.latestSeconds();
    setText(this.elapsed, seconds > 0 ? `${formatElapsed(seconds)} elapsed` : '');
    // The host knows the run id even when only a phase message said the run ended.
    this.openReport.hidden = !(model.phase === 'saved' || model.phase === 'done' || model.phase === 'cancelled');

    const tick = model.lastTick;
    const sample = model.lastSample;
    this.setTile('rps', formatNumber(tick?.rps), tick ? `${formatNumber(tick.requestsTotal)} requests in all` : 'no load yet');
    this.setTile('p95', formatMs(tick?.p95), tick ? `p50 ${formatMs(tick.p50)} · p99 ${formatMs(tick.p99)}` : 'no load yet');
    const errorShare = tick && tick.requestsTotal > 0 ? (100 * model.errorsTotal) / tick.requestsTotal : null;
    this.setTile(
      'errors',
      tick ? formatNumber(model.errorsTotal) : '–',
      errorShare === null ? 'in total' : `in total · ${formatPercent(errorShare)} of requests`,
    );
    this.setTile(
      'heap',
      formatMB(sample?.heapUsed),
      sample ? `of ${formatMB(sample.heapTotal)} · RSS ${formatMB(sample.rss)}` : 'no samples yet',
    );
  }

  setChartLabels(labels: ReadonlyMap<ChartId, string>): void {
    for (const [id, label] of labels) {
      const canvas = this.canvases.get(id);
      if (canvas && canvas.getAttribute('aria-label') !== label) canvas.setAttribute('aria-label', label);
    }
  }

  announce(text: string): void {
    setText(this.liveRegion, text);
  }

  private buildHeader(): HTMLElement {
    const header = el('header', 'dashboard-header');
    const titleRow = el('div', 'title-row');
    titleRow.append(this.title, this.openReport);
    const dot = el('span', 'phase-dot');
    dot.setAttribute('aria-hidden', 'true');
    this.phaseBadge.append(dot, this.phaseLabel);
    const phaseLine = el('p', 'phase-line');
    const phaseIntro = el('span', 'visually-hidden', 'Phase: ');
    phaseLine.append(phaseIntro, this.phaseBadge, this.phaseMessage, this.elapsed);
    header.append(titleRow, phaseLine);
    return header;
  }

  private buildTiles(): HTMLElement {
    const section = el('section', 'tiles');
    section.setAttribute('aria-label', 'Current figures');
    const list = el('dl', 'tile-list');
    for (const id of Object.keys(tileLabels) as TileId[]) {
      const tile = el('div', `tile tile-${id}`);
      const value = el('dd', 'tile-value', '–');
      const detail = el('dd', 'tile-detail');
      tile.append(el('dt', 'tile-label', tileLabels[id]), value, detail);
      list.append(tile);
      this.tiles.set(id, { value, detail });
    }
    section.append(list);
    return section;
  }

  private buildCharts(specs: readonly ChartSpec[]): HTMLElement {
    const section = el('section', 'charts');
    section.setAttribute('aria-label', 'Charts');
    for (const spec of specs) {
      const figure = el('figure', 'chart-card');
      const caption = el('figcaption', 'chart-caption');
      caption.append(el('span', 'chart-title', spec.title));
      if (spec.datasets.length > 1) caption.append(this.buildLegend(spec));
      const box = el('div', 'chart-box');
      const canvas = el('canvas');
      canvas.id = `chart-${spec.id}`;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${spec.title} chart: no data yet.`);
      box.append(canvas);
      figure.append(caption, box);
      section.append(figure);
      this.canvases.set(spec.id, canvas);
    }
    return section;
  }

  /** One toggle button per series; the swatch colour comes from the stylesheet, so it follows the theme. */
  private buildLegend(spec: ChartSpec): HTMLElement {
    const legend = el('div', 'chart-legend');
    legend.setAttribute('role', 'group');
    legend.setAttribute('aria-label', `${spec.title} series`);
    spec.datasets.forEach((dataset, index) => {
      const button = el('button', 'legend-item');
      button.type = 'button';
      button.setAttribute('aria-pressed', 'true');
      button.title = `Show or hide ${dataset.label}`;
      const swatch = el('span', `legend-swatch swatch-${dataset.color}`);
      swatch.setAttribute('aria-hidden', 'true');
      button.append(swatch, el('span', 'legend-label', dataset.label));
      button.addEventListener('click', () => {
        const visible = button.getAttribute('aria-pressed') !== 'true';
        button.setAttribute('aria-pressed', String(visible));
        this.actions.showSeries(spec.id, index, visible);
      });
      legend.append(button);
    });
    return legend;
  }

  private setTile(id: TileId, value: string, detail: string): void {
    const tile = this.tiles.get(id);
    if (!tile) return;
    setText(tile.value, value);
    setText(tile.detail, detail);
  }
}
