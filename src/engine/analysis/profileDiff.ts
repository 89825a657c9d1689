// Differential CPU profile: how each function's and each line's self time
// changed between a baseline and a current `.cpuprofile`, and a merged call
// tree carrying both runs' times per node (what a differential flame graph
// draws: width from one run, colour from the change).
//
// Runs differ in length and load, so the change is judged on the share of
// busy time (percentage points), not on raw milliseconds; both are given.

import { fileURLToPath } from 'url';
import type { CpuProfile, ProfileNode } from '../cpu/cpuProfile';
import { categorize, displayPath, selfTimes, type FrameCategory } from '../cpu/cpuProfileModel';
import type { SourceMapResolver } from '../sourceMaps';
import { round } from './stats';

export interface DiffOptions {
  /** Files are shown relative to these folders (each run's workspace root), so two checkouts line up. */
  baseRoot?: string;
  currentRoot?: string;
  sourceMaps?: SourceMapResolver;
  /** How many functions and lines to keep, largest change first. */
  top?: number;
}

export interface FunctionDiff {
  name: string;
  file: string;
  line: number;
  category: FrameCategory;
  baseSelfMs: number;
  baseSelfPct: number;
  currentSelfMs: number;
  currentSelfPct: number;
  deltaMs: number;
  /** Change of the share of busy time, percentage points. */
  deltaPct: number;
}

export interface LineDiff {
  file: string;
  line: number;
  baseSelfMs: number;
  baseSelfPct: number;
  currentSelfMs: number;
  currentSelfPct: number;
  deltaMs: number;
  deltaPct: number;
}

export interface MergedNode {
  name: string;
  file: string;
  line: number;
  category: FrameCategory;
  baseSelfMs: number;
  currentSelfMs: number;
  baseTotalMs: number;
  currentTotalMs: number;
  children: MergedNode[];
}

export interface ProfileDiff {
  base: { busyMs: number; durationMs: number };
  current: { busyMs: number; durationMs: number };
  functions: FunctionDiff[];
  lines: LineDiff[];
}

interface Frame {
  key: string;
  name: string;
  file: string;
  line: number;
  category: FrameCategory;
}

interface Side {
  busyUs: number;
  durationUs: number;
  functions: Map<string, { frame: Frame; us: number }>;
  lines: Map<string, { file: string; line: number; us: number }>;
}

/** One profile's self time per function and per line, keyed by original source position. */
function summarize(profile: CpuProfile, root: string | undefined, sourceMaps: SourceMapResolver | undefined, frameOf: (n: ProfileNode) => Frame): Side {
  const self = selfTimes(profile);
  let durationUs = 0;
  let idleUs = 0;
  const functions = new Map<string, { frame: Frame; us: number }>();
  const lines = new Map<string, { file: string; line: number; us: number }>();
  for (const n of profile.nodes) {
    const us = self.get(n.id) ?? 0;
    durationUs += us;
    const frame = frameOf(n);
    if (frame.category === 'idle') idleUs += us;
    if (!us || frame.category === 'root' || frame.category === 'idle') continue;
    const f = functions.get(frame.key);
    if (f) f.us += us;
    else functions.set(frame.key, { frame, us });
    const ticks = n.positionTicks;
    if (!ticks?.length || !n.callFrame.url) continue;
    const totalTicks = ticks.reduce((s, t) => s + t.ticks, 0);
    if (!totalTicks) continue;
    for (const t of ticks) {
      const original = sourceMaps?.resolve(n.callFrame.url, t.line, 1);
      const file = displayPath(original?.file ?? n.callFrame.url, root);
      const line = original?.line ?? t.line;
      const key = `${file}:${line}`;
      const entry = lines.get(key);
      if (entry) entry.us += (us * t.ticks) / totalTicks;
      else lines.set(key, { file, line, us: (us * t.ticks) / totalTicks });
    }
  }
  return { busyUs: Math.max(durationUs - idleUs, 1e-9), durationUs, functions, lines };
}

