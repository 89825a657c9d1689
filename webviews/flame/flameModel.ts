// From a raw `.cpuprofile` to what the renderer draws: one set of typed arrays
// per depth (start, width, frame, self), each depth sorted by start, so a draw
// walks only the visible slice of each row and a hit test is a binary search.
// Two layouts: left-heavy (identical stacks merged, children by weight) and
// time order (samples in order, adjacent samples on the same stack merged).
// Idle samples are left out: times are of busy time, as in the reports.
// No DOM here, so it runs in the unit tests' Node process too.

import type { RawCpuProfile } from '../../src/protocol/flame';

export type Category = 'user' | 'library' | 'node' | 'system' | 'root';
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
  nodeCount: number;
  layout: Layout;
}

interface PrepFrames {
  frames: FrameInfo[];
  /** Frame index of each profile node (by position in `nodes`); -1 for V8's (root), -2 for idle. */
  frameOfNode: Int32Array;
  parentOfNode: Int32Array;
  /** µs of samples that landed in each node. */
  selfOfNode: Float64Array;
  indexOfId: IdIndex;
}

/** Profile node id → position in `nodes`. V8 numbers nodes 1..n, so a typed array usually serves. */
interface IdIndex {
  get(id: number): number | undefined;
}

function indexIds(nodes: RawCpuProfile['nodes']): IdIndex {
  let maxId = 0;
  let dense = true;
  for (const node of nodes) {
    const id = node.id;
    if (!Number.isInteger(id) || id < 0) dense = false;
    else if (id > maxId) maxId = id;
  }
  if (dense && maxId <= nodes.length * 4 + 16) {
    const table = new Int32Array(maxId + 1).fill(-1);
    nodes.forEach((node, i) => (table[node.id] = i));
    return { get: (id) => (id >= 0 && id <= maxId && table[id] >= 0 ? table[id] : undefined) };
  }
  const map = new Map<number, number>();
  nodes.forEach((node, i) => map.set(node.id, i));
  return map;
}

export function fileFromUrl(url: string): string {
  if (!url.startsWith('file://')) return url;
  try {
    const decoded = decodeURIComponent(url.slice('file://'.length));
    return /^\/[A-Za-z]:\//.test(decoded) ? decoded.slice(1) : decoded;
  } catch {
    return url;
  }
}

function classify(functionName: string, url: string): { category: Category; kind: string } | 'idle' | 'root' {
  if (!url) {
    switch (functionName) {
      case '(root)':
        return 'root';
      case '(idle)':
        return 'idle';
      case '(garbage collector)':
        return { category: 'system', kind: 'GC' };
      case '(program)':
        return { category: 'system', kind: 'V8 (program)' };
      default:
        return { category: 'system', kind: 'native' };
    }
  }
  if (/[\\/]node_modules[\\/]/.test(url)) return { category: 'library', kind: 'library' };
  if (url.startsWith('node:') || (!url.includes('/') && !url.includes('\\'))) return { category: 'node', kind: 'Node.js internals' };
  return { category: 'user', kind: 'your code' };
}

export function frameKey(f: Pick<FrameInfo, 'name' | 'file' | 'line'>): string {
  return `${f.name}\u0000${f.file}\u0000${f.line}`;
}

