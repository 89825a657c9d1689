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
  /** Position by id when ids are dense (-1 for unknown ids), else null. */
  table: Int32Array | null;
}

function indexIds(nodes: RawCpuProfile['nodes']): IdIndex {
  let maxId = 0;
  let dense = true;
  const n = nodes.length;
  for (let i = 0; i < n; i++) {
    const id = nodes[i].id;
    if (!Number.isInteger(id) || id < 0) dense = false;
    else if (id > maxId) maxId = id;
  }
  if (dense && maxId <= n * 4 + 16) {
    const table = new Int32Array(maxId + 1).fill(-1);
    for (let i = 0; i < n; i++) table[nodes[i].id] = i;
    return { table, get: (id) => (id >= 0 && id <= maxId && table[id] >= 0 ? table[id] : undefined) };
  }
  const map = new Map<number, number>();
  nodes.forEach((node, i) => map.set(node.id, i));
  return { table: null, get: (id) => map.get(id) };
}

/**
 * Open-addressing hash of up to three non-negative int32 keys to an int32 value,
 * in typed arrays: no string keys, no boxed numbers, no per-entry objects.
 */
class IntKeyTable {
  private mask: number;
  private ka: Int32Array;
  private kb: Int32Array;
  private kc: Int32Array;
  private val: Int32Array;
  private size = 0;
  constructor(expected: number) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.mask = cap - 1;
    this.ka = new Int32Array(cap).fill(-1);
    this.kb = new Int32Array(cap);
    this.kc = new Int32Array(cap);
    this.val = new Int32Array(cap);
  }
  private static hash(a: number, b: number, c: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b) ^ Math.imul(c + 0x165667b1, 0xc2b2ae35);
    h ^= h >>> 15;
    return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 13);
  }
  /** The value stored under (a, b, c), or `fresh` stored there when there was none. */
  getOrAdd(a: number, b: number, c: number, fresh: number): number {
    let slot = IntKeyTable.hash(a, b, c) & this.mask;
    const { ka, kb, kc } = this;
    for (;;) {
      const k = ka[slot];
      if (k === -1) break;
      if (k === a && kb[slot] === b && kc[slot] === c) return this.val[slot];
      slot = (slot + 1) & this.mask;
    }
    ka[slot] = a;
    kb[slot] = b;
    kc[slot] = c;
    this.val[slot] = fresh;
    if (++this.size * 2 > this.mask) this.grow();
    return fresh;
  }
  private grow(): void {
    const { ka, kb, kc, val } = this;
    const cap = (this.mask + 1) * 2;
    this.mask = cap - 1;
    this.ka = new Int32Array(cap).fill(-1);
    this.kb = new Int32Array(cap);
    this.kc = new Int32Array(cap);
    this.val = new Int32Array(cap);
    for (let s = 0; s < ka.length; s++) {
      const a = ka[s];
      if (a === -1) continue;
      let slot = IntKeyTable.hash(a, kb[s], kc[s]) & this.mask;
      while (this.ka[slot] !== -1) slot = (slot + 1) & this.mask;
      this.ka[slot] = a;
      this.kb[slot] = kb[s];
      this.kc[slot] = kc[s];
      this.val[slot] = val[s];
    }
  }
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

interface Script {
  id: number;
  file: string;
  category: Category;
  kind: string;
}

