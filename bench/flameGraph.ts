/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Flame graph side by side (issue 7): first paint of a 200,000-node profile and
// frame rate while zooming, in headless Chromium, for Hotpath's renderer,
// speedscope and d3-flame-graph (both from npm), on the same generated profile.
//
// Pages are served from a 127.0.0.1 http server started here; every contender
// gets one fresh page per round (first paint, then zoom on that page), and the
// contender order is rotated each round.

import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { chromium, type Browser, type Page } from 'playwright-core';

export type Contender = 'Hotpath' | 'speedscope' | 'd3-flame-graph';

export interface Stat { median: number; min: number; max: number }
export interface FlameRow {
  contender: Contender;
  firstPaintMs: Stat;
  fps: Stat;
  worstFrameMs: number;
  /** speedscope only: ms from the profile's response end to the same paint point. */
  afterProfileMs?: Stat;
  /** Hotpath only: its own `firstPaintMs` (message receipt to end of draw). */
  selfReportedMs?: Stat;
  /** Hotpath only: encoding the columns from the parsed profile (the host's share). */
  encodeMs?: Stat;
  /** Hotpath only: from the start of encoding until the complete tree (narrow frames too) is drawn. */
  completeMs?: Stat;
}
export interface FlameResult { rows: FlameRow[]; nodes: number; samples: number; maxDepth: number; rounds: number; load: { min: number; max: number }; failures: string[] }

function stat(all: number[]): Stat {
  const xs = all.filter((x) => Number.isFinite(x));
  if (!xs.length) return { median: NaN, min: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: m, min: s[0], max: s[s.length - 1] };
}

