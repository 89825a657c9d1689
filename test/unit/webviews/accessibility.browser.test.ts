// Keyboard and screen readers, in headless Chromium: the live dashboard and the
// Report view can be walked with Tab, every stop has a name and a visible
// focus outline, every chart has an accessible name describing its latest
// data, and the dashboard's summary is a polite live region. Needs the built
// dashboard bundle (`npm run build`) and Chromium at /usr/bin/chromium.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { escapeHtml, nonce, renderWebviewHtml } from '../../../src/extension/webviewHtml';
import { reportViewHtml } from '../../../src/extension/reportViewHtml';
import type { DashboardState } from '../../../src/protocol/dashboard';
import { fixtureRun } from '../report/reportFixtures';

const root = path.resolve(__dirname, '../../../..');
const bundlePath = path.join(root, 'dist', 'webviews', 'dashboard.js');
const chromiumPath = '/usr/bin/chromium';
const missing = [
  fs.existsSync(bundlePath) ? '' : `${bundlePath} is missing: run \`npm run build\` first.`,
  fs.existsSync(chromiumPath) ? '' : `${chromiumPath} is missing: install Chromium.`,
].filter(Boolean);

// The theme variables the focus outline and text use (Default Dark Modern's values).
const THEME = ':root { --vscode-focusBorder: #0078d4; --vscode-foreground: #cccccc; --vscode-editor-background: #1f1f1f; --vscode-textLink-foreground: #4daafc; --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; }';

let server: http.Server;
let origin = '';
let browser: Browser;
const pages = new Map<string, string>();

before(async () => {
  if (missing.length) return;
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (type: string, body: string | Buffer) => res.writeHead(200, { 'Content-Type': type }).end(body);
    if (url.pathname === '/dashboard.js') return send('text/javascript', fs.readFileSync(bundlePath));
    if (url.pathname === '/dashboard.css') return send('text/css', fs.readFileSync(path.join(root, 'media', 'dashboard.css')));
    if (url.pathname === '/report.css') return send('text/css', fs.readFileSync(path.join(root, 'media', 'report.css')));
    if (url.pathname === '/theme.css') return send('text/css', THEME);
    const html = pages.get(url.pathname);
    if (html) return send('text/html; charset=utf-8', html);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

interface Stop {
  tag: string;
  name: string;
  outline: string;
}

/** Presses Tab until the focus comes back round (or leaves the page); each stop's name and outline. */
async function tabThrough(page: Page, max = 40): Promise<Stop[]> {
  const stops: Stop[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const g = globalThis as any;
      const el = g.document.activeElement;
      if (!el || el === g.document.body) return null;
      const style = g.getComputedStyle(el);
      const labelled = el.getAttribute('aria-labelledby');
      const name = (el.getAttribute('aria-label') || (labelled && g.document.getElementById(labelled)?.textContent) || el.textContent || el.getAttribute('title') || '').trim();
      return { tag: el.tagName.toLowerCase(), name, outline: `${style.outlineStyle} ${style.outlineWidth}`, key: Array.from(g.document.querySelectorAll('*')).indexOf(el) };
    });
    if (!stop) break;
    if (stops.some((s) => (s as Stop & { key: number }).key === stop.key)) break;
    stops.push(stop as Stop);
  }
  return stops;
}

function dashboardPage(): string {
  const n = nonce();
  const stub = `<script nonce="${escapeHtml(n)}">window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} }); document.body.className = 'vscode-dark';</script>
<main id="dashboard" class="dashboard"></main>`;
  const html = renderWebviewHtml({ cspSource: origin, nonce: n, scriptUri: `${origin}/dashboard.js`, styleUris: [`${origin}/theme.css`, `${origin}/dashboard.css`], title: 'Hotpath: Live Dashboard', bodyHtml: stub });
  pages.set('/dashboard.html', html);
  return `${origin}/dashboard.html`;
}

