// Folded stacks for Brendan Gregg's flamegraph.pl (and inferno, speedscope,
// and most flame-graph tools): one line per distinct stack, root first, frames
// separated by ";", then a space and the number of samples.

import type { CpuProfile } from '../cpu/cpuProfile';
import { ExportFrame, readStacks } from './profileStacks';

/** A frame's label, with the characters the format gives meaning to (";" and line breaks) replaced. */
export function collapsedFrameName(f: ExportFrame): string {
  const label = f.file ? `${f.name} (${f.file}:${f.line})` : f.name;
  return label.replace(/;/g, ',').replace(/[\r\n]+/g, ' ');
}

export function toCollapsed(profile: CpuProfile): string {
  const stacks = readStacks(profile);
  const counts = new Map<number, number>();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const lines = new Map<string, number>();
  for (const [id, count] of counts) {
    const stack = stacks.stackOf(id);
    // A sample on the synthetic root alone has no frame to name.
    const key = stack.length ? stack.map((f) => collapsedFrameName(stacks.frames[f])).join(';') : '(root)';
    lines.set(key, (lines.get(key) ?? 0) + count);
  }
  return [...lines].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, n]) => `${k} ${n}\n`).join('');
}
