// The flame graph page around the canvas: toolbar (real buttons and a search
// box), legend, hover tooltip, mouse and keyboard handling, and the text
// alternative (a visually hidden list of the top functions of the frame in
// view, plus a polite live region that reads out the keyboard-focused frame).

import type { FrameDiff } from './flameDiff';
import { firstVisible, topFrames, type Category, type FlameTree, type Layout, type SearchResult } from './flameModel';
import { FlameRenderer, ROW_HEIGHT, type Selection, type View } from './flameRenderer';
import { readPalette } from './flameTheme';

export interface ControlActions {
  setLayout(layout: Layout): void;
  search(): void;
  openSource(file: string, line: number): void;
  diffOf(frameIndex: number): FrameDiff | null;
}

const CATEGORY_LABEL: Record<Exclude<Category, 'root'>, string> = {
  user: 'Your code',
  library: 'Libraries',
  node: 'Node.js internals',
  system: 'GC, native and V8',
};

const ms = (us: number) => (us >= 100_000 ? `${(us / 1000).toFixed(0)} ms` : `${(us / 1000).toFixed(1)} ms`);
const pct = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '0%');

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, parent: HTMLElement, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}

export class FlameControls {
  readonly renderer: FlameRenderer;
  readonly canvas: HTMLCanvasElement;
  private readonly layoutButtons = new Map<Layout, HTMLButtonElement>();
  private readonly searchInput: HTMLInputElement;
  private readonly matches: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly announcer: HTMLElement;
  private diffTitle: string | null = null;
  private title = '';
  private zoomStack: View[] = [];
  private summaryTimer: number | undefined;
  private clickTimer: number | undefined;
  private drag: { x: number; y: number; view: View; moved: boolean } | null = null;