test('dashboard: Tab reaches every control with a name and a visible outline; charts are named images with their latest figures; a polite live summary', { skip: missing.join(' ') || undefined }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(dashboardPage());
    await page.locator('canvas').first().waitFor();
    const ticks = Array.from({ length: 12 }, (_, i) => ({ t: (i + 1) * 1000, rps: 100 + i, p50: 5, p95: 9 + i, p99: 20, errors: 0, requestsTotal: (i + 1) * 100 }));
    const samples = ticks.map((k) => ({ t: k.t + 500, heapUsed: 30e6, heapTotal: 60e6, rss: 120e6, external: 1e6 }));
    const runtime = ticks.map((k) => ({ t: k.t + 200, gcPauseMs: { minor: 2, major: 0, incremental: 0.5, weakcb: 0 }, eventLoopDelayMs: { p50: 10, p99: 14, max: 20 }, utilization: 0.4 }));
    const state: DashboardState = { runId: 'r1', title: 'demo: load', phase: 'done', message: 'passed', ticks, samples, runtime };
    await page.evaluate((s) => (globalThis as any).postMessage({ type: 'snapshot', state: s }, '*'), state);
    await page.waitForFunction(() => !(globalThis as any).document.querySelector('#chart-throughput').getAttribute('aria-label').includes('no data yet'), undefined, { timeout: 10_000 });

    const charts = await page.locator('canvas').evaluateAll((els) => els.map((e) => ({ role: e.getAttribute('role'), label: e.getAttribute('aria-label') ?? '' })));
    assert.equal(charts.length, 6, 'six charts');
    for (const c of charts) {
      assert.equal(c.role, 'img');
      assert.ok(c.label.length > 10 && !/no data yet/.test(c.label), `a chart names its latest figures: "${c.label}"`);
    }
    assert.match(charts.find((c) => /^Throughput/.test(c.label))!.label, /111 requests per second/);

    const live = page.locator('[aria-live]');
    assert.equal(await live.count(), 1);
    assert.equal(await live.getAttribute('aria-live'), 'polite');

    const stops = await tabThrough(page);
    const buttons = await page.locator('button:visible').count();
    assert.equal(stops.length, buttons, `Tab stops at every visible button once: ${JSON.stringify(stops)}`);
    for (const s of stops) {
      assert.ok(s.name.length > 0, `every stop has a name: ${JSON.stringify(s)}`);
      assert.ok(!s.outline.startsWith('none') && !/ 0px$/.test(s.outline), `the focus is visible on "${s.name}" (outline ${s.outline})`);
    }
    assert.ok(stops.some((s) => /open report/i.test(s.name)), 'the Open report button is reachable');
    assert.ok(stops.some((s) => s.name === 'p95'), 'the legend toggles are reachable');
    // Space on a legend toggle hides its series and says so.
    await page.locator('button.legend-item', { hasText: 'p95' }).focus();
    await page.keyboard.press('Space');
    assert.equal(await page.locator('button.legend-item', { hasText: 'p95' }).getAttribute('aria-pressed'), 'false');
  } finally {
    await page.close();
  }
});

test('Report view: Tab walks the source links, each named with its function and place, with a visible outline', { skip: missing.join(' ') || undefined }, async () => {
  const page = await browser.newPage({ viewport: { width: 320, height: 900 } });
  try {
    const record = fixtureRun();
    const html = reportViewHtml(origin, `${origin}/report.css`, record, 'hotpath.openSource').replace('<head>', `<head>\n<link rel="stylesheet" href="${origin}/theme.css">`);
    pages.set('/report.html', html);
    await page.goto(`${origin}/report.html`);
    const links = await page.locator('a').count();
    assert.ok(links >= 1, 'the fixture run has source links');
    const stops = await tabThrough(page);
    assert.equal(stops.length, links, `Tab stops at every link once: ${JSON.stringify(stops)}`);
    const names = stops.map((s) => s.name);
    assert.equal(new Set(names).size, names.length, `no two links sound alike: ${JSON.stringify(names)}`);
    for (const s of stops) {
      assert.equal(s.tag, 'a');
      assert.match(s.name, /open .+:\d+$/i, `a link says where it goes: "${s.name}"`);
      assert.ok(!s.outline.startsWith('none'), `the focus is visible on "${s.name}" (outline ${s.outline})`);
    }
    const captions = await page.locator('table caption').allTextContents();
    assert.ok(captions.includes('Load'), `the KPI table has a caption (${JSON.stringify(captions)})`);
  } finally {
    await page.close();
  }
});
