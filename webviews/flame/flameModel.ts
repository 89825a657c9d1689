// From a profile's columns (src/protocol/flameColumns.ts, encoded by the host
// or here from a raw `.cpuprofile`) to what the renderer draws: one set of typed arrays
// per depth (start, width, frame, self), each depth sorted by start, so a draw
// walks only the visible slice of each row and a hit test is a binary search.
// Two layouts: left-heavy (identical stacks merged, children by weight) and
// time order (samples in order, adjacent samples on the same stack merged).
// Idle samples are left out: times are of busy time, as in the reports.
// No DOM here, so it runs in the unit tests' Node process too.

import type { RawCpuProfile } from '../../src/protocol/flame';
import { encodeFlameColumns, FRAME_KINDS, IntKeyTable, NODE_IDLE, NODE_ROOT, type Category, type FlameColumns } from '../../src/protocol/flameColumns';

export type { Category } from '../../src/protocol/flameColumns';

export type Layout = 'leftHeavy' | 'timeOrder';

export interface FrameInfo {
  name: string;
  /** A path (file: URLs decoded) or '' for native frames. */
  file: string;
  /** 1-based; 0 when unknown. */
  line: number;
  category: Category;
  /** Detail for the tooltip: "GC", "native", "Node.js internals"… */
  kind: string;
}

export interface Level {
  count: number;
  /** µs from the left edge of the graph. */
  start: Float64Array;
  width: Float64Array;
  self: Float64Array;
  frame: Int32Array;
  /** Index of the parent in the level above (-1 on level 0). */
  parent: Int32Array;
}

export interface FlameTree {
  frames: FrameInfo[];
  levels: Level[];
  /** Busy µs: the width of the root. */
  totalUs: number;
  /** Frames in the complete tree (also when only the widest are laid out yet). */
  nodeCount: number;
  layout: Layout;
  /** False for a first paint's tree that leaves out frames too narrow to draw at the full view. */
  complete: boolean;
}

/** A frame table for the renderer and the tooltip, from the columns' parallel arrays. */
function framesOf(c: FlameColumns): FrameInfo[] {
  const frames: FrameInfo[] = new Array(c.frameName.length);
  for (let f = 0; f < frames.length; f++) {
    const k = FRAME_KINDS[c.frameKind[f]];
    frames[f] = { name: c.frameName[f], file: c.frameFile[f], line: c.frameLine[f], category: k.category, kind: k.kind };
  }
  return frames;
}

export function frameKey(f: Pick<FrameInfo, 'name' | 'file' | 'line'>): string {
  return `${f.name}\u0000${f.file}\u0000${f.line}`;
}

/** Growable columns for one depth, turned into typed arrays at the end. */
class LevelBuilder {
  start: number[] = [];
  width: number[] = [];
  self: number[] = [];
  frame: number[] = [];
  parent: number[] = [];
  push(start: number, width: number, self: number, frame: number, parent: number): number {
    this.start.push(start);
    this.width.push(width);
    this.self.push(self);
    this.frame.push(frame);
    this.parent.push(parent);
    return this.start.length - 1;
  }
  seal(): Level {
    return {
      count: this.start.length,
      start: Float64Array.from(this.start),
      width: Float64Array.from(this.width),
      self: Float64Array.from(this.self),
      frame: Int32Array.from(this.frame),
      parent: Int32Array.from(this.parent),
    };
  }
}

/** The tree of one layout, from a raw profile (encoded here) or from the columns the host sent. */
export function buildFlameTree(input: RawCpuProfile | FlameColumns, layout: Layout): FlameTree {
  return buildInStages(input, layout, () => 0).finish();
}

export interface StagedTree {
  /** Complete, or (left-heavy with a minimum width) only the frames at least that wide. */
  first: FlameTree;
  /** The complete tree (the same object when `first` is complete); reuses the merge. */
  finish(): FlameTree;
}