/** Deterministic synthetic .cpuprofile with at least `target` nodes, depth up to 48, a few hot paths. */
export function generateProfile(target = 200_000): { json: string; nodes: number; samples: number; maxDepth: number } {
  let seed = 0x9e3779b9;
  const rnd = () => {
    seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
    return seed / 0x100000000;
  };
  const frames: { functionName: string; url: string; lineNumber: number }[] = [];
  for (let i = 0; i < 4000; i++) {
    frames.push({ functionName: `fn${i.toString(36)}_${['handle', 'parse', 'render', 'query', 'map', 'emit', 'resolve'][i % 7]}`, url: `file:///srv/app/src/module${i % 400}.js`, lineNumber: (i * 37) % 900 });
  }
  interface N { id: number; frame: number; depth: number; children: number[]; hit: number }
  const nodes: N[] = [{ id: 1, frame: -1, depth: 0, children: [], hit: 0 }];
  const add = (parent: number, frame: number): number => {
    const n: N = { id: nodes.length + 1, frame, depth: nodes[parent].depth + 1, children: [], hit: 0 };
    nodes.push(n);
    nodes[parent].children.push(nodes.length - 1);
    return nodes.length - 1;
  };
  // A few hot paths: long chains (depth 30-48) from the root.
  const hot: number[] = [];
  for (let h = 0; h < 5; h++) {
    let at = 0;
    const depth = 30 + Math.floor(rnd() * 19);
    for (let d = 0; d < depth; d++) { at = add(at, Math.floor(rnd() * frames.length)); hot.push(at); }
    nodes[at].hit = 40_000 + Math.floor(rnd() * 20_000);
  }
  // Then a bushy cold tree: parents drawn from the hot paths (30 %) or anywhere (70 %).
  while (nodes.length < target) {
    let p = rnd() < 0.3 ? hot[Math.floor(rnd() * hot.length)] : Math.floor(rnd() * nodes.length);
    if (nodes[p].depth >= 48) p = 0;
    add(p, Math.floor(rnd() * frames.length));
  }
  // Samples in an order a sampled program gives: consecutive samples mostly on
  // the same or a nearby stack. Every node's samples in one run, nodes in tree
  // order, and the hot leaves' samples cut into bursts of 200-2,000 spread
  // through the run. (Samples shuffled one by one, as an earlier version did,
  // put every sample on a different stack: no real profile looks like that,
  // and it made speedscope's time-ordered import build a call tree of millions
  // of nodes and crash the page.)
  let maxDepth = 0;
  for (const n of nodes) {
    maxDepth = Math.max(maxDepth, n.depth);
    if (n.children.length === 0 && n.hit === 0) n.hit = 1 + Math.floor(rnd() * 3);
  }
  const runs: Array<[number, number]> = [];
  const bursts: Array<[number, number]> = [];
  const walk = [0];
  while (walk.length) {
    const i = walk.pop()!;
    const n = nodes[i];
    if (n.hit > 100) {
      for (let left = n.hit; left > 0; ) {
        const b = Math.min(left, 200 + Math.floor(rnd() * 1800));
        bursts.push([n.id, b]);
        left -= b;
      }
    } else if (n.hit > 0) runs.push([n.id, n.hit]);
    for (let c = n.children.length - 1; c >= 0; c--) walk.push(n.children[c]);
  }
  const at = bursts.map(() => Math.floor(rnd() * (runs.length + 1))).sort((a, b) => a - b);
  const sampleIds: number[] = [];
  let next = 0;
  for (let r = 0; r <= runs.length; r++) {
    while (next < at.length && at[next] === r) {
      const [id, k] = bursts[next++];
      for (let j = 0; j < k; j++) sampleIds.push(id);
    }
    if (r < runs.length) for (let j = 0; j < runs[r][1]; j++) sampleIds.push(runs[r][0]);
  }
  const timeDeltas = sampleIds.map(() => 900 + Math.floor(rnd() * 200));
  const total = timeDeltas.reduce((a, b) => a + b, 0);
  const profile = {
    nodes: nodes.map((n) => ({
      id: n.id,
      callFrame: n.frame < 0
        ? { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }
        : { functionName: frames[n.frame].functionName, scriptId: String(1 + (n.frame % 400)), url: frames[n.frame].url, lineNumber: frames[n.frame].lineNumber, columnNumber: 4 },
      hitCount: n.hit,
      children: n.children.map((c) => nodes[c].id),
    })),
    startTime: 0,
    endTime: total,
    samples: sampleIds,
    timeDeltas,
  };
  return { json: JSON.stringify(profile), nodes: nodes.length, samples: sampleIds.length, maxDepth };
}

const HOTPATH_PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><link rel="stylesheet" href="/media/flame.css"><title>x</title></head>
<body>
    <main id="flame"><p>Loading the flame graph…</p></main>
    <script src="/dist/webviews/flameGraph.js"></script>
    <script src="/flameColumns.js"></script>
</body></html>`;

/**
 * The host's encoder (src/protocol/flameColumns.ts, compiled by compile-tests)
 * for the page, so the bench can run in the page what the extension host does
 * before posting: the module has no run-time imports, so a CommonJS shim is enough.
 */
function columnsScript(root: string): string {
  const compiled = fs.readFileSync(path.join(root, 'out', 'src', 'protocol', 'flameColumns.js'), 'utf8');
  return `(function () { var module = { exports: {} }; var exports = module.exports;\n${compiled}\nwindow.HotpathFlameColumns = module.exports; })();`;
}

const D3_PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><link rel="stylesheet" href="/node_modules/d3-flame-graph/dist/d3-flamegraph.css"><title>x</title></head>
<body style="margin:0"><div id="chart"></div>
<script src="/node_modules/d3/dist/d3.min.js"></script>
<script src="/node_modules/d3-flame-graph/dist/d3-flamegraph.min.js"></script>
</body></html>`;

