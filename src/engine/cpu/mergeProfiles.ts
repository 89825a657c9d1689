// Merges consecutive profile slices (the profiler is restarted every few
// seconds so partial profiles can stream) into one profile: identical call
// paths become one node, hit counts and per-line ticks add up, and samples keep
// their real timestamps, so the gaps between slices stay visible as time.
//
// ProfileAccumulator merges one slice at a time, so a long run holds one
// merged tree (bounded by the distinct call paths) plus 12 bytes per sample
// (node id and timestamp in typed arrays), not every slice it was sent: a
// 30-minute soak kept ~900 slices, about 60 KB each, until the run ended.

import { CallFrame, CpuProfile, ProfileNode } from './cpuProfile';

const frameKey = (f: CallFrame) => `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;

export function mergeProfiles(slices: CpuProfile[]): CpuProfile {
  const usable = slices.filter((s) => s.nodes.length > 0);
  if (usable.length === 0) throw new Error('No profile slices to merge.');
  if (usable.length === 1) return usable[0];
  const acc = new ProfileAccumulator();
  for (const slice of usable) acc.add(slice);
  return acc.profile();
}

export class ProfileAccumulator {
  private readonly nodes: ProfileNode[] = [];
  private readonly children = new Map<number, Map<string, number>>(); // merged id → (frame key → merged child id)
  private readonly ticks = new Map<number, Map<number, number>>(); // merged id → line → ticks
  private samples = new Int32Array(4096);
  private timestamps = new Float64Array(4096);
  private count = 0;
  private rootId: number | null = null;
  private startTime = 0;
  private endTime = 0;
  private slices = 0;
  private readonly keepSamples: boolean;

  /**
   * With `samples: false` only the tree (hit counts, per-line ticks) is kept: what a
   * live flame graph needs, at a cost that does not grow with the run's length.
   */
  constructor(options: { samples?: boolean } = {}) {
    this.keepSamples = options.samples !== false;
  }

  /** Slices with at least one node merged so far. */
  get sliceCount(): number {
    return this.slices;
  }

  private addNode(frame: CallFrame, parent: number | null): number {
    if (parent !== null) {
      const existing = this.children.get(parent)?.get(frameKey(frame));
      if (existing !== undefined) return existing;
    }
    const id = this.nodes.length + 1;
    this.nodes.push({ id, callFrame: { ...frame, scriptId: String(frame.scriptId) }, hitCount: 0, children: [] });
    if (parent !== null) {
      let map = this.children.get(parent);
      if (!map) this.children.set(parent, (map = new Map()));
      map.set(frameKey(frame), id);
      this.nodes[parent - 1].children!.push(id);
    }
    return id;
  }

  add(slice: CpuProfile): void {
    if (slice.nodes.length === 0) return;
    if (this.slices === 0) this.startTime = slice.startTime;
    this.endTime = slice.endTime;
    this.slices++;
    const byId = new Map(slice.nodes.map((n) => [n.id, n]));
    const parentOf = new Map<number, number>();
    for (const n of slice.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
    const mapped = new Map<number, number>();
    // Nodes are not guaranteed to be in parent-first order: resolve with an explicit stack.
    const resolve = (id: number): number => {
      const chain: number[] = [];
      let cur: number | undefined = id;
      while (cur !== undefined && !mapped.has(cur)) {
        chain.push(cur);
        cur = parentOf.get(cur);
      }
      let parentMerged = cur === undefined ? null : mapped.get(cur)!;
      for (let i = chain.length - 1; i >= 0; i--) {
        const node = byId.get(chain[i])!;
        const mergedId: number =
          parentMerged === null ? (this.rootId ??= this.addNode(node.callFrame, null)) : this.addNode(node.callFrame, parentMerged);
        mapped.set(chain[i], mergedId);
        parentMerged = mergedId;
      }
      return mapped.get(id)!;
    };
    for (const n of slice.nodes) {
      const m = resolve(n.id);
      this.nodes[m - 1].hitCount! += n.hitCount ?? 0;
      if (n.positionTicks?.length) {
        let lines = this.ticks.get(m);
        if (!lines) this.ticks.set(m, (lines = new Map()));
        for (const pt of n.positionTicks) lines.set(pt.line, (lines.get(pt.line) ?? 0) + pt.ticks);
      }
    }
    if (!this.keepSamples) return;
    const needed = this.count + slice.samples.length;
    if (needed > this.samples.length) {
      let size = this.samples.length;
      while (size < needed) size *= 2;
      const samples = new Int32Array(size);
      samples.set(this.samples.subarray(0, this.count));
      const timestamps = new Float64Array(size);
      timestamps.set(this.timestamps.subarray(0, this.count));
      this.samples = samples;
      this.timestamps = timestamps;
    }
    let t = slice.startTime;
    for (let i = 0; i < slice.samples.length; i++) {
      t += slice.timeDeltas[i] ?? 0;
      this.samples[this.count] = mapped.get(slice.samples[i]) ?? resolve(slice.samples[i]);
      this.timestamps[this.count] = t;
      this.count++;
    }
  }

  /** The merged profile so far (with no samples when the accumulator keeps none). */
  profile(): CpuProfile {
    if (this.slices === 0) throw new Error('No profile slices to merge.');
    const nodes = this.nodes.map((n) => {
      const lines = this.ticks.get(n.id);
      const copy: ProfileNode = { ...n, children: [...(n.children ?? [])] };
      if (lines) copy.positionTicks = [...lines].map(([line, ticks]) => ({ line, ticks })).sort((a, b) => a.line - b.line);
      return copy;
    });
    const samples = Array.from(this.samples.subarray(0, this.count));
    const timeDeltas = new Array<number>(this.count);
    for (let i = 0; i < this.count; i++) timeDeltas[i] = this.timestamps[i] - (i === 0 ? this.startTime : this.timestamps[i - 1]);
    return { nodes, startTime: this.startTime, endTime: this.endTime, samples, timeDeltas };
  }
}
