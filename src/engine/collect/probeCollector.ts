// Folds the probe's message stream into the run record's `processes`, `gc`,
// `eventLoop`, `heap.timeline` and `queries` sections. Memory stays bounded
// whatever the run's length: samples are thinned, queries are aggregated as
// they arrive.

import * as path from 'path';
import { downsample, heapGrowth, MemorySample } from '../analysis/memoryGrowth';
import { GcPause, summarizeGc, GcSummary } from '../analysis/gcStats';
import { DEFAULT_N_PLUS_ONE, NPlusOne, NPlusOneDetector, NPlusOneOptions } from '../analysis/nPlusOneDetector';
import { percentile, round } from '../analysis/stats';
import type { CallSite, EventLoopMessage, ProbeMessage, QueryMessage } from '../probe/probeMessages';
import { SourceMapResolver } from '../sourceMaps';

const MAX_MEMORY_SAMPLES = 20_000;
const MAX_GC_PAUSES = 500_000;
const TIMELINE_POINTS = 2_000;

interface ProcessAcc {
  pid: number;
  ppid: number;
  argv: string[];
  firstSeen: number;
  memory: MemorySample[];
  memoryStride: number;
  memorySeen: number;
  gc: GcPause[];
  gcCount: number;
  eventLoop: Array<{ t: number; p50: number; p99: number; max: number; utilization: number }>;
  queries: number;
  dropped: number;
  cpu: { firstT: number; firstUs: number; lastT: number; lastUs: number } | null;
}

export interface StatementStats {
  query: string;
  driver: string;
  count: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
  callSites: Array<CallSite & { count: number }>;
  routes: string[];
}

export interface EventLoopSummary {
  delayMs: { p50: number; p99: number; max: number };
  utilization: number;
  timeline: Array<{ t: number; p99: number; utilization: number }>;
}

export interface ProcessSummary {
  pid: number;
  ppid: number;
  role: 'service' | 'child';
  command: string;
  gc: GcSummary;
  eventLoop: EventLoopSummary | null;
  memory: { peakRss: number; peakHeapUsed: number } | null;
  /** CPU time the process used while the probe watched it, and as a share of one core. */
  cpu: { ms: number; percentOfCore: number } | null;
  queries: number;
  droppedMessages: number;
}

export interface SlowQuery {
  query: string;
  durationMs: number;
  route: string | null;
  callSite: CallSite | null;
  t: number;
}

export interface CollectedData {
  processes: ProcessSummary[];
  heap: { timeline: MemorySample[]; growthPct: number | null; growth: ReturnType<typeof heapGrowth> } | null;
  gc: GcSummary | null;
  eventLoop: EventLoopSummary | null;
  queries: {
    total: number;
    totalMs: number;
    statements: StatementStats[];
    slowest: SlowQuery[];
    nPlusOne: NPlusOne[];
  } | null;
}

export class ProbeCollector {
  private readonly processes = new Map<number, ProcessAcc>();
  private readonly statements = new Map<string, { driver: string; sql: string; count: number; totalMs: number; maxMs: number; sites: Map<string, CallSite & { count: number }>; routes: Set<string> }>();
  private readonly slowest: SlowQuery[] = [];
  private readonly detector: NPlusOneDetector;
  /** Processes whose memory series comes from the engine (HeapSampler), not the probe. */
  private readonly engineSampled = new Set<number>();
  private readonly lastProbeMemory = new Map<number, { rss: number; external: number }>();
  private queryTotal = 0;
  private queryMs = 0;

  constructor(
    private readonly clockStart: number,
    private readonly root: string,
    nPlusOne: NPlusOneOptions = DEFAULT_N_PLUS_ONE,
    private readonly sourceMaps: SourceMapResolver = new SourceMapResolver(),
  ) {
    this.detector = new NPlusOneDetector(nPlusOne);
  }

  /** Pids that have said hello, in order. */
  get pids(): number[] {
    return [...this.processes.keys()];
  }

