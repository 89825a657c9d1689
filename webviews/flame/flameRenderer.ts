// Canvas drawing of a FlameTree, root on top. Per row only the visible slice
// is walked (binary search for the first frame in view); frames narrower than
// half a pixel are skipped; rectangles are grouped by colour so the fill style
// changes a few dozen times per frame, not once per rectangle; text is drawn
// only where at least a few characters fit. Zoom animates with
// requestAnimationFrame between view ranges.

import { firstVisible, frameAt, type FlameTree, type SearchResult } from './flameModel';
import { SHADES, type Palette } from './flameTheme';

export const ROW_HEIGHT = 18;
export const MIN_WIDTH_PX = 0.5;
const TEXT_MIN_PX = 28;
const ANIMATION_MS = 180;

export interface Selection {
  depth: number;
  index: number;
}

export interface View {
  /** µs range in view. */
  start: number;
  end: number;
  /** Pixels scrolled down. */
  scrollY: number;
}

export class FlameRenderer {
  readonly ctx: CanvasRenderingContext2D;
  tree: FlameTree | null = null;
  palette: Palette;
  view: View = { start: 0, end: 1, scrollY: 0 };
  search: SearchResult | null = null;
  /** Diff mode: per level, a colour step 0..2*DIFF_STEPS for each frame. */
  diffSteps: Uint8Array[] | null = null;
  focused: Selection | null = null;
  hovered: Selection | null = null;
  private animation: { from: View; to: View; t0: number } | null = null;
  private pending = 0;
  private charWidth = 7;
  private cssWidth = 0;
  private cssHeight = 0;
  /** Called after each completed draw. */
  onDraw: () => void = () => undefined;

