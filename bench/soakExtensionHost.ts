// Memory soak of the real extension host: code-server 4.100.3 (VS Code 1.100)
// with this extension, driven by Chromium through playwright-core. A copy of
// examples/demo is opened, "Hotpath: Run Benchmark" is chosen in the command
// palette with one constant stage of HOTPATH_SOAK_MINUTES (default 30) at
// HOTPATH_SOAK_CONNECTIONS (default 4) connections, and the live dashboard and
// the live flame graph stay open side by side for the whole run, receiving
// what the run streams. Every HOTPATH_SOAK_SAMPLE_SEC (default 10) this
// process samples:
//
// - the extension host (the code-server child started with
//   --type=extensionHost): VmRSS from /proc/PID/status, and through the
//   inspector it is started with (the workbench's `inspect-extensions`
//   payload) its JS heap used, then its heap used after a forced GC;
// - the demo service's RSS;
// - the workbench page's renderer (which hosts the webviews when Chromium
//   keeps them in-process): JS heap used after a forced GC, DOM nodes and
//   listeners (CDP Performance.getMetrics), and the RSS of every Chromium
//   renderer process;
// - the dashboard's phase and request total as the user sees them.
//
//   npm run test:soak-extension-host                          # 30 minutes
//   HOTPATH_SOAK_MINUTES=2 npm run test:soak-extension-host   # a short trial
//
// Writes soak-extension-host.csv, soak-extension-host-summary.json (rewritten
// after every sample, so a run stopped early leaves its curve) and
// soak-extension-host-dashboard.png into HOTPATH_SOAK_OUT (default: a fresh
// folder in the system temp folder). The summary compares the medians of the
// first and the last window of the load (5 minutes, or a sixth of a shorter
// run) and fits a least-squares line (MB per minute, with r²).
//
// Exit code 1 when the run did not finish as passed, or when between the
// first and the last window the extension host's heap after GC grew by more
// than HOTPATH_SOAK_MAX_HEAP_GROWTH_MB (default 20), its RSS by more than
// HOTPATH_SOAK_MAX_RSS_GROWTH_MB (default 64), or the renderer's JS heap
// after GC by more than HOTPATH_SOAK_MAX_RENDERER_GROWTH_MB (default 32).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CDPSession, Frame } from 'playwright-core';
import WebSocket from 'ws';
import { linearFit } from '../src/engine/analysis/stats';
import { CodeServer, repoRoot, startCodeServer } from '../test/integration/codeServer';
import { demoCopy, savedRuns, SavedRun, sleep, waitFor, whyNotRunnable } from '../test/integration/demoRun';
import { Workbench } from '../test/integration/workbench';

const minutes = Number(process.env.HOTPATH_SOAK_MINUTES || 30);
const sampleSec = Number(process.env.HOTPATH_SOAK_SAMPLE_SEC || 10);
const connections = Number(process.env.HOTPATH_SOAK_CONNECTIONS || 4);
const bounds = {
  extensionHostHeapAfterGcMB: Number(process.env.HOTPATH_SOAK_MAX_HEAP_GROWTH_MB || 20),
  extensionHostRssMB: Number(process.env.HOTPATH_SOAK_MAX_RSS_GROWTH_MB || 64),
  rendererHeapAfterGcMB: Number(process.env.HOTPATH_SOAK_MAX_RENDERER_GROWTH_MB || 32),
};
/** Samples taken after the run is saved, to see what is given back. */
const afterRunSamples = 3;
const inspectPort = Number(process.env.HOTPATH_SOAK_INSPECT_PORT || 19333);
/** HOTPATH_SOAK_FLAME=0 leaves the flame graph closed (to tell its cost from the dashboard's). */
const withFlame = process.env.HOTPATH_SOAK_FLAME !== '0';

const out = process.env.HOTPATH_SOAK_OUT
  ? path.resolve(process.env.HOTPATH_SOAK_OUT)
  : fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-soak-extension-host-'));
fs.mkdirSync(out, { recursive: true });
const csvFile = path.join(out, 'soak-extension-host.csv');
const summaryFile = path.join(out, 'soak-extension-host-summary.json');
const screenshotFile = path.join(out, 'soak-extension-host-dashboard.png');

const MB = 1024 * 1024;
const DASHBOARD = { title: 'Hotpath: Live Dashboard' };

