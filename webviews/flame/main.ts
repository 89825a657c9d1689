// Entry point of the flame graph webview.
//
// Benchmark hook (kept stable; the flame graph benchmark depends on it):
//   - Outside VS Code (`acquireVsCodeApi` absent) a no-op host API is used, so
//     this bundle runs in a plain page that has only a <body>.
//   - `window.postMessage({ type: 'showProfile', profile, title })` with
//     `profile` a raw `.cpuprofile` JSON object draws it (left-heavy view).
//   - When that profile's first complete frame is drawn,
//     `document.body.dataset.firstPaintMs` is set to the milliseconds from the
//     message's receipt to the end of that draw (tree built, every visible row
//     painted to the canvas), as a decimal string. It is set again for every
//     later `showProfile`.
//
// In VS Code the host sends the same `showProfile` (with `baseline` in diff
// mode, `live` while a run is going) after the webview says `ready`, and gets
// `openSource` when a frame is clicked.

import type { RawCpuProfile, ToFlame } from '../../src/protocol/flame';
import { diffAgainst, type DiffColouring } from './flameDiff';
import { FlameControls } from './flameControls';
import { buildFlameTree, frameKey, search, type FlameTree, type Layout } from './flameModel';
import { FlameRenderer } from './flameRenderer';
import { readPalette } from './flameTheme';
import { connectToHost } from './hostApi';

interface Persisted {
  layout: Layout;
  query: string;
}

const host = connectToHost<Persisted>();
const saved = host.getState();

let profile: RawCpuProfile | null = null;
let baselineProfile: RawCpuProfile | null = null;
let baselineTree: FlameTree | null = null;
let diff: DiffColouring | null = null;
let title = '';
let baselineTitle = '';
let layout: Layout = saved?.layout === 'timeOrder' ? 'timeOrder' : 'leftHeavy';

const controls = new FlameControls(document.getElementById('flame') ?? document.body.appendChild(document.createElement('main')), {
  setLayout: (l) => {
    if (l === layout) return;
    layout = l;
    persist();
    rebuild(false);
  },
  search: () => applySearch(),
  openSource: (file, line) => host.postMessage({ type: 'openSource', file, line }),
  diffOf: (frameIndex) => {
    const tree = renderer.tree;
    return diff && tree ? diff.byKey.get(frameKey(tree.frames[frameIndex])) ?? null : null;
  },
});
controls.setLayout(layout);
controls.setQuery(saved?.query ?? '');
const renderer: FlameRenderer = controls.renderer;
renderer.palette = readPalette();

function persist(): void {
  host.setState({ layout, query: controls.query });
}

function applySearch(): void {
  const tree = renderer.tree;
  renderer.search = tree ? search(tree, controls.query) : null;
  controls.showMatches(renderer.search, tree?.totalUs ?? 0);
  renderer.requestDraw();
  persist();
}

function rebuild(keepView: boolean): void {
  if (!profile) return;
  const tree = buildFlameTree(profile, layout);
  renderer.setTree(tree, keepView);
  diff = null;
  if (baselineProfile) {
    baselineTree ??= buildFlameTree(baselineProfile, 'leftHeavy');
    diff = diffAgainst(tree, baselineTree);
    renderer.diffSteps = diff.steps;
  }
  renderer.search = search(tree, controls.query);
  controls.showMatches(renderer.search, tree.totalUs);
  controls.showTree(tree, title, diff ? baselineTitle || 'the baseline' : null);
  renderer.draw();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data as ToFlame | null;
  if (!message || typeof message !== 'object') return;
  if (message.type === 'showProfile') {
    if (!message.profile || !Array.isArray(message.profile.nodes)) return;
    const received = performance.now();
    const sameRun = profile !== null && message.live === true;
    profile = message.profile;
    title = typeof message.title === 'string' ? message.title : '';
    if (message.baseline !== baselineProfile) baselineTree = null;
    baselineProfile = message.baseline ?? null;
    baselineTitle = message.baselineTitle ?? '';
    controls.setLive(message.live === true);
    try {
      rebuild(sameRun);
      document.body.dataset.firstPaintMs = String(performance.now() - received);
    } finally {
      // The host sends the next profile only once this one is drawn.
      host.postMessage({ type: 'drawn' });
    }
  } else if (message.type === 'status') {
    controls.setStatus(String(message.message));
  }
});

window.addEventListener('resize', () => {
  renderer.resize();
  renderer.draw();
});

let themeTimer: number | undefined;
new MutationObserver(() => {
  clearTimeout(themeTimer);
  themeTimer = window.setTimeout(() => {
    renderer.palette = readPalette();
    controls.refreshLegend();
    renderer.draw();
  }, 0);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

renderer.resize();
renderer.draw();
host.postMessage({ type: 'ready' });