function prepare(profile: RawCpuProfile): PrepFrames {
  const nodes = profile.nodes;
  const n = nodes.length;
  const indexOfId = indexIds(nodes);
  const parentOfNode = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const children = nodes[i].children;
    if (!children) continue;
    for (const c of children) {
      const ci = indexOfId.get(c);
      if (ci !== undefined) parentOfNode[ci] = i;
    }
  }
  const frames: FrameInfo[] = [{ name: 'all', file: '', line: 0, category: 'root', kind: 'all busy time' }];
  const frameIndex = new Map<string, number>();
  const frameOfNode = new Int32Array(n);
  // Per script: its path and category, worked out once (profiles repeat a few hundred URLs).
  const scripts = new Map<string, { id: number; file: string; category: Category; kind: string }>();
  for (let i = 0; i < n; i++) {
    const cf = nodes[i].callFrame;
    if (cf.url) {
      let script = scripts.get(cf.url);
      if (!script) {
        const c = classify(cf.functionName, cf.url) as { category: Category; kind: string };
        scripts.set(cf.url, (script = { id: scripts.size, file: fileFromUrl(cf.url), ...c }));
      }
      const line = cf.lineNumber + 1;
      const name = cf.functionName || '(anonymous)';
      const key = `${script.id}:${line}:${name}`;
      let f = frameIndex.get(key);
      if (f === undefined) {
        f = frames.length;
        frameIndex.set(key, f);
        frames.push({ name, file: script.file, line, category: script.category, kind: script.kind });
      }
      frameOfNode[i] = f;
      continue;
    }
    const c = classify(cf.functionName, cf.url);
    if (c === 'root') {
      frameOfNode[i] = -1;
      continue;
    }
    if (c === 'idle') {
      frameOfNode[i] = -2;
      continue;
    }
    const file = fileFromUrl(cf.url);
    const line = cf.url ? cf.lineNumber + 1 : 0;
    const name = cf.functionName || (cf.url ? '(anonymous)' : '(native)');
    const key = `${name}\u0000${file}\u0000${line}`;
    let f = frameIndex.get(key);
    if (f === undefined) {
      f = frames.length;
      frameIndex.set(key, f);
      frames.push({ name, file, line, category: c.category, kind: c.kind });
    }
    frameOfNode[i] = f;
  }
  const selfOfNode = new Float64Array(n);
  const samples = profile.samples;
  const deltas = profile.timeDeltas;
  if (samples && samples.length && deltas && deltas.length === samples.length) {
    for (let s = 0; s < samples.length; s++) {
      const i = indexOfId.get(samples[s]);
      if (i === undefined) continue;
      // timeDeltas[s] is the time before sample s; the sample lasts until the next one.
      const d = s + 1 < deltas.length ? deltas[s + 1] : deltas[s];
      selfOfNode[i] += d > 0 ? d : 0;
    }
  } else {
    const hits = nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
    const per = hits > 0 ? Math.max(0, profile.endTime - profile.startTime) / hits : 0;
    for (let i = 0; i < n; i++) selfOfNode[i] = (nodes[i].hitCount ?? 0) * per;
  }
  return { frames, frameOfNode, parentOfNode, selfOfNode, indexOfId };
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

export function buildFlameTree(profile: RawCpuProfile, layout: Layout): FlameTree {
  const prep = prepare(profile);
  return layout === 'leftHeavy' ? leftHeavy(prep) : timeOrder(profile, prep);
}

