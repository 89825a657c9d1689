// Merges consecutive profile slices (the profiler is restarted every few
// seconds so partial profiles can stream) into one profile: identical call
// paths become one node, hit counts and per-line ticks add up, and samples keep
// their real timestamps, so the gaps between slices stay visible as time.

import { CallFrame, CpuProfile, ProfileNode } from './cpuProfile';

const frameKey = (f: CallFrame) => `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;

export function mergeProfiles(slices: CpuProfile[]): CpuProfile {
  const usable = slices.filter((s) => s.nodes.length > 0);
  if (usable.length === 0) throw new Error('No profile slices to merge.');
  if (usable.length === 1) return usable[0];

  const nodes: ProfileNode[] = [];
  const children = new Map<number, Map<string, number>>(); // merged id → (frame key → merged child id)
  const ticks = new Map<number, Map<number, number>>(); // merged id → line → ticks
  const samples: number[] = [];
  const timestamps: number[] = [];

  const addNode = (frame: CallFrame, parent: number | null): number => {
    if (parent !== null) {
      const existing = children.get(parent)?.get(frameKey(frame));
      if (existing !== undefined) return existing;
    }
    const id = nodes.length + 1;
    nodes.push({ id, callFrame: { ...frame, scriptId: String(frame.scriptId) }, hitCount: 0, children: [] });
    if (parent !== null) {
      let map = children.get(parent);
      if (!map) children.set(parent, (map = new Map()));
      map.set(frameKey(frame), id);
      nodes[parent - 1].children!.push(id);
    }
    return id;
  };

  let rootId: number | null = null;
  for (const slice of usable) {
    const byId = new Map(slice.nodes.map((n) => [n.id, n]));
    const parentOf = new Map<number, number>();
    for (const n of slice.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
    const mapped = new Map<number, number>();
    // Nodes are not guaranteed to be in parent-first order: resolve recursively with an explicit stack.
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
          parentMerged === null ? (rootId ??= addNode(node.callFrame, null)) : addNode(node.callFrame, parentMerged);
        mapped.set(chain[i], mergedId);
        parentMerged = mergedId;
      }
      return mapped.get(id)!;
    };
    for (const n of slice.nodes) {
      const m = resolve(n.id);
      nodes[m - 1].hitCount! += n.hitCount ?? 0;
      if (n.positionTicks?.length) {
        let lines = ticks.get(m);
        if (!lines) ticks.set(m, (lines = new Map()));
        for (const pt of n.positionTicks) lines.set(pt.line, (lines.get(pt.line) ?? 0) + pt.ticks);
      }
    }
    let t = slice.startTime;
    for (let i = 0; i < slice.samples.length; i++) {
      t += slice.timeDeltas[i] ?? 0;
      samples.push(mapped.get(slice.samples[i]) ?? resolve(slice.samples[i]));
      timestamps.push(t);
    }
  }
  for (const [id, lines] of ticks) {
    nodes[id - 1].positionTicks = [...lines].map(([line, n]) => ({ line, ticks: n })).sort((a, b) => a.line - b.line);
  }
  const startTime = usable[0].startTime;
  const timeDeltas = timestamps.map((ts, i) => ts - (i === 0 ? startTime : timestamps[i - 1]));
  return { nodes, startTime, endTime: usable[usable.length - 1].endTime, samples, timeDeltas };
}