  constructor(readonly canvas: HTMLCanvasElement, palette: Palette) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2D canvas');
    this.ctx = ctx;
    this.palette = palette;
  }

  setTree(tree: FlameTree, keepView = false): void {
    const old = this.tree;
    this.tree = tree;
    this.search = null;
    this.diffSteps = null;
    this.hovered = null;
    if (!keepView || !old) {
      this.view = { start: 0, end: Math.max(1, tree.totalUs), scrollY: 0 };
      this.focused = null;
    } else if (this.view.end > tree.totalUs || this.view.start === 0) {
      // Live updates: a full view stays full as the profile grows.
      const full = this.view.start === 0 && this.view.end >= old.totalUs;
      if (full || this.view.end > tree.totalUs) this.view = { ...this.view, start: 0, end: Math.max(1, tree.totalUs) };
      this.focused = null;
    }
  }

  /**
   * The complete tree in place of a first paint's: the same profile, so the
   * view stays; hovered and focused frames are found again by position (their
   * index in a level shifts as narrow frames are added).
   */
  completeTree(tree: FlameTree): void {
    const old = this.tree;
    const remap = (sel: Selection | null): Selection | null => {
      if (!sel || !old?.levels[sel.depth] || sel.index >= old.levels[sel.depth].count) return null;
      const l = old.levels[sel.depth];
      const index = frameAt(tree, sel.depth, l.start[sel.index] + l.width[sel.index] / 2);
      return index < 0 ? null : { depth: sel.depth, index };
    };
    this.hovered = remap(this.hovered);
    this.focused = remap(this.focused);
    this.tree = tree;
    this.search = null;
    this.diffSteps = null;
  }

  resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.cssWidth = Math.max(1, Math.floor(rect.width));
    this.cssHeight = Math.max(1, Math.floor(rect.height));
    this.canvas.width = Math.floor(this.cssWidth * dpr);
    this.canvas.height = Math.floor(this.cssHeight * dpr);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  get width(): number {
    return this.cssWidth;
  }
  get height(): number {
    return this.cssHeight;
  }

  /** x pixel → µs. */
  toTime(px: number): number {
    return this.view.start + (px / this.cssWidth) * (this.view.end - this.view.start);
  }

  hit(px: number, py: number): Selection | null {
    const tree = this.tree;
    if (!tree) return null;
    const depth = Math.floor((py + this.view.scrollY) / ROW_HEIGHT);
    const level = tree.levels[depth];
    if (!level) return null;
    const t = this.toTime(px);
    const i = firstVisible(level, t);
    return i < level.count && level.start[i] <= t ? { depth, index: i } : null;
  }

  /** Bounds of a frame in CSS pixels (may lie outside the canvas). */
  rectOf(sel: Selection): { x: number; y: number; w: number; h: number } {
    const level = this.tree!.levels[sel.depth];
    const scale = this.cssWidth / (this.view.end - this.view.start);
    return {
      x: (level.start[sel.index] - this.view.start) * scale,
      y: sel.depth * ROW_HEIGHT - this.view.scrollY,
      w: level.width[sel.index] * scale,
      h: ROW_HEIGHT - 1,
    };
  }

  maxScrollY(): number {
    return Math.max(0, (this.tree?.levels.length ?? 0) * ROW_HEIGHT - this.cssHeight + ROW_HEIGHT);
  }

  clampView(v: View): View {
    const total = Math.max(1, this.tree?.totalUs ?? 1);
    let span = Math.min(total, Math.max(v.end - v.start, total * 1e-9, 1e-3));
    let start = Math.min(Math.max(0, v.start), total - span);
    if (!(span > 0)) span = total;
    if (!(start >= 0)) start = 0;
    return { start, end: start + span, scrollY: Math.min(Math.max(0, v.scrollY), this.maxScrollY()) };
  }

  setView(v: View): void {
    this.animation = null;
    this.view = this.clampView(v);
    this.requestDraw();
  }

  animateTo(v: View): void {
    this.animation = { from: { ...this.view }, to: this.clampView(v), t0: performance.now() };
    this.requestDraw();
  }

  /** The view that shows a frame across the whole width, scrolled so it is on screen. */
  viewOf(sel: Selection): View {
    const level = this.tree!.levels[sel.depth];
    const y = sel.depth * ROW_HEIGHT;
    const scrollY = y < this.view.scrollY || y + ROW_HEIGHT > this.view.scrollY + this.cssHeight ? Math.max(0, y - ROW_HEIGHT * 2) : this.view.scrollY;
    return { start: level.start[sel.index], end: level.start[sel.index] + level.width[sel.index], scrollY };
  }

  get animating(): boolean {
    return this.animation !== null;
  }

  requestDraw(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.step();
    });
  }

  private step(): void {
    const a = this.animation;
    if (a) {
      const p = Math.min(1, (performance.now() - a.t0) / ANIMATION_MS);
      const e = 1 - (1 - p) ** 3;
      // Interpolate the span geometrically so zooming feels even at every scale.
      const fromSpan = a.from.end - a.from.start;
      const toSpan = a.to.end - a.to.start;
      const span = fromSpan * (toSpan / fromSpan) ** e;
      const fromMid = a.from.start + fromSpan / 2;
      const toMid = a.to.start + toSpan / 2;
      const mid = fromMid + (toMid - fromMid) * e;
      this.view = this.clampView({ start: mid - span / 2, end: mid + span / 2, scrollY: a.from.scrollY + (a.to.scrollY - a.from.scrollY) * e });
      if (p >= 1) {
        this.view = a.to;
        this.animation = null;
      } else {
        this.requestDraw();
      }
    }
    this.draw();
  }

  /** Draws synchronously. */
  draw(): void {
    const { ctx, palette: pal } = this;
    const w = this.cssWidth;
    const h = this.cssHeight;
    ctx.fillStyle = pal.background;
    ctx.fillRect(0, 0, w, h);
    const tree = this.tree;
    if (!tree) return;
    ctx.font = `12px ${pal.fontFamily}`;
    ctx.textBaseline = 'middle';
    this.charWidth = ctx.measureText('abcdefghij').width / 10 || 7;

    const { start: v0, end: v1, scrollY } = this.view;
    const scale = w / (v1 - v0);
    const firstRow = Math.max(0, Math.floor(scrollY / ROW_HEIGHT));
    const lastRow = Math.min(tree.levels.length - 1, Math.floor((scrollY + h) / ROW_HEIGHT));

    // Buckets of rectangles by colour: x, y, w and the frame's level/index for text.
    const colours: string[] = [];
    const texts: string[] = [];
    const bucketOf = new Map<string, number>();
    const rects: number[][] = [];
    const labels: Array<[number, number, number, number, number]> = []; // x, y, w, depth, index
    const addRect = (fill: string, text: string, x: number, y: number, rw: number) => {
      let b = bucketOf.get(fill);
      if (b === undefined) {
        b = colours.length;
        bucketOf.set(fill, b);
        colours.push(fill);
        texts.push(text);
        rects.push([]);
      }
      rects[b].push(x, y, rw);
      return b;
    };
    const labelColour: number[] = [];

    for (let d = firstRow; d <= lastRow; d++) {
      const level = tree.levels[d];
      const y = d * ROW_HEIGHT - scrollY;
      const matched = this.search?.matched[d];
      const diff = this.diffSteps?.[d];
      for (let i = firstVisible(level, v0); i < level.count; i++) {
        const s = level.start[i];
        if (s >= v1) break;
        const rw = level.width[i] * scale;
        if (rw < MIN_WIDTH_PX) continue;
        let x = (s - v0) * scale;
        let cw = rw;
        if (x < 0) {
          cw += x;
          x = 0;
        }
        if (x + cw > w) cw = w - x;
        const frame = tree.frames[level.frame[i]];
        let fill: string;
        let text: string;
        if (diff) {
          fill = pal.diff[diff[i]];
          text = pal.diffText[diff[i]];
        } else {
          const shade = (level.frame[i] * 2654435761) % SHADES;
          fill = matched && !matched[i] ? pal.dimmed[frame.category][shade] : pal.fills[frame.category][shade];
          text = pal.text[frame.category][shade];
        }
        if (diff && matched && !matched[i]) fill = pal.dimmed[frame.category][0];
        const b = addRect(fill, text, x, y, Math.max(cw - (rw > 3 ? 1 : 0), 0.5));
        if (cw >= TEXT_MIN_PX) {
          labels.push([x, y, cw, d, i]);
          labelColour.push(b);
        }
      }
    }
    for (let b = 0; b < colours.length; b++) {
      ctx.fillStyle = colours[b];
      const r = rects[b];
      for (let k = 0; k < r.length; k += 3) ctx.fillRect(r[k], r[k + 1], r[k + 2], ROW_HEIGHT - 1);
    }
    if (pal.contrastBorder) {
      ctx.strokeStyle = pal.contrastBorder;
      ctx.lineWidth = 1;
      for (const r of rects) for (let k = 0; k < r.length; k += 3) if (r[k + 2] >= 4) ctx.strokeRect(r[k] + 0.5, r[k + 1] + 0.5, r[k + 2] - 1, ROW_HEIGHT - 2);
    }
    let lastText = '';
    for (let k = 0; k < labels.length; k++) {
      const [x, y, cw, d, i] = labels[k];
      const fits = Math.floor((cw - 6) / this.charWidth);
      if (fits < 3) continue;
      const name = tree.frames[tree.levels[d].frame[i]].name;
      const shown = name.length <= fits ? name : `${name.slice(0, Math.max(1, fits - 1))}…`;
      const colour = texts[labelColour[k]];
      if (colour !== lastText) ctx.fillStyle = lastText = colour;
      ctx.fillText(shown, x + 3, y + ROW_HEIGHT / 2);
    }
    for (const sel of [this.hovered, this.focused]) {
      if (!sel || !tree.levels[sel.depth] || sel.index >= tree.levels[sel.depth].count) continue;
      const r = this.rectOf(sel);
      if (r.x + r.w < 0 || r.x > w || r.y + r.h < 0 || r.y > h) continue;
      ctx.strokeStyle = sel === this.focused ? pal.focus : pal.foreground;
      ctx.lineWidth = sel === this.focused ? 2 : 1;
      ctx.strokeRect(Math.max(r.x, 0) + 1, r.y + 1, Math.min(r.w, w) - 2, r.h - 2);
    }
    this.onDraw();
  }
}

