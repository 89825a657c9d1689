#!/usr/bin/env node
// Memory soak: the engine, embedded in this process the way the extension host
// embeds it (BenchmarkRun called in-process, its events subscribed to), runs the
// demo service under constant load for HOTPATH_SOAK_MINUTES (default 30) while this
// process samples its own heap and RSS every HOTPATH_SOAK_SAMPLE_SEC (default 10).
//
//   npm run test:soak-memory                      # 30 minutes
//   HOTPATH_SOAK_MINUTES=2 npm run test:soak-memory   # a short trial
//
// Writes soak-memory.csv and soak-memory-summary.json into HOTPATH_SOAK_OUT
// (default: a fresh folder in the system temp folder) and rewrites the summary
// after every sample, so a run stopped early still leaves its curve. The summary
// compares the first and the last window (5 minutes, or a sixth of a shorter run)
// and fits a least-squares line (MB per minute, with r²) to heap after GC and RSS.
// Exit code 1 when the engine's heap after GC grew by more than
// HOTPATH_SOAK_MAX_GROWTH_MB (default 20) between the first and the last window.

'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const engine = path.join(root, 'out', 'src', 'engine');
const { loadConfig } = require(path.join(engine, 'config.js'));
const { BenchmarkRun } = require(path.join(engine, 'runner.js'));
const { CancellationSource } = require(path.join(engine, 'events.js'));

const minutes = Number(process.env.HOTPATH_SOAK_MINUTES || 30);
const sampleSec = Number(process.env.HOTPATH_SOAK_SAMPLE_SEC || 10);
const connections = Number(process.env.HOTPATH_SOAK_CONNECTIONS || 10);
const maxGrowthMB = Number(process.env.HOTPATH_SOAK_MAX_GROWTH_MB || 20);
const out = process.env.HOTPATH_SOAK_OUT
  ? path.resolve(process.env.HOTPATH_SOAK_OUT)
  : fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-soak-memory-'));
fs.mkdirSync(out, { recursive: true });

const gc = typeof global.gc === 'function' ? global.gc : null;
const MB = 1024 * 1024;

// The demo's own config, with one long constant stage; runs go to the output folder.
const demoDir = path.join(root, 'examples', 'demo');
const demo = JSON.parse(fs.readFileSync(path.join(demoDir, 'hotpath.config.json'), 'utf8'));
delete demo.$schema;
demo.service.cwd = demoDir;
demo.load.scenario = 'load';
demo.load.stages = [{ durationSec: Math.round(minutes * 60), connections }];
demo.budgets = {};
const configFile = path.join(out, 'hotpath.config.json');
fs.writeFileSync(configFile, JSON.stringify(demo, null, 2));

const csvFile = path.join(out, 'soak-memory.csv');
const summaryFile = path.join(out, 'soak-memory-summary.json');
fs.writeFileSync(csvFile, 't_s,phase,heap_used_mb,heap_after_gc_mb,heap_total_mb,rss_mb,external_mb,load_ticks,cpu_slices\n');

const samples = [];
let phase = 'starting';
let loadTicks = 0;
let cpuSlices = 0;
const t0 = Date.now();

function sample() {
  const before = process.memoryUsage();
  let afterGc = before.heapUsed;
  if (gc) {
    gc();
    afterGc = process.memoryUsage().heapUsed;
  }
  const s = {
    t: (Date.now() - t0) / 1000,
    phase,
    heapUsed: before.heapUsed / MB,
    heapAfterGc: afterGc / MB,
    heapTotal: before.heapTotal / MB,
    rss: before.rss / MB,
    external: before.external / MB,
    loadTicks,
    cpuSlices,
  };
  samples.push(s);
  fs.appendFileSync(
    csvFile,
    [s.t.toFixed(1), s.phase, s.heapUsed, s.heapAfterGc, s.heapTotal, s.rss, s.external]
      .map((v) => (typeof v === 'number' ? v.toFixed(2) : v))
      .concat([loadTicks, cpuSlices])
      .join(',') + '\n',
  );
  fs.writeFileSync(summaryFile, JSON.stringify(summarize(), null, 2) + '\n');
}

function fit(xs, ys) {
  const n = xs.length;
  if (n < 3) return { slopePerMin: null, r2: null };
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxx ? sxy / sxx : 0;
  const r2 = sxx && syy ? (sxy * sxy) / (sxx * syy) : 0;
  return { slopePerMin: round(slope * 60), r2: round(r2, 3) };
}

function round(v, d = 2) {
  return v === null ? null : Math.round(v * 10 ** d) / 10 ** d;
}

function mean(xs) {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

function summarize() {
  const load = samples.filter((s) => s.phase === 'load');
  const span = load.length ? load[load.length - 1].t - load[0].t : 0;
  const windowSec = Math.min(300, span / 6);
  const first = load.filter((s) => s.t <= load[0].t + windowSec);
  const last = load.filter((s) => s.t >= load[load.length - 1].t - windowSec);
  const figure = (key) => ({
    firstWindowMeanMB: round(mean(first.map((s) => s[key]))),
    lastWindowMeanMB: round(mean(last.map((s) => s[key]))),
    maxMB: round(Math.max(...load.map((s) => s[key]))),
    ...fit(load.map((s) => s.t), load.map((s) => s[key])),
  });
  return {
    plannedMinutes: minutes,
    sampleEverySec: sampleSec,
    connections,
    gcBeforeSample: Boolean(gc),
    node: process.version,
    samples: samples.length,
    loadSamples: load.length,
    loadMinutesSampled: round(span / 60),
    windowSec: Math.round(windowSec),
    loadTicks,
    cpuSlices,
    heapAfterGc: load.length ? figure('heapAfterGc') : null,
    heapUsed: load.length ? figure('heapUsed') : null,
    rss: load.length ? figure('rss') : null,
  };
}

async function main() {
  const cancel = new CancellationSource();
  process.once('SIGINT', () => cancel.cancel('The soak was interrupted.'));
  process.once('SIGTERM', () => cancel.cancel('The soak was interrupted.'));
  const run = new BenchmarkRun({
    loaded: loadConfig(configFile),
    runsDir: path.join(out, 'runs'),
    token: cancel.token,
    probePath: path.join(root, 'dist', 'probe.js'),
  });
  // Subscribe the way the extension's dashboard does: every event is handled.
  run.onEvent.event((e) => {
    if (e.type === 'phase') {
      phase = e.phase;
      process.stdout.write(`soak: ${e.message}\n`);
    } else if (e.type === 'loadTick') loadTicks++;
    else if (e.type === 'cpuSlice') cpuSlices++;
  });
  sample();
  const timer = setInterval(sample, sampleSec * 1000);
  const outcome = await run.run();
  clearInterval(timer);
  phase = 'done';
  sample();
  const summary = summarize();
  fs.writeFileSync(summaryFile, JSON.stringify(summary, null, 2) + '\n');
  process.stdout.write(`soak: run ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''}, ${outcome.record?.load?.requests.total ?? 0} requests\n`);
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`soak: ${csvFile}\nsoak: ${summaryFile}\n`);
  const h = summary.heapAfterGc;
  if (outcome.status === 'error' || outcome.status === 'cancelled') return 2;
  if (h && h.lastWindowMeanMB - h.firstWindowMeanMB > maxGrowthMB) {
    process.stderr.write(`soak: the engine's heap after GC grew by ${round(h.lastWindowMeanMB - h.firstWindowMeanMB)} MB (more than ${maxGrowthMB} MB).\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`soak: ${err && err.message ? err.message : err}\n`);
    process.exit(2);
  },
);