  constructor(root: HTMLElement, private readonly actions: ControlActions) {
    root.classList.add('flame');
    root.textContent = '';
    root.style.cssText = 'display:flex;flex-direction:column;height:100vh;margin:0;';
    document.body.style.margin = '0';
    const toolbar = el('div', 'flame-toolbar', root);
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', 'Flame graph view');
    toolbar.style.cssText = 'display:flex;flex-wrap:wrap;gap:6px;align-items:center;padding:6px 8px;';
    for (const [layout, label] of [['leftHeavy', 'Left heavy'], ['timeOrder', 'Time order']] as const) {
      const b = el('button', 'flame-button', toolbar, label);
      b.type = 'button';
      b.dataset.layout = layout;
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', () => {
        this.setLayout(layout);
        actions.setLayout(layout);
      });
      this.layoutButtons.set(layout, b);
    }
    const reset = el('button', 'flame-button', toolbar, 'Reset zoom');
    reset.type = 'button';
    reset.addEventListener('click', () => this.resetZoom());
    this.searchInput = el('input', 'flame-search', toolbar);
    this.searchInput.type = 'search';
    this.searchInput.placeholder = 'Search functions or files';
    this.searchInput.setAttribute('aria-label', 'Search functions or files');
    this.searchInput.addEventListener('input', () => actions.search());
    this.searchInput.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      this.canvas.focus();
      this.zoomToHeaviestMatch();
    });
    this.matches = el('span', 'flame-matches', toolbar);
    this.matches.setAttribute('role', 'status');
    this.statusEl = el('span', 'flame-status', toolbar);
    this.titleEl = el('span', 'flame-title', toolbar);
    this.legend = el('div', 'flame-legend', root);
    this.legend.style.cssText = 'display:flex;flex-wrap:wrap;gap:12px;padding:0 8px 6px;font-size:12px;';

    const stage = el('div', 'flame-stage', root);
    stage.style.cssText = 'position:relative;flex:1;min-height:120px;';
    this.canvas = el('canvas', 'flame-canvas', stage);
    this.canvas.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;outline:none;cursor:pointer;';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'flame graph');
    this.canvas.setAttribute('aria-label', 'Flame graph: no profile yet');
    this.tooltip = el('div', 'flame-tooltip', stage);
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.id = 'flame-tooltip';
    this.tooltip.hidden = true;
    this.tooltip.style.cssText = 'position:absolute;pointer-events:none;max-width:420px;z-index:2;';

    const hidden = 'position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;';
    this.summary = el('section', 'flame-summary visually-hidden', root);
    this.summary.id = 'flame-summary';
    this.summary.style.cssText = hidden;
    this.canvas.setAttribute('aria-describedby', 'flame-summary');
    this.announcer = el('div', 'flame-announce visually-hidden', root);
    this.announcer.setAttribute('aria-live', 'polite');
    this.announcer.style.cssText = hidden;

    this.renderer = new FlameRenderer(this.canvas, readPalette());
    this.renderer.onDraw = () => this.scheduleSummary();
    this.refreshLegend();
    this.wireMouse();
    this.wireKeyboard();
  }

  get query(): string {
    return this.searchInput.value;
  }

  setQuery(q: string): void {
    this.searchInput.value = q;
  }

  setLayout(layout: Layout): void {
    for (const [l, b] of this.layoutButtons) b.setAttribute('aria-pressed', String(l === layout));
    this.zoomStack = [];
  }

  setLive(live: boolean): void {
    this.statusEl.textContent = live ? 'Live: updating while the run goes' : '';
  }

  setStatus(text: string): void {
    this.statusEl.textContent = text;
  }

  showTree(tree: FlameTree, title: string, diffTitle: string | null): void {
    this.title = title;
    this.diffTitle = diffTitle;
    this.titleEl.textContent = diffTitle ? `${title} against ${diffTitle}` : title;
    const frames = tree.nodeCount - 1;
    this.canvas.setAttribute(
      'aria-label',
      `Flame graph of ${title || 'the profile'}${diffTitle ? `, coloured by self-time change against ${diffTitle}` : ''}: ${frames} frames, ${ms(tree.totalUs)} of busy CPU time. ` +
        'Arrow keys move between frames, Enter zooms into the focused frame and, once zoomed, opens its source; O opens the source; Escape zooms out; Shift with arrow keys pans.',
    );
    this.refreshLegend();
    this.scheduleSummary();
  }

  showMatches(result: SearchResult | null, totalUs: number): void {
    this.matches.textContent = result ? `${result.count} ${result.count === 1 ? 'match' : 'matches'}, ${pct(result.coveredUs, totalUs)} of time` : '';
  }

  refreshLegend(): void {
    const pal = this.renderer?.palette ?? readPalette();
    this.legend.textContent = '';
    const swatch = (colour: string, label: string) => {
      const item = el('span', 'flame-legend-item', this.legend);
      const box = el('span', 'flame-swatch', item);
      box.style.cssText = `display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle;background:${colour};`;
      item.appendChild(document.createTextNode(label));
    };
    if (this.diffTitle) {
      swatch(pal.diff[0], 'Slower (more self time)');
      swatch(pal.diff[Math.floor(pal.diff.length / 2)], 'Unchanged');
      swatch(pal.diff[pal.diff.length - 1], 'Faster (less self time)');
    } else {
      for (const [cat, label] of Object.entries(CATEGORY_LABEL) as Array<[Exclude<Category, 'root'>, string]>) swatch(pal.fills[cat][0], label);
    }
  }

  resetZoom(): void {
    this.zoomStack = [];
    const total = this.renderer.tree?.totalUs ?? 1;
    this.renderer.animateTo({ start: 0, end: total, scrollY: 0 });
  }

  zoomInto(sel: Selection): void {
    this.zoomStack.push({ ...this.renderer.view });
    this.renderer.focused = sel;
    this.renderer.animateTo(this.renderer.viewOf(sel));
  }

  /** Enter in the search box: zoom into the widest matching frame and focus it. */
  zoomToHeaviestMatch(): void {
    const r = this.renderer;
    const tree = r.tree;
    const matched = r.search?.matched;
    if (!tree || !matched) return;
    let best: Selection | null = null;
    let width = -1;
    matched.forEach((m, d) => {
      const level = tree.levels[d];
      for (let i = 0; i < m.length; i++) if (m[i] && level.width[i] > width) [best, width] = [{ depth: d, index: i }, level.width[i]];
    });
    if (!best) return;
    this.zoomInto(best);
    this.announcer.textContent = this.describe(best).join('. ');
  }

  zoomOut(): void {
    const previous = this.zoomStack.pop();
    if (previous) this.renderer.animateTo(previous);
    else this.resetZoom();
  }

  /** The frame whose range the view currently shows (the zoom target), for the summary. */
  private viewRoot(): Selection {
    const r = this.renderer;
    const tree = r.tree!;
    let best: Selection = { depth: 0, index: 0 };
    for (let d = 1; d < tree.levels.length; d++) {
      const l = tree.levels[d];
      const i = firstVisible(l, r.view.start);
      if (i >= l.count || l.start[i] > r.view.start + 1e-6 || l.start[i] + l.width[i] < r.view.end - 1e-6) break;
      best = { depth: d, index: i };
    }
    return best;
  }

  private scheduleSummary(): void {
    if (this.summaryTimer !== undefined) return;
    this.summaryTimer = window.setTimeout(() => {
      this.summaryTimer = undefined;
      this.updateSummary();
    }, 150);
  }

  /** Synchronous, for tests and for the first paint. */
  updateSummary(): void {
    const tree = this.renderer.tree;
    this.summary.textContent = '';
    if (!tree) return;
    const root = this.viewRoot();
    const rootFrame = tree.frames[tree.levels[root.depth].frame[root.index]];
    const heading = el('h2', '', this.summary, root.depth === 0 ? `Top functions by self time in ${this.title || 'the profile'}` : `Top functions by self time under ${rootFrame.name}`);
    heading.id = 'flame-summary-heading';
    const list = el('ol', '', this.summary);
    for (const row of topFrames(tree, root.depth, root.index, 10)) {
      const where = row.frame.file ? `, ${row.frame.file}:${row.frame.line}` : '';
      el('li', '', list, `${row.frame.name}: ${ms(row.selfUs)} self (${pct(row.selfUs, tree.totalUs)})${where}, ${row.frame.kind}`);
    }
  }

  describe(sel: Selection): string[] {
    const tree = this.renderer.tree!;
    const level = tree.levels[sel.depth];
    const frame = tree.frames[level.frame[sel.index]];
    const lines = [
      frame.name,
      `Self ${ms(level.self[sel.index])} (${pct(level.self[sel.index], tree.totalUs)}) · Total ${ms(level.width[sel.index])} (${pct(level.width[sel.index], tree.totalUs)})`,
    ];
    if (frame.file) lines.push(`${frame.file}:${frame.line}`);
    lines.push(frame.kind);
    const d = this.actions.diffOf(level.frame[sel.index]);
    if (d) {
      const change = d.currentSharePct - d.baseSharePct;
      lines.push(`Self, function total: baseline ${ms(d.baseSelfUs)} (${d.baseSharePct.toFixed(1)}%) → ${d.currentSharePct.toFixed(1)}% now (${change >= 0 ? '+' : ''}${change.toFixed(1)} points)`);
    }
    return lines;
  }

  private showTooltip(sel: Selection | null, px: number, py: number): void {
    if (!sel) {
      this.tooltip.hidden = true;
      return;
    }
    this.tooltip.textContent = '';
    const lines = this.describe(sel);
    lines.forEach((line, i) => el('div', i === 0 ? 'flame-tooltip-name' : 'flame-tooltip-line', this.tooltip, line));
    this.tooltip.hidden = false;
    const w = this.renderer.width;
    const tw = this.tooltip.offsetWidth;
    this.tooltip.style.left = `${Math.max(0, Math.min(px + 12, w - tw - 4))}px`;
    this.tooltip.style.top = `${py + 16}px`;
  }

  private open(sel: Selection): void {
    const tree = this.renderer.tree!;
    const frame = tree.frames[tree.levels[sel.depth].frame[sel.index]];
    if (frame.file && frame.line > 0) this.actions.openSource(frame.file, frame.line);
  }

  private wireMouse(): void {
    const c = this.canvas;
    const r = this.renderer;
    const pos = (e: MouseEvent) => {
      const rect = c.getBoundingClientRect();
      return [e.clientX - rect.left, e.clientY - rect.top] as const;
    };
    c.addEventListener('pointerdown', (e) => {
      c.focus();
      const [x, y] = pos(e);
      this.drag = { x, y, view: { ...r.view }, moved: false };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      const [x, y] = pos(e);
      if (this.drag && (e.buttons & 1) === 1) {
        const dx = x - this.drag.x;
        const dy = y - this.drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) this.drag.moved = true;
        if (this.drag.moved) {
          const span = this.drag.view.end - this.drag.view.start;
          const shift = (-dx / r.width) * span;
          r.setView({ start: this.drag.view.start + shift, end: this.drag.view.end + shift, scrollY: this.drag.view.scrollY - dy });
          this.showTooltip(null, 0, 0);
          return;
        }
      }
      const hit = r.hit(x, y);
      if (hit?.depth !== r.hovered?.depth || hit?.index !== r.hovered?.index) {
        r.hovered = hit;
        r.requestDraw();
      }
      this.showTooltip(hit, x, y);
    });
    c.addEventListener('pointerleave', () => {
      r.hovered = null;
      this.showTooltip(null, 0, 0);
      r.requestDraw();
    });
    c.addEventListener('pointerup', (e) => {
      const drag = this.drag;
      this.drag = null;
      if (!drag || drag.moved || e.button !== 0) return;
      const [x, y] = pos(e);
      const hit = r.hit(x, y);
      if (!hit) return;
      r.focused = hit;
      r.requestDraw();
      // A double-click zooms; wait briefly so it does not also open the source.
      clearTimeout(this.clickTimer);
      if (e.detail > 1) return;
      this.clickTimer = window.setTimeout(() => this.open(hit), 250);
    });
    c.addEventListener('dblclick', (e) => {
      clearTimeout(this.clickTimer);
      const [x, y] = pos(e);
      const hit = r.hit(x, y);
      if (hit) this.zoomInto(hit);
    });
    c.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const [x] = pos(e);
        const v = r.view;
        if (Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey) {
          const delta = e.shiftKey && !e.deltaX ? 0 : e.deltaX;
          const shift = (delta / r.width) * (v.end - v.start);
          r.setView({ start: v.start + shift, end: v.end + shift, scrollY: v.scrollY + (e.shiftKey ? e.deltaY : 0) });
          return;
        }
        const factor = Math.exp(e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002));
        const at = r.toTime(x);
        r.setView({ start: at - (at - v.start) * factor, end: at + (v.end - at) * factor, scrollY: v.scrollY });
      },
      { passive: false },
    );
  }

  private move(to: Selection | null): void {
    const r = this.renderer;
    if (!to) return;
    r.focused = to;
    const rect = r.rectOf(to);
    const v = r.view;
    let next: View = { ...v };
    if (rect.x < 0 || rect.x + rect.w > r.width) {
      const level = r.tree!.levels[to.depth];
      const span = v.end - v.start;
      const start = level.start[to.index];
      if (level.width[to.index] > span) next = { ...next, start, end: start + span };
      else next = { ...next, start: start - span * 0.1, end: start - span * 0.1 + span };
    }
    if (rect.y < 0 || rect.y + ROW_HEIGHT > r.height) next.scrollY = Math.max(0, to.depth * ROW_HEIGHT - r.height / 2);
    r.setView(next);
    this.announcer.textContent = this.describe(to).join('. ');
  }

  private wireKeyboard(): void {
    this.canvas.addEventListener('keydown', (e) => {
      const r = this.renderer;
      const tree = r.tree;
      if (!tree) return;
      const v = r.view;
      const span = v.end - v.start;
      const f = r.focused;
      let handled = true;
      if (e.shiftKey && e.key.startsWith('Arrow')) {
        const dx = e.key === 'ArrowLeft' ? -0.1 : e.key === 'ArrowRight' ? 0.1 : 0;
        const dy = e.key === 'ArrowUp' ? -ROW_HEIGHT : e.key === 'ArrowDown' ? ROW_HEIGHT : 0;
        r.setView({ start: v.start + dx * span, end: v.end + dx * span, scrollY: v.scrollY + dy });
      } else if (e.key.startsWith('Arrow') && !f) {
        this.move(this.viewRoot());
      } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        const level = tree.levels[f!.depth];
        const i = f!.index + (e.key === 'ArrowLeft' ? -1 : 1);
        if (i >= 0 && i < level.count) this.move({ depth: f!.depth, index: i });
      } else if (e.key === 'ArrowUp') {
        if (f!.depth > 0) this.move({ depth: f!.depth - 1, index: tree.levels[f!.depth].parent[f!.index] });
      } else if (e.key === 'ArrowDown') {
        const below = tree.levels[f!.depth + 1];
        if (below) {
          const i = firstVisible(below, tree.levels[f!.depth].start[f!.index]);
          if (i < below.count && below.parent[i] === f!.index) this.move({ depth: f!.depth + 1, index: i });
        }
      } else if (e.key === 'Enter' && f) {
        const target = r.viewOf(f);
        const zoomed = Math.abs(target.start - v.start) < span * 1e-6 && Math.abs(target.end - v.end) < span * 1e-6;
        if (zoomed) this.open(f);
        else this.zoomInto(f);
      } else if ((e.key === 'o' || e.key === 'O') && f) {
        this.open(f);
      } else if (e.key === 'Escape' || e.key === 'Backspace') {
        this.zoomOut();
      } else if (e.key === '+' || e.key === '=' || e.key === '-') {
        const factor = e.key === '-' ? 1.25 : 0.8;
        const mid = v.start + span / 2;
        r.animateTo({ start: mid - (span * factor) / 2, end: mid + (span * factor) / 2, scrollY: v.scrollY });
      } else if (e.key === '/') {
        this.searchInput.focus();
      } else {
        handled = false;
      }
      if (handled) {
        e.preventDefault();
        r.requestDraw();
      }
    });
  }
}