/**
 * For a quick first paint: the left-heavy tree with only frames of at least
 * `minUs(busy µs)` (those wider than the renderer's cut-off at the full view), then the
 * whole tree on demand. Both stages share the merge; the second sorts and lays
 * out the rest. Heavier siblings come first, so every frame kept in the first
 * stage is exactly where it is in the complete tree.
 */
export function buildInStages(input: RawCpuProfile | FlameColumns, layout: Layout, minUs: (totalUs: number) => number): StagedTree {
  const columns = 'nodes' in input ? encodeFlameColumns(input) : input;
  const frames = framesOf(columns);
  if (layout === 'timeOrder' && columns.sampleNode.length) {
    const tree = timeOrder(columns, frames);
    return { first: tree, finish: () => tree };
  }
  // Without samples there is no order to show, so time order falls back to the merged view.
  const merged = mergeStacks(columns);
  const cut = minUs(merged.total[0]);
  const first = layOut(merged, frames, layout, cut);
  let complete: FlameTree | null = cut > 0 ? null : first;
  return { first, finish: () => (complete ??= layOut(merged, frames, layout, 0)) };
}

interface Merged {
  /** Merged nodes: 0 is "all"; parents before children. */
  count: number;
  frame: Int32Array;
  parent: Int32Array;
  depth: Int32Array;
  self: Float64Array;
  /** Inclusive µs. */
  total: Float64Array;
}

/** Identical stacks merged: identical frames under one parent are one node. */
function mergeStacks(c: FlameColumns): Merged {
  const { nodeFrame, nodeParent, nodeSelfUs } = c;
  const n = nodeFrame.length;
  // At most one merged node per profile node, plus "all".
  const mFrame = new Int32Array(n + 1);
  const mParent = new Int32Array(n + 1);
  const mDepth = new Int32Array(n + 1);
  const mSelf = new Float64Array(n + 1);
  mParent[0] = -1;
  let m = 1;
  const childKey = new IntKeyTable(n);
  const mergedOf = new Int32Array(n);
  // Parents come before children in the columns, so one forward pass merges.
  for (let i = 0; i < n; i++) {
    const f = nodeFrame[i];
    const p = nodeParent[i];
    const parentMerged = p < 0 ? 0 : mergedOf[p];
    if (f === NODE_IDLE || parentMerged < 0) {
      mergedOf[i] = -1; // idle, or under something left out
      continue;
    }
    if (f === NODE_ROOT) {
      mergedOf[i] = parentMerged;
      continue;
    }
    let k = childKey.getOrAdd(parentMerged, f, 0, m);
    if (k === m) {
      mFrame[m] = f;
      mParent[m] = parentMerged;
      mDepth[m] = mDepth[parentMerged] + 1;
      mSelf[m] = 0;
      k = m++;
    }
    mergedOf[i] = k;
    mSelf[k] += nodeSelfUs[i];
  }
  // Parents were created before their children, so one backward pass sums totals.
  const total = mSelf.slice(0, m);
  for (let k = m - 1; k > 0; k--) total[mParent[k]] += total[k];
  return { count: m, frame: mFrame, parent: mParent, depth: mDepth, self: mSelf, total };
}

