// Acceptance on the dark and the light theme, in a real VS Code (code-server +
// Chromium): one demo run per theme from the command palette, the live
// dashboard seen mid-run with at least three charts moving; then the two runs
// compared from the Runs panel (context menu → Set as Baseline on the older,
// Compare With Baseline on the newer → the comparison shows), and a run
// deleted from its context menu after the modal confirmation. Screenshots per
// theme in test-results/screenshots/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { repoRoot, startCodeServer } from './codeServer';
import { clearNotifications, demoDir, RUN_TIMEOUT_MS, savedRuns, sleep, waitFor, whyNotRunnable } from './demoRun';
import { Workbench } from './workbench';

const THEMES = [
  { name: 'Default Dark Modern', slug: 'dark', kind: 'vs-dark' },
  { name: 'Default Light Modern', slug: 'light', kind: 'vs' },
] as const;
const DASHBOARD = { title: 'Hotpath: Live Dashboard' };
const UI_TIMEOUT_MS = 20_000;

test('Dashboard mid-run and two runs compared from the Runs panel, on the dark and light themes', { skip: whyNotRunnable(), timeout: 360_000 }, async (t) => {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-vscode-themes-'));
  const server = await startCodeServer({ name: 'runs-panel-themes', colorTheme: THEMES[0].name, settings: { 'hotpath.runsDirectory': runsDir } });
  let wb: Workbench | undefined;
  try {
    wb = await Workbench.launch({ name: 'runs-panel-themes' });
    await wb.open(server.url, demoDir);
    await wb.openView('Hotpath');
    await wb.waitForView('Runs');

    // ---- One run per theme, the dashboard read mid-run -------------------
    for (const theme of THEMES) {
      await setColorTheme(wb, theme);
      await wb.runCommand('Hotpath: Run Benchmark');
      const dashboard = await wb.webview(DASHBOARD, 30_000);
      const first = await waitFor(() => canvases(dashboard), (c) => withData(c).length >= 3, 'three charts with data', 45_000);
      // Moving: the same charts redrawn with other pixels a little later, while the load lasts.
      const moved = await waitFor(
        () => canvases(dashboard),
        (later) => withData(later).filter((c) => first.some((f) => f.id === c.id && f.checksum !== c.checksum)).length >= 3,
        'three charts to be redrawn with new points',
        20_000,
      );
      // A few seconds of lines for the picture (and for a reader of it).
      await waitFor(() => canvases(dashboard), (c) => /at 0:0[4-9]|at 0:[1-9]/.test(c.find((x) => x.id === 'chart-throughput')?.label ?? ''), 'four seconds of throughput', 20_000).catch(() => undefined);
      t.diagnostic(`${theme.slug}: charts moving at ${elapsed()}: ${withData(moved).map((c) => c.label).join(' | ')}`);
      const background = await dashboard.evaluate(() => {
        const g = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { body: unknown } };
        return g.getComputedStyle(g.document.body).backgroundColor;
      });
      const dark = isDark(background);
      assert.equal(dark, theme.slug === 'dark', `the dashboard follows the ${theme.slug} theme (body background ${background})`);
      await wb.page.locator('.part.editor .tab.active').first().click();
      await wb.screenshot(`themes-dashboard-midrun-${theme.slug}`);
      const want = THEMES.indexOf(theme) + 1;
      await waitFor(() => Promise.resolve(savedRuns(runsDir)), (r) => r.length === want, `run ${want} to be saved`, RUN_TIMEOUT_MS);
      await waitFor(() => wb!.treeItems('Runs'), (items) => items.length === want, `the Runs tree to list ${want} run(s)`, UI_TIMEOUT_MS);
      await clearNotifications(wb);
    }
    t.diagnostic(`two runs saved at ${elapsed()}`);

    // ---- Compare from the Runs panel ----------------------------------
    const rows = wb.viewPane('Runs').locator('> .pane-body .monaco-list-row');
    // Newest first: row 1 is the older run.
    await contextMenu(wb, rows.nth(1), 'Set as Baseline');
    await waitFor(() => rows.nth(1).textContent().then((s) => s ?? ''), (s) => s.includes('baseline'), 'the older run to be marked as the baseline', UI_TIMEOUT_MS);
    const menu = await contextMenu(wb, rows.nth(0), 'Compare With Baseline');
    for (const item of ['Open Report', 'Set as Baseline', 'Compare With Baseline', 'Export Report', 'Reveal Run Folder', 'Delete Run…']) {
      assert.ok(menu.includes(item), `the run's context menu offers ${item} (it shows ${JSON.stringify(menu)})`);
    }
    const comparison = await waitFor(
      () => wb!.page.locator('.part.editor .monaco-editor .view-lines').first().textContent().then((s) => (s ?? '').replace(/\s+/g, ' ')),
      (s) => /against baseline/.test(s) && /Latency p95/.test(s),
      'the comparison with the baseline to show',
      UI_TIMEOUT_MS,
    );
    t.diagnostic(`comparison: ${comparison.slice(0, 300)}`);
    for (const theme of [...THEMES].reverse()) {
      await setColorTheme(wb, theme);
      await sleep(500); // let the repaint finish before the picture
      await wb.screenshot(`themes-compare-${theme.slug}`);
    }

    // ---- Delete a run, after the modal confirmation --------------------
    const doomed = savedRuns(runsDir).map((r) => r.dir).sort()[1];
    await contextMenu(wb, rows.nth(0), 'Delete Run…');
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.match((await dialog.textContent()) ?? '', /cannot be undone/);
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).first().click();
    await waitFor(() => Promise.resolve(fs.existsSync(doomed)), (exists) => !exists, 'the run folder to be deleted', UI_TIMEOUT_MS);
    await waitFor(() => wb!.treeItems('Runs'), (items) => items.length === 1, 'the Runs tree to list one run', UI_TIMEOUT_MS);
    t.diagnostic(`run ${path.basename(doomed)} deleted at ${elapsed()}`);
  } catch (err) {
    if (wb) await wb.screenshot('themes-failure').catch(() => undefined);
    throw err;
  } finally {
    await wb?.close();
    await server.stop();
    fs.rmSync(runsDir, { recursive: true, force: true });
    t.diagnostic(`test took ${elapsed()}`);
  }
});

