// The functions that allocated the most in a DevTools sampling heap profile
// (`.heapprofile`: a call tree of `{callFrame, selfSize, children}`), by the
// bytes sampled in the function itself.

import { displayPath } from '../cpu/cpuProfileModel';
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
      const original = frame.url ? options.sourceMaps?.resolve(frame.url, frame.lineNumber + 1, frame.columnNumber + 1) : null;
      return {
        name: frame.functionName || '(anonymous)',
        file: frame.url ? displayPath(original?.file ?? frame.url, options.root) : '',
        line: original?.line ?? frame.lineNumber + 1,
        column: original?.column ?? frame.columnNumber + 1,
        selfBytes: bytes,
        selfPct: total ? Math.round((bytes / total) * 10000) / 100 : 0,
      };
    });
}