function serve(root: string, profileFile: string): Promise<http.Server> {
  const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png', '.woff2': 'font/woff2' };
  const speedscope = path.join(root, 'node_modules/speedscope/dist/release');
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    let file: string | null = null;
    let body: string | null = null;
    if (url === '/hotpath.html') body = HOTPATH_PAGE;
    else if (url === '/flameColumns.js') { res.setHeader('Content-Type', 'text/javascript'); res.end(columnsScript(root)); return; }
    else if (url === '/d3.html') body = D3_PAGE;
    else if (url === '/p.cpuprofile') file = profileFile;
    else if (url.startsWith('/speedscope/')) file = path.join(speedscope, url.slice('/speedscope/'.length) || 'index.html');
    else if (/^\/(dist|media|node_modules)\//.test(url) && !url.includes('..')) file = path.join(root, url);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'no-store');
    if (body !== null) { res.setHeader('Content-Type', 'text/html'); res.end(body); return; }
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.statusCode = 404; res.end(); return; }
    res.setHeader('Content-Type', types[path.extname(file)] ?? 'application/octet-stream');
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** In-page: one rAF then a setTimeout(0) — the end of the frame that shows what was drawn. */
const SETTLE = `() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))`;

/** In-page rAF loop for `ms`; returns the frame intervals. Started before the input is sent. */
async function startFrameLog(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stopFrames: boolean };
    w.__frames = [];
    w.__stopFrames = false;
    const tick = (t: number) => { w.__frames.push(t); if (!w.__stopFrames) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
}
async function stopFrameLog(page: Page): Promise<{ fps: number; worst: number }> {
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stopFrames: boolean };
    w.__stopFrames = true;
    const f = w.__frames;
    let worst = 0;
    for (let i = 1; i < f.length; i++) worst = Math.max(worst, f[i] - f[i - 1]);
    return { fps: ((f.length - 1) * 1000) / (f[f.length - 1] - f[0]), worst };
  });
}

