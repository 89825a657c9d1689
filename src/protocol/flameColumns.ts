// A CPU profile in the compact form the flame graph webview is sent: one
// typed-array column per profile node (parents before children), one per
// sample, and a table of the distinct frames. postMessage hands typed arrays
// over whole, where the structured clone of a `.cpuprofile`'s 200,000 nested
// node objects took about a second. Pure (no DOM, no Node): the extension host
// encodes with it, the webview decodes with it and encodes raw profiles sent
// by a plain page, and the benchmark runs it in the page.

import type { RawCpuProfile } from './flame';

export type Category = 'user' | 'library' | 'node' | 'system' | 'root';

/** What `frameKind` indexes: a frame's colour category and the tooltip's detail. */
export const FRAME_KINDS: ReadonlyArray<{ category: Category; kind: string }> = [
  { category: 'root', kind: 'all busy time' },
  { category: 'system', kind: 'GC' },
  { category: 'system', kind: 'V8 (program)' },
  { category: 'system', kind: 'native' },
  { category: 'library', kind: 'library' },
  { category: 'node', kind: 'Node.js internals' },
  { category: 'user', kind: 'your code' },
];
const KIND_GC = 1;
const KIND_PROGRAM = 2;
const KIND_NATIVE = 3;
const KIND_LIBRARY = 4;
const KIND_NODE = 5;
const KIND_USER = 6;

/** Node frame for V8's `(root)` (shown as nothing: its children hang off "all"). */
export const NODE_ROOT = -1;
/** Node frame for `(idle)`, left out of every view. */
export const NODE_IDLE = -2;

export interface FlameColumns {
  /** Frame 0 is the synthetic "all"; a frame is a distinct (name, file, line). */
  frameName: string[];
  /** A path (file: URLs decoded) or '' for native frames. */
  frameFile: string[];
  /** 1-based; 0 when unknown. */
  frameLine: Int32Array;
  /** Index into FRAME_KINDS. */
  frameKind: Uint8Array;
  /** Per node, in an order where every parent comes before its children: the parent's index, -1 for a root. */
  nodeParent: Int32Array;
  /** Per node: frame index, NODE_ROOT or NODE_IDLE. */
  nodeFrame: Int32Array;
  /** Per node: µs of samples that landed in it. */
  nodeSelfUs: Float64Array;
  /** Samples in time order: node index (-1 for an unknown node id) and the µs until the next sample. Empty when the profile has no timed samples. */
  sampleNode: Int32Array;
  sampleUs: Float64Array;
}

/**
 * Open-addressing hash of up to three non-negative int32 keys to an int32 value,
 * in typed arrays: no string keys, no boxed numbers, no per-entry objects.
 */
export class IntKeyTable {
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

function scriptKind(url: string): number {
  if (/[\\/]node_modules[\\/]/.test(url)) return KIND_LIBRARY;
  if (url.startsWith('node:') || (!url.includes('/') && !url.includes('\\'))) return KIND_NODE;
  return KIND_USER;
}

function nativeKind(functionName: string): number {
  if (functionName === '(garbage collector)') return KIND_GC;
  if (functionName === '(program)') return KIND_PROGRAM;
  return KIND_NATIVE;
}

/** Profile node id → position in `nodes` (-1 when unknown). V8 numbers nodes 1..n, so a typed array usually serves. */
interface IdIndex {
  /** Position by id when ids are dense, else null (then `get`). */
  table: Int32Array | null;
  get(id: number): number;
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
    return { table, get: (id) => (id >= 0 && id <= maxId ? table[id] : -1) };
  }
  const map = new Map<number, number>();
  nodes.forEach((node, i) => map.set(node.id, i));
  return { table: null, get: (id) => map.get(id) ?? -1 };
}

/** Position of `id`: the dense table inline (the hot loops run it hundreds of thousands of times), else the map. */
function positionOf(index: IdIndex, id: number): number {
  const table = index.table;
  if (table) return id >= 0 && id < table.length ? table[id] : -1;
  return index.get(id);
}