interface Sample {
  t: number;
  phase: string;
  requests: number | null;
  /** Seconds since this script first saw the load phase. */
  loadWallSec: number | null;
  /** The elapsed time the dashboard shows (its latest data point); behind loadWallSec when the webview lags the stream. */
  dashboardSec: number | null;
  /** loadWallSec − dashboardSec, give or take the second between the run's start and its first tick. */
  dashboardLagSec: number | null;
  /** The flame graph's last redraw (message received to frame painted), ms, as the webview records it. */
  flamePaintMs: number | null;
  hostRss: number | null;
  hostHeapUsed: number | null;
  hostHeapAfterGc: number | null;
  hostHeapTotal: number | null;
  /** process.memoryUsage() in the extension host: memory outside the JS heap (Buffers, ArrayBuffers). */
  hostExternal: number | null;
  hostArrayBuffers: number | null;
  serviceRss: number | null;
  rendererHeapUsed: number | null;
  rendererHeapAfterGc: number | null;
  rendererNodes: number | null;
  rendererListeners: number | null;
  rendererRss: number | null;
  rendererProcesses: number;
}

const columns: [keyof Sample, string][] = [
  ['t', 't_s'],
  ['phase', 'phase'],
  ['requests', 'requests'],
  ['loadWallSec', 'load_wall_s'],
  ['dashboardSec', 'dashboard_elapsed_s'],
  ['dashboardLagSec', 'dashboard_lag_s'],
  ['flamePaintMs', 'flame_paint_ms'],
  ['hostRss', 'host_rss_mb'],
  ['hostHeapUsed', 'host_heap_used_mb'],
  ['hostHeapAfterGc', 'host_heap_after_gc_mb'],
  ['hostHeapTotal', 'host_heap_total_mb'],
  ['hostExternal', 'host_external_mb'],
  ['hostArrayBuffers', 'host_array_buffers_mb'],
  ['serviceRss', 'service_rss_mb'],
  ['rendererHeapUsed', 'renderer_heap_used_mb'],
  ['rendererHeapAfterGc', 'renderer_heap_after_gc_mb'],
  ['rendererNodes', 'renderer_dom_nodes'],
  ['rendererListeners', 'renderer_listeners'],
  ['rendererRss', 'renderer_rss_mb'],
  ['rendererProcesses', 'renderer_processes'],
];

const samples: Sample[] = [];
const t0 = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${msg}`);

// ---------------------------------------------------------------------------
// Processes

interface Proc {
  pid: number;
  ppid: number;
  argv: string[];
}

function processes(): Proc[] {
  const outList: Proc[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      outList.push({ pid: Number(entry), ppid: Number(fields[1]), argv });
    } catch {
      // exited while we were reading
    }
  }
  return outList;
}

function descendantsOf(all: Proc[], roots: number[]): Proc[] {
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found: Proc[] = [];
  const seen = new Set<number>();
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      if (seen.has(c.pid)) continue;
      seen.add(c.pid);
      found.push(c);
      walk(c.pid);
    }
  };
  roots.forEach(walk);
  return found;
}

/** The processes below our code-server (the one whose command line names its user-data folder). */
function serverTree(server: CodeServer): Proc[] {
  const all = processes();
  const roots = all.filter((p) => p.argv.includes(server.userDataDir)).map((p) => p.pid);
  return descendantsOf(all, roots);
}

function findExtensionHost(server: CodeServer): Proc | undefined {
  return serverTree(server).find((p) => p.argv.join(' ').includes('--type=extensionHost'));
}

function findService(server: CodeServer): Proc | undefined {
  return serverTree(server).find((p) => p.argv.some((a) => a === 'server.js' || a.endsWith('/server.js')));
}

/** Chromium's renderer processes started by this process (through playwright-core). */
function rendererProcesses(): Proc[] {
  // Processes forked from Chromium's zygote rewrite their command line into one string.
  return descendantsOf(processes(), [process.pid]).filter((p) => p.argv.join(' ').includes('--type=renderer'));
}

/** VmRSS in MB, or null when the process is gone. */
function rssMB(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// The extension host's inspector (a minimal CDP client)

class Inspector {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('the inspector connection closed'));
      this.pending.clear();
    });
  }

  static async connect(port: number): Promise<Inspector> {
    const res = await fetch(`http://127.0.0.1:${port}/json/list`);
    const targets = (await res.json()) as { webSocketDebuggerUrl: string }[];
    if (!targets.length) throw new Error(`no inspector target on port ${port}`);
    const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Inspector(ws);
  }

  send<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** The port the extension host's inspector listens on, from its command line (--inspect=… or --inspect-port=…). */
