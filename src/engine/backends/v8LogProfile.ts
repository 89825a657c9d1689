// 0x and Clinic Flame sample with V8's tick profiler (`node --prof`), not with
// the inspector. This turns what they save into a DevTools `.cpuprofile`, so
// analysis, reports, flame graphs and exports work on it unchanged:
//
// - 0x keeps the preprocessed V8 log (`node --prof-process --preprocess`), JSON
//   `{code, functions, ticks, scripts}`: each tick has a time `tm` (µs since the
//   log began), the VM state `vm` and the stack `s` as [codeIndex, pcOffset, …]
//   from the innermost frame outwards (-1 where no code object matched).
// - Clinic Flame keeps only the stacks (`*.clinic-flame-samples`): one array of
//   code entries per tick, outermost frame first, with no tick times.
//
// Only JavaScript frames become profile nodes; time in builtins, bytecode
// handlers, regular expressions and the compiler counts as self time of the
// JavaScript function below them. A tick in an API callback (V8's EXTERNAL
// state: a native addon or a Node binding called from JavaScript) gets a
// "(native)" frame under its caller, where the inspector would name the
// callback (the tick log cannot: those frames are unresolved addresses). A tick
// in the GC state goes to "(garbage collector)", one with no JavaScript on the
// stack to "(program)", and stretches with no ticks (V8 does not sample an
// idle thread) to "(idle)". The tick log has no per-line positions that can be
// trusted (optimised code maps only calls and inlining points), so these
// profiles carry no `positionTicks` and `hotLines` stays empty for them.

import { pathToFileURL } from 'url';
import { CallFrame, CpuProfile, ProfileNode } from '../cpu/cpuProfile';

export interface V8CodeEntry {
  name: string;
  type: string;
  kind?: string;
  source?: { script?: number };
}

export interface V8LogJson {
  code: Array<V8CodeEntry | null>;
  ticks: Array<{ tm: number; vm: number; s: Array<number | string> }>;
}

/** V8's StateTag order (V8 11–12, Node 20–22): JS, GC, PARSER, BYTECODE_COMPILER, COMPILER, OTHER, EXTERNAL, ATOMICS_WAIT, IDLE. */
const VM_GC = 1;
const VM_EXTERNAL = 6;
const VM_IDLE = 8;

/** `node --prof` samples every millisecond unless --prof-sampling-interval says otherwise. */
export const V8_PROF_INTERVAL_MICROS = 1000;

/** About 3 years in microseconds, well inside the bound of the CPU profile check. */
const MAX_TICK_MICROS = 1e14;

const SPECIAL = { root: '(root)', program: '(program)', idle: '(idle)', gc: '(garbage collector)' } as const;

function specialFrame(name: string): CallFrame {
  return { functionName: name, scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 };
}

/** Native code called from JavaScript; the tick log does not name the callback. */
const NATIVE_FRAME = specialFrame('(native)');

/**
 * A JavaScript code entry's name is "<function> <script>:<line>:<column>"
 * (1-based; the function part is empty for top-level code). Scripts that are
 * absolute paths become file:// URLs, as in inspector profiles.
 */
