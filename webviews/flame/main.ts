// Entry point of the flame graph webview.
//
// Benchmark hook (kept stable; the flame graph benchmark depends on it):
//   - Outside VS Code (`acquireVsCodeApi` absent) a no-op host API is used, so
//     this bundle runs in a plain page that has only a <body>.
//   - `window.postMessage({ type: 'showProfile', profile, title })` with
//     `profile` a raw `.cpuprofile` JSON object, or its columns from
//     `encodeFlameColumns` (src/protocol/flameColumns.ts, buffers transferred),
//     draws it (left-heavy view).
//   - When that profile's first complete frame is drawn,
//     `document.body.dataset.firstPaintMs` is set to the milliseconds from the
//     message's receipt to the end of that draw (columns checked or encoded,
//     tree built, every visible row painted to the canvas), as a decimal
//     string. It is set again for every later `showProfile`.
//   - A large profile's first paint leaves out frames too narrow to be drawn
//     at the full view; once that frame is on screen the complete tree takes
//     its place and `document.body.dataset.completeMs` is set (message receipt
//     to the complete tree drawn). Absent when the first paint was complete.
//
// In VS Code the host sends the same `showProfile` with columns (with
// `baseline` in diff mode, `live` while a run is going) after the webview says
// `ready`, and gets `openSource` when a frame is clicked.

import type { RawCpuProfile, ToFlame } from '../../src/protocol/flame';
import { encodeFlameColumns, isFlameColumns, type FlameColumns } from '../../src/protocol/flameColumns';
import { diffAgainst, type DiffColouring } from './flameDiff';
import { FlameControls } from './flameControls';
import { buildFlameTree, buildInStages, frameKey, search, type FlameTree, type Layout } from './flameModel';
import { FlameRenderer, MIN_WIDTH_PX } from './flameRenderer';
import { readPalette } from './flameTheme';
import { connectToHost } from './hostApi';

interface Persisted {
  layout: Layout;
  query: string;
}

const host = connectToHost<Persisted>();
const saved = host.getState();

let profile: FlameColumns | null = null;
/** The baseline as it arrived (to tell a new one from a re-send) and its columns. */
let baselineMessage: unknown = null;
let baselineProfile: FlameColumns | null = null;
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

/** Columns of a profile from a message, encoding a raw one; null when it is neither. */
function columnsOf(p: unknown): FlameColumns | null {
  if (typeof p !== 'object' || p === null) return null;
  if (Array.isArray((p as RawCpuProfile).nodes)) return encodeFlameColumns(p as RawCpuProfile);
  return isFlameColumns(p) ? p : null;
}

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

/** Bumped by every rebuild, so a completion left over from an older one does nothing. */
let generation = 0;

function rebuild(keepView: boolean, received?: number): void {
  if (!profile) return;
  const mine = ++generation;
  // Search counts and diff colours read the whole tree, so with either one the
  // tree is built complete; otherwise the first paint lays out only frames wide
  // enough to be drawn at the full view and the rest follows once it is shown.
  const staged = !baselineProfile && !controls.query.trim();
  const px = Math.max(1, renderer.width);
  const stages = buildInStages(profile, layout, (total) => (staged ? (total * MIN_WIDTH_PX) / px : 0));
  const tree = stages.first;
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
  if (tree.complete) return;
  // After the frame with the first paint is on screen (rAF, then a task), and
  // one task later, so what was queued meanwhile (input) goes first.
  requestAnimationFrame(() =>
    setTimeout(() =>
      setTimeout(() => {
        if (mine !== generation) return;
        const complete = stages.finish();
        renderer.completeTree(complete);
        renderer.search = search(complete, controls.query);
        controls.showMatches(renderer.search, complete.totalUs);
        controls.showTree(complete, title, null);
        renderer.draw();
        if (received !== undefined) document.body.dataset.completeMs = String(performance.now() - received);
      }, 0),
    ),
  );
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data as ToFlame | null;
  if (!message || typeof message !== 'object') return;
  if (message.type === 'showProfile') {
    try {
      const received = performance.now();
      const columns = columnsOf(message.profile);
      if (!columns) return;
      const sameRun = profile !== null && message.live === true;
      profile = columns;
      title = typeof message.title === 'string' ? message.title : '';
      if (message.baseline !== baselineMessage) {
        baselineTree = null;
        baselineMessage = message.baseline ?? null;
        baselineProfile = columnsOf(message.baseline);
      }
      baselineTitle = message.baselineTitle ?? '';
      controls.setLive(message.live === true);
      delete document.body.dataset.completeMs;
      rebuild(sameRun, received);
      document.body.dataset.firstPaintMs = String(performance.now() - received);
    } finally {
      // The host sends the next profile only once this one is drawn (or refused).
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