function inspectorPortOf(proc: Proc): number | undefined {
  for (const a of proc.argv) {
    const m = /^--inspect(?:-brk)?(?:-port)?=(?:[\d.]+:)?(\d+)$/.exec(a);
    if (m) return Number(m[1]);
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Statistics

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function fit(xs: number[], ys: number[]): { slopePerMin: number | null; r2: number | null } {
  // xs in seconds; the same least squares as the memory-growth finding.
  const line = linearFit(xs, ys);
  return line ? { slopePerMin: round(line.slope * 60, 3), r2: round(line.r2, 3) } : { slopePerMin: null, r2: null };
}

function round(v: number | null, d = 2): number | null {
  return v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d;
}

type Figure = {
  firstWindowMedian: number | null;
  lastWindowMedian: number | null;
  growth: number | null;
  max: number | null;
  slopePerMin: number | null;
  r2: number | null;
  byMinute: { minute: number; median: number | null }[];
};

let run: SavedRun | undefined;
let runError: string | undefined;
let screenshotTaken = false;
const notes: string[] = [];

function summarize() {
  const load = samples.filter((s) => s.phase === 'load');
  const span = load.length ? load[load.length - 1].t - load[0].t : 0;
  const windowSec = Math.min(300, span / 6);
  const first = load.filter((s) => s.t <= load[0].t + windowSec);
  const last = load.filter((s) => s.t >= load[load.length - 1].t - windowSec);
  const figure = (key: keyof Sample): Figure | null => {
    const pts = load.filter((s) => typeof s[key] === 'number') as (Sample & Record<typeof key, number>)[];
    if (!pts.length) return null;
    const values = (list: Sample[]) => list.map((s) => s[key]).filter((v): v is number => typeof v === 'number');
    const f = median(values(first));
    const l = median(values(last));
    // The curve, one median per minute of load.
    const byMinute: Figure['byMinute'] = [];
    const start = load[0].t;
    for (let m = 1; m <= Math.ceil(span / 60); m++) {
      const inMinute = load.filter((s) => s.t > start + (m - 1) * 60 && s.t <= start + m * 60);
      byMinute.push({ minute: m, median: round(median(values(inMinute))) });
    }
    return {
      firstWindowMedian: round(f),
      lastWindowMedian: round(l),
      growth: f !== null && l !== null ? round(l - f) : null,
      max: round(Math.max(...values(pts))),
      ...fit(pts.map((s) => s.t), values(pts)),
      byMinute,
    };
  };
  const after = samples.filter((s) => s.phase === 'saved');
  const checks = {
    runPassed: run?.record.status === 'passed',
    extensionHostHeapAfterGc: withinBound(figure('hostHeapAfterGc'), bounds.extensionHostHeapAfterGcMB),
    extensionHostRss: withinBound(figure('hostRss'), bounds.extensionHostRssMB),
    rendererHeapAfterGc: withinBound(figure('rendererHeapAfterGc'), bounds.rendererHeapAfterGcMB),
  };
  return {
    what: 'Extension host and workbench renderer memory during one long Run Benchmark in code-server',
    codeServer: '4.100.3 (VS Code 1.100)',
    node: process.version,
    plannedMinutes: minutes,
    sampleEverySec: sampleSec,
    connections,
    bounds,
    samples: samples.length,
    loadSamples: load.length,
    loadMinutesSampled: round(span / 60),
    windowSec: Math.round(windowSec),
    run: run
      ? {
          dir: path.basename(run.dir),
          status: run.record.status,
          error: run.record.error,
          requests: run.record.load?.requests.total ?? null,
        }
      : null,
    runError: runError ?? null,
    checks,
    // The extension host's RSS must have been measured; the heap figures count when they were.
    passed: checks.runPassed && checks.extensionHostRss !== null && Object.values(checks).every((c) => c !== false),
    notes,
    extensionHostRssMB: figure('hostRss'),
    extensionHostHeapAfterGcMB: figure('hostHeapAfterGc'),
    extensionHostHeapUsedMB: figure('hostHeapUsed'),
    extensionHostExternalMB: figure('hostExternal'),
    extensionHostArrayBuffersMB: figure('hostArrayBuffers'),
    serviceRssMB: figure('serviceRss'),
    rendererHeapAfterGcMB: figure('rendererHeapAfterGc'),
    rendererHeapUsedMB: figure('rendererHeapUsed'),
    rendererRssMB: figure('rendererRss'),
    rendererDomNodes: figure('rendererNodes'),
    rendererListeners: figure('rendererListeners'),
    /** In seconds, not MB: how far the dashboard's latest point is behind the wall clock. */
    dashboardLagSec: figure('dashboardLagSec'),
    /** In ms: how long each redraw of the live flame graph took. */
    flamePaintMs: figure('flamePaintMs'),
    peakDuringSave: peak(samples.filter((s) => s.phase !== 'load' && s.phase !== 'starting' && s.phase !== 'saved')),
    afterSave: after.length ? after[after.length - 1] : null,
    screenshot: screenshotTaken ? path.basename(screenshotFile) : null,
  };
}

/** true / false against the bound, or null when the figure was not measured. */
function withinBound(f: Figure | null, bound: number): boolean | null {
  if (!f || f.growth === null) return null;
  return f.growth <= bound;
}

function peak(list: Sample[]) {
  if (!list.length) return null;
  const max = (key: keyof Sample) => round(Math.max(...list.map((s) => (typeof s[key] === 'number' ? (s[key] as number) : -Infinity))));
  return { samples: list.length, hostRssMB: max('hostRss'), hostHeapUsedMB: max('hostHeapUsed'), rendererHeapUsedMB: max('rendererHeapUsed') };
}

function record(s: Sample): void {
  samples.push(s);
  fs.appendFileSync(
    csvFile,
    columns
      .map(([key]) => {
        const v = s[key];
        if (v === null) return '';
        if (typeof v === 'number') return key === 't' ? v.toFixed(1) : Number.isInteger(v) ? String(v) : v.toFixed(2);
        return v;
      })
      .join(',') + '\n',
  );
  fs.writeFileSync(summaryFile, JSON.stringify(summarize(), null, 2) + '\n');
}

// ---------------------------------------------------------------------------
// The workbench

async function readDashboard(wb: Workbench): Promise<{ phase: string; requests: number | null; elapsed: number | null }> {
  try {
    const frame = await wb.webview(DASHBOARD, 5_000);
    const text = async (sel: string) => ((await frame.locator(sel).first().textContent({ timeout: 5_000 })) ?? '').trim();
    const phase = await text('.phase-label');
    const m = /[\d][\d,.]*/.exec(await text('.tile-rps .tile-detail'));
    // "1:02:03 elapsed" or "12:34 elapsed"
    const e = /(?:(\d+):)?(\d+):(\d\d) elapsed/.exec(await text('.phase-elapsed').catch(() => ''));
    const elapsed = e ? Number(e[1] ?? 0) * 3600 + Number(e[2]) * 60 + Number(e[3]) : null;
    return { phase, requests: m ? Number(m[0].replace(/,/g, '')) : null, elapsed };
  } catch {
    // The dashboard could not be read: fall back to the status bar item, which shows req/s under load.
    const item = wb.page.locator('.part.statusbar .statusbar-item[id$=".hotpath.status"]');
    const text = (await item.count()) ? ((await item.first().textContent().catch(() => '')) ?? '') : '';
    if (!notes.includes(dashboardUnreadable)) notes.push(dashboardUnreadable);
    return { phase: /req\/s/.test(text) ? 'Under load' : '', requests: null, elapsed: null };
  }
}

const dashboardUnreadable = 'The dashboard could not be read at some sample; the phase was taken from the status bar there.';

async function readFlamePaint(wb: Workbench): Promise<number | null> {
  try {
    const frame = await wb.webview({ hasSelector: 'canvas.flame-canvas' }, 5_000);
    const ms = await frame.evaluate(
      () => (globalThis as unknown as { document: { body: { dataset: Record<string, string | undefined> } } }).document.body.dataset.firstPaintMs,
    );
    return ms === undefined ? null : Number(ms);
  } catch {
    return null;
  }
}

async function rendererMetrics(cdp: CDPSession): Promise<{ used: number; afterGc: number; nodes: number; listeners: number } | null> {
  try {
    const get = async () => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      return Object.fromEntries(metrics.map((m) => [m.name, m.value])) as Record<string, number>;
    };
    const before = await get();
    await cdp.send('HeapProfiler.collectGarbage');
    const after = await get();
    return { used: before.JSHeapUsedSize / MB, afterGc: after.JSHeapUsedSize / MB, nodes: after.Nodes, listeners: after.JSEventListeners };
  } catch {
    return null;
  }
}

async function hostHeap(
  inspector: Inspector | undefined,
): Promise<{ used: number; afterGc: number; total: number; external: number | null; arrayBuffers: number | null } | null> {
  if (!inspector) return null;
  try {
    const before = await inspector.send<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage');
    await inspector.send('HeapProfiler.collectGarbage');
    const after = await inspector.send<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage');
    let external: number | null = null;
    let arrayBuffers: number | null = null;
    try {
      const r = await inspector.send<{ result: { value?: string } }>('Runtime.evaluate', {
        expression: 'JSON.stringify(process.memoryUsage())',
        returnByValue: true,
      });
      const mu = JSON.parse(r.result.value ?? '{}') as { external?: number; arrayBuffers?: number };
      external = typeof mu.external === 'number' ? mu.external / MB : null;
      arrayBuffers = typeof mu.arrayBuffers === 'number' ? mu.arrayBuffers / MB : null;
    } catch {
      // the host's global `process` is not reachable: heap figures only
    }
    return { used: before.usedSize / MB, afterGc: after.usedSize / MB, total: before.totalSize / MB, external, arrayBuffers };
  } catch {
    return null;
  }
}

/**
 * The phase a sample counts in. The load lasts exactly `minutes` from the
 * moment the dashboard first said "Under load"; after that a sample is
 * 'ending' (analysis and saving) even while a lagging dashboard still shows
 * the load, so the last window is the load's and not the save's.
 */
function phaseOf(shown: string, saved: boolean, loadWallSec: number | null): string {
  if (saved) return 'saved';
  if (loadWallSec !== null && loadWallSec > minutes * 60) return 'ending';
  if (/under load/i.test(shown)) return 'load';
  if (!shown || /start/i.test(shown)) return 'starting';
  return shown.toLowerCase().replace(/[^a-z]+/g, '-');
}

async function main(): Promise<number> {
  const skip = whyNotRunnable();
  if (skip) {
    console.error(`Cannot run the soak: ${skip}`);
    return 2;
  }
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    console.error('dist/extension.js is missing: run `npm run build` first');
    return 2;
  }
  fs.writeFileSync(csvFile, columns.map(([, name]) => name).join(',') + '\n');

  // A copy of the demo whose load is one long constant stage.
  const folder = demoCopy('soak-extension-host-demo-', (config) => {
    config.load.scenario = 'load';
    config.load.stages = [{ durationSec: Math.round(minutes * 60), connections }];
    // Latency budgets would judge how busy this shared machine is, not memory.
    config.budgets = {};
  });
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-soak-extension-host-runs-'));

  const server = await startCodeServer({
    name: 'soak-extension-host',
    settings: { 'hotpath.runsDirectory': runsDir },
  });
  // The workbench asks the server to start the extension host with its inspector
  // on this port, as VS Code's "Extension Development Host" does when debugging.
  const url = new URL(server.url);
  const payload = JSON.parse(url.searchParams.get('payload') ?? '[]') as [string, string][];
  payload.push(['inspect-extensions', String(inspectPort)]);
  url.searchParams.set('payload', JSON.stringify(payload));

  let wb: Workbench | undefined;
  let inspector: Inspector | undefined;
  let cdp: CDPSession | undefined;
  try {
    wb = await Workbench.launch({ name: 'soak-extension-host' });
    await wb.open(url.toString(), folder);
    log('workbench loaded');
    const host = await waitFor(async () => findExtensionHost(server), (p) => p !== undefined, 'the extension host process', 30_000);
    const port = inspectorPortOf(host!);
    log(`extension host: pid ${host!.pid}, inspector port ${port ?? 'none'}; argv ${host!.argv.slice(1).join(' ')}`);
    if (port) {
      try {
        inspector = await Inspector.connect(port);
      } catch (err) {
        notes.push(`The extension host's inspector (port ${port}) could not be reached: ${(err as Error).message}; its heap was not sampled.`);
      }
    } else {
      notes.push("The extension host was started without an inspector; its heap was not sampled (RSS only).");
    }
    cdp = await wb.context.newCDPSession(wb.page);
    await cdp.send('Performance.enable');

    await wb.runCommand('Hotpath: Run Benchmark');
    log('Run Benchmark chosen in the palette');
    const dashboard: Frame = await wb.webview(DASHBOARD, 60_000);
    await waitFor(() => dashboard.locator('.phase-label').textContent(), (s) => /Under load/i.test(s ?? ''), 'the run to reach the load phase', 60_000);
    const loadSeen = Date.now();
    log('under load');

    // The live flame graph, in a second editor group so that the dashboard stays
    // visible (an unretained webview that is hidden is torn down and stops
    // receiving updates). Its first slice arrives a few seconds into the load.
    if (withFlame) {
      await wb.runCommand('View: New Editor Group to the Right');
      const liveTab = wb.page.locator('.part.editor .tab', { hasText: '(live)' });
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (await liveTab.count()) === 0) {
        await wb.runCommand('Hotpath: Show Flame Graph');
        await waitFor(() => liveTab.count(), (n) => n > 0, 'the live flame graph tab', 3_000).catch(() => undefined);
      }
      if ((await liveTab.count()) === 0) throw new Error('the live flame graph did not open');
      await wb.webview({ hasSelector: 'canvas.flame-canvas' }, 30_000);
      await wb.page.mouse.move(800, 500);
      log('live flame graph open');
    } else {
      notes.push('HOTPATH_SOAK_FLAME=0: the flame graph was not opened.');
    }
    await wb.screenshot('soak-extension-host-start');
    const groups = await wb.page.locator('.part.editor .editor-group-container').count();
    const visibleWebviews = (await wb.webviewFrames()).length;
    notes.push(`Editor groups: ${groups}; webviews loaded: ${visibleWebviews} (the dashboard and the flame graph side by side).`);
    log(`editor groups ${groups}, webviews ${visibleWebviews}`);

    let after = 0;
    let midShot = false;
    const loadEnd = Date.now() + minutes * 60_000 + 10 * 60_000; // the run's own end plus time to save
    for (let next = Date.now(); ; ) {
      const shown = await readDashboard(wb);
      const flamePaintMs = withFlame ? await readFlamePaint(wb) : null;
      if (!run) {
        const saved = savedRuns(runsDir);
        if (saved.length) run = saved[0];
      }
      const h = findExtensionHost(server);
      const svc = findService(server);
      const heap = await hostHeap(inspector);
      const renderer = await rendererMetrics(cdp);
      const renderers = rendererProcesses();
      const rendererRss = renderers.map((p) => rssMB(p.pid)).filter((v): v is number => v !== null);
      const s: Sample = {
        t: (Date.now() - t0) / 1000,
        phase: phaseOf(shown.phase, run !== undefined, (Date.now() - loadSeen) / 1000),
        requests: shown.requests,
        loadWallSec: (Date.now() - loadSeen) / 1000,
        dashboardSec: shown.elapsed,
        dashboardLagSec: shown.elapsed === null ? null : (Date.now() - loadSeen) / 1000 - shown.elapsed,
        flamePaintMs,
        hostRss: h ? rssMB(h.pid) : null,
        hostHeapUsed: heap?.used ?? null,
        hostHeapAfterGc: heap?.afterGc ?? null,
        hostHeapTotal: heap?.total ?? null,
        hostExternal: heap?.external ?? null,
        hostArrayBuffers: heap?.arrayBuffers ?? null,
        serviceRss: svc ? rssMB(svc.pid) : null,
        rendererHeapUsed: renderer?.used ?? null,
        rendererHeapAfterGc: renderer?.afterGc ?? null,
        rendererNodes: renderer?.nodes ?? null,
        rendererListeners: renderer?.listeners ?? null,
        rendererRss: rendererRss.length ? rendererRss.reduce((a, b) => a + b, 0) : null,
        rendererProcesses: rendererRss.length,
      };
      record(s);
      log(
        `${s.phase.padEnd(9)} requests ${s.requests ?? '–'}, dashboard at ${s.dashboardSec ?? '–'} s of ${s.loadWallSec?.toFixed(0)} s, host RSS ${s.hostRss?.toFixed(1)} MB, heap ${s.hostHeapUsed?.toFixed(1)} → ${s.hostHeapAfterGc?.toFixed(1)} MB after GC, external ${s.hostExternal?.toFixed(1)} MB, ` +
          `renderer heap ${s.rendererHeapUsed?.toFixed(1)} → ${s.rendererHeapAfterGc?.toFixed(1)} MB, nodes ${s.rendererNodes}, renderer RSS ${s.rendererRss?.toFixed(0)} MB (${s.rendererProcesses})`,
      );
      if (!midShot && s.phase === 'load' && Date.now() - t0 > (minutes * 60_000) / 2) {
        midShot = true;
        await wb.screenshot('soak-extension-host-midrun').catch(() => undefined);
      }
      if (run) {
        if (after === 0) {
          log(`run saved: ${path.basename(run.dir)}, status ${run.record.status}, ${run.record.load?.requests.total ?? 0} requests`);
          // The dashboard as it ends, with the flame graph beside it.
          await sleep(2_000);
          await wb.page.mouse.move(800, 500);
          await wb.page.screenshot({ path: screenshotFile });
          screenshotTaken = true;
        }
        if (++after > afterRunSamples) break;
      }
      if (Date.now() > loadEnd) {
        runError = `the run was not saved within ${minutes + 10} minutes`;
        break;
      }
      next += sampleSec * 1000;
      await sleep(Math.max(0, next - Date.now()));
    }
  } catch (err) {
    runError = (err as Error).stack ?? String(err);
    console.error(runError);
    if (wb) await wb.screenshot('soak-extension-host-failure').catch(() => undefined);
  } finally {
    inspector?.close();
    await wb?.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(runsDir, { recursive: true, force: true });
    fs.rmSync(folder, { recursive: true, force: true });
  }

  const summary = summarize();
  fs.writeFileSync(summaryFile, JSON.stringify(summary, null, 2) + '\n');
  const show = (name: string, f: Figure | null) =>
    f
      ? `${name}: first ${f.firstWindowMedian} MB, last ${f.lastWindowMedian} MB (growth ${f.growth}), max ${f.max}, slope ${f.slopePerMin} MB/min, r² ${f.r2}`
      : `${name}: not measured`;
  console.log(show('extension host RSS', summary.extensionHostRssMB));
  console.log(show('extension host heap after GC', summary.extensionHostHeapAfterGcMB));
  console.log(show('renderer heap after GC', summary.rendererHeapAfterGcMB));
  console.log(`run: ${JSON.stringify(summary.run)}; checks ${JSON.stringify(summary.checks)}`);
  console.log(`CSV: ${csvFile}\nsummary: ${summaryFile}`);
  return summary.passed ? 0 : 1;
}

