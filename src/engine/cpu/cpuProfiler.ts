// Records a CPU profile through the inspector, cut into slices, so that each
// partial profile reaches subscribers while the run is going.
//
// How a slice is cut, by measurement (BENCHMARKS.md, "What the inspector CPU
// profiler costs the service"): stopping the only profile makes V8 dispose of
// its CpuProfiler (sampler thread, code map), and the next start logs every
// code object of the heap again. Restarting that way every 2 seconds cost the
// service about 25 ms of CPU per cut: +1 % CPU per request on the demo's
// CPU-bound route, a third of what profiling cost it, on top of a gap of a few
// ms with no samples at every cut. So slices are handed over instead: the next
// slice is started as a console profile (`console.profile(title)` of the
// service's inspector console, evaluated in the service) before the previous
// one is ended, so there is always a profile running, V8 keeps its profiler,
// and the slices join without a gap (the sample taken at the hand-over may be
// in both). Each ended slice arrives as a Profiler.consoleProfileFinished
// event. Where that cannot work (no inspector console in the service) the
// profiler falls back to Profiler.stop and Profiler.start.

import { Emitter } from '../events';
import { InspectorClient } from '../inspectorClient';
import { CpuProfile } from './cpuProfile';
import { ProfileAccumulator } from './mergeProfiles';

export interface CpuSlice {
  index: number;
  profile: CpuProfile;
}

/** The service's inspector console (not its global console, which the service may have replaced). */
const CONSOLE = `(globalThis.process?.getBuiltinModule?.('inspector')?.console ?? globalThis.console)`;
/** How long to wait for a slice's consoleProfileFinished after the call that ended it. */
const SLICE_EVENT_TIMEOUT_MS = 5000;

export class CpuProfiler {
  readonly onSlice = new Emitter<CpuSlice>();
  /** Every slice merged as it arrives (one tree, samples in typed arrays), not kept one by one. */
  readonly merged = new ProfileAccumulator();
  private cuts = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> = Promise.resolve();
  private running = false;
  /** 'handover': console profiles overlapping at each cut; 'restart': Profiler.stop + Profiler.start. */
  private mode: 'handover' | 'restart' = 'handover';
  /** Title of the console profile being recorded (handover mode). */
  private current: string | null = null;
  private serial = 0;
  private readonly titlePrefix = `hotpath-slice-${process.pid}-${Date.now().toString(36)}-`;
  /** Our slices that have finished, by title, until a cut takes them. */
  private readonly finished = new Map<string, CpuProfile>();
  private readonly waiting = new Map<string, (profile: CpuProfile | null) => void>();
  private subscriptions: Array<{ dispose(): void }> = [];

  constructor(
    private readonly client: InspectorClient,
    private readonly intervalMicros: number,
    private readonly sliceMs: number,
    /** 'restart' forces the old way of cutting (kept for measurement). */
    private readonly cutBy: 'handover' | 'restart' = 'handover',
  ) {}

  async start(): Promise<void> {
    await this.client.send('Profiler.enable');
    await this.client.send('Profiler.setSamplingInterval', { interval: this.intervalMicros });
    this.subscriptions = [this.client.onEvent.event((e) => this.onInspectorEvent(e)), this.client.onClose.event(() => this.releaseWaiting())];
    this.mode = this.cutBy === 'handover' && (await this.startConsoleProfile()) ? 'handover' : 'restart';
    if (this.mode === 'restart') await this.client.send('Profiler.start');
    this.running = true;
    this.timer = setInterval(() => {
      this.busy = this.busy.then(() => this.cut(true)).catch(() => undefined);
    }, this.sliceMs);
  }

  /** How slices are being cut (after start). */
  get cutMode(): 'handover' | 'restart' {
    return this.mode;
  }

  /** Slices cut so far, empty ones included. */
  get sliceCount(): number {
    return this.cuts;
  }

  /** Stops profiling; the slices recorded (possibly none if the service died) are in `merged`. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.busy;
    if (this.running) await this.cut(false).catch(() => undefined);
    this.running = false;
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
    this.releaseWaiting();
  }

  private async cut(restart: boolean): Promise<void> {
    if (!this.running || !this.client.isOpen) return;
    const profile = this.mode === 'handover' ? await this.handOver(restart) : await this.restartProfiler(restart);
    if (!restart) this.running = false;
    if (!profile) return;
    this.merged.add(profile);
    this.onSlice.fire({ index: this.cuts++, profile });
  }

  private async restartProfiler(restart: boolean): Promise<CpuProfile> {
    const { profile } = await this.client.send<{ profile: CpuProfile }>('Profiler.stop');
    if (restart) await this.client.send('Profiler.start');
    return profile;
  }

  /** Starts the next console profile (when `restart`), then ends the current one; returns the ended slice. */
  private async handOver(restart: boolean): Promise<CpuProfile | null> {
    const ending = this.current;
    if (ending === null) {
      // A previous hand-over failed to start its profile: start one now, nothing to end.
      if (restart) await this.startConsoleProfile();
      return null;
    }
    const next = restart ? this.nextTitle() : null;
    const ended = this.slice(ending);
    const calls = next ? `c.profile(${JSON.stringify(next)}); c.profileEnd(${JSON.stringify(ending)});` : `c.profileEnd(${JSON.stringify(ending)});`;
    const ok = await this.evaluate(`((c) => { ${calls} return true; })(${CONSOLE})`);
    this.current = ok ? next : null;
    return ended;
  }

  private async startConsoleProfile(): Promise<boolean> {
    const title = this.nextTitle();
    if (!(await this.evaluate(`((c) => { c.profile(${JSON.stringify(title)}); return true; })(${CONSOLE})`))) return false;
    this.current = title;
    return true;
  }

  private async evaluate(expression: string): Promise<boolean> {
    const r = await this.client
      .send<{ result?: { value?: unknown }; exceptionDetails?: unknown }>('Runtime.evaluate', { expression, returnByValue: true, silent: true })
      .catch(() => null);
    return !!r && !r.exceptionDetails && r.result?.value === true;
  }

  private nextTitle(): string {
    return `${this.titlePrefix}${this.serial++}`;
  }

  /** The slice with this title once V8 reports it finished (null if it never does, e.g. the service died). */
  private slice(title: string): Promise<CpuProfile | null> {
    const done = this.finished.get(title);
    if (done) {
      this.finished.delete(title);
      return Promise.resolve(done);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(title);
        resolve(null);
      }, SLICE_EVENT_TIMEOUT_MS);
      this.waiting.set(title, (profile) => {
        clearTimeout(timer);
        resolve(profile);
      });
    });
  }

  private onInspectorEvent(e: { method: string; params: unknown }): void {
    if (e.method !== 'Profiler.consoleProfileFinished') return;
    const { title, profile } = e.params as { title?: string; profile?: CpuProfile };
    // The service's own console.profile() calls come through here too: only our titles count.
    if (!title?.startsWith(this.titlePrefix) || !profile) return;
    const waiter = this.waiting.get(title);
    if (waiter) {
      this.waiting.delete(title);
      waiter(profile);
    } else {
      this.finished.set(title, profile);
    }
  }

  private releaseWaiting(): void {
    for (const [title, waiter] of [...this.waiting]) {
      this.waiting.delete(title);
      waiter(null);
    }
  }
}
