// A `.cpuprofile` held as typed arrays: call frames interned into one table,
// nodes as parallel arrays, samples and time deltas as typed arrays. This is
// what the streaming reader builds (memory in proportion to nodes and samples,
// not to the file's text) and what the analysis walks; an in-memory profile
// object is turned into the same table, so both paths share one analysis.

import type { CpuProfile } from './cpuProfile';

export interface Frame {
  functionName: string;
  url: string;
  /** 0-based, as in the profile */
  lineNumber: number;
  /** 0-based, as in the profile */
  columnNumber: number;
}

export interface ProfileTable {
  frames: Frame[];
  nodeCount: number;
  /** Per node: its id in the profile. */
  nodeId: Int32Array;
  /** Per node: index into `frames`. */
  nodeFrame: Int32Array;
  /** Per node: its children, as node indices, at childIndex[childStart[i] .. childStart[i] + childCount[i]). */
  childStart: Int32Array;
  childCount: Int32Array;
  childIndex: Int32Array;
  /** Per node: its position ticks at tickLine/tickCount[tickStart[i] .. tickStart[i] + tickLength[i]). */
  tickStart: Int32Array;
  tickLength: Int32Array;
  /** 1-based source lines */
  tickLine: Float64Array;
  tickCount: Float64Array;
  /** Node index of each sample. */
  samples: Int32Array;
  timeDeltas: Float64Array | Int32Array;
  sampleCount: number;
  startTime: number;
  endTime: number;
}

/** An append-only typed array that doubles when full. */
export class Growable<T extends Int32Array | Float64Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(Math.max(16, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** The filled part, without copying when it is all of it. */
  view(): T {
    return (this.length === this.data.length ? this.data : this.data.subarray(0, this.length)) as T;
  }
}

export const int32s = (n = 1024) => new Growable<Int32Array>(new Int32Array(n), (k) => new Int32Array(k));
export const float64s = (n = 1024) => new Growable<Float64Array>(new Float64Array(n), (k) => new Float64Array(k));

/**
 * Interns call frames: the same function/url/line/column is one frame. Names
 * and URLs are interned to small ids first (`stringId`), then frames by their
 * four numbers in an open-addressed table: no string key per node.
 */
export class FrameTable {
  readonly frames: Frame[] = [];
  /** Interned strings by id. */
  readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private frameFn = new Int32Array(256);
  private frameUrl = new Int32Array(256);
  private frameLine = new Float64Array(256);
  private frameColumn = new Float64Array(256);
  /** Open addressing: frame index + 1, 0 empty. */
  private slots = new Int32Array(1024);

  stringId(s: string): number {
    let i = this.stringIds.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.stringIds.set(s, i);
      this.strings.push(s);
    }
    return i;
  }

  intern(functionName: string, url: string, lineNumber: number, columnNumber: number): number {
    return this.internIds(this.stringId(functionName), this.stringId(url), lineNumber, columnNumber);
  }

  /** A frame by the ids of its name and URL (from `stringId`) and its line and column. */
  internIds(fn: number, url: number, lineNumber: number, columnNumber: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let h = Math.imul(fn, 0x9e3779b1) ^ Math.imul(url + 0x7f4a7c15, 0x85ebca6b) ^ Math.imul(lineNumber | 0, 0xc2b2ae35) ^ Math.imul((columnNumber | 0) + 0x165667b1, 0x27d4eb2f);
    h ^= h >>> 15;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const f = slots[at] - 1;
      if (f < 0) {
        const i = this.frames.length;
        this.frames.push({ functionName: this.strings[fn], url: this.strings[url], lineNumber, columnNumber });
        if (i === this.frameFn.length) this.growFrames();
        this.frameFn[i] = fn;
        this.frameUrl[i] = url;
        this.frameLine[i] = lineNumber;
        this.frameColumn[i] = columnNumber;
        slots[at] = i + 1;
        if ((i + 1) * 2 > slots.length) this.rehash();
        return i;
      }
      if (this.frameFn[f] === fn && this.frameUrl[f] === url && sameNumber(this.frameLine[f], lineNumber) && sameNumber(this.frameColumn[f], columnNumber)) return f;
    }
  }

  private growFrames(): void {
    const n = this.frameFn.length * 2;
    const fn = new Int32Array(n);
    fn.set(this.frameFn);
    this.frameFn = fn;
    const url = new Int32Array(n);
    url.set(this.frameUrl);
    this.frameUrl = url;
    const line = new Float64Array(n);
    line.set(this.frameLine);
    this.frameLine = line;
    const column = new Float64Array(n);
    column.set(this.frameColumn);
    this.frameColumn = column;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let f = 0; f < this.frames.length; f++) {
      let h = Math.imul(this.frameFn[f], 0x9e3779b1) ^ Math.imul(this.frameUrl[f] + 0x7f4a7c15, 0x85ebca6b) ^ Math.imul(this.frameLine[f] | 0, 0xc2b2ae35) ^ Math.imul((this.frameColumn[f] | 0) + 0x165667b1, 0x27d4eb2f);
      h ^= h >>> 15;
      let at = h & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = f + 1;
    }
    this.slots = slots;
  }
}