/**
 * `node out/bench/soakExtensionHost.js --summarize CSV`: the summary again from
 * a CSV this script wrote (phases re-derived with phaseOf), into
 * HOTPATH_SOAK_OUT; the run's record is taken from the existing summary there.
 */
function resummarize(csv: string): number {
  const [header, ...rows] = fs.readFileSync(csv, 'utf8').trim().split('\n');
  const names = header.split(',');
  const keyOf = new Map(columns.map(([key, name]) => [name, key]));
  for (const row of rows) {
    const cells = row.split(',');
    const s = {} as Record<string, unknown>;
    names.forEach((name, i) => {
      const key = keyOf.get(name);
      if (!key) return;
      s[key] = key === 'phase' ? cells[i] : cells[i] === '' ? null : Number(cells[i]);
    });
    const sample = s as unknown as Sample;
    if (sample.phase !== 'saved') sample.phase = phaseOf(sample.phase === 'load' ? 'Under load' : sample.phase, false, sample.loadWallSec);
    samples.push(sample);
  }
  if (fs.existsSync(summaryFile)) {
    const old = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as { run: { dir: string; status: string; error: string | null; requests: number | null } | null; notes?: string[]; screenshot?: string | null };
    if (old.run) run = { dir: old.run.dir, record: { status: old.run.status, error: old.run.error, load: { requests: { total: old.run.requests ?? 0 } } } };
    notes.push(...(old.notes ?? []));
    screenshotTaken = Boolean(old.screenshot);
  }
  const summary = summarize();
  fs.writeFileSync(summaryFile, JSON.stringify(summary, null, 2) + '\n');
  console.log(`summary: ${summaryFile} (${summary.loadSamples} load samples); passed: ${summary.passed}`);
  return summary.passed ? 0 : 1;
}

const summarizeArg = process.argv.indexOf('--summarize');
(summarizeArg >= 0 ? Promise.resolve(resummarize(path.resolve(process.argv[summarizeArg + 1]))) : main()).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