  handle(msg: ProbeMessage): MemorySample | null {
    const proc = this.process(msg.pid, msg.t);
    const t = round(msg.t - this.clockStart, 1);
    switch (msg.type) {
      case 'hello':
        proc.ppid = msg.ppid;
        proc.argv = msg.argv;
        return null;
      case 'gc':
        proc.gcCount++;
        if (proc.gc.length < MAX_GC_PAUSES) proc.gc.push({ kind: msg.kind, durationMs: msg.durationMs, t: round(msg.startMs - this.clockStart, 1) });
        return null;
      case 'memory': {
        proc.dropped += msg.dropped;
        this.lastProbeMemory.set(msg.pid, { rss: msg.rss, external: msg.external });
        if (msg.cpuUserUs !== undefined && msg.cpuSystemUs !== undefined) {
          const us = msg.cpuUserUs + msg.cpuSystemUs;
          if (!proc.cpu) proc.cpu = { firstT: msg.t, firstUs: us, lastT: msg.t, lastUs: us };
          else {
            proc.cpu.lastT = msg.t;
            proc.cpu.lastUs = us;
          }
        }
        if (this.engineSampled.has(msg.pid)) return null;
        return this.pushMemory(proc, { t, heapUsed: msg.heapUsed, heapTotal: msg.heapTotal, rss: msg.rss, external: msg.external });
      }
      case 'eventLoop':
        proc.eventLoop.push(windowOf(msg, t));
        if (proc.eventLoop.length > MAX_MEMORY_SAMPLES) proc.eventLoop = proc.eventLoop.filter((_, i) => i % 2 === 0);
        return null;
      case 'query':
        proc.queries++;
        this.addQuery(msg, t);
        return null;
    }
  }

  /** From now on the engine samples this process's memory (see HeapSampler). */
  preferEngineMemory(pid: number): void {
    this.engineSampled.add(pid);
  }

  addEngineSample(pid: number, sample: MemorySample): void {
    this.pushMemory(this.process(pid, this.clockStart + sample.t), sample);
  }

  lastProbeMemoryOf(pid: number): { rss: number; external: number } | null {
    return this.lastProbeMemory.get(pid) ?? null;
  }

  /** Keeps a bounded series: when full, every other sample goes and the stride doubles. */
  private pushMemory(proc: ProcessAcc, sample: MemorySample): MemorySample {
    proc.memorySeen++;
    if (proc.memorySeen % proc.memoryStride === 0) {
      proc.memory.push(sample);
      if (proc.memory.length >= MAX_MEMORY_SAMPLES) {
        proc.memory = proc.memory.filter((_, i) => i % 2 === 0);
        proc.memoryStride *= 2;
      }
    }
    return sample;
  }

  private process(pid: number, t: number): ProcessAcc {
    let p = this.processes.get(pid);
    if (!p) {
      p = { pid, ppid: 0, argv: [], firstSeen: t, memory: [], memoryStride: 1, memorySeen: 0, gc: [], gcCount: 0, eventLoop: [], queries: 0, dropped: 0, cpu: null };
      this.processes.set(pid, p);
    }
    return p;
  }

  private relative(site: CallSite | null): CallSite | null {
    if (!site) return null;
    const original = this.sourceMaps.resolve(site.file, site.line, site.column) ?? site;
    const rel = path.relative(this.root, original.file);
    const file = !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : original.file;
    return { file, line: original.line, column: original.column };
  }

  private addQuery(q: QueryMessage, t: number): void {
    this.queryTotal++;
    this.queryMs += q.durationMs;
    const route = q.request ? `${q.request.method} ${q.request.path}` : null;
    const site = this.relative(q.callSite);
    let s = this.statements.get(q.sql);
    if (!s) this.statements.set(q.sql, (s = { driver: q.driver, sql: q.sql, count: 0, totalMs: 0, maxMs: 0, sites: new Map(), routes: new Set() }));
    s.count++;
    s.totalMs += q.durationMs;
    s.maxMs = Math.max(s.maxMs, q.durationMs);
    if (route && s.routes.size < 20) s.routes.add(route);
    if (site) {
      const key = `${site.file}:${site.line}:${site.column}`;
      const cs = s.sites.get(key);
      if (cs) cs.count++;
      else if (s.sites.size < 20) s.sites.set(key, { ...site, count: 1 });
    }
    if (this.slowest.length < 20 || q.durationMs > this.slowest[this.slowest.length - 1].durationMs) {
      this.slowest.push({ query: q.sql, durationMs: round(q.durationMs, 3), route, callSite: site, t });
      this.slowest.sort((a, b) => b.durationMs - a.durationMs);
      if (this.slowest.length > 20) this.slowest.pop();
    }
    this.detector.add({
      sql: q.sql,
      durationMs: q.durationMs,
      callSite: site,
      requestKey: q.request ? `${q.pid}:${q.request.id}` : null,
      route,
    });
  }

