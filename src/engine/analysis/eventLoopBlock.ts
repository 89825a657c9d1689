// The event-loop-block finding: the loop's delay p99 crossed a limit, and the
// code that ran while it was blocked. The probe reports the loop's delay per
// ~1 s window; the CPU profile's samples carry timestamps on V8's monotonic
// clock, which the runner ties to the run's clock (`cpu.startT`). Samples that
// fall in the blocked windows are charged to the nearest frame of the user's
// own code on their stack (a loop calling Math.sqrt or JSON.stringify is the
// user's loop), and the function with the most time there is the finding's
// location.

import { indexProfile, type CpuProfile, type ProfileNode } from '../cpu/cpuProfile';
import type { Finding } from '../runRecord';
import { FrameLocation, frameKey, isUserFrame, locateFrame, LocateOptions } from './findingLocation';
import { round } from './stats';

export interface EventLoopBlockSettings {
  /** Milliseconds: the event-loop delay p99 above which the finding fires. */
  maxP99Ms: number;
}

/** 100 ms: a blocked loop that long is a pause every waiting request feels. */
export const DEFAULT_EVENT_LOOP_BLOCK: EventLoopBlockSettings = { maxP99Ms: 100 };

/** One reporting window of the probe: `t` is its end, ms since the run started. */
export interface DelayWindow {
  t: number;
  p99: number;
}

export interface TimeWindow {
  startT: number;
  endT: number;
}

export interface BlockCulprit extends FrameLocation {
  /** CPU time charged to this function inside the blocked windows. */
  ms: number;
  /** Share of the busy (non-idle) sampled time inside those windows, percent. */
  pct: number;
}

/** Windows whose p99 is over the limit. A window starts where the previous one ended, less its own p99: a block that began just before the boundary delayed a timer in this window. */
export function blockedWindows(timeline: DelayWindow[], maxP99Ms: number, windowMs = 1000): TimeWindow[] {
  const out: TimeWindow[] = [];
  timeline.forEach((w, i) => {
    if (w.p99 <= maxP99Ms) return;
    const start = (i > 0 ? timeline[i - 1].t : w.t - windowMs) - w.p99;
    out.push({ startT: Math.max(0, start), endT: w.t });
  });
  return out;
}

/** `profileStartT`: the run time (ms) of `profile.startTime`. */
export function codeInWindows(profile: CpuProfile, profileStartT: number, windows: TimeWindow[], options: LocateOptions = {}): { culprits: BlockCulprit[]; busyMs: number; longestRunMs: number } {
  const { byId, parentOf: parent } = indexProfile(profile);
  const instrumentation = new Set(options.instrumentationFiles ?? []);
  const ownerOf = new Map<number, ProfileNode | null>();
  const owner = (id: number): ProfileNode | null => {
    const known = ownerOf.get(id);
    if (known !== undefined) return known;
    const path: number[] = [];
    let cur: number | undefined = id;
    let found: ProfileNode | null = null;
    while (cur !== undefined) {
      const cached = ownerOf.get(cur);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      path.push(cur);
      const n = byId.get(cur);
      if (n && isUserFrame(n.callFrame, instrumentation)) {
        found = n;
        break;
      }
      cur = parent.get(cur);
    }
    for (const p of path) ownerOf.set(p, found);
    return found;
  };
  // Overlapping windows merged, then walked with the (time-ordered) samples: linear in both.
  const merged: TimeWindow[] = [];
  for (const w of [...windows].sort((a, b) => a.startT - b.startT)) {
    const last = merged[merged.length - 1];
    if (last && w.startT <= last.endT) last.endT = Math.max(last.endT, w.endT);
    else merged.push({ ...w });
  }
  let wi = 0;
  const inWindow = (t: number) => {
    while (wi < merged.length && merged[wi].endT <= t) wi++;
    return wi < merged.length && t >= merged[wi].startT;
  };
  // A gap between two samples longer than a few sampling intervals is time the thread did not
  // run (the machine gave the CPU to someone else), not time the code ran: it is capped.
  const deltas = profile.timeDeltas.filter((d) => d > 0).sort((a, b) => a - b);
  const capUs = 4 * (deltas.length ? deltas[Math.floor(deltas.length / 2)] : 1000);
  let run = { key: null as number | null, us: 0, last: -2 };
  let longestUs = 0;
  let longestKey: string | null = null;
  const usBy = new Map<string, { node: ProfileNode; us: number }>();
  let busyUs = 0;
  let ts = profile.startTime;
  const stamps = profile.samples.map((_, i) => (ts += profile.timeDeltas[i] ?? 0));
  for (let i = 0; i < profile.samples.length; i++) {
    const t = profileStartT + (stamps[i] - profile.startTime) / 1000;
    if (!inWindow(t)) continue;
    const next = i + 1 < stamps.length ? stamps[i + 1] : Math.max(profile.endTime, stamps[i]);
    const dt = Math.max(0, next - stamps[i]);
    const node = byId.get(profile.samples[i]);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    busyUs += dt;
    const o = owner(node.id);
    // One call of one function of the user's code, sampled without a break: how long the loop could not turn.
    const runKey = o ? o.id : null;
    if (runKey !== null && runKey === run.key && run.last === i - 1) run.us += Math.min(dt, capUs);
    else run = { key: runKey, us: runKey === null ? 0 : Math.min(dt, capUs), last: i };
    run.last = i;
    if (!o) continue;
    const key = frameKey(o.callFrame);
    if (run.us > longestUs) {
      longestUs = run.us;
      longestKey = key;
    }
    const acc = usBy.get(key);
    if (acc) acc.us += dt;
    else usBy.set(key, { node: o, us: dt });
  }
  // The function of the longest unbroken call comes first: that call is what held the loop.
  const culprits = [...usBy.entries()]
    .sort(([ka, a], [kb, b]) => Number(kb === longestKey) - Number(ka === longestKey) || b.us - a.us)
    .map(([, a]) => a)
    .slice(0, 5)
    .map((a) => ({ ...locateFrame(a.node.callFrame, options), ms: round(a.us / 1000, 1), pct: busyUs ? round((a.us / busyUs) * 100, 1) : 0 }));
  return { culprits, busyMs: round(busyUs / 1000, 1), longestRunMs: round(longestUs / 1000, 1) };
}

