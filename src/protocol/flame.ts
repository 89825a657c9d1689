// Messages between the extension host and the flame graph webview.
// Both sides import this file; the host validates what arrives with isFromFlame.
// `showProfile` carries either a raw `.cpuprofile` object, exactly as V8 writes
// it (the hook a plain page such as a test uses), or its columns
// (flameColumns.ts), which the host sends because they cross postMessage as a
// few typed arrays instead of hundreds of thousands of objects.

/** The parts of a V8 `.cpuprofile` the flame graph reads. */
import type { FlameColumns } from './flameColumns';

export interface RawCpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number; scriptId?: string };
    hitCount?: number;
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export type ToFlame =
  | {
      type: 'showProfile';
      profile: RawCpuProfile | FlameColumns;
      title: string;
      /** Diff mode: frames are coloured by their self-time change against this profile. */
      baseline?: RawCpuProfile | FlameColumns | null;
      baselineTitle?: string;
      /** True while a run is going: the profile is the slices merged so far. */
      live?: boolean;
    }
  | { type: 'status'; message: string };

/**
 * `drawn`: the webview has drawn the last `showProfile` it received. The host
 * sends the next profile only then, so a webview slower than the live slices
 * (a busy machine) gets the latest profile instead of a growing queue of them.
 */
export type FromFlame = { type: 'ready' } | { type: 'drawn' } | { type: 'openSource'; file: string; line: number };

export function isFromFlame(value: unknown): value is FromFlame {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; file?: unknown; line?: unknown };
  if (m.type === 'ready' || m.type === 'drawn') return true;
  return m.type === 'openSource' && typeof m.file === 'string' && m.file.length > 0 && typeof m.line === 'number' && Number.isFinite(m.line);
}
