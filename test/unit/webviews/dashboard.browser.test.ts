// The dashboard bundle in a real browser, under the same Content-Security-Policy
// the extension serves it with. Needs the built bundle (`npm run build`, or
// `npx webpack --config-name webviews --mode development`) and Chromium at
// /usr/bin/chromium.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { escapeHtml, nonce, renderWebviewHtml } from '../../../src/extension/webviewHtml';
import type { DashboardState, ToDashboard } from '../../../src/protocol/dashboard';
import type { LoadTick, ProcessSample, RuntimeSample } from '../../../src/engine/runEvents';
import { BoundedSeries } from '../../../webviews/dashboard/boundedSeries';
import { DashboardModel } from '../../../webviews/dashboard/dashboardModel';

const root = path.resolve(__dirname, '../../../..');
const bundlePath = path.join(root, 'dist', 'webviews', 'dashboard.js');
const cssPath = path.join(root, 'media', 'dashboard.css');
const screenshotDir = path.join(root, 'test-results', 'screenshots');
const chromiumPath = '/usr/bin/chromium';

const xssTitle = 'Checkout API <img src=x onerror=window.__pwned=1>';

// VS Code's default themes (Dark Modern, Light Modern) for the variables the dashboard reads.
const themes = {
  dark: {
    '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-foreground': '#cccccc',
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-editorWidget-background': '#202020',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-hoverBackground': '#026ec1',
    '--vscode-button-border': 'rgba(255, 255, 255, 0.07)',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#b180d7',
  },
  light: {
    '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-foreground': '#3b3b3b',
    '--vscode-editor-foreground': '#3b3b3b',
    '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#3b3b3b',
    '--vscode-panel-border': '#e5e5e5',
    '--vscode-editorWidget-background': '#f8f8f8',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-hoverBackground': '#0258a8',
    '--vscode-button-border': 'rgba(0, 0, 0, 0.1)',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-yellow': '#bf8803',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#652d90',
  },
} as const;
type ThemeName = keyof typeof themes;

/** The first dataset of each chart, whose line colour the pixel check looks for. */
const lineVariable: Record<string, string> = {
  'chart-throughput': '--vscode-charts-blue',
  'chart-latency': '--vscode-charts-green',
  'chart-errors': '--vscode-charts-red',
  'chart-memory': '--vscode-charts-purple',
  'chart-gc': '--vscode-charts-green',
  'chart-eventLoop': '--vscode-charts-orange',
};

function themeCss(name: ThemeName): string {
  const lines = Object.entries(themes[name]).map(([k, v]) => `  ${k}: ${v};`);
  return `:root {\n${lines.join('\n')}\n}\n`;
}

/** A deterministic two-minute run: load ramps up, latency follows, one error burst, a GC sawtooth. */
function syntheticRun(seconds: number): { ticks: LoadTick[]; samples: ProcessSample[]; runtime: RuntimeSample[] } {
  const ticks: LoadTick[] = [];
  const samples: ProcessSample[] = [];
  let requestsTotal = 0;
  for (let s = 1; s <= seconds; s++) {
    const wobble = Math.sin(s / 3) * 60 + Math.sin(s * 1.7) * 25;
    const rps = Math.round(Math.min(1500, 40 * s) + wobble);
    requestsTotal += rps;
    const load = rps / 1500;
    ticks.push({
      t: s * 1000,
      rps,
      p50: Math.round((6 + 6 * load + Math.sin(s) * 0.8) * 10) / 10,
      p95: Math.round((14 + 26 * load + Math.sin(s / 2) * 3) * 10) / 10,
      p99: Math.round((25 + 55 * load + Math.abs(Math.sin(s / 5)) * 12) * 10) / 10,
      errors: s >= 70 && s <= 76 ? [2, 9, 17, 12, 6, 3, 1][s - 70] : 0,
      requestsTotal,
      stage: s <= 40 ? 'ramp-up' : 'steady load',
    });
    const mb = 1024 * 1024;
    samples.push({
      t: s * 1000 + 500,
      heapUsed: (38 + ((s * 1.9) % 30) + s * 0.05) * mb,
      heapTotal: (72 + Math.min(24, s * 0.3)) * mb,
      rss: (128 + Math.min(40, s * 0.4)) * mb,
      external: 3 * mb,
    });
  }
  // GC and event-loop reports once a second: minor pauses follow the load, a major one every 20 s.
  const runtime: RuntimeSample[] = ticks.map((tick, i) => ({
    t: tick.t + 200,
    gcPauseMs: { minor: Math.round(tick.rps / 100) / 2, major: (i + 1) % 20 === 0 ? 12 : 0, incremental: 0.4, weakcb: 0 },
    eventLoopDelayMs: { p50: 10.5, p99: 11 + (tick.p95 / 4), max: 12 + tick.p99 / 2 },
    utilization: Math.min(1, tick.rps / 1500),
  }));
  return { ticks, samples, runtime };
}