/** Levels of the merged tree, children by weight; frames narrower than `minUs` are left out (none when 0). */
function layOut(merged: Merged, frames: FrameInfo[], layout: Layout, minUs: number): FlameTree {
  const { count: m, frame: mFrame, parent: mParent, depth: mDepth, self: mSelf, total } = merged;
  // Drawn: the root and every node with time (whose parent then has time too);
  // a node's total is at least each child's, so a cut by width keeps a connected top.
  let nodeCount = 1;
  for (let k = 1; k < m; k++) if (total[k] > 0) nodeCount++;
  const keep = (k: number) => total[k] > 0 && total[k] >= minUs;
  const kidStart = new Int32Array(m + 1);
  const perDepth: number[] = [1];
  for (let k = 1; k < m; k++) {
    if (!keep(k)) continue;
    kidStart[mParent[k] + 1]++;
    const d = mDepth[k];
    perDepth[d] = (perDepth[d] ?? 0) + 1;
  }
  for (let k = 0; k < m; k++) kidStart[k + 1] += kidStart[k];
  const kids = new Int32Array(kidStart[m]);
  const kidFill = kidStart.slice(0, m);
  for (let k = 1; k < m; k++) if (keep(k)) kids[kidFill[mParent[k]]++] = k;
  // Children by weight, heaviest first; ties keep creation order.
  const heavierFirst = (x: number, y: number) => total[y] - total[x] || x - y;
  for (let k = 0; k < m; k++) {
    const a = kidStart[k];
    const b = kidStart[k + 1];
    if (b - a >= 2) kids.subarray(a, b).sort(heavierFirst);
  }

  const levels: Level[] = perDepth.map((count) => ({
    count,
    start: new Float64Array(count),
    width: new Float64Array(count),
    self: new Float64Array(count),
    frame: new Int32Array(count),
    parent: new Int32Array(count),
  }));
  const cursor = new Int32Array(levels.length);
  const startOf = new Float64Array(m);
  const indexInLevel = new Int32Array(m);
  // Pre-order, children left to right: each level fills in increasing start.
  const walk = new Int32Array(m + 1);
  let wt = 0;
  walk[wt++] = 0;
  while (wt > 0) {
    const k = walk[--wt];
    const d = mDepth[k];
    const level = levels[d];
    const idx = cursor[d]++;
    level.start[idx] = startOf[k];
    level.width[idx] = total[k];
    level.self[idx] = mSelf[k];
    level.frame[idx] = mFrame[k];
    level.parent[idx] = k === 0 ? -1 : indexInLevel[mParent[k]];
    indexInLevel[k] = idx;
    const a = kidStart[k];
    const b = kidStart[k + 1];
    let x = startOf[k];
    for (let j = a; j < b; j++) {
      const ch = kids[j];
      startOf[ch] = x;
      x += total[ch];
    }
    for (let j = b - 1; j >= a; j--) walk[wt++] = kids[j];
  }
  return { frames, levels, totalUs: total[0], nodeCount, layout, complete: minUs <= 0 };
}

function timeOrder(c: FlameColumns, frames: FrameInfo[]): FlameTree {
  const { nodeFrame, nodeParent, sampleNode, sampleUs } = c;
  const levels: LevelBuilder[] = [new LevelBuilder()];
  levels[0].push(0, 0, 0, 0, -1);
  // The open frames, outermost first: profile node and index in its level
  // (level = position + 1). openDepth[node] is that position, -1 when closed.
  const openNode: number[] = [];
  const openIndex: number[] = [];
  const openDepth = new Int32Array(nodeFrame.length).fill(-1);
  let t = 0;
  let nodeCount = 1;
  const fresh: number[] = [];
  const closeTo = (keep: number) => {
    while (openNode.length > keep) {
      const d = openNode.length;
      const idx = openIndex.pop()!;
      openDepth[openNode.pop()!] = -1;
      levels[d].width[idx] = t - levels[d].start[idx];
    }
  };
  for (let s = 0; s < sampleNode.length; s++) {
    const leaf = sampleNode[s];
    const dt = sampleUs[s];
    if (leaf < 0 || nodeFrame[leaf] === NODE_IDLE || !(dt > 0)) continue;
    // Walk up only as far as the first frame still open: that prefix is shared
    // with the previous sample and merely extends.
    fresh.length = 0;
    let i: number = leaf;
    while (i >= 0 && openDepth[i] < 0) {
      if (nodeFrame[i] >= 0) fresh.push(i);
      i = nodeParent[i];
    }
    closeTo(i >= 0 ? openDepth[i] + 1 : 0);
    for (let k = fresh.length - 1; k >= 0; k--) {
      const node = fresh[k];
      const depth = openNode.length + 1;
      const level = (levels[depth] ??= new LevelBuilder());
      openIndex.push(level.push(t, 0, 0, nodeFrame[node], depth === 1 ? 0 : openIndex[depth - 2]));
      openDepth[node] = openNode.length;
      openNode.push(node);
      nodeCount++;
    }
    if (openNode.length) levels[openNode.length].self[openIndex[openNode.length - 1]] += dt;
    else levels[0].self[0] += dt;
    t += dt;
  }
  closeTo(0);
  levels[0].width[0] = t;
  return { frames, levels: levels.map((l) => l.seal()), totalUs: t, nodeCount, layout: 'timeOrder', complete: true };
}

