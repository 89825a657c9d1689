// Constructed CPU and heap profiles whose answers are known exactly, for the finding rules' tests.
import type { CpuProfile, ProfileNode } from '../../../src/engine/cpu/cpuProfile';

export const ROOT = '/app';
const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber, columnNumber: 4, scriptId: '1' });

/**
 * (root) ─┬─ (idle)
 *         └─ serve [node_modules/fw] ─ handle [server.js:10] ─┬─ blockTheLoop [server.js:20] ─ sqrt (native)
 *                                                             └─ render [server.js:30]
 *         └─ parse [node:internal]
 * Node ids: 1 root, 2 idle, 3 serve, 4 handle, 5 blockTheLoop, 6 sqrt, 7 render, 8 parse.
 */
export function profileOf(samples: Array<[number, number]>): CpuProfile {
  const nodes: ProfileNode[] = [
    { id: 1, callFrame: frame('(root)', '', -1), children: [2, 3, 8] },
    { id: 2, callFrame: frame('(idle)', '', -1) },
    { id: 3, callFrame: frame('serve', `file://${ROOT}/node_modules/fw/index.js`, 99), children: [4] },
    { id: 4, callFrame: frame('handle', `file://${ROOT}/server.js`, 9), children: [5, 7] },
    { id: 5, callFrame: frame('blockTheLoop', `file://${ROOT}/server.js`, 19), children: [6] },
    { id: 6, callFrame: frame('sqrt', '', -1) },
    { id: 7, callFrame: frame('render', `file://${ROOT}/server.js`, 29) },
    { id: 8, callFrame: frame('parse', 'node:internal/url', 5) },
  ];
  // samples: [node id, duration in µs until the next sample]
  const ids = samples.map((s) => s[0]);
  const timeDeltas = samples.map((_, i) => (i === 0 ? 0 : samples[i - 1][1]));
  const total = samples.reduce((s, x) => s + x[1], 0);
  return { nodes, startTime: 1_000_000, endTime: 1_000_000 + total, samples: ids, timeDeltas };
}

/** `ms` milliseconds of node `id`, as 1 ms samples. */
export function run(id: number, ms: number): Array<[number, number]> {
  return Array.from({ length: ms }, () => [id, 1000] as [number, number]);
}
