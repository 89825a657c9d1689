// chart.js wiring for the four live charts. Only the pieces used are
// registered, so the bundle carries no other controllers or scales. Animation
// is off and every redraw is `update('none')`: a live chart redrawn each
// second should not animate, and 30 minutes of data must stay cheap.

import {
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type ChartOptions,
} from 'chart.js';
import type { Point } from './boundedSeries';
import type { ChartId, ChartSpec } from './chartSpecs';
import type { DashboardModel } from './dashboardModel';
import { formatElapsed, formatNumber } from './format';
import { withAlpha, type Theme } from './theme';
import { stageMarkerPlugin, type StageMarker } from './stageMarkers';

// The legend is HTML (dashboardView.ts), so the Legend plugin is not registered.
Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Tooltip);

type LiveChart = Chart<'line', Point[]>;

/** Every chart's y axis takes at least this width, so the plot areas line up along the shared time axis. */
const yAxisWidth = 64;

/** The time axis never shows less than this, so a young run doesn't stretch a few points across the chart. */
const minimumSpanSeconds = 30;

export class LiveCharts {
  private readonly charts = new Map<ChartId, { chart: LiveChart; spec: ChartSpec }>();
  private markers: readonly StageMarker[] = [];
  private theme: Theme;

  constructor(specs: readonly ChartSpec[], canvases: ReadonlyMap<ChartId, HTMLCanvasElement>, theme: Theme) {
    this.theme = theme;
    const markers = stageMarkerPlugin(() => this.markers, () => this.theme.foreground);
    for (const spec of specs) {
      const canvas = canvases.get(spec.id);
      if (!canvas) continue;
      const chart: LiveChart = new Chart(canvas, {
        type: 'line',
        data: { datasets: spec.datasets.map((d) => ({ label: d.label, data: [] as Point[] })) },
        options: baseOptions(spec, theme),
        plugins: [markers],
      });
      this.charts.set(spec.id, { chart, spec });
      this.styleDatasets(chart, spec, theme);
    }
  }

  /** Points every dataset at the model's series and redraws all charts over one shared time range. */
  render(model: DashboardModel): void {
    this.markers = model.markers;
    const max = Math.max(minimumSpanSeconds, Math.ceil(model.latestSeconds()));
    for (const { chart, spec } of this.charts.values()) {
      spec.datasets.forEach((d, i) => {
        chart.data.datasets[i].data = model.series[d.key].points;
      });
      const x = chart.options.scales?.x;
      if (x) {
        x.min = 0;
        x.max = max;
      }
      chart.update('none');
    }
  }

  setSeriesVisible(id: ChartId, index: number, visible: boolean): void {
    const entry = this.charts.get(id);
    if (!entry || index >= entry.chart.data.datasets.length) return;
    entry.chart.setDatasetVisibility(index, visible);
    entry.chart.update('none');
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    for (const { chart, spec } of this.charts.values()) {
      chart.options = baseOptions(spec, theme, chart.options.scales?.x?.max as number | undefined);
      this.styleDatasets(chart, spec, theme);
      chart.update('none');
    }
  }

  dispose(): void {
    for (const { chart } of this.charts.values()) chart.destroy();
    this.charts.clear();
  }

  private styleDatasets(chart: LiveChart, spec: ChartSpec, theme: Theme): void {
    spec.datasets.forEach((d, i) => {
      const color = theme[d.color];
      const dataset = chart.data.datasets[i] as ChartDataset<'line', Point[]>;
      dataset.borderColor = color;
      dataset.backgroundColor = d.fill ? withAlpha(color, 0.15) : color;
      dataset.fill = d.fill ? 'origin' : false;
    });
  }
}

function baseOptions(spec: ChartSpec, theme: Theme, xMax = minimumSpanSeconds): ChartOptions<'line'> {
  const font = { family: theme.fontFamily, size: 11 };
  const grid = { color: theme.border, tickColor: theme.border };
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    spanGaps: true,
    color: theme.foreground,
    borderColor: theme.border,
    font,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    elements: {
      point: { radius: 0, hoverRadius: 3, hitRadius: 6 },
      line: { borderWidth: 2, tension: 0 },
    },
    layout: { padding: { top: 4, right: 8 } },
    scales: {
      x: {
        type: 'linear',
        min: 0,
        max: xMax,
        grid,
        border: { color: theme.border },
        title: { display: true, text: 'Time since start', color: theme.foreground, font },
        ticks: {
          color: theme.foreground,
          font,
          includeBounds: false,
          maxTicksLimit: 8,
          maxRotation: 0,
          callback: (value) => formatElapsed(Number(value)),
        },
      },
      y: {
        type: 'linear',
        beginAtZero: true,
        grid,
        border: { color: theme.border },
        title: { display: true, text: spec.yTitle, color: theme.foreground, font },
        ticks: { color: theme.foreground, font, maxTicksLimit: 6, callback: (value) => formatNumber(Number(value)) },
        afterFit: (scale) => {
          scale.width = Math.max(scale.width, yAxisWidth);
        },
      },
    },
    plugins: {
      tooltip: {
        callbacks: {
          title: (items) => (items.length ? formatElapsed(items[0].parsed.x ?? 0) : ''),
          label: (item) => `${item.dataset.label ?? ''}: ${formatNumber(item.parsed.y)} ${spec.yTitle}`,
        },
      },
    },
  };
}
