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

/** Interns call frames: the same function/url/line/column is one frame. */
export class FrameTable {
  readonly frames: Frame[] = [];
  private readonly strings = new Map<string, number>();
  private readonly index = new Map<string, number>();
  private id(s: string): number {
    let i = this.strings.get(s);
    if (i === undefined) this.strings.set(s, (i = this.strings.size));
    return i;
  }
  intern(functionName: string, url: string, lineNumber: number, columnNumber: number): number {
    // Short keys of small numbers: long names and URLs are hashed once each, not once per node.
    const key = `${this.id(functionName)},${this.id(url)},${lineNumber},${columnNumber}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.frames.length;
      this.frames.push({ functionName, url, lineNumber, columnNumber });
      this.index.set(key, i);
    }
    return i;
  }
}

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
