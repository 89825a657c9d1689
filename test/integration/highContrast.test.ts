// The high-contrast theme in a real VS Code (code-server + Chromium): the
// dark and light themes are covered by runsPanelThemes, flameGraph and
// annotations; this test runs the demo once under "Default High Contrast" and
// checks that each webview follows it as a user of that theme needs: the live
// dashboard's charts move on a black page, and the flame graph outlines every
// frame in the theme's contrast border colour (so frames stay apart without
// relying on fill colours alone). Screenshots in test-results/screenshots/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { repoRoot, startCodeServer } from './codeServer';
import { clearNotifications, demoDir, RUN_TIMEOUT_MS, savedRuns, waitFor, whyNotRunnable } from './demoRun';
import { Workbench } from './workbench';

const THEME = 'Default High Contrast';
const UI_TIMEOUT_MS = 30_000;

test('High-contrast theme: the live dashboard and the flame graph follow it', { skip: whyNotRunnable(), timeout: 300_000 }, async (t) => {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-vscode-hc-'));
  const server = await startCodeServer({ name: 'high-contrast', colorTheme: THEME, settings: { 'hotpath.runsDirectory': runsDir } });
  let wb: Workbench | undefined;
  try {
    wb = await Workbench.launch({ name: 'high-contrast' });
    await wb.open(server.url, demoDir);
    // The theme from the settings is applied once the workbench has read them.
    await waitFor(
      () => wb!.page.locator('.monaco-workbench').first().getAttribute('class').then((c) => c ?? ''),
      (c) => /\bhc-black\b/.test(c),
      'the workbench to run the high-contrast theme',
      UI_TIMEOUT_MS,
    );

    // ---- The live dashboard ------------------------------------------------
    await wb.runCommand('Hotpath: Run Benchmark');
    const dashboard = await wb.webview({ title: 'Hotpath: Live Dashboard' }, UI_TIMEOUT_MS);
    const first = await waitFor(() => chartPixels(dashboard), (c) => c.filter((x) => x.painted > 0).length >= 3, 'three charts with data', 45_000);
    await waitFor(
      () => chartPixels(dashboard),
      (later) => later.filter((c) => c.painted > 0 && first.some((f) => f.id === c.id && f.checksum !== c.checksum)).length >= 3,
      'three charts to be redrawn with new points',
      20_000,
    );
    const page = await dashboard.evaluate(() => {
      const g = globalThis as unknown as {
        getComputedStyle(e: unknown): { backgroundColor: string; getPropertyValue(n: string): string };
        document: { body: { className: string } };
      };
      const style = g.getComputedStyle(g.document.body);
      return { background: style.backgroundColor, bodyClass: g.document.body.className, contrastBorder: style.getPropertyValue('--vscode-contrastBorder').trim() };
    });
    t.diagnostic(`dashboard at ${elapsed()}: ${JSON.stringify(page)}`);
    assert.match(page.bodyClass, /vscode-high-contrast/, 'VS Code marks the webview as high contrast');
    assert.equal(page.background, 'rgb(0, 0, 0)', 'the dashboard page is black, as the theme');
    assert.ok(page.contrastBorder, 'the theme hands its contrast border colour to the webview');
    // A few seconds of load on the charts for the picture.
    await waitFor(
      () => dashboard.locator('#chart-throughput').getAttribute('aria-label').then((l) => l ?? ''),
      (l) => /at 0:0[4-9]|at 0:[1-9]/.test(l),
      'four seconds of throughput',
      20_000,
    ).catch(() => undefined);
    await wb.page.locator('.part.editor .tab.active').first().click();
    await wb.screenshot('high-contrast-dashboard-midrun');

    await waitFor(() => Promise.resolve(savedRuns(runsDir)), (r) => r.length === 1, 'the run to be saved', RUN_TIMEOUT_MS);
    await clearNotifications(wb);
    t.diagnostic(`run saved at ${elapsed()}`);

    // ---- The flame graph ---------------------------------------------------
    await wb.runCommand('Hotpath: Show Flame Graph');
    const flame = await wb.webview({ hasSelector: 'canvas.flame-canvas' }, UI_TIMEOUT_MS);
    await waitFor(() => flame.locator('canvas.flame-canvas').getAttribute('aria-label'), (l) => /^Flame graph of Run /.test(l ?? ''), 'the profile to be drawn', UI_TIMEOUT_MS);
    const border = parseColor(page.contrastBorder);
    assert.ok(border, `the contrast border ${page.contrastBorder} is a colour`);
    const outlined = await waitFor(
      () => countColour(flame, 'canvas.flame-canvas', border!),
      (n) => n > 200,
      `frames outlined in the contrast border ${page.contrastBorder}`,
      UI_TIMEOUT_MS,
    );
    t.diagnostic(`flame graph: ${outlined} pixels in the contrast border colour at ${elapsed()}`);
    await wb.screenshot('high-contrast-flame-graph');
  } catch (err) {
    if (wb) await wb.screenshot('high-contrast-failure').catch(() => undefined);
    throw err;
  } finally {
    await wb?.close();
    await server.stop();
    fs.rmSync(runsDir, { recursive: true, force: true });
    t.diagnostic(`test took ${elapsed()}`);
  }
});

interface ChartPixels {
  id: string;
  painted: number;
  checksum: number;
}

function chartPixels(frame: Frame): Promise<ChartPixels[]> {
  return frame.evaluate(() => {
    type C = { id: string; width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null };
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<C> } }).document;
    return Array.from(doc.querySelectorAll('canvas')).map((c) => {
      const ctx = c.width > 0 && c.height > 0 ? c.getContext('2d') : null;
      let painted = 0;
      let checksum = 0;
      if (ctx) {
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < data.length; i++) checksum = (checksum * 31 + data[i]) >>> 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
      }
      return { id: c.id, painted, checksum };
    });
  });
}

/** "#6fc3df" or "rgb(111, 195, 223)" → [r, g, b]. */
function parseColor(text: string): [number, number, number] | undefined {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(text);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const rgb = text.match(/\d+/g);
  return rgb && rgb.length >= 3 ? [Number(rgb[0]), Number(rgb[1]), Number(rgb[2])] : undefined;
}

/** Pixels of the canvas within a small distance of `rgb` (anti-aliasing blurs edges). */
function countColour(frame: Frame, selector: string, rgb: [number, number, number]): Promise<number> {
  return frame.evaluate(
    ({ selector, rgb }) => {
      type C = { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null };
      const doc = (globalThis as unknown as { document: { querySelector(s: string): C | null } }).document;
      const c = doc.querySelector(selector);
      const ctx = c && c.width > 0 && c.height > 0 ? c.getContext('2d') : null;
      if (!c || !ctx) return 0;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) <= 12) n++;
      }
      return n;
    },
    { selector, rgb },
  );
}
