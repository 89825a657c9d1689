// Records a CPU profile through the inspector, cut into slices: the profiler is
// stopped and restarted every `sliceMs` so each partial profile reaches
// subscribers while the run is going (a stop+start round trip costs ~25 ms and
// leaves a gap of a few ms between slices).

import { Emitter } from '../events';
import { InspectorClient } from '../inspectorClient';
import { CpuProfile } from './cpuProfile';
import { ProfileAccumulator } from './mergeProfiles';

export interface CpuSlice {
  index: number;
  profile: CpuProfile;
}

export class CpuProfiler {
  readonly onSlice = new Emitter<CpuSlice>();
  /** Every slice merged as it arrives (one tree, samples in typed arrays), not kept one by one. */
  readonly merged = new ProfileAccumulator();
  private cuts = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> = Promise.resolve();
  private running = false;

  constructor(
    private readonly client: InspectorClient,
    private readonly intervalMicros: number,
    private readonly sliceMs: number,
  ) {}

  async start(): Promise<void> {
    await this.client.send('Profiler.enable');
    await this.client.send('Profiler.setSamplingInterval', { interval: this.intervalMicros });
    await this.client.send('Profiler.start');
    this.running = true;
    this.timer = setInterval(() => {
      this.busy = this.busy.then(() => this.cut(true)).catch(() => undefined);
    }, this.sliceMs);
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
  }

  private async cut(restart: boolean): Promise<void> {
    if (!this.running || !this.client.isOpen) return;
    const { profile } = await this.client.send<{ profile: CpuProfile }>('Profiler.stop');
    if (restart) await this.client.send('Profiler.start');
    else this.running = false;
    this.merged.add(profile);
    this.onSlice.fire({ index: this.cuts++, profile });
  }
}
