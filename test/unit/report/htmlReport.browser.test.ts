// The HTML report in headless Chromium, opened from file:// with the network
// cut off: it must render with no request but its own file, no CSP violation
// and no console error; the charts and the flame graph must draw; hostile
// strings from a run must render as text and run nothing.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
/* eslint-disable @typescript-eslint/no-explicit-any -- page functions run in the browser; the tests compile without DOM typings */
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtml } from '../../../src/engine/report/htmlReport';
import { erroredRun, FIXTURE_RUN_DIR, fixtureProfile, fixtureRun, HOSTILE, hostileRun, repoRoot, resultsDir, writeResult } from './reportFixtures';

const screenshotDir = path.join(resultsDir, 'screenshots');
let browser: Browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  fs.mkdirSync(screenshotDir, { recursive: true });
});
after(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  url: string;
  /** Every request the page attempted other than its own document. */
  attempted: string[];
  consoleErrors: string[];
  close(): Promise<void>;
}

async function openOffline(file: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme, offline: true });
  const url = pathToFileURL(file).href;
  const attempted: string[] = [];
  const consoleErrors: string[] = [];
  await context.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    attempted.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (r) => {
    if (r.url() !== url && !attempted.includes(r.url())) attempted.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  // Init scripts run before the page's own and are not subject to its CSP.
  await page.addInitScript(() => {
    const w = globalThis as any;
    w.__csp = [];
    w.document.addEventListener('securitypolicyviolation', (e: any) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
  });
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 10_000 });
  return { page, url, attempted, consoleErrors, close: () => context.close() };
}

/**
 * Where the flame graph draws a function: the same layout the page script uses
 * (18 px rows, root on top, children left to right in the embedded order, widths
 * proportional to total time), computed from the embedded data.
 */
async function flameFrameCentre(page: Page, name: string): Promise<{ x: number; y: number }> {
  const at = await page.evaluate((fn: string) => {
    const doc = (globalThis as any).document;
    const data = JSON.parse(doc.getElementById('hotpath-data').textContent);
    const width = doc.getElementById('flame-canvas').clientWidth as number;
    type N = [number, number, number, N[]];
    const stack: Array<[N, number, number]> = [[data.flame.root, 0, 0]];
    while (stack.length) {
      const [n, x, depth] = stack.shift()!;
      const w = (n[1] / data.flame.root[1]) * width;
      if (data.flame.frames[n[0]].name === fn && w > 10) return { x: x + Math.min(w / 2, 40), y: depth * 18 + 9 };
      let cx = x;
      for (const c of n[3]) {
        stack.push([c, cx, depth + 1]);
        cx += (c[1] / data.flame.root[1]) * width;
      }
    }
    return null;
  }, name);
  assert.ok(at, `${name} is drawn wide enough to point at`);
  const canvas = (await page.$('#flame-canvas'))!;
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  return { x: box.x + at.x, y: box.y + at.y };
}

const cspViolations = (page: Page): Promise<string[]> => page.evaluate(() => (globalThis as any).__csp);

/** Pixels of the flame graph canvas that are not transparent. */
const paintedPixels = (page: Page) =>
  page.evaluate(() => {
    const c = (globalThis as any).document.getElementById('flame-canvas');
    const d: Uint8ClampedArray = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return { n, total: d.length / 4 };
  });

test('the demo report renders offline: charts and flame graph drawn, nothing fetched, no CSP violation, no console error', async () => {
  const file = writeResult('report.html', renderHtml(fixtureRun(), { cpuProfile: fixtureProfile() }));
  for (const scheme of ['light', 'dark'] as const) {
    const o = await openOffline(file, scheme);
    try {
      const { page } = o;
      assert.deepEqual(o.attempted, [], 'no request besides the report file');
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(o.consoleErrors, []);

      // Charts: one path per series, each with several segments, coloured by the inlined stylesheet.
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((svg) => ({
          id: svg.id,
          paths: [...svg.querySelectorAll('path.series')].map((p) => ({ segments: (p.getAttribute('d') ?? '').split('L').length, len: (p as any).getTotalLength() as number, stroke: (globalThis as any).getComputedStyle(p).stroke as string })),
        })),
      );
      assert.deepEqual(charts.map((c) => [c.id, c.paths.length]), [['chart-throughput', 1], ['chart-latency', 3], ['chart-memory', 3], ['chart-event-loop', 1]]);
      for (const c of charts) for (const p of c.paths) assert.ok(p.segments >= 5 && p.len > 100 && p.stroke !== 'none' && p.stroke !== '', JSON.stringify({ id: c.id, ...p }));

      // Flame graph: a good share of the canvas painted, many frames drawn.
      const painted = await paintedPixels(page);
      assert.ok(painted.n > painted.total * 0.2, `${painted.n} of ${painted.total} pixels painted`);
      assert.ok(Number(await page.getAttribute('#flame-canvas', 'data-drawn')) > 30);

      await page.screenshot({ path: path.join(screenshotDir, scheme === 'light' ? 'report-html.png' : 'report-html-dark.png'), fullPage: true });
    } finally {
      await o.close();
    }
  }
});