/** ~40 wheel-in notches over 2 s at the centre of `selector`. */
async function wheelZoom(page: Page, x: number, y: number): Promise<{ fps: number; worst: number }> {
  await page.mouse.move(x, y);
  await startFrameLog(page);
  const t0 = Date.now();
  for (let i = 0; i < 40; i++) {
    await page.mouse.wheel(0, -120);
    const wait = t0 + (i + 1) * 50 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await page.evaluate(SETTLE);
  return stopFrameLog(page);
}

async function loadProfileInPage(page: Page, base: string): Promise<void> {
  await page.evaluate(async (u) => {
    (window as unknown as { __profile: unknown }).__profile = await (await fetch(u)).json();
  }, `${base}/p.cpuprofile`);
}

async function runHotpath(page: Page, base: string) {
  await page.goto(`${base}/hotpath.html`);
  await loadProfileInPage(page, base);
  // From the parsed profile, as the others: what the extension host does before
  // posting (encoding the columns) runs here in the page, then the columns are
  // posted with their buffers transferred, as VS Code hands them to the webview.
  const r = await page.evaluate(async (settle) => {
    interface Columns { nodeParent: Int32Array }
    const w = window as unknown as { __profile: unknown; HotpathFlameColumns: { encodeFlameColumns(p: unknown): Columns; flameColumnBuffers(c: Columns): ArrayBuffer[] } };
    const done = new Promise<void>((resolve) => {
      new MutationObserver((_, o) => { if (document.body.dataset.firstPaintMs) { o.disconnect(); resolve(); } }).observe(document.body, { attributes: true });
    });
    delete document.body.dataset.firstPaintMs;
    const t0 = performance.now();
    const columns = w.HotpathFlameColumns.encodeFlameColumns(w.__profile);
    const encoded = performance.now() - t0;
    window.postMessage({ type: 'showProfile', profile: columns, title: 'x' }, '*', w.HotpathFlameColumns.flameColumnBuffers(columns));
    await done;
    await (eval(settle) as () => Promise<void>)();
    const ms = performance.now() - t0;
    // The complete tree follows the first paint; zoom is measured on it.
    while (document.body.dataset.completeMs === undefined) await new Promise((r) => setTimeout(r, 5));
    return { ms, self: Number(document.body.dataset.firstPaintMs), encoded, complete: Number(document.body.dataset.completeMs) + encoded };
  }, SETTLE);
  await page.waitForTimeout(300);
  const box = (await page.locator('canvas.flame-canvas').boundingBox())!;
  const z = await wheelZoom(page, box.x + box.width * 0.3, box.y + Math.min(box.height / 2, 200));
  return { ...r, ...z };
}

async function runD3(page: Page, base: string, width: number) {
  await page.goto(`${base}/d3.html`);
  await loadProfileInPage(page, base);
  const r = await page.evaluate(async ({ settle, width }) => {
    interface Raw { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[] }
    interface T { name: string; value: number; children: T[] }
    const w = window as unknown as { __profile: Raw; d3: any; flamegraph: any };
    const t0 = performance.now();
    // Convert: the .cpuprofile node tree to {name, value, children}, value = inclusive samples.
    const raw = w.__profile;
    const byId = new Map<number, Raw['nodes'][number]>();
    for (const n of raw.nodes) byId.set(n.id, n);
    const build = (id: number): T => {
      const n = byId.get(id)!;
      const children = (n.children ?? []).map(build);
      let value = n.hitCount ?? 0;
      for (const c of children) value += c.value;
      const f = n.callFrame;
      return { name: `${f.functionName || '(anonymous)'} ${f.url}:${f.lineNumber + 1}`, value, children };
    };
    const tree = build(raw.nodes[0].id);
    // Height given up front: left unset, d3-flame-graph computes it with
    // Math.max.apply over every node, which overflows the stack at 200,000 nodes.
    // minFrameSize(1): frames under one pixel are not drawn, as in the canvas renderers.
    let maxDepth = 0;
    const depthOf = (t: T, d: number): void => { if (d > maxDepth) maxDepth = d; for (const c of t.children) depthOf(c, d + 1); };
    depthOf(tree, 0);
    const chart = w.flamegraph().width(width).height((maxDepth + 3) * 18).cellHeight(18).minFrameSize(1).transitionDuration(750);
    w.d3.select('#chart').datum(tree).call(chart);
    await (eval(settle) as () => Promise<void>)();
    return { ms: performance.now() - t0 };
  }, { settle: SETTLE, width });
  await page.waitForTimeout(300);
  // Zoom: click-to-zoom with a 750 ms transition; three clicks, 700 ms apart, each
  // on the widest frame one level deeper than the last, rAF counted across them.
  await startFrameLog(page);
  for (let k = 0; k < 3; k++) {
    await page.evaluate((depth) => {
      let best: Element | null = null;
      let bestValue = -1;
      for (const g of Array.from(document.querySelectorAll('#chart g'))) {
        const d = (g as unknown as { __data__?: { depth: number; value: number } }).__data__;
        if (d && d.depth === depth && d.value > bestValue) { best = g; bestValue = d.value; }
      }
      best?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    }, 2 + k * 3);
    await page.waitForTimeout(700);
  }
  await page.evaluate(SETTLE);
  return { ...r, ...(await stopFrameLog(page)) };
}

async function runSpeedscope(page: Page, base: string) {
  const profileUrl = `${base}/p.cpuprofile`;
  const t0 = Date.now();
  await page.goto(`${base}/speedscope/index.html#profileURL=${encodeURIComponent(profileUrl)}`);
  // Loaded = the profile has been fetched, speedscope has put the profile's name
  // in the document title (it does so once the profile is imported), a canvas
  // taller than 100 px is on the page and the landing prompt is gone; then one
  // rAF + setTimeout(0).
  const inPage = await page.evaluate(async ({ settle, profileUrl }) => {
    const ready = () => {
      const canvases = Array.from(document.querySelectorAll('canvas')).filter((c) => c.width > 0 && c.height > 0 && c.getBoundingClientRect().height > 100);
      const fetched = performance.getEntriesByName(profileUrl).length > 0;
      return fetched && /cpuprofile/.test(document.title) && canvases.length > 0 && !/Drag and drop/i.test(document.body.innerText);
    };
    while (!ready()) await new Promise((r) => setTimeout(r, 5));
    await (eval(settle) as () => Promise<void>)();
    const now = performance.now();
    const entry = performance.getEntriesByName(profileUrl)[0] as PerformanceResourceTiming | undefined;
    return { sinceNav: now, afterProfile: entry ? now - entry.responseEnd : NaN };
  }, { settle: SETTLE, profileUrl });
  void t0;
  await page.waitForTimeout(300);
  let z = { fps: NaN, worst: NaN, error: '' };
  try {
  const boxes = await page.locator('canvas').evaluateAll((cs) => cs.map((c) => { const r = c.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; }));
  const box = boxes.sort((a, b) => b.w * b.h - a.w * a.h)[0];
  z = { ...(await wheelZoom(page, box.x + box.w * 0.3, box.y + Math.min(box.h / 2, 200))), error: '' };
  } catch (err) {
    z.error = String((err as Error).message ?? err).split('\n')[0];
  }
  return { ms: inPage.sinceNav, afterProfile: inPage.afterProfile, ...z };
}

export async function flameGraphBench(root: string, rounds: number): Promise<FlameResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-flame-'));
  const gen = generateProfile(200_000);
  const profileFile = path.join(dir, 'p.cpuprofile');
  fs.writeFileSync(profileFile, gen.json);
  const server = await serve(root, profileFile);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({
    executablePath: process.env.HOTPATH_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const order: Contender[] = ['Hotpath', 'speedscope', 'd3-flame-graph'];
  const acc = new Map<Contender, { ms: number[]; fps: number[]; worst: number[]; extra: number[]; encode: number[]; complete: number[] }>(order.map((c) => [c, { ms: [], fps: [], worst: [], extra: [], encode: [], complete: [] }]));
  const failures: string[] = [];
  const loads: number[] = [os.loadavg()[0]];
  const width = 1280;
  try {
    for (let round = 0; round < rounds; round++) {
      const rot = order.map((_, i) => order[(i + round) % order.length]);
      for (const c of rot) {
        const context = await browser.newContext({ viewport: { width, height: 800 } });
        const page = await context.newPage();
        page.setDefaultTimeout(120_000);
        try {
          const a = acc.get(c)!;
          if (c === 'Hotpath') { const r = await runHotpath(page, base); a.ms.push(r.ms); a.extra.push(r.self); a.encode.push(r.encoded); a.complete.push(r.complete); a.fps.push(r.fps); a.worst.push(r.worst); }
          else if (c === 'speedscope') {
            const r = await runSpeedscope(page, base);
            a.ms.push(r.ms); a.extra.push(r.afterProfile);
            if (r.error) { failures.push(`speedscope zoom, round ${round + 1}: ${r.error}`); a.fps.push(NaN); a.worst.push(NaN); } else { a.fps.push(r.fps); a.worst.push(r.worst); }
          }
          else { const r = await runD3(page, base, width); a.ms.push(r.ms); a.fps.push(r.fps); a.worst.push(r.worst); }
          process.stderr.write(`flame-graph: round ${round + 1} ${c}: paint ${a.ms[a.ms.length - 1].toFixed(0)} ms, ${a.fps[a.fps.length - 1].toFixed(1)} fps, worst frame ${a.worst[a.worst.length - 1].toFixed(0)} ms\n`);
        } catch (err) {
          failures.push(`${c} round ${round + 1}: ${String((err as Error).message ?? err).split('\n')[0]}`);
          process.stderr.write(`flame-graph: ${c} failed: ${(err as Error).message}\n`);
        } finally {
          await context.close();
        }
        loads.push(os.loadavg()[0]);
      }
    }
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const rows: FlameRow[] = [];
  for (const c of order) {
    const a = acc.get(c)!;
    if (!a.ms.length) continue;
    rows.push({
      contender: c,
      firstPaintMs: stat(a.ms),
      fps: stat(a.fps),
      worstFrameMs: Math.max(...a.worst.filter((x) => Number.isFinite(x))),
      ...(c === 'speedscope' ? { afterProfileMs: stat(a.extra) } : {}),
      ...(c === 'Hotpath' ? { selfReportedMs: stat(a.extra), encodeMs: stat(a.encode), completeMs: stat(a.complete) } : {}),
    });
  }
  return { rows, nodes: gen.nodes, samples: gen.samples, maxDepth: gen.maxDepth, rounds, load: { min: Math.min(...loads), max: Math.max(...loads) }, failures };
}

export function flameGraphBlock(r: FlameResult, environment: string): string {
  const f0 = (x: number) => x.toFixed(0);
  const f1 = (x: number) => x.toFixed(1);
  const hot = r.rows.find((x) => x.contender === 'Hotpath');
  const lines = [
    environment,
    '',
    `Profile: generated at bench time, ${r.nodes.toLocaleString('en-US')} nodes, depth up to ${r.maxDepth}, ${r.samples.toLocaleString('en-US')} samples with time deltas (5 hot paths, a bushy cold tree of 1–3-sample leaves). Viewport 1280×800, headless Chromium (\`--headless --no-sandbox --disable-gpu\`), one fresh page per contender per round, order rotated, ${r.rounds} rounds.`,
    '',
    '| Contender | first paint ms median (min–max) | ratio to Hotpath | fps while zooming median (min–max) | worst frame ms |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...r.rows.map((x) => `| ${x.contender} | ${f0(x.firstPaintMs.median)} (${f0(x.firstPaintMs.min)}–${f0(x.firstPaintMs.max)}) | ${hot ? (x.firstPaintMs.median / hot.firstPaintMs.median).toFixed(2) : '–'} | ${f1(x.fps.median)} (${f1(x.fps.min)}–${f1(x.fps.max)}) | ${f0(x.worstFrameMs)} |`),
    '',
  ];
  const s = r.rows.find((x) => x.contender === 'speedscope');
  if (hot?.encodeMs) lines.push(`Hotpath's first paint includes encoding the columns from the parsed profile (the extension host's work before it posts): median ${f0(hot.encodeMs.median)} ms (${f0(hot.encodeMs.min)}–${f0(hot.encodeMs.max)}).`);
  if (hot?.completeMs) lines.push(`Hotpath's first paint lays out only the frames at least half a pixel wide at the full view; the complete tree (every frame, for zoom) is drawn after that frame is on screen: from the start of encoding to the complete tree drawn, median ${f0(hot.completeMs.median)} ms (${f0(hot.completeMs.min)}–${f0(hot.completeMs.max)}).`);
  if (hot?.selfReportedMs) lines.push(`Hotpath's own \`firstPaintMs\` (message receipt to end of the canvas draw): median ${f0(hot.selfReportedMs.median)} ms (${f0(hot.selfReportedMs.min)}–${f0(hot.selfReportedMs.max)}).`);
  if (s?.afterProfileMs) lines.push(`speedscope from the end of the profile's HTTP response to the same paint point (excludes loading its app, includes its JSON parse): median ${f0(s.afterProfileMs.median)} ms (${f0(s.afterProfileMs.min)}–${f0(s.afterProfileMs.max)}).`);
  lines.push(`Machine load average (1 min) ${r.load.min.toFixed(1)}–${r.load.max.toFixed(1)} during the session.`);
  if (r.failures.length) lines.push('', `Failed measurements: ${r.failures.join('; ')}.`);
  return lines.join('\n');
}
