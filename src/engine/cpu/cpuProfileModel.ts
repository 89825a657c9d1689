// Turns a `.cpuprofile` into what a developer reads: self and total time per
// function and self time per line, and how busy time splits between the
// user's code, libraries, Node internals, GC and native code.
//
// Percentages are of *busy* time (every sample that is not `(idle)`), so a
// service that idled between requests still shows where its work went.

import * as path from 'path';
import { fileURLToPath } from 'url';
import { CpuProfile, ProfileNode } from './cpuProfile';
import { cpuProfileProblem } from './cpuProfileCheck';
import type { SourceMapResolver } from '../sourceMaps';

export type FrameCategory = 'user' | 'library' | 'node' | 'native' | 'gc' | 'program' | 'idle' | 'root';

export interface HotFunction {
  name: string;
  file: string;
  /** 1-based, as in editors */
  line: number;
  column: number;
  category: FrameCategory;
  selfMs: number;
  selfPct: number;
  totalMs: number;
  totalPct: number;
}

export interface HotLine {
  file: string;
  line: number;
  selfMs: number;
  selfPct: number;
}

export interface CpuSummary {
  durationMs: number;
  busyMs: number;
  sampleCount: number;
  buckets: Record<'user' | 'library' | 'node' | 'native' | 'gc' | 'program' | 'idle', number>;
  hotFunctions: HotFunction[];
  hotLines: HotLine[];
}

export interface AnalyzeOptions {
  /** Files are reported relative to this folder (the workspace root). */
  root?: string;
  topFunctions?: number;
  topLines?: number;
  /** Maps generated JavaScript positions to original sources (TypeScript) where maps exist. */
  sourceMaps?: SourceMapResolver;
  /** Absolute paths of Hotpath's own injected files (the probe), ranked as libraries. */
  instrumentationFiles?: string[];
}

const round = (x: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * `instrumentation`: files that are Hotpath's own (the probe preload). Their
 * frames are someone else's code to the user, so they count as libraries.
 */
export function categorize(node: ProfileNode, instrumentation?: ReadonlySet<string>): FrameCategory {
  const { functionName, url } = node.callFrame;
  if (!url) {
    switch (functionName) {
      case '(root)':
        return 'root';
      case '(idle)':
        return 'idle';
      case '(program)':
        return 'program';
      case '(garbage collector)':
        return 'gc';
      default:
        return 'native';
    }
  }
  if (url.startsWith('node:') || !/^(file:|\/|[A-Za-z]:[\\/])/.test(url)) return 'node';
  if (/[\\/]node_modules[\\/]/.test(url)) return 'library';
  if (instrumentation?.has(url.startsWith('file://') ? safeFilePath(url) : url)) return 'library';
  return 'user';
}

function safeFilePath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

/** A profile URL as a path relative to `root` when it is a file inside it. */
export function displayPath(url: string, root?: string): string {
  let file = url;
  if (url.startsWith('file://')) {
    try {
      file = fileURLToPath(url);
    } catch {
      return url;
    }
  }
  if (root && path.isAbsolute(file)) {
    const rel = path.relative(root, file);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return file;
}

/** Self time of each node in microseconds, attributing each sample the time until the next one. */
export function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  let t = profile.startTime;
  const stamps = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    stamps[i] = t;
  }
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < samples.length ? stamps[i + 1] : Math.max(profile.endTime, stamps[i]);
    const dt = Math.max(0, next - stamps[i]);
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  return self;
}