/** First index in `level` whose frame ends after `x` (frames in a level do not overlap). */
export function firstVisible(level: Level, x: number): number {
  let lo = 0;
  let hi = level.count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (level.start[mid] + level.width[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The frame at position `x` (µs) on `depth`, or -1. */
export function frameAt(tree: FlameTree, depth: number, x: number): number {
  const level = tree.levels[depth];
  if (!level) return -1;
  const i = firstVisible(level, x);
  return i < level.count && level.start[i] <= x ? i : -1;
}

export interface SearchResult {
  /** Per level, 1 where the frame matches. */
  matched: Uint8Array[];
  count: number;
  /** µs under matching frames, each sample counted once. */
  coveredUs: number;
}

/** Case-insensitive substring of the name or file:line; the query is text, never a pattern. */
export function search(tree: FlameTree, query: string): SearchResult | null {
  const q = query.trim().toLowerCase();
  if (!q) return null;
  const frameMatches = tree.frames.map((f, i) => i > 0 && (f.name.toLowerCase().includes(q) || (f.file !== '' && `${f.file}:${f.line}`.toLowerCase().includes(q))));
  const matched: Uint8Array[] = [];
  const covered: Uint8Array[] = [];
  let count = 0;
  let coveredUs = 0;
  tree.levels.forEach((level, d) => {
    const m = new Uint8Array(level.count);
    const c = new Uint8Array(level.count);
    for (let i = 0; i < level.count; i++) {
      const parentCovered = d > 0 && covered[d - 1][level.parent[i]] === 1;
      if (frameMatches[level.frame[i]]) {
        m[i] = 1;
        count++;
        if (!parentCovered) coveredUs += level.width[i];
      }
      c[i] = m[i] === 1 || parentCovered ? 1 : 0;
    }
    matched.push(m);
    covered.push(c);
  });
  return { matched, count, coveredUs };
}

/** Self µs per function (name, file, line) over the whole profile, and the busy total. */
export function selfByFunction(tree: FlameTree): { byKey: Map<string, number>; totalUs: number } {
  const byKey = new Map<string, number>();
  for (const level of tree.levels) {
    for (let i = 0; i < level.count; i++) {
      const f = level.frame[i];
      if (f === 0) continue;
      const key = frameKey(tree.frames[f]);
      byKey.set(key, (byKey.get(key) ?? 0) + level.self[i]);
    }
  }
  return { byKey, totalUs: tree.totalUs };
}

export interface TopFrame {
  frame: FrameInfo;
  selfUs: number;
  totalUs: number;
}

/** Functions by self time within the subtree of (depth, index), for the text alternative. */
export function topFrames(tree: FlameTree, depth: number, index: number, limit: number): TopFrame[] {
  const level = tree.levels[depth];
  const from = level.start[index];
  const to = from + level.width[index];
  const byFrame = new Map<number, TopFrame>();
  for (let d = depth; d < tree.levels.length; d++) {
    const l = tree.levels[d];
    for (let i = firstVisible(l, from); i < l.count && l.start[i] < to; i++) {
      if (d === depth && i !== index) continue;
      const f = l.frame[i];
      if (f === 0) continue;
      const row = byFrame.get(f) ?? { frame: tree.frames[f], selfUs: 0, totalUs: 0 };
      row.selfUs += l.self[i];
      row.totalUs += l.width[i];
      byFrame.set(f, row);
    }
  }
  return [...byFrame.values()].sort((a, b) => b.selfUs - a.selfUs).slice(0, limit);
}