/** Positions of `nodes` in an order with every parent before its children (V8 writes them so; others may not). */
function parentsFirst(parentOf: Int32Array): Int32Array | null {
  const n = parentOf.length;
  let ordered = true;
  for (let i = 0; i < n && ordered; i++) if (parentOf[i] >= i) ordered = false;
  if (ordered) return null;
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parentOf[i] >= 0) childStart[parentOf[i] + 1]++;
  for (let i = 0; i < n; i++) childStart[i + 1] += childStart[i];
  const fill = childStart.slice(0, n);
  const children = new Int32Array(childStart[n]);
  for (let i = 0; i < n; i++) if (parentOf[i] >= 0) children[fill[parentOf[i]]++] = i;
  // Pre-order from each root; nodes on a cycle (not a tree) are never reached and are dropped.
  const order = new Int32Array(n);
  let len = 0;
  const stack = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) {
    if (parentOf[r] >= 0) continue;
    let top = 0;
    stack[top++] = r;
    while (top > 0) {
      const i = stack[--top];
      order[len++] = i;
      for (let c = childStart[i + 1] - 1; c >= childStart[i]; c--) stack[top++] = children[c];
    }
  }
  return order.slice(0, len);
}

/** The columns of a raw `.cpuprofile`. Idle and V8's root are marked, not dropped, so the time-order view can still see them. */
export function encodeFlameColumns(profile: RawCpuProfile): FlameColumns {
  const nodes = profile.nodes;
  const n0 = nodes.length;
  const ids = indexIds(nodes);
  const parentOf = new Int32Array(n0).fill(-1);
  for (let i = 0; i < n0; i++) {
    const children = nodes[i].children;
    if (!children) continue;
    for (let j = 0; j < children.length; j++) {
      const c = positionOf(ids, children[j]);
      if (c >= 0 && c !== i) parentOf[c] = i;
    }
  }
  const order = parentsFirst(parentOf);
  const n = order ? order.length : n0;
  // Position in the new order of each original node (-1 when dropped).
  let newIndex: Int32Array | null = null;
  if (order) {
    newIndex = new Int32Array(n0).fill(-1);
    for (let k = 0; k < n; k++) newIndex[order[k]] = k;
  }

  const frameName: string[] = ['all'];
  const frameFile: string[] = [''];
  const lines: number[] = [0];
  const kinds: number[] = [0];
  // A frame is (script, line, shown name). Scripts are found by V8's short
  // scriptId (or the URL) and checked against the URL; a frame by (script,
  // line) and checked against the name, so the common case hashes no long
  // string. Names that share a script line go through an interned name id.
  const byLine = new IntKeyTable(1024);
  const byName = new IntKeyTable(64);
  const nameIds = new Map<string, number>();
  const scripts = new Map<string, { id: number; url: string; file: string; kind: number }>();
  const byUrl = new Map<string, { id: number; url: string; file: string; kind: number }>();
  const nodeParent = new Int32Array(n);
  const nodeFrame = new Int32Array(n);
  let last: { id: number; url: string; file: string; kind: number } | undefined;
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    const p = parentOf[i];
    nodeParent[k] = p < 0 ? -1 : newIndex ? newIndex[p] : p;
    const cf = nodes[i].callFrame;
    const url = cf.url;
    let scriptId = 0;
    let line = 0;
    let name: string;
    let script: { id: number; url: string; file: string; kind: number } | undefined;
    if (url) {
      if (last && last.url === url) script = last;
      else {
        const v8Id = typeof cf.scriptId === 'string' && cf.scriptId !== '0' ? cf.scriptId : url;
        script = scripts.get(v8Id);
        if (!script || script.url !== url) {
          // One script per URL, also when V8 gave it several ids (a module evaluated again).
          script = byUrl.get(url);
          if (!script) byUrl.set(url, (script = { id: byUrl.size + 1, url, file: fileFromUrl(url), kind: scriptKind(url) }));
          if (!scripts.has(v8Id)) scripts.set(v8Id, script);
        }
        last = script;
      }
      scriptId = script.id;
      line = (cf.lineNumber | 0) + 1;
      if (line < 0) line = 0;
      name = cf.functionName || '(anonymous)';
    } else {
      if (cf.functionName === '(root)') {
        nodeFrame[k] = NODE_ROOT;
        continue;
      }
      if (cf.functionName === '(idle)') {
        nodeFrame[k] = NODE_IDLE;
        continue;
      }
      name = cf.functionName || '(native)';
    }
    const fresh = frameName.length;
    let f = byLine.getOrAdd(scriptId, line, 0, fresh);
    if (f !== fresh && frameName[f] !== name) {
      let nameId = nameIds.get(name);
      if (nameId === undefined) nameIds.set(name, (nameId = nameIds.size));
      f = byName.getOrAdd(scriptId, line, nameId, fresh);
    }
    if (f === fresh) {
      frameName.push(name);
      frameFile.push(script ? script.file : '');
      lines.push(script ? line : 0);
      kinds.push(script ? script.kind : nativeKind(cf.functionName));
    }
    nodeFrame[k] = f;
  }

  const nodeSelfUs = new Float64Array(n);
  const samples = profile.samples;
  const deltas = profile.timeDeltas;
  let sampleNode = new Int32Array(0);
  let sampleUs = new Float64Array(0);
  if (samples && samples.length && deltas && deltas.length === samples.length) {
    const count = samples.length;
    sampleNode = new Int32Array(count);
    sampleUs = new Float64Array(count);
    const last = count - 1;
    for (let s = 0; s < count; s++) {
      let i = positionOf(ids, samples[s]);
      if (i >= 0 && newIndex) i = newIndex[i];
      // timeDeltas[s] is the time before sample s; the sample lasts until the next one.
      const d = s < last ? deltas[s + 1] : deltas[s];
      const us = d > 0 ? d : 0;
      sampleNode[s] = i;
      sampleUs[s] = us;
      if (i >= 0) nodeSelfUs[i] += us;
    }
  } else {
    let hits = 0;
    for (let i = 0; i < n0; i++) hits += nodes[i].hitCount ?? 0;
    const per = hits > 0 ? Math.max(0, profile.endTime - profile.startTime) / hits : 0;
    for (let k = 0; k < n; k++) nodeSelfUs[k] = (nodes[order ? order[k] : k].hitCount ?? 0) * per;
  }
  return { frameName, frameFile, frameLine: Int32Array.from(lines), frameKind: Uint8Array.from(kinds), nodeParent, nodeFrame, nodeSelfUs, sampleNode, sampleUs };
}

