// The part of the CPU analysis that needs the whole profile: self time per
// node from samples × time deltas, total time per function without counting
// recursion twice, and self time per source line from position ticks. Its
// result is small (one entry per distinct function and line, plain data), so
// a worker can compute it and post it back; categories, source maps and
// ranking are applied afterwards by `summarizeAggregate`.

import type { Frame, ProfileTable } from './profileTable';

export interface FrameTime extends Frame {
  selfUs: number;
  totalUs: number;
}

export interface LineTime {
  url: string;
  /** 1-based */
  line: number;
  us: number;
}

export interface ProfileAggregate {
  sampleCount: number;
  /** Functions in the order a depth-first walk from the roots meets them first. */
  functions: FrameTime[];
  /** Lines in the order the nodes first list them. */
  lines: LineTime[];
}

/** Self time of each node in microseconds, attributing each sample the time until the next one. */
export function nodeSelfTimes(t: ProfileTable): Float64Array {
  const self = new Float64Array(t.nodeCount);
  const n = t.sampleCount;
  if (n === 0) return self;
  const deltas = t.timeDeltas;
  let stamp = t.startTime + (deltas.length > 0 ? deltas[0] : 0);
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? stamp + (i + 1 < deltas.length ? deltas[i + 1] : 0) : Math.max(t.endTime, stamp);
    const dt = next - stamp;
    if (dt > 0) self[t.samples[i]] += dt;
    stamp = next;
  }
  return self;
}

export function aggregateTable(t: ProfileTable): ProfileAggregate {
  const self = nodeSelfTimes(t);
  const hasParent = new Uint8Array(t.nodeCount);
  for (let k = 0; k < t.childIndex.length; k++) hasParent[t.childIndex[k]] = 1;
  const roots: number[] = [];
  for (let i = 0; i < t.nodeCount; i++) if (!hasParent[i]) roots.push(i);

  // Subtree time, post-order without recursion (profiles can be thousands of frames deep).
  const order = new Int32Array(t.nodeCount);
  let filled = 0;
  const stack: number[] = roots.slice();
  while (stack.length) {
    const id = stack.pop()!;
    order[filled++] = id;
    for (let k = t.childStart[id], end = k + t.childCount[id]; k < end; k++) stack.push(t.childIndex[k]);
  }
  const subtree = new Float64Array(t.nodeCount);
  for (let i = filled - 1; i >= 0; i--) {
    const id = order[i];
    let total = self[id];
    for (let k = t.childStart[id], end = k + t.childCount[id]; k < end; k++) total += subtree[t.childIndex[k]];
    subtree[id] = total;
  }

  // A node counts towards its function's total only when no ancestor is the same function.
  const slot = new Int32Array(t.frames.length).fill(-1);
  const onPath = new Int32Array(t.frames.length);
  const functions: FrameTime[] = [];
  const visit: number[] = [];
  for (const r of roots) visit.push(r);
  while (visit.length) {
    const v = visit.pop()!;
    if (v < 0) {
      onPath[t.nodeFrame[~v]]--;
      continue;
    }
    const f = t.nodeFrame[v];
    if (slot[f] < 0) {
      slot[f] = functions.length;
      functions.push({ ...t.frames[f], selfUs: 0, totalUs: 0 });
    }
    const acc = functions[slot[f]];
    acc.selfUs += self[v];
    if (onPath[f] === 0) acc.totalUs += subtree[v];
    onPath[f]++;
    visit.push(~v);
    for (let k = t.childStart[v], end = k + t.childCount[v]; k < end; k++) visit.push(t.childIndex[k]);
  }

  const lines: LineTime[] = [];
  const lineSlot = new Map<string, number>();
  for (let i = 0; i < t.nodeCount; i++) {
    const us = self[i];
    if (!us) continue;
    const url = t.frames[t.nodeFrame[i]].url;
    const from = t.tickStart[i];
    const to = from + t.tickLength[i];
    if (!url || from === to) continue;
    let totalTicks = 0;
    for (let k = from; k < to; k++) totalTicks += t.tickCount[k];
    if (!totalTicks) continue;
    for (let k = from; k < to; k++) {
      const key = `${t.tickLine[k]}\u0000${url}`;
      let s = lineSlot.get(key);
      if (s === undefined) {
        s = lines.length;
        lineSlot.set(key, s);
        lines.push({ url, line: t.tickLine[k], us: 0 });
      }
      lines[s].us += (us * t.tickCount[k]) / totalTicks;
    }
  }
  return { sampleCount: t.sampleCount, functions, lines };
}