interface Fixture {
  server: http.Server;
  origin: string;
  page(initialState?: unknown): string;
}

function startServer(): Promise<Fixture> {
  const pages = new Map<string, string>();
  let counter = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/dist/webviews/dashboard.js') return send('text/javascript', fs.readFileSync(bundlePath));
    if (url.pathname === '/media/dashboard.css') return send('text/css', fs.readFileSync(cssPath));
    const theme = /^\/theme-(dark|light)\.css$/.exec(url.pathname);
    if (theme) return send('text/css', themeCss(theme[1] as ThemeName));
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    const html = pages.get(url.pathname);
    if (html) return send('text/html; charset=utf-8', html);
    res.writeHead(404).end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        server,
        origin,
        page(initialState?: unknown) {
          const n = nonce();
          // Stands in for VS Code: records what the webview posts and stores, reports CSP violations.
          const stub = `
    <script nonce="${escapeHtml(n)}">
      (() => {
        window.__posted = [];
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
        });
        let state = ${JSON.stringify(initialState ?? null).replace(/</g, '\\u003c')} ?? undefined;
        window.__state = state;
        let acquired = false;
        window.acquireVsCodeApi = () => {
          if (acquired) throw new Error('acquireVsCodeApi may only be called once');
          acquired = true;
          return Object.freeze({
            postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
            getState: () => state,
            setState: (s) => { state = JSON.parse(JSON.stringify(s)); window.__state = state; return s; },
          });
        };
        window.__setTheme = (name) => new Promise((resolve) => {
          const link = document.getElementById('theme');
          link.addEventListener('load', () => {
            document.body.className = 'vscode-' + name;
            resolve();
          }, { once: true });
          link.href = '/theme-' + name + '.css';
        });
        document.body.className = 'vscode-dark';
      })();
    </script>
    <main id="dashboard" class="dashboard"><p class="dashboard-loading">Loading the live dashboard…</p></main>`;
          const html = renderWebviewHtml({
            cspSource: origin,
            nonce: n,
            scriptUri: `${origin}/dist/webviews/dashboard.js`,
            styleUris: [`${origin}/theme-dark.css`, `${origin}/media/dashboard.css`],
            title: 'Hotpath: Live Dashboard',
            bodyHtml: stub,
          }).replace(`<link rel="stylesheet" href="${origin}/theme-dark.css">`, `<link id="theme" rel="stylesheet" href="${origin}/theme-dark.css">`);
          const pathname = `/dashboard-${++counter}.html`;
          pages.set(pathname, html);
          return `${origin}${pathname}`;
        },
      });
    });
  });
}

let fixture: Fixture;
let browser: Browser;
const consoleErrors: string[] = [];

// What the browser tests need; checked there, so the pure tests above still run without it.
const missing = [
  fs.existsSync(bundlePath) ? '' : `${bundlePath} is missing: run \`npm run build\` first.`,
  fs.existsSync(chromiumPath) ? '' : `${chromiumPath} is missing: install Chromium (apt-get install -y chromium).`,
].filter(Boolean);

before(async () => {
  if (missing.length) return;
  fixture = await startServer();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (fixture ? fixture.server.close(() => resolve()) : resolve()));
});

