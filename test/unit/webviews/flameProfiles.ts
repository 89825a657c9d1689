// Constructed `.cpuprofile`s for the flame graph tests: a small one whose every
// figure is known, and a large random one of a given node count.

import type { RawCpuProfile } from '../../../src/protocol/flame';

export interface FrameSpec {
  url: string;
  /** 1-based, as shown to users. */
  line: number;
}

/**
 * One sample per entry of `stacks` (frame names from the outermost call in),
 * each lasting `intervalUs`. Frames not in `specs` are native (no url).
 */
export function profileFromStacks(stacks: string[][], specs: Record<string, FrameSpec>, intervalUs = 1000): RawCpuProfile {
  const nodes: RawCpuProfile['nodes'] = [{ id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, children: [] }];
  const childOf = new Map<string, number>();
  const samples: number[] = [];
  for (const stack of stacks) {
    let parent = 1;
    for (const name of stack) {
      const key = `${parent}/${name}`;
      let id = childOf.get(key);
      if (id === undefined) {
        id = nodes.length + 1;
        childOf.set(key, id);
        const spec = specs[name];
        nodes.push({ id, callFrame: { functionName: name, url: spec?.url ?? '', lineNumber: spec ? spec.line - 1 : -1, columnNumber: 0 }, children: [] });
        nodes[parent - 1].children!.push(id);
      }
      parent = id;
    }
    samples.push(parent);
  }
  return { nodes, startTime: 0, endTime: stacks.length * intervalUs, samples, timeDeltas: samples.map(() => intervalUs) };
}

/** A random tree of `count` nodes (deterministic), with samples on every node. */
export function largeProfile(count: number, seed = 7): RawCpuProfile {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const nodes: RawCpuProfile['nodes'] = [{ id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, children: [] }];
  const depth = [0];
  for (let i = 1; i < count; i++) {
    // Prefer recent nodes as parents, so the tree is deep as well as wide.
    let p = Math.max(0, Math.floor(i - 1 - rand() * Math.min(i, 40)));
    if (depth[p] > 60) p = Math.floor(rand() * Math.min(i, 50));
    const id = i + 1;
    const fn = `fn${Math.floor(rand() * 5000)}`;
    const lib = rand() < 0.3;
    nodes.push({
      id,
      callFrame: { functionName: fn, url: lib ? `file:///app/node_modules/lib${fn}/index.js` : `file:///app/src/${fn}.js`, lineNumber: Math.floor(rand() * 300), columnNumber: 0 },
      children: [],
    });
    nodes[p].children!.push(id);
    depth.push(depth[p] + 1);
  }
  const samples: number[] = [];
  for (let k = 0; k < count * 2; k++) samples.push(1 + Math.floor(rand() * count));
  return { nodes, startTime: 0, endTime: samples.length * 1000, samples, timeDeltas: samples.map(() => 1000) };
}
