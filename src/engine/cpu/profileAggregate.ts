// The part of the CPU analysis that needs the whole profile: self time per
// node from samples × time deltas, total time per function without counting
// recursion twice, and self time per source line from position ticks. Its
// result is small (one entry per distinct function and line, plain data), so
// a worker can compute it and post it back; categories, source maps and
// ranking are applied afterwards by `summarizeAggregate`.

import { LineKeys } from './lineKeys';
import { float64s, type Frame, type ProfileTable } from './profileTable';

export interface FrameTime extends Frame {
  selfUs: number;
  totalUs: number;
}

/**
 * Self time per source line, as parallel arrays over the distinct URLs: no
 * object or string per line (a big profile has tens of thousands), and the
 * worker can hand the arrays over without copying.
 */
export interface LineTimes {
  /** Distinct URLs, in the order the lines first meet them. */
  urls: string[];
  /** Per line: index into `urls`. */
  url: Int32Array;
  /** Per line: 1-based source line. */
  line: Float64Array;
  /** Per line: self time in microseconds. */
  us: Float64Array;
}

export interface ProfileAggregate {
  sampleCount: number;
  /** Functions in the order a depth-first walk from the roots meets them first. */
  functions: FrameTime[];
  /** Lines in the order the nodes first list them. */
  lines: LineTimes;
}

/** Self time of each node in microseconds, attributing each sample the time until the next one. */
export function nodeSelfTimes(t: ProfileTable): Float64Array {
  const self = new Float64Array(t.nodeCount);
  const n = t.sampleCount;
  if (n === 0) return self;
  const deltas = t.timeDeltas;
  const samples = t.samples;
  let stamp = t.startTime + (deltas.length > 0 ? deltas[0] : 0);
  // The same arithmetic as one loop with bounds checks, split where the deltas run out.
  const last = n - 1;
  const withDelta = Math.max(0, Math.min(last, deltas.length - 1));
  let i = 0;
  for (; i < withDelta; i++) {
    const next = stamp + deltas[i + 1];
    const dt = next - stamp;
    if (dt > 0) self[samples[i]] += dt;
    stamp = next;
  }
  // Samples past the last delta have a delta of 0: no time of their own, the stamp unchanged.
  const dt = Math.max(t.endTime, stamp) - stamp;
  if (dt > 0) self[samples[last]] += dt;
  return self;
}

export function aggregateTable(t: ProfileTable): ProfileAggregate {
  const self = nodeSelfTimes(t);
  const nodeCount = t.nodeCount;
  const { childStart, childCount, childIndex, nodeFrame } = t;
  const hasParent = new Uint8Array(nodeCount);
  for (let k = 0; k < childIndex.length; k++) hasParent[childIndex[k]] = 1;
  const roots: number[] = [];
  for (let i = 0; i < nodeCount; i++) if (!hasParent[i]) roots.push(i);

  // Subtree time, post-order without recursion (profiles can be thousands of frames deep).
  // Each node is on a stack at most once (and its exit marker once): 2 × nodes bounds both walks.
  const stack = new Int32Array(2 * nodeCount + 1);
  const order = new Int32Array(nodeCount);
  let filled = 0;
  let top = 0;
  for (const r of roots) stack[top++] = r;
  while (top > 0) {
    const id = stack[--top];
    order[filled++] = id;
    for (let k = childStart[id], end = k + childCount[id]; k < end; k++) stack[top++] = childIndex[k];
  }
  const subtree = new Float64Array(nodeCount);
  for (let i = filled - 1; i >= 0; i--) {
    const id = order[i];
    let total = self[id];
    for (let k = childStart[id], end = k + childCount[id]; k < end; k++) total += subtree[childIndex[k]];
    subtree[id] = total;
  }

  // A node counts towards its function's total only when no ancestor is the same function.
  const frameCount = t.frames.length;
  const slot = new Int32Array(frameCount).fill(-1);
  const onPath = new Int32Array(frameCount);
  const slotFrame = new Int32Array(frameCount);
  const selfUs = new Float64Array(frameCount);
  const totalUs = new Float64Array(frameCount);
  let slots = 0;
  top = 0;
  for (const r of roots) stack[top++] = r;
  while (top > 0) {
    const v = stack[--top];
    if (v < 0) {
      onPath[nodeFrame[~v]]--;
      continue;
    }
    const f = nodeFrame[v];
    let s = slot[f];
    if (s < 0) {
      s = slot[f] = slots++;
      slotFrame[s] = f;
    }
    selfUs[s] += self[v];
    if (onPath[f] === 0) totalUs[s] += subtree[v];
    onPath[f]++;
    stack[top++] = ~v;
    for (let k = childStart[v], end = k + childCount[v]; k < end; k++) stack[top++] = childIndex[k];
  }
  const functions: FrameTime[] = new Array(slots);
  for (let s = 0; s < slots; s++) functions[s] = { ...t.frames[slotFrame[s]], selfUs: selfUs[s], totalUs: totalUs[s] };

  return { sampleCount: t.sampleCount, functions, lines: lineTimes(t, self) };
}

/**
 * Self time per (URL, line) from position ticks: each node's self time split
 * over its lines in proportion to their ticks.
 */
function lineTimes(t: ProfileTable, self: Float64Array): LineTimes {
  const urls: string[] = [];
  const urlIds = new Map<string, number>();
  /** Per frame: its URL's index in `urls` + 1, 0 not yet met. */
  const frameUrl = new Int32Array(t.frames.length);
  const keys = new LineKeys();
  const lineUs = float64s();
  for (let i = 0; i < t.nodeCount; i++) {
    const us = self[i];
    if (!us) continue;
    const from = t.tickStart[i];
    const to = from + t.tickLength[i];
    if (from === to) continue;
    const f = t.nodeFrame[i];
    const url = t.frames[f].url;
    if (!url) continue;
    let totalTicks = 0;
    for (let k = from; k < to; k++) totalTicks += t.tickCount[k];
    if (!totalTicks) continue;
    let u = frameUrl[f] - 1;
    if (u < 0) {
      const known = urlIds.get(url);
      if (known === undefined) {
        u = urls.length;
        urlIds.set(url, u);
        urls.push(url);
      } else u = known;
      frameUrl[f] = u + 1;
    }
    for (let k = from; k < to; k++) {
      const s = keys.index(u, t.tickLine[k]);
      if (s === lineUs.length) lineUs.push(0);
      lineUs.data[s] += (us * t.tickCount[k]) / totalTicks;
    }
  }
  return { urls, url: keys.ids(), line: keys.lines(), us: lineUs.view() };
}