function leftHeavy(prep: PrepFrames): FlameTree {
  const { frameOfNode, parentOfNode, selfOfNode } = prep;
  const n = frameOfNode.length;
  // Merged tree: node 0 is "all"; identical frames under one parent are one node.
  const mFrame: number[] = [0];
  const mParent: number[] = [-1];
  const mSelf: number[] = [0];
  const childKey = new Map<number, number>();
  const mergedOf = new Int32Array(n).fill(-1);
  // Profile nodes in an order where parents come first (iterative, profiles can be deep).
  const childrenOf: number[][] = new Array(n);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = parentOfNode[i];
    if (p < 0) roots.push(i);
    else (childrenOf[p] ??= []).push(i);
  }
  const stack = roots.slice();
  while (stack.length) {
    const i = stack.pop()!;
    const f = frameOfNode[i];
    const p = parentOfNode[i];
    const parentMerged = p < 0 ? 0 : mergedOf[p];
    if (f === -2 || parentMerged < 0) continue; // idle, or under something left out
    if (f === -1) {
      mergedOf[i] = parentMerged;
    } else {
      const key = parentMerged * 4194304 + f;
      let m = childKey.get(key);
      if (m === undefined) {
        m = mFrame.length;
        childKey.set(key, m);
        mFrame.push(f);
        mParent.push(parentMerged);
        mSelf.push(0);
      }
      mergedOf[i] = m;
      mSelf[m] += selfOfNode[i];
    }
    const cs = childrenOf[i];
    if (cs) for (const c of cs) stack.push(c);
  }
  const m = mFrame.length;
  // Parents were created before their children, so one backward pass sums totals.
  const total = Float64Array.from(mSelf);
  for (let k = m - 1; k > 0; k--) total[mParent[k]] += total[k];
  const kids: number[][] = new Array(m);
  for (let k = 1; k < m; k++) if (total[k] > 0) (kids[mParent[k]] ??= []).push(k);
  for (const list of kids) if (list) list.sort((a, b) => total[b] - total[a]);

  const levels: LevelBuilder[] = [];
  const startOf = new Float64Array(m);
  const depthOf = new Int32Array(m);
  const indexInLevel = new Int32Array(m);
  // Pre-order, children left to right: each level fills in increasing start.
  const walk = [0];
  let nodeCount = 0;
  while (walk.length) {
    const k = walk.pop()!;
    const d = k === 0 ? 0 : depthOf[mParent[k]] + 1;
    depthOf[k] = d;
    const level = (levels[d] ??= new LevelBuilder());
    indexInLevel[k] = level.push(startOf[k], total[k], mSelf[k], mFrame[k], k === 0 ? -1 : indexInLevel[mParent[k]]);
    nodeCount++;
    const list = kids[k];
    if (!list) continue;
    let x = startOf[k];
    for (const c of list) {
      startOf[c] = x;
      x += total[c];
    }
    for (let j = list.length - 1; j >= 0; j--) walk.push(list[j]);
  }
  return { frames: prep.frames, levels: levels.map((l) => l.seal()), totalUs: total[0], nodeCount, layout: 'leftHeavy' };
}

function timeOrder(profile: RawCpuProfile, prep: PrepFrames): FlameTree {
  const { frameOfNode, parentOfNode, selfOfNode, indexOfId } = prep;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (!samples.length || deltas.length !== samples.length) {
    // Without samples there is no order to show; the merged view is the honest fallback.
    return { ...leftHeavy(prep), layout: 'timeOrder' };
  }
  void selfOfNode;
  const levels: LevelBuilder[] = [new LevelBuilder()];
  levels[0].push(0, 0, 0, 0, -1);
  // The open frames, outermost first: profile node and index in its level
  // (level = position + 1). openDepth[node] is that position, -1 when closed.
  const openNode: number[] = [];
  const openIndex: number[] = [];
  const openDepth = new Int32Array(frameOfNode.length).fill(-1);
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
  for (let s = 0; s < samples.length; s++) {
    const leaf = indexOfId.get(samples[s]);
    const d = s + 1 < deltas.length ? deltas[s + 1] : deltas[s];
    const dt = d > 0 ? d : 0;
    if (leaf === undefined || frameOfNode[leaf] === -2 || dt === 0) continue;
    // Walk up only as far as the first frame still open: that prefix is shared
    // with the previous sample and merely extends.
    fresh.length = 0;
    let i: number = leaf;
    while (i >= 0 && openDepth[i] < 0) {
      if (frameOfNode[i] >= 0) fresh.push(i);
      i = parentOfNode[i];
    }
    closeTo(i >= 0 ? openDepth[i] + 1 : 0);
    for (let k = fresh.length - 1; k >= 0; k--) {
      const node = fresh[k];
      const depth = openNode.length + 1;
      const level = (levels[depth] ??= new LevelBuilder());
      openIndex.push(level.push(t, 0, 0, frameOfNode[node], depth === 1 ? 0 : openIndex[depth - 2]));
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
  return { frames: prep.frames, levels: levels.map((l) => l.seal()), totalUs: t, nodeCount, layout: 'timeOrder' };
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
