// The hot path: the chain of frames from the root of the CPU profile down to
// the hottest frame of the user's own code (the user function with the most
// self time), through the call path that carries most of that function's
// time. Library, Node.js and native frames appear in the chain, with their
// category, but never take the user's-code ranking: the finding points at the
// line the user can change.

import { indexProfile, type CpuProfile, type ProfileNode } from '../cpu/cpuProfile';
import { categorize, FrameCategory, selfTimes } from '../cpu/cpuProfileModel';
import type { Finding } from '../runRecord';
import { FrameLocation, frameKey, locateFrame, LocateOptions } from './findingLocation';
import { round } from './stats';

export interface HotPathFrame extends FrameLocation {
  category: FrameCategory;
  /** Time spent in this frame and below it on this path (the node's total), ms. */
  ms: number;
  /** The same as a share of busy (non-idle) CPU time, percent. */
  pct: number;
}

export interface HotPath {
  /** The hottest function of the user's code, with its self and total time over the whole profile. */
  hottest: FrameLocation & { selfMs: number; selfPct: number; totalMs: number; totalPct: number };
  /** Root's first child down to the hottest frame (last). */
  frames: HotPathFrame[];
}

export function findHotPath(profile: CpuProfile, options: LocateOptions = {}): HotPath | null {
  const { byId, parentOf: parent } = indexProfile(profile);
  const instrumentation = new Set(options.instrumentationFiles ?? []);
  const category = new Map<number, FrameCategory>();
  for (const n of profile.nodes) category.set(n.id, categorize(n, instrumentation));
  const self = selfTimes(profile);
  let idleUs = 0;
  let allUs = 0;
  for (const [id, us] of self) {
    allUs += us;
    if (category.get(id) === 'idle') idleUs += us;
  }
  const busyUs = allUs - idleUs;
  if (busyUs <= 0) return null;

  // Subtree totals, children before parents, without recursion.
  const order: number[] = [];
  const stack = profile.nodes.filter((n) => !parent.has(n.id)).map((n) => n.id);
  while (stack.length) {
    const id = stack.pop()!;
    order.push(id);
    for (const c of byId.get(id)?.children ?? []) stack.push(c);
  }
  const subtree = new Map<number, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const n = byId.get(order[i])!;
    let total = self.get(n.id) ?? 0;
    for (const c of n.children ?? []) total += subtree.get(c) ?? 0;
    subtree.set(n.id, total);
  }

  // The user's function with the most self time.
  const selfBy = new Map<string, number>();
  for (const n of profile.nodes) {
    if (category.get(n.id) !== 'user') continue;
    const key = frameKey(n.callFrame);
    selfBy.set(key, (selfBy.get(key) ?? 0) + (self.get(n.id) ?? 0));
  }
  let hotKey: string | null = null;
  for (const [key, us] of selfBy) if (us > 0 && (hotKey === null || us > selfBy.get(hotKey)!)) hotKey = key;
  if (hotKey === null) return null;
  const nodes = profile.nodes.filter((n) => category.get(n.id) === 'user' && frameKey(n.callFrame) === hotKey);
  const hasSameAbove = (id: number) => {
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) if (frameKey(byId.get(p)!.callFrame) === hotKey) return true;
    return false;
  };
  // Total time without counting recursion twice: only the outermost frames of the function.
  const totalUs = nodes.filter((n) => !hasSameAbove(n.id)).reduce((s, n) => s + (subtree.get(n.id) ?? 0), 0);
  // The frame of that function where most of its self time was spent ends the path.
  const end = nodes.reduce((a, b) => ((self.get(b.id) ?? 0) > (self.get(a.id) ?? 0) || ((self.get(b.id) ?? 0) === (self.get(a.id) ?? 0) && (subtree.get(b.id) ?? 0) > (subtree.get(a.id) ?? 0)) ? b : a));
  const chain: number[] = [];
  for (let id: number | undefined = end.id; id !== undefined; id = parent.get(id)) if (category.get(id) !== 'root') chain.unshift(id);
  const pct = (us: number) => round((us / busyUs) * 100);
  const selfUs = selfBy.get(hotKey)!;
  return {
    hottest: { ...locateFrame(end.callFrame, options), selfMs: round(selfUs / 1000), selfPct: pct(selfUs), totalMs: round(totalUs / 1000), totalPct: pct(totalUs) },
    frames: chain.map((id) => {
      const n = byId.get(id)!;
      const frame = locateFrame(n.callFrame, options);
      const cat = category.get(id)!;
      // Hotpath's own probe is named, not given as a path on this machine.
      return { ...frame, file: cat === 'library' && instrumentation.size && isInstrumentation(n, instrumentation) ? 'hotpath:probe.js' : frame.file, category: cat, ms: round((subtree.get(id) ?? 0) / 1000), pct: pct(subtree.get(id) ?? 0) };
    }),
  };
}

function isInstrumentation(n: ProfileNode, files: ReadonlySet<string>): boolean {
  const url = n.callFrame.url;
  return files.has(url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url);
}

export function hotPathFinding(hot: HotPath | null): Finding | null {
  if (!hot) return null;
  const h = hot.hottest;
  const names = hot.frames.map((f) => f.name);
  const chain = (names.length > 6 ? [names[0], '…', ...names.slice(-5)] : names).join(' → ');
  return {
    kind: 'hot-path',
    severity: 'info',
    message: `${h.name} is the hottest function in your code: ${h.selfPct}% of busy CPU time in itself, ${h.totalPct}% including what it calls, reached by the hot path ${chain}.`,
    location: { file: h.file, line: h.line, column: h.column },
    evidence: { function: h.name, selfMs: h.selfMs, selfPct: h.selfPct, totalMs: h.totalMs, totalPct: h.totalPct, depth: hot.frames.length },
    frames: hot.frames,
  };
}