export function analyzeCpuProfile(profile: CpuProfile, options: AnalyzeOptions = {}): CpuSummary {
  const problem = cpuProfileProblem(profile);
  if (problem) throw new Error(problem);
  const byId = new Map<number, ProfileNode>();
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parentOf.set(c, n.id);
  }
  const selfUs = selfTimes(profile);
  const buckets = { user: 0, library: 0, node: 0, native: 0, gc: 0, program: 0, idle: 0 };
  const categories = new Map<number, FrameCategory>();
  let durationUs = 0;
  const instrumentation = new Set(options.instrumentationFiles ?? []);
  const isInstrumentation = (url: string) => instrumentation.size > 0 && instrumentation.has(url.startsWith('file://') ? safeFilePath(url) : url);
  for (const n of profile.nodes) {
    const cat = categorize(n, instrumentation);
    categories.set(n.id, cat);
    const us = selfUs.get(n.id) ?? 0;
    durationUs += us;
    if (cat !== 'root') buckets[cat] += us;
  }
  const busyUs = Math.max(durationUs - buckets.idle, 1e-9);

  // Total time per function without double counting recursion: a node counts
  // towards its function's total only when no ancestor belongs to the same function.
  const keyOf = (n: ProfileNode) => `${n.callFrame.functionName}\u0000${n.callFrame.url}\u0000${n.callFrame.lineNumber}\u0000${n.callFrame.columnNumber}`;
  const subtreeUs = new Map<number, number>();
  const roots = profile.nodes.filter((n) => !parentOf.has(n.id));
  // Post-order without recursion (profiles can be thousands of frames deep).
  const order: number[] = [];
  const stack = roots.map((r) => r.id);
  while (stack.length) {
    const id = stack.pop()!;
    order.push(id);
    for (const c of byId.get(id)?.children ?? []) stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = byId.get(order[i])!;
    let total = selfUs.get(n.id) ?? 0;
    for (const c of n.children ?? []) total += subtreeUs.get(c) ?? 0;
    subtreeUs.set(n.id, total);
  }

  interface Acc {
    node: ProfileNode;
    selfUs: number;
    totalUs: number;
  }
  const functions = new Map<string, Acc>();
  const onPath = new Map<string, number>();
  const visit: Array<{ id: number; leave: boolean }> = roots.map((r) => ({ id: r.id, leave: false }));
  while (visit.length) {
    const { id, leave } = visit.pop()!;
    const n = byId.get(id)!;
    const key = keyOf(n);
    if (leave) {
      const count = onPath.get(key)! - 1;
      if (count === 0) onPath.delete(key);
      else onPath.set(key, count);
      continue;
    }
    let acc = functions.get(key);
    if (!acc) functions.set(key, (acc = { node: n, selfUs: 0, totalUs: 0 }));
    acc.selfUs += selfUs.get(id) ?? 0;
    if (!onPath.has(key)) acc.totalUs += subtreeUs.get(id) ?? 0;
    onPath.set(key, (onPath.get(key) ?? 0) + 1);
    visit.push({ id, leave: true });
    for (const c of n.children ?? []) visit.push({ id: c, leave: false });
  }

  const hotFunctions: HotFunction[] = [...functions.values()]
    .filter((a) => !['root', 'idle', 'program'].includes(categories.get(a.node.id)!) && a.selfUs + a.totalUs > 0)
    .sort((a, b) => b.selfUs - a.selfUs || b.totalUs - a.totalUs)
    .slice(0, options.topFunctions ?? 50)
    .map((a) => {
      const { url, lineNumber, columnNumber } = a.node.callFrame;
      const original = url ? options.sourceMaps?.resolve(url, lineNumber + 1, columnNumber + 1) : null;
      return {
      name: a.node.callFrame.functionName || '(anonymous)',
      // Hotpath's own probe is named, not given as a path on this machine.
      file: isInstrumentation(url) ? 'hotpath:probe.js' : displayPath(original?.file ?? url, options.root),
      line: original?.line ?? lineNumber + 1,
      column: original?.column ?? columnNumber + 1,
      category: categories.get(a.node.id)!,
      selfMs: round(a.selfUs / 1000),
      selfPct: round((a.selfUs / busyUs) * 100),
      totalMs: round(a.totalUs / 1000),
      totalPct: round((a.totalUs / busyUs) * 100),
      };
    });

  // Per-line self time: each node's self time split across its lines by their tick share.
  const lines = new Map<string, { file: string; line: number; us: number }>();
  for (const n of profile.nodes) {
    const us = selfUs.get(n.id) ?? 0;
    const ticks = n.positionTicks;
    // Lines only mean something for frames with a script; native and VM frames have none.
    if (!us || !ticks?.length || !n.callFrame.url || isInstrumentation(n.callFrame.url)) continue;
    const totalTicks = ticks.reduce((s, t) => s + t.ticks, 0);
    if (!totalTicks) continue;
    for (const t of ticks) {
      // positionTicks carry no column: the line's first mapping decides where it came from.
      const original = options.sourceMaps?.resolve(n.callFrame.url, t.line, 1);
      const file = displayPath(original?.file ?? n.callFrame.url, options.root);
      const line = original?.line ?? t.line;
      const key = `${file}:${line}`;
      let entry = lines.get(key);
      if (!entry) lines.set(key, (entry = { file, line, us: 0 }));
      entry.us += (us * t.ticks) / totalTicks;
    }
  }
  const hotLines: HotLine[] = [...lines.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, options.topLines ?? 100)
    .map((l) => ({ file: l.file, line: l.line, selfMs: round(l.us / 1000), selfPct: round((l.us / busyUs) * 100) }));

  return {
    durationMs: round(durationUs / 1000),
    busyMs: round(busyUs / 1000),
    sampleCount: profile.samples.length,
    buckets: Object.fromEntries(Object.entries(buckets).map(([k, v]) => [k, round(v / 1000)])) as CpuSummary['buckets'],
    hotFunctions,
    hotLines,
  };
}