/** Equal as their decimal text is: -0 is 0, NaN is NaN. */
const sameNumber = (a: number, b: number) => a === b || (a !== a && b !== b);

/** Maps node ids to node indices: a dense array when ids are small, as V8's are. */
export function idLookup(nodeId: Int32Array, count: number): (id: number) => number {
  let max = -1;
  let min = 0;
  for (let i = 0; i < count; i++) {
    if (nodeId[i] > max) max = nodeId[i];
    if (nodeId[i] < min) min = nodeId[i];
  }
  if (min >= 0 && max < count * 4 + 1024) {
    const dense = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < count; i++) dense[nodeId[i]] = i;
    return (id) => (id >= 0 && id <= max ? dense[id] : -1);
  }
  const map = new Map<number, number>();
  for (let i = 0; i < count; i++) map.set(nodeId[i], i);
  return (id) => map.get(id) ?? -1;
}

/**
 * Checks that the nodes form a forest: every child is a node with one parent,
 * and no node is its own ancestor. Returns why not (naming the node with
 * `where(nodeIndex)`), or null.
 */
export function treeProblem(t: Pick<ProfileTable, 'nodeCount' | 'nodeId' | 'childStart' | 'childCount' | 'childIndex'>, where: (node: number) => string = () => ''): string | null {
  const parent = new Int32Array(t.nodeCount).fill(-1);
  for (let i = 0; i < t.nodeCount; i++) {
    for (let k = t.childStart[i], end = k + t.childCount[i]; k < end; k++) {
      const c = t.childIndex[k];
      if (c === i) return `node ${t.nodeId[i]}${where(i)} lists itself as its child (a cycle)`;
      if (parent[c] !== -1) return `node ${t.nodeId[c]} is the child of both node ${t.nodeId[parent[c]]} and node ${t.nodeId[i]}${where(i)}`;
      parent[c] = i;
    }
  }
  // With one parent each, a cycle is a set of nodes that never reaches a root.
  // 0 unknown, 1 on the current walk, 2 reaches a root.
  const state = new Uint8Array(t.nodeCount);
  for (let i = 0; i < t.nodeCount; i++) {
    let cur = i;
    while (cur !== -1 && state[cur] === 0) {
      state[cur] = 1;
      cur = parent[cur];
    }
    if (cur !== -1 && state[cur] === 1) return `node ${t.nodeId[cur]}${where(cur)} is its own ancestor (a cycle in "children")`;
    for (cur = i; cur !== -1 && state[cur] === 1; cur = parent[cur]) state[cur] = 2;
  }
  return null;
}

/** The table of an already-parsed (and checked) profile object. */
export function tableFromProfile(profile: CpuProfile): ProfileTable {
  const frames = new FrameTable();
  const n = profile.nodes.length;
  const nodeId = new Int32Array(n);
  const nodeFrame = new Int32Array(n);
  const childStart = new Int32Array(n);
  const childCount = new Int32Array(n);
  const tickStart = new Int32Array(n);
  const tickLength = new Int32Array(n);
  const childIds = int32s();
  const tickLine = float64s();
  const tickCount = float64s();
  profile.nodes.forEach((node, i) => {
    if (!Number.isInteger(node.id) || node.id < -0x80000000 || node.id > 0x7fffffff) throw new Error(`not a valid CPU profile: node id ${node.id} is out of range`);
    nodeId[i] = node.id;
    const f = node.callFrame;
    nodeFrame[i] = frames.intern(f.functionName, f.url, f.lineNumber, f.columnNumber);
    childStart[i] = childIds.length;
    childCount[i] = node.children?.length ?? 0;
    for (const c of node.children ?? []) childIds.push(c);
    tickStart[i] = tickLine.length;
    tickLength[i] = node.positionTicks?.length ?? 0;
    for (const t of node.positionTicks ?? []) {
      tickLine.push(t.line);
      tickCount.push(t.ticks);
    }
  });
  const lookup = idLookup(nodeId, n);
  const childIndex = childIds.view();
  for (let k = 0; k < childIndex.length; k++) {
    const c = lookup(childIndex[k]);
    if (c < 0) throw new Error(`not a valid CPU profile: a node lists child ${childIndex[k]}, which is not a node`);
    childIndex[k] = c;
  }
  const samples = new Int32Array(profile.samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = lookup(profile.samples[i]);
    if (s < 0) throw new Error(`not a valid CPU profile: samples[${i}] is ${profile.samples[i]}, which is not a node id`);
    samples[i] = s;
  }
  const timeDeltas = Float64Array.from(profile.timeDeltas);
  return {
    frames: frames.frames,
    nodeCount: n,
    nodeId,
    nodeFrame,
    childStart,
    childCount,
    childIndex,
    tickStart,
    tickLength,
    tickLine: tickLine.view(),
    tickCount: tickCount.view(),
    samples,
    timeDeltas,
    sampleCount: samples.length,
    startTime: profile.startTime ?? 0,
    endTime: profile.endTime ?? 0,
  };
}