function framer(root: string | undefined, sourceMaps: SourceMapResolver | undefined): (n: ProfileNode) => Frame {
  const cache = new Map<number, Frame>();
  return (n) => {
    let f = cache.get(n.id);
    if (f) return f;
    const { functionName, url, lineNumber, columnNumber } = n.callFrame;
    const original = url ? sourceMaps?.resolve(url, lineNumber + 1, columnNumber + 1) : null;
    const name = functionName || '(anonymous)';
    const file = url ? displayPath(original?.file ?? url, root) : '';
    const line = url ? (original?.line ?? lineNumber + 1) : 0;
    f = { key: `${name}\u0000${file}\u0000${line}`, name, file, line, category: categorize(n) };
    cache.set(n.id, f);
    return f;
  };
}

const pct = (us: number, busyUs: number) => (us / busyUs) * 100;

/** Largest change first; among equal changes (two identical runs), the hottest first. */
const byChange = (p: LineDiff, q: LineDiff) =>
  Math.abs(q.deltaPct) - Math.abs(p.deltaPct) ||
  Math.abs(q.deltaMs) - Math.abs(p.deltaMs) ||
  Math.max(q.baseSelfPct, q.currentSelfPct) - Math.max(p.baseSelfPct, p.currentSelfPct);

export function diffProfiles(base: CpuProfile, current: CpuProfile, options: DiffOptions = {}): ProfileDiff {
  const a = summarize(base, options.baseRoot, options.sourceMaps, framer(options.baseRoot, options.sourceMaps));
  const b = summarize(current, options.currentRoot, options.sourceMaps, framer(options.currentRoot, options.sourceMaps));
  const top = options.top ?? 50;

  const functionKeys = new Set([...a.functions.keys(), ...b.functions.keys()]);
  const functions: FunctionDiff[] = [...functionKeys]
    .map((key) => {
      const x = a.functions.get(key);
      const y = b.functions.get(key);
      const frame = (y ?? x)!.frame;
      const xUs = x?.us ?? 0;
      const yUs = y?.us ?? 0;
      return {
        name: frame.name,
        file: frame.file,
        line: frame.line,
        category: frame.category,
        baseSelfMs: round(xUs / 1000),
        baseSelfPct: round(pct(xUs, a.busyUs)),
        currentSelfMs: round(yUs / 1000),
        currentSelfPct: round(pct(yUs, b.busyUs)),
        deltaMs: round((yUs - xUs) / 1000),
        deltaPct: round(pct(yUs, b.busyUs) - pct(xUs, a.busyUs)),
      };
    })
    .sort(byChange)
    .slice(0, top);

  const lineKeys = new Set([...a.lines.keys(), ...b.lines.keys()]);
  const lines: LineDiff[] = [...lineKeys]
    .map((key) => {
      const x = a.lines.get(key);
      const y = b.lines.get(key);
      const xUs = x?.us ?? 0;
      const yUs = y?.us ?? 0;
      return {
        file: (y ?? x)!.file,
        line: (y ?? x)!.line,
        baseSelfMs: round(xUs / 1000),
        baseSelfPct: round(pct(xUs, a.busyUs)),
        currentSelfMs: round(yUs / 1000),
        currentSelfPct: round(pct(yUs, b.busyUs)),
        deltaMs: round((yUs - xUs) / 1000),
        deltaPct: round(pct(yUs, b.busyUs) - pct(xUs, a.busyUs)),
      };
    })
    .sort(byChange)
    .slice(0, top);

  return {
    base: { busyMs: round(a.busyUs / 1000), durationMs: round(a.durationUs / 1000) },
    current: { busyMs: round(b.busyUs / 1000), durationMs: round(b.durationUs / 1000) },
    functions,
    lines,
  };
}

interface Building {
  frame: Frame;
  selfUs: [number, number];
  totalUs: [number, number];
  children: Map<string, Building>;
}

/**
 * Both profiles' call trees merged by call path (frames identified as in
 * `diffProfiles`): each node holds the baseline's and the current run's self
 * and total time. Iterative throughout: profiles can be thousands of frames deep.
 */