/** Right-clicks a row and chooses `item`; returns every label the menu offered. */
async function contextMenu(wb: Workbench, row: ReturnType<Workbench['page']['locator']>, item: string): Promise<string[]> {
  await row.click({ button: 'right' });
  const menu = wb.page.locator('.monaco-menu');
  await menu.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  const labels = (await menu.first().locator('.action-label').allTextContents()).map((s) => s.trim()).filter(Boolean);
  const entry = menu.first().locator('.action-label', { hasText: new RegExp(`^${item.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first();
  await entry.hover();
  await entry.click();
  // A click that lands while the menu is still settling only highlights the item: Enter then chooses it.
  if (!(await menu.first().waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false))) {
    await wb.page.keyboard.press('Enter');
    await menu.first().waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  }
  return labels;
}

/** As a user does it: Preferences: Color Theme, type the name, Enter on its row. */
async function setColorTheme(wb: Workbench, theme: (typeof THEMES)[number]): Promise<void> {
  const workbench = wb.page.locator('.monaco-workbench').first();
  const current = () => workbench.getAttribute('class').then((c) => (c ?? '').split(/\s+/));
  if ((await current()).includes(theme.kind)) return;
  await wb.runCommand('Preferences: Color Theme');
  const picker = wb.page.locator('.quick-input-widget');
  await picker.locator('input.input').fill(theme.name);
  await picker.locator(`.monaco-list-row[aria-label$="${theme.name}"]`).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  // The picker previews the focused row; move the focus onto the theme, then Enter keeps it.
  const focused = picker.locator('.monaco-list-row.focused').first();
  for (let i = 0; i < 20; i++) {
    const label = (await focused.getAttribute('aria-label', { timeout: 5_000 }).catch(() => null)) ?? '';
    if (label.endsWith(theme.name)) break;
    await wb.page.keyboard.press('ArrowDown');
  }
  await wb.page.keyboard.press('Enter');
  await waitFor(current, (c) => c.includes(theme.kind), `the workbench to switch to ${theme.name}`, UI_TIMEOUT_MS);
}

interface CanvasReading {
  id: string;
  label: string;
  painted: number;
  checksum: number;
}

function withData(list: CanvasReading[]): CanvasReading[] {
  return list.filter((c) => c.painted > 0 && c.label !== '' && !/no data yet/.test(c.label));
}

function canvases(frame: Frame): Promise<CanvasReading[]> {
  return frame.evaluate(() => {
    type C = { id: string; width: number; height: number; getAttribute(n: string): string | null; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null };
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
      return { id: c.id, label: c.getAttribute('aria-label') ?? '', painted, checksum };
    });
  });
}

/** "rgb(31, 31, 31)" → true when dark. */
function isDark(color: string): boolean {
  const [r, g, b] = (color.match(/\d+/g) ?? ['255', '255', '255']).map(Number);
  return 0.299 * r + 0.587 * g + 0.114 * b < 128;
}