async function openDashboard(initialState?: unknown): Promise<Page> {
  assert.deepEqual(missing, []);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('console', (m) => {
    // The pixel checks below read canvases back, which Chromium comments on; anything else counts.
    if (m.type() === 'error' || (m.type() === 'warning' && !/willReadFrequently/.test(m.text()))) {
      consoleErrors.push(`${m.type()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.goto(fixture.page(initialState));
  await page.waitForFunction(() => (globalThis as any).__posted.some((m: { type: string }) => m.type === 'ready'));
  return page;
}

function post(page: Page, message: ToDashboard): Promise<void> {
  return page.evaluate((m) => (globalThis as any).postMessage(m, '*'), message);
}

/** Per canvas: how many pixels are drawn in its first series' line colour. */
function linePixelCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate((variables) => {
    const doc = (globalThis as any).document;
    const counts: Record<string, number> = {};
    for (const [id, variable] of Object.entries(variables)) {
      const canvas = doc.getElementById(id);
      const hex = (globalThis as any).getComputedStyle(doc.body).getPropertyValue(variable).trim().slice(1);
      const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 200 && Math.abs(data[i] - r) < 24 && Math.abs(data[i + 1] - g) < 24 && Math.abs(data[i + 2] - b) < 24) n++;
      }
      counts[id] = n;
    }
    return counts;
  }, lineVariable);
}

function text(page: Page, selector: string): Promise<string | null> {
  return page.evaluate((s) => (globalThis as any).document.querySelector(s)?.textContent ?? null, selector);
}

function assertDrawn(counts: Record<string, number>): void {
  assert.deepEqual(Object.keys(counts).sort(), Object.keys(lineVariable).sort());
  for (const [id, n] of Object.entries(counts)) assert.ok(n > 50, `${id} shows no line in its series colour (${n} pixels)`);
}

test('the HTML shell escapes its title and carries a nonce-only CSP', () => {
  const html = renderWebviewHtml({
    cspSource: 'https://example.vscode-cdn.net',
    nonce: 'abc123',
    scriptUri: 'https://example.vscode-cdn.net/dashboard.js?a=1&b=2',
    styleUris: ['https://example.vscode-cdn.net/dashboard.css'],
    title: '<b>"run"</b>',
    bodyHtml: '<main></main>',
  });
  assert.match(html, /default-src 'none'; img-src https:\/\/example\.vscode-cdn\.net data:; style-src https:\/\/example\.vscode-cdn\.net; script-src 'nonce-abc123'; font-src https:\/\/example\.vscode-cdn\.net;/);
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  assert.match(html, /<title>&lt;b&gt;&quot;run&quot;&lt;\/b&gt;<\/title>/);
  assert.match(html, /<script nonce="abc123" src="https:\/\/example\.vscode-cdn\.net\/dashboard\.js\?a=1&amp;b=2"><\/script>/);
  assert.notEqual(nonce(), nonce());
  assert.equal(Buffer.from(nonce(), 'base64').length, 16);
});

test('a bounded series keeps spikes, order and the newest point', () => {
  const series = new BoundedSeries(1800);
  for (let i = 0; i < 10_000; i++) series.push(i, i === 1234 ? 999 : i === 4321 ? -999 : i % 7);
  const points = series.points;
  assert.ok(points.length <= 1800 && points.length > 900, `${points.length} points`);
  assert.ok(points.some((p) => p.y === 999) && points.some((p) => p.y === -999), 'extremes survive decimation');
  assert.deepEqual(points[points.length - 1], { x: 9999, y: 9999 % 7 });
  for (let i = 1; i < points.length; i++) assert.ok(points[i].x > points[i - 1].x);
  // Recent data stays at full resolution.
  assert.deepEqual(points.slice(-5).map((p) => p.x), [9995, 9996, 9997, 9998, 9999]);
});

test('the dashboard model ignores a tick it already has and sums errors once', () => {
  const model = new DashboardModel();
  const { ticks, samples } = syntheticRun(80);
  model.applySnapshot({ runId: 'r', title: 't', phase: 'load', message: '', ticks, samples });
  const total = ticks.reduce((sum, t) => sum + t.errors, 0);
  assert.equal(model.errorsTotal, total);
  model.addTick(ticks[ticks.length - 1]);
  model.addSample(samples[samples.length - 1]);
  assert.equal(model.errorsTotal, total);
  assert.equal(model.series.rps.points.length, ticks.length);
  assert.equal(model.series.rss.points.length, samples.length);
  const copy = new DashboardModel();
  assert.ok(copy.restore(JSON.parse(JSON.stringify(model.toPersisted()))));
  assert.deepEqual(copy.toPersisted(), model.toPersisted());
  assert.equal(copy.restore({ version: 2 }), false);
});

let savedState: unknown;

test('the dashboard renders a snapshot and live ticks under the webview CSP', async () => {
  consoleErrors.length = 0;
  const page = await openDashboard();
  const run = syntheticRun(120);
  const state: DashboardState = { runId: 'run-1', title: xssTitle, phase: 'load', message: 'Driving 50 connections at 127.0.0.1:3000', ...run };
  await post(page, { type: 'snapshot', state });

  const liveTicks: LoadTick[] = [1480, 1512, 1466, 1535, 1520].map((rps, i) => ({
    t: 121_000 + i * 1000,
    rps,
    p50: 11.8,
    p95: 38.5 + i,
    p99: 79,
    errors: 0,
    requestsTotal: run.ticks[run.ticks.length - 1].requestsTotal + (i + 1) * 1500,
  }));
  for (const tick of liveTicks) {
    await post(page, { type: 'tick', tick });
    await page.waitForTimeout(200);
  }

  await page.waitForFunction(() => (globalThis as any).document.querySelector('.tile-rps .tile-value')?.textContent === '1,520');
  assert.equal(await text(page, '.tile-rps .tile-value'), '1,520');
  assert.equal(await text(page, '.tile-p95 .tile-value'), '42.5 ms');
  assert.equal(await text(page, '.tile-errors .tile-value'), '50');
  assert.match((await text(page, '.tile-heap .tile-value')) ?? '', /^\d+(\.\d)? MB$/);
  assert.equal(await text(page, '.phase-label'), 'Under load');

  // The title is text, not markup, and its payload never ran.
  assert.equal(await text(page, '.run-title'), xssTitle);
  assert.equal(await page.evaluate(() => (globalThis as any).document.querySelectorAll('img').length), 0);
  assert.equal(await page.evaluate(() => typeof (globalThis as any).__pwned), 'undefined');

  const canvases = await page.evaluate(() =>
    [...(globalThis as any).document.querySelectorAll('canvas')].map((c: any) => ({ role: c.getAttribute('role'), width: c.width, height: c.height })),
  );
  assert.equal(canvases.length, 6);
  for (const c of canvases) {
    assert.equal(c.role, 'img');
    assert.ok(c.width > 100 && c.height > 100, `canvas too small: ${c.width}x${c.height}`);
  }
  assertDrawn(await linePixelCounts(page));

  // The HTML legend hides and shows a series.
  const p99Pixels = () =>
    page.evaluate(() => {
      const canvas = (globalThis as any).document.getElementById('chart-latency');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] === 0xf1 && data[i + 1] === 0x4c && data[i + 2] === 0x4c) n++;
      return n;
    });
  assert.ok((await p99Pixels()) > 50);
  await page.getByRole('button', { name: 'p99', exact: true }).click();
  assert.equal(await page.getByRole('button', { name: 'p99', exact: true }).getAttribute('aria-pressed'), 'false');
  assert.equal(await p99Pixels(), 0);
  await page.getByRole('button', { name: 'p99', exact: true }).click();
  assert.ok((await p99Pixels()) > 50);
  await page.mouse.move(0, 0); // no hover outline in the screenshots

  // Accessible names follow the data (at most once a second).
  await page.waitForFunction(() =>
    /1,520 requests per second/.test((globalThis as any).document.getElementById('chart-throughput').getAttribute('aria-label')),
  );
  const latencyLabel = await page.evaluate(() => (globalThis as any).document.getElementById('chart-latency').getAttribute('aria-label'));
  assert.match(latencyLabel, /p95 42\.5 ms/);

  await page.waitForFunction(() => (globalThis as any).__state?.lastTick?.rps === 1520);
  savedState = await page.evaluate(() => (globalThis as any).__state);

  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, 'dashboard-unit.png'), fullPage: true });

  await page.evaluate(() => (globalThis as any).__setTheme('light'));
  await page.waitForFunction(() => (globalThis as any).document.body.className === 'vscode-light');
  // The charts re-read the theme: the throughput line is now drawn in the light theme's blue.
  await page.waitForFunction(() => {
    const canvas = (globalThis as any).document.getElementById('chart-throughput');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < data.length; i += 4) if (data[i] === 0x1a && data[i + 1] === 0x85 && data[i + 2] === 0xff) return true;
    return false;
  });
  assertDrawn(await linePixelCounts(page));
  await page.screenshot({ path: path.join(screenshotDir, 'dashboard-unit-light.png'), fullPage: true });

  // When the run ends, the report button appears and asks the host for the report.
  assert.equal(await page.getByRole('button', { name: 'Open report' }).isVisible(), false);
  await post(page, { type: 'phase', phase: 'done', message: 'passed: 1,498 req/s' });
  await page.getByRole('button', { name: 'Open report' }).click();
  assert.equal(await text(page, '.phase-label'), 'Done');
  assert.ok(await page.evaluate(() => (globalThis as any).__posted.some((m: { type: string }) => m.type === 'openReport')));

  assert.deepEqual(await page.evaluate(() => (globalThis as any).__cspViolations), []);
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});

test('a re-created dashboard restores its charts from saved state before the host answers', async () => {
  assert.ok(savedState, 'the previous test saves state');
  consoleErrors.length = 0;
  const page = await openDashboard(savedState);
  await page.waitForFunction(() => (globalThis as any).document.querySelector('.tile-rps .tile-value')?.textContent === '1,520');
  assert.equal(await text(page, '.run-title'), xssTitle);
  assertDrawn(await linePixelCounts(page));
  assert.deepEqual(await page.evaluate(() => (globalThis as any).__cspViolations), []);
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});

test('a half-hour snapshot stays bounded and keeps its newest figures', async () => {
  consoleErrors.length = 0;
  const page = await openDashboard();
  const run = syntheticRun(30 * 60);
  // Samples twice a second, as a busy probe might send them.
  const samples = run.samples.flatMap((s) => [{ ...s, t: s.t - 250 }, s]);
  await post(page, { type: 'snapshot', state: { runId: 'run-2', title: 'Soak', phase: 'load', message: '', ticks: run.ticks, samples, runtime: run.runtime } });
  const last = run.ticks[run.ticks.length - 1];
  // How fast it renders is a benchmark's question, not a unit test's (shared, noisy machine).
  await page.waitForFunction((rps) => (globalThis as any).__state?.lastTick?.rps === rps, last.rps, { timeout: 60_000 });
  const lengths = await page.evaluate(() => {
    const series = (globalThis as any).__state.series as Record<string, number[]>;
    return Object.fromEntries(Object.entries(series).map(([k, flat]) => [k, flat.length / 2]));
  });
  for (const [key, n] of Object.entries(lengths)) assert.ok(n > 100 && n <= 1800, `${key} holds ${n} points`);
  const newest = await page.evaluate(() => {
    const flat = (globalThis as any).__state.series.rps as number[];
    return [flat[flat.length - 2], flat[flat.length - 1]];
  });
  assert.deepEqual(newest, [last.t / 1000, last.rps]);
  assert.equal(await text(page, '.phase-elapsed'), '30:00 elapsed');
  assertDrawn(await linePixelCounts(page));
  assert.deepEqual(await page.evaluate(() => (globalThis as any).__cspViolations), []);
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});