/** The buffers to transfer with a postMessage of `columns` (they are unusable on the sending side afterwards). */
export function flameColumnBuffers(columns: FlameColumns): ArrayBuffer[] {
  return [columns.frameLine, columns.frameKind, columns.nodeParent, columns.nodeFrame, columns.nodeSelfUs, columns.sampleNode, columns.sampleUs].map((a) => a.buffer as ArrayBuffer);
}

/** Run-time check of columns that arrived in a message: the types, the lengths, and every index in range. */
export function isFlameColumns(value: unknown): value is FlameColumns {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<FlameColumns>;
  if (!Array.isArray(c.frameName) || !Array.isArray(c.frameFile) || !(c.frameLine instanceof Int32Array) || !(c.frameKind instanceof Uint8Array)) return false;
  if (!(c.nodeParent instanceof Int32Array) || !(c.nodeFrame instanceof Int32Array) || !(c.nodeSelfUs instanceof Float64Array)) return false;
  if (!(c.sampleNode instanceof Int32Array) || !(c.sampleUs instanceof Float64Array)) return false;
  const frames = c.frameName.length;
  if (frames < 1 || c.frameFile.length !== frames || c.frameLine.length !== frames || c.frameKind.length !== frames) return false;
  for (let f = 0; f < frames; f++) {
    if (typeof c.frameName[f] !== 'string' || typeof c.frameFile[f] !== 'string' || c.frameKind[f] >= FRAME_KINDS.length) return false;
  }
  const n = c.nodeParent.length;
  if (c.nodeFrame.length !== n || c.nodeSelfUs.length !== n || c.sampleUs.length !== c.sampleNode.length) return false;
  for (let i = 0; i < n; i++) {
    const p = c.nodeParent[i];
    const f = c.nodeFrame[i];
    if (p < -1 || p >= i || f < NODE_IDLE || f === 0 || f >= frames) return false;
  }
  for (let s = 0; s < c.sampleNode.length; s++) if (c.sampleNode[s] < -1 || c.sampleNode[s] >= n) return false;
  return true;
}
