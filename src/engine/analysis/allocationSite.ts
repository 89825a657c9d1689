// The place in the user's code that allocated the most, from the sampling heap
// profile (`heap.heapprofile`: a tree of `{callFrame, selfSize, children}`).
// Bytes sampled in a library, Node or native frame are charged to the nearest
// user-code caller above it, so `JSON.parse` called from `loadOrders` points
// at `loadOrders`: that is the line a developer can change.

import { CallFrame, FrameLocation, frameKey, isUserFrame, locateFrame, LocateOptions } from './findingLocation';
import { round } from './stats';

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children?: HeapNode[];
}

export interface AllocationSite extends FrameLocation {
  /** Sampled bytes charged to this function (its own and what it called outside the user's code). */
  bytes: number;
  /** Share of all sampled bytes, percent. */
  pct: number;
}

export function topAllocationSite(profile: unknown, options: LocateOptions = {}): AllocationSite | null {
  const head = (profile as { head?: HeapNode } | null)?.head;
  if (!head || typeof head !== 'object' || !head.callFrame) return null;
  const instrumentation = new Set(options.instrumentationFiles ?? []);
  const bytesBy = new Map<string, { frame: CallFrame; bytes: number }>();
  let total = 0;
  // Each entry carries the nearest user frame above it (inclusive), without recursion.
  const stack: Array<{ node: HeapNode; owner: CallFrame | null }> = [{ node: head, owner: null }];
  while (stack.length) {
    const { node, owner: above } = stack.pop()!;
    const frame = node.callFrame;
    const owner = frame && isUserFrame(frame, instrumentation) ? frame : above;
    const bytes = Number(node.selfSize) || 0;
    total += bytes;
    if (bytes > 0 && owner) {
      const key = frameKey(owner);
      const acc = bytesBy.get(key);
      if (acc) acc.bytes += bytes;
      else bytesBy.set(key, { frame: owner, bytes });
    }
    for (const c of node.children ?? []) stack.push({ node: c, owner });
  }
  let best: { frame: CallFrame; bytes: number } | null = null;
  for (const a of bytesBy.values()) if (!best || a.bytes > best.bytes) best = a;
  if (!best) return null;
  return { ...locateFrame(best.frame, options), bytes: best.bytes, pct: total ? round((best.bytes / total) * 100) : 0 };
}
