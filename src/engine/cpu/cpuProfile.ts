// The Chrome DevTools `.cpuprofile` format, as V8's sampling profiler writes it.

export interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based */
  lineNumber: number;
  /** 0-based */
  columnNumber: number;
}

export interface PositionTick {
  /** 1-based */
  line: number;
  ticks: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
  positionTicks?: PositionTick[];
}

/** Nodes by id, and each node's parent id (the root has none). */
export interface ProfileIndex {
  byId: Map<number, ProfileNode>;
  parentOf: Map<number, number>;
}

export function indexProfile(profile: Pick<CpuProfile, 'nodes'>): ProfileIndex {
  const byId = new Map<number, ProfileNode>();
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parentOf.set(c, n.id);
  }
  return { byId, parentOf };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds, V8's monotonic clock. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}
