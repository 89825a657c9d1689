// Where a finding points: a frame of the user's own code, source-mapped and
// relative to the workspace root (CONTRACT.md: file paths in run.json).

import { categorize, displayPath } from '../cpu/cpuProfileModel';
import type { ProfileNode } from '../cpu/cpuProfile';
import type { SourceMapResolver } from '../sourceMaps';

export interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based, as V8 reports it */
  lineNumber: number;
  columnNumber: number;
}

export interface FrameLocation {
  name: string;
  file: string;
  /** 1-based */
  line: number;
  column: number;
}

export interface LocateOptions {
  /** Files are made relative to this folder (the workspace root). */
  root?: string;
  sourceMaps?: SourceMapResolver;
  /** Absolute paths of Hotpath's own injected files (the probe): never the user's code. */
  instrumentationFiles?: string[];
}

/** True for a frame of the user's own code (not node_modules, Node internals, native or Hotpath's probe). */
export function isUserFrame(frame: CallFrame, instrumentation: ReadonlySet<string>): boolean {
  return categorize({ id: 0, callFrame: { ...frame, scriptId: '0' } } as ProfileNode, instrumentation) === 'user';
}

export function locateFrame(frame: CallFrame, options: LocateOptions): FrameLocation {
  const original = frame.url ? options.sourceMaps?.resolve(frame.url, frame.lineNumber + 1, frame.columnNumber + 1) : null;
  return {
    name: frame.functionName || '(anonymous)',
    file: frame.url ? displayPath(original?.file ?? frame.url, options.root) : '',
    line: original?.line ?? frame.lineNumber + 1,
    column: original?.column ?? frame.columnNumber + 1,
  };
}

export const frameKey = (f: CallFrame) => `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
