// What every exporter needs from a `.cpuprofile`: each node's call stack, each
// sample's duration, and one stable frame per function. V8's synthetic
// "(root)" node is left out of every stack; "(idle)", "(program)" and
// "(garbage collector)" stay, so the exports account for all profiled time.

import { fileURLToPath } from 'url';
import { indexProfile, type CallFrame, type CpuProfile, type ProfileNode } from '../cpu/cpuProfile';

export interface ExportFrame {
  key: string;
  name: string;
  /** A filesystem path for file: URLs, otherwise the URL as V8 gave it ('' for native frames). */
  file: string;
  /** 1-based, 0 when unknown */
  line: number;
  /** 1-based, 0 when unknown */
  column: number;
}

export interface ProfileStacks {
  nodes: Map<number, ProfileNode>;
  /** Node id → frame index, root-most first; the synthetic root has an empty stack. */
  stackOf(nodeId: number): number[];
  frames: ExportFrame[];
  frameOfNode: Map<number, number>;
  /** Microseconds attributed to each sample: until the next sample, the last one until the profile's end. */
  sampleDurations: Float64Array;
}

export function frameKey(f: CallFrame): string {
  return `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
}

export function filePathOf(url: string): string {
  if (!url.startsWith('file://')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

export function readStacks(profile: CpuProfile): ProfileStacks {
  if (!Array.isArray(profile?.nodes) || !Array.isArray(profile.samples) || !Array.isArray(profile.timeDeltas)) {
    throw new Error('not a CPU profile (expected "nodes", "samples" and "timeDeltas" arrays)');
  }
  const { byId: nodes, parentOf } = indexProfile(profile);
  const frames: ExportFrame[] = [];
  const frameIndex = new Map<string, number>();
  const frameOfNode = new Map<number, number>();
  const isSyntheticRoot = (n: ProfileNode) => !parentOf.has(n.id) && n.callFrame.functionName === '(root)' && !n.callFrame.url;
  for (const n of profile.nodes) {
    if (isSyntheticRoot(n)) continue;
    const f = n.callFrame;
    const key = frameKey(f);
    let i = frameIndex.get(key);
    if (i === undefined) {
      i = frames.length;
      frameIndex.set(key, i);
      frames.push({
        key,
        name: f.functionName || (f.url ? '(anonymous)' : '(native)'),
        file: filePathOf(f.url),
        line: f.url ? f.lineNumber + 1 : 0,
        column: f.url ? f.columnNumber + 1 : 0,
      });
    }
    frameOfNode.set(n.id, i);
  }

  const stacks = new Map<number, number[]>();
  const stackOf = (nodeId: number): number[] => {
    const cached = stacks.get(nodeId);
    if (cached) return cached;
    // Walk up to the nearest cached ancestor, then fill in downwards.
    const chain: number[] = [];
    let id: number | undefined = nodeId;
    while (id !== undefined && !stacks.has(id)) {
      chain.push(id);
      id = parentOf.get(id);
    }
    let stack = id !== undefined ? stacks.get(id)! : [];
    for (let i = chain.length - 1; i >= 0; i--) {
      const frame = frameOfNode.get(chain[i]);
      stack = frame === undefined ? stack : [...stack, frame];
      stacks.set(chain[i], stack);
    }
    return stack;
  };

  const { samples, timeDeltas } = profile;
  const stamps = new Float64Array(samples.length);
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    stamps[i] = t;
  }
  const sampleDurations = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < samples.length ? stamps[i + 1] : Math.max(profile.endTime, stamps[i]);
    sampleDurations[i] = Math.max(0, next - stamps[i]);
  }
  return { nodes, stackOf, frames, frameOfNode, sampleDurations };
}
