// speedscope's file format (https://www.speedscope.app/file-format-schema.json):
// one "sampled" profile over shared frames, in microseconds, keeping the order
// of samples so speedscope's time-ordered view shows the run as it happened.
// Consecutive samples on the same stack are merged into one weighted sample.

import type { CpuProfile } from '../cpu/cpuProfile';
import { readStacks } from './profileStacks';

export interface SpeedscopeFrame {
  name: string;
  file?: string;
  line?: number;
  col?: number;
}

export interface SpeedscopeSampledProfile {
  type: 'sampled';
  name: string;
  unit: 'microseconds';
  startValue: number;
  endValue: number;
  samples: number[][];
  weights: number[];
}

export interface SpeedscopeFile {
  $schema: 'https://www.speedscope.app/file-format-schema.json';
  shared: { frames: SpeedscopeFrame[] };
  profiles: SpeedscopeSampledProfile[];
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

export function toSpeedscope(profile: CpuProfile, options: { name: string; exporter?: string }): SpeedscopeFile {
  const stacks = readStacks(profile);
  const samples: number[][] = [];
  const weights: number[] = [];
  let previous: number | undefined;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const w = stacks.sampleDurations[i];
    total += w;
    if (id === previous && weights.length) {
      weights[weights.length - 1] += w;
      return;
    }
    previous = id;
    samples.push(stacks.stackOf(id));
    weights.push(w);
  });
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: {
      frames: stacks.frames.map((f) => (f.file ? { name: f.name, file: f.file, line: f.line, col: f.column } : { name: f.name })),
    },
    profiles: [{ type: 'sampled', name: options.name, unit: 'microseconds', startValue: 0, endValue: round(total), samples, weights: weights.map(round) }],
    name: options.name,
    activeProfileIndex: 0,
    exporter: options.exporter ?? 'hotpath',
  };
}