  /** Summarises everything collected. `mainPid` is the service's own process. */
  finish(mainPid: number | null, observedMs: number): CollectedData {
    const procs = [...this.processes.values()];
    const main = (mainPid !== null ? this.processes.get(mainPid) : undefined) ?? procs[0];
    const summaries: ProcessSummary[] = procs.map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      role: p === main ? 'service' : 'child',
      command: p.argv.map((a) => path.basename(a)).join(' ').slice(0, 200),
      gc: summarizeGc(p.gc, Math.max(1, observedMs - Math.max(0, p.firstSeen - this.clockStart))),
      eventLoop: summarizeEventLoop(p.eventLoop),
      memory: p.memory.length
        ? { peakRss: Math.max(...p.memory.map((m) => m.rss)), peakHeapUsed: Math.max(...p.memory.map((m) => m.heapUsed)) }
        : null,
      cpu:
        p.cpu && p.cpu.lastT > p.cpu.firstT
          ? { ms: round((p.cpu.lastUs - p.cpu.firstUs) / 1000, 1), percentOfCore: round(((p.cpu.lastUs - p.cpu.firstUs) / 1000 / (p.cpu.lastT - p.cpu.firstT)) * 100, 1) }
          : null,
      queries: p.queries,
      droppedMessages: p.dropped,
    }));
    const growth = main ? heapGrowth(main.memory) : null;
    return {
      processes: summaries,
      heap: main?.memory.length ? { timeline: downsample(main.memory, TIMELINE_POINTS), growthPct: growth?.growthPct ?? null, growth } : null,
      gc: main ? summaries.find((s) => s.pid === main.pid)!.gc : null,
      eventLoop: main ? summarizeEventLoop(main.eventLoop) : null,
      queries: this.queryTotal
        ? {
            total: this.queryTotal,
            totalMs: round(this.queryMs),
            statements: [...this.statements.values()]
              .sort((a, b) => b.totalMs - a.totalMs)
              .slice(0, 50)
              .map((s) => ({
                query: s.sql,
                driver: s.driver,
                count: s.count,
                totalMs: round(s.totalMs),
                meanMs: round(s.totalMs / s.count, 3),
                maxMs: round(s.maxMs, 3),
                callSites: [...s.sites.values()].sort((a, b) => b.count - a.count),
                routes: [...s.routes],
              })),
            slowest: this.slowest,
            nPlusOne: this.detector.finish(),
          }
        : null,
    };
  }
}

function windowOf(msg: EventLoopMessage, t: number) {
  return { t, p50: msg.delay.p50, p99: msg.delay.p99, max: msg.delay.max, utilization: msg.utilization };
}

/**
 * The loop's delay is reported per ~1 s window; the run's p50 is the median of
 * window medians and its p99 the 99th percentile of window p99s, so one bad
 * second shows without one noisy window deciding it.
 */
function summarizeEventLoop(windows: ProcessAcc['eventLoop']): EventLoopSummary | null {
  if (!windows.length) return null;
  const p50s = Float64Array.from(windows.map((w) => w.p50)).sort();
  const p99s = Float64Array.from(windows.map((w) => w.p99)).sort();
  return {
    delayMs: {
      p50: round(percentile(p50s, 50), 3),
      p99: round(percentile(p99s, 99), 3),
      max: round(Math.max(...windows.map((w) => w.max)), 3),
    },
    utilization: round(windows.reduce((s, w) => s + w.utilization, 0) / windows.length, 4),
    timeline: downsample(windows, TIMELINE_POINTS).map((w) => ({ t: w.t, p99: round(w.p99, 3), utilization: round(w.utilization, 4) })),
  };
}
