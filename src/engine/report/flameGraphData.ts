// The flame graph a report embeds: the profile's call tree over busy time
// (idle samples left out, as in the report's percentages), identical frames
// under one parent merged, and every frame under 0.1% of the total folded into
// its parent's self time, so the embedded data stays small whatever the profile.

import type { CpuProfile, ProfileNode } from '../cpu/cpuProfile';
import { categorize, displayPath, FrameCategory, selfTimes } from '../cpu/cpuProfileModel';

export interface FlameFrame {
  name: string;
  file: string;
  /** 1-based; 0 when the frame has no script */
  line: number;
  category: FrameCategory;
}

/** [frame index, total µs, self µs, children] — tuples keep the embedded JSON compact. */
export type FlameNode = [number, number, number, FlameNode[]];

export interface FlameGraphData {
  frames: FlameFrame[];
  root: FlameNode;
  totalUs: number;
  /** Frames folded into their parents because each was under the threshold. */
  foldedFrames: number;
}

export const DEFAULT_MIN_SHARE = 0.001;

interface Building {
  frame: number;
  self: number;
  total: number;
  children: Map<number, Building>;
}

/**
 * Builds the flame graph. `root` makes file paths relative to the workspace
 * (as the rest of the report shows them).
 */
export function buildFlameGraph(profile: CpuProfile, options: { root?: string; minShare?: number } = {}): FlameGraphData {
  const byId = new Map<number, ProfileNode>();
  const isChild = new Set<number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) isChild.add(c);
  }
  const self = selfTimes(profile);

  const frames: FlameFrame[] = [{ name: 'all', file: '', line: 0, category: 'root' }];
  const frameIndex = new Map<string, number>();
  const frameOf = (n: ProfileNode): number => {
    const f = n.callFrame;
    const key = `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
    let i = frameIndex.get(key);
    if (i === undefined) {
      i = frames.length;
      frameIndex.set(key, i);
      const category = categorize(n);
      frames.push({
        name: f.functionName || (category === 'user' || category === 'library' || category === 'node' ? '(anonymous)' : '(native)'),
        file: f.url ? displayPath(f.url, options.root) : '',
        line: f.url ? f.lineNumber + 1 : 0,
        category,
      });
    }
    return i;
  };

  const root: Building = { frame: 0, self: 0, total: 0, children: new Map() };
  // Iterative walk: profiles can be thousands of frames deep.
  const stack: Array<{ id: number; into: Building }> = [];
  for (const n of profile.nodes) {
    if (isChild.has(n.id)) continue;
    // V8's own "(root)" is the synthetic root; its children hang under ours.
    if (n.callFrame.functionName === '(root)' && !n.callFrame.url) {
      root.self += self.get(n.id) ?? 0;
      for (const c of n.children ?? []) stack.push({ id: c, into: root });
    } else {
      stack.push({ id: n.id, into: root });
    }
  }
  while (stack.length) {
    const { id, into } = stack.pop()!;
    const n = byId.get(id);
    if (!n || categorize(n) === 'idle') continue;
    const frame = frameOf(n);
    let b = into.children.get(frame);
    if (!b) into.children.set(frame, (b = { frame, self: 0, total: 0, children: new Map() }));
    b.self += self.get(id) ?? 0;
    for (const c of n.children ?? []) stack.push({ id: c, into: b });
  }

  // Totals, post-order.
  const order: Building[] = [];
  const walk = [root];
  while (walk.length) {
    const b = walk.pop()!;
    order.push(b);
    walk.push(...b.children.values());
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const b = order[i];
    b.total = b.self;
    for (const c of b.children.values()) b.total += c.total;
  }

  const threshold = root.total * (options.minShare ?? DEFAULT_MIN_SHARE);
  let foldedFrames = 0;
  const countAll = (b: Building): number => {
    let count = 0;
    const s = [b];
    while (s.length) {
      const x = s.pop()!;
      count++;
      s.push(...x.children.values());
    }
    return count;
  };
  const emit = (b: Building): FlameNode => {
    const kept: FlameNode[] = [];
    let selfUs = b.self;
    const children = [...b.children.values()].sort((x, y) => y.total - x.total);
    for (const c of children) {
      if (c.total >= threshold && c.total > 0) {
        kept.push(emit(c));
      } else {
        selfUs += c.total;
        foldedFrames += countAll(c);
      }
    }
    return [b.frame, Math.round(b.total), Math.round(selfUs), kept];
  };
  const tree = emit(root);

  // Drop frames that no kept node refers to, renumbering the rest.
  const used = new Map<number, number>();
  const compact: FlameFrame[] = [];
  const renumber = (node: FlameNode) => {
    const s = [node];
    while (s.length) {
      const x = s.pop()!;
      let i = used.get(x[0]);
      if (i === undefined) {
        used.set(x[0], (i = compact.length));
        compact.push(frames[x[0]]);
      }
      x[0] = i;
      s.push(...x[3]);
    }
  };
  renumber(tree);
  return { frames: compact, root: tree, totalUs: tree[1], foldedFrames };
}

/**
 * The workspace folder a run's paths are relative to, recovered from the
 * profile: the folder that turns a hot function's profile URL into the
 * relative path the run record gives it. Undefined when nothing matches.
 */
export function inferWorkspaceRoot(profile: CpuProfile, hotFunctions: ReadonlyArray<{ name: string; file: string; line: number }>): string | undefined {
  const byName = new Map<string, { file: string; line: number }>();
  for (const f of hotFunctions) if (f.file && !f.file.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(f.file) && !f.file.includes(':')) byName.set(`${f.name}\u0000${f.line}`, f);
  for (const n of profile.nodes) {
    const f = n.callFrame;
    if (!f.url) continue;
    const hot = byName.get(`${f.functionName || '(anonymous)'}\u0000${f.lineNumber + 1}`);
    if (!hot) continue;
    const abs = displayPath(f.url);
    const suffix = hot.file.replace(/\//g, abs.includes('\\') ? '\\' : '/');
    if (abs.endsWith(suffix) && abs.length > suffix.length) {
      const root = abs.slice(0, abs.length - suffix.length).replace(/[\\/]$/, '');
      if (root) return root;
    }
  }
  return undefined;
}
