// Entry point of the live dashboard webview. Restores what the panel showed
// before it was hidden, says `ready`, then follows the host: a snapshot
// replaces everything, ticks and samples append, phase updates the header.

import { chartSpecs, type ChartId } from './chartSpecs';
import { DashboardModel, type PersistedDashboard } from './dashboardModel';
import { DashboardView } from './dashboardView';
import { describePhase, formatMB, formatMs, formatNumber } from './format';
import { isToDashboard } from './incomingMessage';
import { LiveCharts } from './liveCharts';
import { readTheme, watchTheme } from './theme';
import { throttle } from './throttle';
import { connectToHost } from './vscodeApi';

const host = connectToHost<PersistedDashboard>();
const model = new DashboardModel();

const root = document.getElementById('dashboard') ?? document.body.appendChild(document.createElement('main'));
root.classList.add('dashboard');
const view = new DashboardView(root, chartSpecs, {
  openReport: () => host.postMessage({ type: 'openReport' }),
  showSeries: (chart, index, visible) => charts.setSeriesVisible(chart, index, visible),
});
const charts = new LiveCharts(chartSpecs, view.canvases, readTheme());

// Screen readers get a sentence per chart and a polite summary, but not at
// the rate the data arrives: labels change at most once a second, the live
// region (which is spoken aloud) at most every five.
const updateChartLabels = throttle(() => {
  view.setChartLabels(new Map<ChartId, string>(chartSpecs.map((spec) => [spec.id, spec.describe(model)])));
}, 1000);
const announceFigures = throttle(() => view.announce(figuresSentence()), 5000);
const persist = throttle(() => host.setState(model.toPersisted()), 1000);

let frame: number | undefined;
function scheduleRender(): void {
  if (frame !== undefined) return;
  frame = requestAnimationFrame(() => {
    frame = undefined;
    view.render(model);
    charts.render(model);
    updateChartLabels();
    announceFigures();
    persist();
  });
}

function figuresSentence(): string {
  const phase = describePhase(model.phase).label;
  const tick = model.lastTick;
  const sample = model.lastSample;
  const parts = [`${phase}.`];
  if (tick) {
    parts.push(
      `${formatNumber(tick.rps)} requests per second, p95 ${formatMs(tick.p95)}, ${formatNumber(model.errorsTotal)} errors in total.`,
    );
  }
  if (sample) parts.push(`Heap used ${formatMB(sample.heapUsed)}.`);
  return parts.join(' ');
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isToDashboard(message)) return;
  switch (message.type) {
    case 'snapshot':
      model.applySnapshot(message.state);
      break;
    case 'phase':
      model.setPhase(message.phase, message.message);
      view.announce(`Phase: ${describePhase(message.phase).label}. ${message.message}`);
      break;
    case 'tick':
      model.addTick(message.tick);
      break;
    case 'sample':
      model.addSample(message.sample);
      break;
    case 'runtime':
      model.addRuntime(message.sample);
      break;
  }
  scheduleRender();
});

watchTheme(() => charts.applyTheme(readTheme()));

if (model.restore(host.getState())) scheduleRender();
else view.render(model);
host.postMessage({ type: 'ready' });