function prepare(profile: RawCpuProfile): PrepFrames {
  const nodes = profile.nodes;
  const n = nodes.length;
  const indexOfId = indexIds(nodes);
  const table = indexOfId.table;
  const parentOfNode = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const children = nodes[i].children;
    if (!children) continue;
    for (let j = 0; j < children.length; j++) {
      const c = children[j];
      if (table) {
        if (c >= 0 && c < table.length && table[c] >= 0) parentOfNode[table[c]] = i;
      } else {
        const ci = indexOfId.get(c);
        if (ci !== undefined) parentOfNode[ci] = i;
      }
    }
  }
  const frames: FrameInfo[] = [{ name: 'all', file: '', line: 0, category: 'root', kind: 'all busy time' }];
  // A frame is (script, line, shown name), each interned to an integer once:
  // scripts by URL (profiles repeat a few hundred), names by string.
  const frameIndex = new IntKeyTable(1024);
  const nameIds = new Map<string, number>();
  const frameOfNode = new Int32Array(n);
  const scripts = new Map<string, Script>();
  // Native frames (no URL) have script id 0 and line 0; scripts are numbered from 1.
  for (let i = 0; i < n; i++) {
    const cf = nodes[i].callFrame;
    const url = cf.url;
    let scriptId = 0;
    let line = 0;
    let name: string;
    let script: Script | undefined;
    let native: { category: Category; kind: string } | undefined;
    if (url) {
      script = scripts.get(url);
      if (!script) {
        const c = classify(cf.functionName, url) as { category: Category; kind: string };
        scripts.set(url, (script = { id: scripts.size + 1, file: fileFromUrl(url), category: c.category, kind: c.kind }));
      }
      scriptId = script.id;
      line = cf.lineNumber + 1;
      name = cf.functionName || '(anonymous)';
    } else {
      const c = classify(cf.functionName, url);
      if (c === 'root') {
        frameOfNode[i] = -1;
        continue;
      }
      if (c === 'idle') {
        frameOfNode[i] = -2;
        continue;
      }
      native = c;
      name = cf.functionName || '(native)';
    }
    let nameId = nameIds.get(name);
    if (nameId === undefined) nameIds.set(name, (nameId = nameIds.size));
    const fresh = frames.length;
    const f = frameIndex.getOrAdd(scriptId, line | 0, nameId, fresh);
    if (f === fresh) {
      if (script) frames.push({ name, file: script.file, line, category: script.category, kind: script.kind });
      else frames.push({ name, file: '', line: 0, category: native!.category, kind: native!.kind });
    }
    frameOfNode[i] = f;
  }
  const selfOfNode = new Float64Array(n);
  const samples = profile.samples;
  const deltas = profile.timeDeltas;
  if (samples && samples.length && deltas && deltas.length === samples.length) {
    const last = samples.length - 1;
    for (let s = 0; s <= last; s++) {
      const id = samples[s];
      let i: number;
      if (table) {
        if (!(id >= 0 && id < table.length) || (i = table[id]) < 0) continue;
      } else {
        const found = indexOfId.get(id);
        if (found === undefined) continue;
        i = found;
      }
      // timeDeltas[s] is the time before sample s; the sample lasts until the next one.
      const d = s < last ? deltas[s + 1] : deltas[s];
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

/** Growable Int32Array / Float64Array columns. */
function growI32(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
function growF64(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

function leftHeavy(prep: PrepFrames): FlameTree {
  const { frameOfNode, parentOfNode, selfOfNode } = prep;
  const n = frameOfNode.length;
  // Merged tree: node 0 is "all"; identical frames under one parent are one node.
  let mFrame = new Int32Array(1024);
  let mParent = new Int32Array(1024);
  let mDepth = new Int32Array(1024);
  let mSelf = new Float64Array(1024);
  mParent[0] = -1;
  let m = 1;
  const childKey = new IntKeyTable(1024);
  const mergedOf = new Int32Array(n).fill(-1);
  // Children of each profile node as offsets into one array, in the profile's order.
  const childStart = new Int32Array(n + 1);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = parentOfNode[i];
    if (p < 0) roots.push(i);
    else childStart[p + 1]++;
  }
  for (let i = 0; i < n; i++) childStart[i + 1] += childStart[i];
  const childList = new Int32Array(childStart[n]);
  const fill = childStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    const p = parentOfNode[i];
    if (p >= 0) childList[fill[p]++] = i;
  }
  // Parents before children (iterative, profiles can be deep).
  const stack = new Int32Array(n + 1);
  let top = 0;
  for (const r of roots) stack[top++] = r;
  while (top > 0) {
    const i = stack[--top];
    const f = frameOfNode[i];
    const p = parentOfNode[i];
    const parentMerged = p < 0 ? 0 : mergedOf[p];
    if (f === -2 || parentMerged < 0) continue; // idle, or under something left out
    if (f === -1) {
      mergedOf[i] = parentMerged;
    } else {
      let k = childKey.getOrAdd(parentMerged, f, 0, m);
      if (k === m) {
        if (m === mFrame.length) {
          mFrame = growI32(mFrame, m + 1);
          mParent = growI32(mParent, m + 1);
          mDepth = growI32(mDepth, m + 1);
          mSelf = growF64(mSelf, m + 1);
        }
        mFrame[m] = f;
        mParent[m] = parentMerged;
        mDepth[m] = mDepth[parentMerged] + 1;
        mSelf[m] = 0;
        k = m++;
      }
      mergedOf[i] = k;
      mSelf[k] += selfOfNode[i];
    }
    for (let c = childStart[i]; c < childStart[i + 1]; c++) stack[top++] = childList[c];
  }
  // Parents were created before their children, so one backward pass sums totals.
  const total = mSelf.slice(0, m);
  for (let k = m - 1; k > 0; k--) total[mParent[k]] += total[k];
  // Drawn: the root and every node with time (whose parent then has time too).
  const kidStart = new Int32Array(m + 1);
  const perDepth: number[] = [1];
  for (let k = 1; k < m; k++) {
    if (!(total[k] > 0)) continue;
    kidStart[mParent[k] + 1]++;
    const d = mDepth[k];
    perDepth[d] = (perDepth[d] ?? 0) + 1;
  }
  for (let k = 0; k < m; k++) kidStart[k + 1] += kidStart[k];
  const kids = new Int32Array(kidStart[m]);
  const kidFill = kidStart.slice(0, m);
  for (let k = 1; k < m; k++) if (total[k] > 0) kids[kidFill[mParent[k]]++] = k;
  // Children by weight, heaviest first; ties keep creation order (a stable sort).
  let scratch: number[] = [];
  for (let k = 0; k < m; k++) {
    const a = kidStart[k];
    const b = kidStart[k + 1];
    if (b - a < 2) continue;
    scratch = Array.from(kids.subarray(a, b));
    scratch.sort((x, y) => total[y] - total[x]);
    for (let j = 0; j < scratch.length; j++) kids[a + j] = scratch[j];
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
  let nodeCount = 0;
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
    nodeCount++;
    const a = kidStart[k];
    const b = kidStart[k + 1];
    let x = startOf[k];
    for (let j = a; j < b; j++) {
      const c = kids[j];
      startOf[c] = x;
      x += total[c];
    }
    for (let j = b - 1; j >= a; j--) walk[wt++] = kids[j];
  }
  return { frames: prep.frames, levels, totalUs: total[0], nodeCount, layout: 'leftHeavy' };
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