export interface EventLoopBlockInput {
  delayMs: { p99: number; max: number };
  timeline: DelayWindow[];
  /** The CPU profile and the run time of its start; null without CPU profiling or a clock to tie it to. */
  profile: { profile: CpuProfile; startT: number } | null;
}

export function eventLoopBlockFinding(input: EventLoopBlockInput | null, settings: EventLoopBlockSettings, options: LocateOptions = {}): Finding | null {
  if (!input || !(input.delayMs.p99 > settings.maxP99Ms)) return null;
  const windows = blockedWindows(input.timeline, settings.maxP99Ms);
  const code = input.profile && windows.length ? codeInWindows(input.profile.profile, input.profile.startT, windows, options) : null;
  // Blamed on code only when one call of it held the loop for at least half the limit without a
  // break; otherwise the delay came from the machine (the service waited for a CPU) or from many
  // short tasks back to back, and no single line is to blame.
  const held = !!code && code.longestRunMs >= settings.maxP99Ms / 2;
  const top = held ? (code?.culprits[0] ?? null) : null;
  const head = `The event loop was ${top || !code ? 'blocked' : 'delayed'}: delay p99 ${input.delayMs.p99} ms (limit ${settings.maxP99Ms} ms, longest ${input.delayMs.max} ms) in ${windows.length} of ${input.timeline.length} one-second windows`;
  const tail = top
    ? `; in those windows ${top.name} (${top.file}:${top.line}) ran ${top.ms} ms, ${top.pct}% of the busy CPU time, up to ${code!.longestRunMs} ms in one call without a break, so move that work off the loop or break it up`
    : code
      ? `; but no call of your code ran longer than ${code.longestRunMs} ms without a break in those windows, so the delay came from the machine (the service waited for a CPU) or from many short tasks back to back, not from one blocking call`
      : '';
  return {
    kind: 'event-loop-block',
    severity: top || !code ? 'warning' : 'info',
    message: `${head}${tail}.`,
    location: top ? { file: top.file, line: top.line, column: top.column } : null,
    evidence: {
      p99Ms: input.delayMs.p99,
      maxMs: input.delayMs.max,
      maxP99Ms: settings.maxP99Ms,
      blockedWindows: windows.length,
      windows: input.timeline.length,
      ...(code ? { busyMsInWindows: code.busyMs, longestRunMs: code.longestRunMs } : {}),
      ...(top ? { function: top.name, functionMs: top.ms, functionPct: top.pct } : {}),
    },
    ...(code && code.culprits.length ? { frames: code.culprits } : {}),
  };
}