test('the page CSP is in force: injected inline script does not run and is reported', async () => {
  const file = writeResult('report.html', renderHtml(fixtureRun(), { cpuProfile: fixtureProfile() }));
  const o = await openOffline(file);
  try {
    const ran = await o.page.evaluate(async () => {
      const w = globalThis as any;
      const s = w.document.createElement('script');
      s.textContent = 'window.__injected = 1';
      w.document.body.appendChild(s);
      await new Promise((r) => setTimeout(r, 50));
      return w.__injected as number | undefined;
    });
    assert.equal(ran, undefined);
    assert.ok((await cspViolations(o.page)).some((v) => v.startsWith('script-src')));
  } finally {
    await o.close();
  }
});

test('hovering a chart reads out the values; clicking a frame zooms the flame graph, Escape resets', async () => {
  const file = writeResult('report.html', renderHtml(fixtureRun(), { cpuProfile: fixtureProfile() }));
  const o = await openOffline(file);
  try {
    const { page } = o;
    const svg = (await page.$('#chart-latency'))!;
    await svg.scrollIntoViewIfNeeded();
    const box = (await svg.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const tip = await page.$eval('#chart-latency ~ .chart-tip', (t) => ({ hidden: (t as any).hidden as boolean, text: t.textContent }));
    assert.equal(tip.hidden, false);
    assert.match(tip.text ?? '', /p50.*ms.*p95.*ms.*p99.*ms/);
    assert.equal(await page.locator('#chart-latency line.crosshair').count(), 1);

    const at = await flameFrameCentre(page, 'computePriceStats');
    await page.mouse.move(at.x, at.y);
    assert.match((await page.textContent('.flame-tip')) ?? '', /computePriceStats.*src\/pricing\.js:16/);
    await page.mouse.click(at.x, at.y);
    assert.deepEqual((await page.$$eval('#flame-crumbs .crumb', (b) => b.map((x) => x.textContent))).slice(-1), ['computePriceStats']);
    assert.equal(await page.isEnabled('#flame-reset'), true);
    await page.focus('#flame-canvas');
    await page.keyboard.press('Escape');
    assert.deepEqual(await page.$$eval('#flame-crumbs .crumb', (b) => b.map((x) => x.textContent)), ['all busy time']);
    assert.deepEqual(o.consoleErrors, []);
  } finally {
    await o.close();
  }
});

test('hostile names, paths and endpoints render as text and nothing runs', async () => {
  const { run, profile } = hostileRun();
  const file = writeResult('report-hostile.html', renderHtml(run, { cpuProfile: profile }));
  const o = await openOffline(file);
  try {
    const { page } = o;
    const state = await page.evaluate(() => {
      const w = globalThis as any;
      return {
        pwned: w.__pwned as unknown,
        imgs: w.document.querySelectorAll('img').length as number,
        scripts: w.document.querySelectorAll('script').length as number,
        title: w.document.title as string,
        h1: w.document.querySelector('h1')?.textContent as string,
        text: w.document.body.innerText as string,
      };
    });
    assert.equal(state.pwned, undefined);
    assert.equal(state.imgs, 0);
    assert.equal(state.scripts, 2);
    assert.equal(state.h1, `shop ${HOSTILE}`);
    assert.ok(state.title.endsWith(HOSTILE));
    for (const expected of [`/products/${HOSTILE}`, `N+1 ${HOSTILE}`, `GET /orders${HOSTILE}`, `CPU ${HOSTILE}`]) assert.ok(state.text.includes(expected), expected);
    assert.deepEqual(await cspViolations(page), [], 'nothing even tried to run');
    assert.deepEqual(o.attempted, [], 'no <img src=x> request');
    assert.deepEqual(o.consoleErrors, []);

    // The flame graph draws the hostile function name as canvas text; its tooltip holds it as text.
    const at = await flameFrameCentre(page, HOSTILE);
    await page.mouse.move(at.x, at.y);
    assert.equal(await page.textContent('.flame-tip-name'), HOSTILE);
    assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined);
    assert.equal(await page.locator('.flame-tip img').count(), 0);
  } finally {
    await o.close();
  }
});

test('a run that never started renders its error and says every section has no data', async () => {
  const file = writeResult('report-error.html', renderHtml(erroredRun(), {}));
  const o = await openOffline(file);
  try {
    const text: string = await o.page.evaluate(() => (globalThis as any).document.body.innerText);
    assert.match(text, /Error: the run did not complete\./);
    assert.match(text, /No load results: no request completed\./);
    assert.match(text, /No CPU profile was recorded\./);
    assert.deepEqual(o.attempted, []);
    assert.deepEqual(o.consoleErrors, []);
    assert.deepEqual(await cspViolations(o.page), []);
  } finally {
    await o.close();
  }
});

test('the report written by the built CLI (minified bundle) renders the same way', async () => {
  const out = path.join(resultsDir, 'reports', 'report-cli.html');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'report', FIXTURE_RUN_DIR, '--format', 'html', '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const o = await openOffline(out);
  try {
    assert.deepEqual(o.attempted, []);
    assert.deepEqual(o.consoleErrors, []);
    assert.deepEqual(await cspViolations(o.page), []);
    assert.equal(await o.page.locator('svg.chart path.series').count(), 8);
    const painted = await paintedPixels(o.page);
    assert.ok(painted.n > painted.total * 0.2);
  } finally {
    await o.close();
  }
});