export function mergeProfileTrees(base: CpuProfile, current: CpuProfile, options: DiffOptions = {}): MergedNode {
  const rootFrame: Frame = { key: '(root)', name: '(root)', file: '', line: 0, category: 'root' };
  const root: Building = { frame: rootFrame, selfUs: [0, 0], totalUs: [0, 0], children: new Map() };
  const add = (profile: CpuProfile, side: 0 | 1, frameOf: (n: ProfileNode) => Frame) => {
    const self = selfTimes(profile);
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const hasParent = new Set(profile.nodes.flatMap((n) => n.children ?? []));
    const stack: Array<{ node: ProfileNode; into: Building }> = [];
    for (const n of profile.nodes) if (!hasParent.has(n.id)) for (const c of n.children ?? []) stack.push({ node: byId.get(c)!, into: root });
    // The profile's own (root) node becomes the merged root.
    for (const n of profile.nodes) if (!hasParent.has(n.id)) root.selfUs[side] += self.get(n.id) ?? 0;
    while (stack.length) {
      const { node, into } = stack.pop()!;
      const frame = frameOf(node);
      let target = into.children.get(frame.key);
      if (!target) into.children.set(frame.key, (target = { frame, selfUs: [0, 0], totalUs: [0, 0], children: new Map() }));
      target.selfUs[side] += self.get(node.id) ?? 0;
      for (const c of node.children ?? []) {
        const child = byId.get(c);
        if (child) stack.push({ node: child, into: target });
      }
    }
  };
  add(base, 0, framer(options.baseRoot, options.sourceMaps));
  add(current, 1, framer(options.currentRoot, options.sourceMaps));
  // Totals bottom-up: a node's total is its self time plus its children's totals.
  const order: Building[] = [];
  const walk = [root];
  while (walk.length) {
    const b = walk.pop()!;
    order.push(b);
    walk.push(...b.children.values());
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const b = order[i];
    b.totalUs = [b.selfUs[0], b.selfUs[1]];
    for (const c of b.children.values()) {
      b.totalUs[0] += c.totalUs[0];
      b.totalUs[1] += c.totalUs[1];
    }
  }

  const out = (b: Building): MergedNode => ({
    name: b.frame.name,
    file: b.frame.file,
    line: b.frame.line,
    category: b.frame.category,
    baseSelfMs: round(b.selfUs[0] / 1000, 3),
    currentSelfMs: round(b.selfUs[1] / 1000, 3),
    baseTotalMs: round(b.totalUs[0] / 1000, 3),
    currentTotalMs: round(b.totalUs[1] / 1000, 3),
    children: [],
  });
  const merged = out(root);
  const todo: Array<[Building, MergedNode]> = [[root, merged]];
  while (todo.length) {
    const [b, m] = todo.pop()!;
    for (const c of b.children.values()) {
      const mc = out(c);
      m.children.push(mc);
      todo.push([c, mc]);
    }
    m.children.sort((x, y) => y.baseTotalMs + y.currentTotalMs - (x.baseTotalMs + x.currentTotalMs));
  }
  return merged;
}

/**
 * The workspace root a profile was recorded in, found by matching the
 * relative paths run.json reports against the profile's absolute script URLs.
 */
export function inferRoot(profile: CpuProfile, relativeFiles: string[]): string | undefined {
  const paths = new Set<string>();
  for (const n of profile.nodes) {
    const url = n.callFrame.url;
    if (!url) continue;
    try {
      paths.add(url.startsWith('file://') ? fileURLToPath(url) : url);
    } catch {
      // not a file URL
    }
  }
  for (const rel of relativeFiles) {
    if (!rel || rel.startsWith('/') || rel.startsWith('..') || /^[a-z]+:/i.test(rel)) continue;
    const suffix = `/${rel}`;
    for (const p of paths) if (p.endsWith(suffix)) return p.slice(0, p.length - suffix.length) || '/';
  }
  return undefined;
}
