// Samples the service's heap from the engine side: V8 answers
// Runtime.getHeapUsage over the inspector by interrupt, even while the
// service's JavaScript is busy, whereas a timer inside the service fires late
// when its event loop is saturated (3 samples a second instead of 4 under
// load). RSS comes from /proc where there is one.

import * as fs from 'fs';
import { Emitter } from '../events';
import type { InspectorClient } from '../inspectorClient';
import type { ProcessSample } from '../runEvents';

const PAGE_SIZE = 4096;

export class HeapSampler {
  readonly onSample = new Emitter<ProcessSample>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly client: InspectorClient,
    private readonly pid: number,
    private readonly clockStart: number,
    /** The latest figures the probe reported, for what V8 does not tell us. */
    private readonly fallback: () => { rss: number; external: number } | null,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async sample(): Promise<void> {
    if (this.busy || !this.client.isOpen) return;
    this.busy = true;
    try {
      const usage = await this.client.send<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage');
      const t = Math.round((Date.now() - this.clockStart) * 10) / 10;
      const known = this.fallback();
      this.onSample.fire({ t, heapUsed: usage.usedSize, heapTotal: usage.totalSize, rss: readRss(this.pid) ?? known?.rss ?? 0, external: known?.external ?? 0 });
    } catch {
      // The service is going away; the last samples stand.
    } finally {
      this.busy = false;
    }
  }
}

function readRss(pid: number): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(fields[1]) * PAGE_SIZE;
  } catch {
    return null;
  }
}
