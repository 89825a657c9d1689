// The functions that allocated the most in a DevTools sampling heap profile
// (`.heapprofile`: a call tree of `{callFrame, selfSize, children}`), by the
// bytes sampled in the function itself.

import { locateFrame } from '../analysis/findingLocation';
import type { SourceMapResolver } from '../sourceMaps';
import type { HeapHotspot } from './backend';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children?: HeapNode[];
}

export function isHeapProfile(x: unknown): x is { head: HeapNode } {
  const head = (x as { head?: HeapNode } | null)?.head;
  return !!head && typeof head === 'object' && typeof head.callFrame === 'object' && typeof head.selfSize === 'number';
}

/**
 * Null when `x` can be read as a sampling heap profile; otherwise why not, as a
 * clause that reads after "FILE is …". Walks the tree without recursion.
 */
export function heapProfileProblem(x: unknown): string | null {
  const head = isRecord(x) ? x.head : undefined;
  if (!isRecord(head)) return 'not a heap profile (expected a "head" node with "callFrame", "selfSize" and "children")';
  const stack: Array<[unknown, string]> = [[head, 'head']];
  while (stack.length) {
    const [n, where] = stack.pop()!;
    if (!isRecord(n)) return `not a valid heap profile: ${where} is not an object`;
    const f = n.callFrame;
    if (!isRecord(f) || typeof f.functionName !== 'string' || typeof f.url !== 'string' || !Number.isFinite(f.lineNumber) || !Number.isFinite(f.columnNumber)) {
      return `not a valid heap profile: ${where}.callFrame is not {functionName, url, lineNumber, columnNumber}`;
    }
    if (typeof n.selfSize !== 'number' || !Number.isFinite(n.selfSize) || n.selfSize < 0) return `not a valid heap profile: ${where}.selfSize is not a number of bytes`;
    if (n.children === undefined) continue;
    if (!Array.isArray(n.children)) return `not a valid heap profile: ${where}.children is not an array`;
    n.children.forEach((c, i) => stack.push([c, where.length < 200 ? `${where}.children[${i}]` : `a node below ${where.slice(0, 60)}…`]));
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function heapHotspots(profile: { head: HeapNode }, options: { root?: string; sourceMaps?: SourceMapResolver; top?: number } = {}): HeapHotspot[] {
  const byFunction = new Map<string, { frame: HeapNode['callFrame']; bytes: number }>();
  let total = 0;
  const stack: HeapNode[] = [profile.head];
  while (stack.length) {
    const n = stack.pop()!;
    for (const c of n.children ?? []) stack.push(c);
    const bytes = Number(n.selfSize) || 0;
    total += bytes;
    if (!bytes || n.callFrame.functionName === '(root)') continue;
    const f = n.callFrame;
    const key = `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
    const acc = byFunction.get(key);
    if (acc) acc.bytes += bytes;
    else byFunction.set(key, { frame: f, bytes });
  }
  return [...byFunction.values()]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, options.top ?? 10)
    .map(({ frame, bytes }) => {
      return {
        ...locateFrame(frame, options),
        selfBytes: bytes,
        selfPct: total ? Math.round((bytes / total) * 10000) / 100 : 0,
      };
    });
}