export function callFrameOf(entry: V8CodeEntry): CallFrame | null {
  if (!entry || entry.type !== 'JS') return null;
  const name = entry.name.replace(/^[*~]/, '');
  const m =
    /^(.*?) ?((?:node:|file:|https?:|\/|[A-Za-z]:[\\/]|evalmachine|\[eval|wasm:)[^]*?):(\d+):(\d+)$/.exec(name) ??
    /^(.*?) ?(\S+):(\d+):(\d+)$/.exec(name);
  if (!m) return { functionName: name.trim(), scriptId: String(entry.source?.script ?? 0), url: '', lineNumber: -1, columnNumber: -1 };
  const script = m[2];
  let url = script;
  if (script.startsWith('/') || /^[A-Za-z]:[\\/]/.test(script)) {
    try {
      url = pathToFileURL(script).href;
    } catch {
      url = script;
    }
  }
  return {
    functionName: m[1].trim(),
    scriptId: String(entry.source?.script ?? 0),
    url,
    lineNumber: Number(m[3]) - 1,
    columnNumber: Number(m[4]) - 1,
  };
}

/** Builds a `.cpuprofile` one sample at a time; frames are merged by function and location. */
export class ProfileBuilder {
  private readonly nodes: ProfileNode[] = [];
  private readonly childIndex = new Map<number, Map<string, number>>();
  private readonly samples: number[] = [];
  private readonly stamps: number[] = [];
  private readonly rootId: number;

  constructor() {
    this.rootId = this.newNode(specialFrame(SPECIAL.root));
  }

  private newNode(callFrame: CallFrame): number {
    const id = this.nodes.length + 1;
    this.nodes.push({ id, callFrame, hitCount: 0, children: [] });
    return id;
  }

  private child(parent: number, frame: CallFrame): number {
    let index = this.childIndex.get(parent);
    if (!index) this.childIndex.set(parent, (index = new Map()));
    const key = `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`;
    let id = index.get(key);
    if (id === undefined) {
      id = this.newNode(frame);
      index.set(key, id);
      this.nodes[parent - 1].children!.push(id);
    }
    return id;
  }

  /** One sample at time `atMicros` whose stack is `frames`, outermost first. */
  add(atMicros: number, frames: CallFrame[]): void {
    let id = this.rootId;
    for (const f of frames) id = this.child(id, f);
    this.nodes[id - 1].hitCount! += 1;
    this.samples.push(id);
    this.stamps.push(atMicros);
  }

  addSpecial(atMicros: number, which: 'program' | 'idle' | 'gc'): void {
    this.add(atMicros, [specialFrame(SPECIAL[which])]);
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  build(endMicros?: number): CpuProfile {
    const startTime = this.stamps.length ? this.stamps[0] : 0;
    const timeDeltas = this.stamps.map((t, i) => (i === 0 ? 0 : t - this.stamps[i - 1]));
    const last = this.stamps.length ? this.stamps[this.stamps.length - 1] : 0;
    return {
      nodes: this.nodes,
      startTime,
      endTime: Math.max(endMicros ?? last, last),
      samples: this.samples,
      timeDeltas,
    };
  }
}

export interface V8LogOptions {
  /** Keep only ticks at or after this log time (µs since the log began). */
  fromMicros?: number;
  /** Keep only ticks before this log time. */
  toMicros?: number;
  intervalMicros?: number;
}

/** The preprocessed V8 tick log (0x) as a `.cpuprofile`. */
export function cpuProfileFromV8Log(log: V8LogJson, options: V8LogOptions = {}): CpuProfile {
  if (!Array.isArray(log?.code) || !Array.isArray(log.ticks)) {
    throw new Error('not a preprocessed V8 log (expected "code" and "ticks" arrays)');
  }
  const interval = options.intervalMicros ?? V8_PROF_INTERVAL_MICROS;
  const from = options.fromMicros ?? -Infinity;
  const to = options.toMicros ?? Infinity;
  const frameCache = new Map<number, CallFrame | null>();
  const frameOf = (index: number): CallFrame | null => {
    let f = frameCache.get(index);
    if (f === undefined) {
      const entry = log.code[index];
      f = entry ? callFrameOf(entry) : null;
      frameCache.set(index, f);
    }
    return f;
  };
  // Tick times are microseconds since the process started: a time beyond any real run is damage, not a tick.
  const ticks = log.ticks.filter((t) => t && typeof t.tm === 'number' && Number.isFinite(t.tm) && t.tm >= 0 && t.tm <= MAX_TICK_MICROS && t.tm >= from && t.tm < to).sort((a, b) => a.tm - b.tm);
  const builder = new ProfileBuilder();
  let previous: number | null = Number.isFinite(from) ? from - interval : null;
  for (const tick of ticks) {
    // A gap longer than two intervals is time the thread did not run: idle.
    if (previous !== null && tick.tm - previous > 2 * interval) builder.addSpecial(previous + interval, 'idle');
    previous = tick.tm;
    if (tick.vm === VM_GC) {
      builder.addSpecial(tick.tm, 'gc');
      continue;
    }
    if (tick.vm === VM_IDLE) {
      builder.addSpecial(tick.tm, 'idle');
      continue;
    }
    const frames: CallFrame[] = [];
    const s = Array.isArray(tick.s) ? tick.s : [];
    for (let i = s.length - 2; i >= 0; i -= 2) {
      const index = s[i];
      if (typeof index !== 'number' || index < 0) continue;
      const f = frameOf(index);
      if (f) frames.push(f);
    }
    if (!frames.length) builder.addSpecial(tick.tm, 'program');
    else {
      // In an API callback (a native addon or Node binding called from JS): the
      // inspector shows such time as a native frame under the caller, not as the caller's own.
      if (tick.vm === VM_EXTERNAL) frames.push(NATIVE_FRAME);
      builder.add(tick.tm, frames);
    }
  }
  let end = previous === null ? 0 : previous + interval;
  if (Number.isFinite(to) && previous !== null && to - previous > 2 * interval) {
    builder.addSpecial(previous + interval, 'idle');
    end = to;
  }
  return builder.build(end);
}

/**
 * Stacks without times (Clinic Flame's samples: code entries, outermost
 * first): every tick counts one sampling interval.
 */
export function cpuProfileFromTickStacks(ticks: Array<Array<V8CodeEntry | null>>, options: { intervalMicros?: number } = {}): CpuProfile {
  if (!Array.isArray(ticks)) throw new Error('not a list of tick stacks');
  const interval = options.intervalMicros ?? V8_PROF_INTERVAL_MICROS;
  const builder = new ProfileBuilder();
  let t = 0;
  for (const stack of ticks) {
    const frames = (Array.isArray(stack) ? stack : []).map((e) => (e ? callFrameOf(e) : null)).filter((f): f is CallFrame => f !== null);
    if (frames.length) builder.add(t, frames);
    else builder.addSpecial(t, 'program');
    t += interval;
  }
  return builder.build(t);
}
