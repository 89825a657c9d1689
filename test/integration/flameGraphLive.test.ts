// The live flame graph in a real VS Code (code-server + Chromium): start Run
// Benchmark on the demo, open Hotpath: Show Flame Graph while the load runs,
// see it follow the run (the panel says it is live and the drawn profile grows
// as CPU slices arrive), and see it switch to the saved, finished run's profile
// when the run ends.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoRoot, startCodeServer } from './codeServer';
import { demoCopy, RUN_TIMEOUT_MS, savedRuns, waitFor, whyNotRunnable } from './demoRun';
import { Workbench } from './workbench';

const DASHBOARD = { title: 'Hotpath: Live Dashboard' };

/** The canvas's accessible name ends with the profile's sampled time, e.g. "… 1,234.5 ms sampled …"; any change means a redraw with new data. */
async function label(frame: import('playwright-core').Frame): Promise<string> {
  return (await frame.locator('canvas.flame-canvas').getAttribute('aria-label')) ?? '';
}

test('Live flame graph: opened mid-run it follows the run, then shows the saved run', { skip: whyNotRunnable(), timeout: 240_000 }, async (t) => {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'webviews', 'flameGraph.js')), 'dist/webviews/flameGraph.js is missing: run `npm run build` first');
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-vscode-flame-live-'));
  // A copy of the demo whose load lasts 30 s, so the panel has time to open and follow
  // several slices on a busy machine.
  const folder = demoCopy('flame-live-demo-', (config) => {
    config.load.stages = [{ durationSec: 30, connections: 10 }];
  });
  const server = await startCodeServer({ name: 'flame-live', colorTheme: 'Default Dark Modern', settings: { 'hotpath.runsDirectory': runsDir } });
  let wb: Workbench | undefined;
  try {
    wb = await Workbench.launch({ name: 'flame-live' });
    await wb.open(server.url, folder);
    await wb.runCommand('Hotpath: Run Benchmark');
    const dashboard = await wb.webview(DASHBOARD, 30_000);
    await waitFor(() => dashboard.locator('body').innerText(), (s) => /Under load/.test(s), 'the run to reach the load phase', 30_000);

    // The first slice arrives about two seconds into the load; until then the command says so.
    const liveTab = wb.page.locator('.part.editor .tab', { hasText: '(live)' });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      await wb.runCommand('Hotpath: Show Flame Graph');
      if (await waitFor(() => liveTab.count(), (n) => n > 0, 'the live flame graph tab', 3_000).then(() => true, () => false)) break;
    }
    assert.ok((await liveTab.count()) > 0, 'a live flame graph panel opened while the run was going');
    t.diagnostic(`live panel opened at ${elapsed()}`);
    const frame = await wb.webview({ hasSelector: 'canvas.flame-canvas' }, 30_000);
    const status = frame.locator('.flame-status');
    const liveStatus = await waitFor(() => status.textContent(), (s) => /^Live/.test(s ?? ''), 'the panel to say it is live', 15_000);
    const firstLabel = await waitFor(() => label(frame), (l) => /^Flame graph of /.test(l), 'the live profile to be drawn', 15_000);
    t.diagnostic(`live: "${liveStatus}" — ${firstLabel}`);
    await wb.screenshot('flame-graph-live');

    // Slices keep arriving: the drawn profile changes while the status still says live.
    const grown = await waitFor(
      async () => ({ label: await label(frame), status: (await status.textContent()) ?? '' }),
      (s) => s.label !== firstLabel,
      'a newer slice to be drawn',
      30_000,
    );
    t.diagnostic(`updated (${grown.status || 'finished'}): ${grown.label}`);

    // The run ends: the panel shows the saved run, no longer live.
    const [saved] = await waitFor(async () => savedRuns(runsDir), (runs) => runs.length === 1, 'the run to be saved', RUN_TIMEOUT_MS + 30_000);
    const finalLabel = await waitFor(() => label(frame), (l) => l.startsWith(`Flame graph of Run ${path.basename(saved.dir)}`), 'the saved run in the flame graph', 30_000);
    assert.equal(((await status.textContent()) ?? '').trim(), '', 'the live status is cleared when the run ends');
    t.diagnostic(`final: ${finalLabel}`);
  } catch (err) {
    if (wb) await wb.screenshot('flame-graph-live-failure').catch(() => undefined);
    throw err;
  } finally {
    await wb?.close();
    await server.stop();
    fs.rmSync(runsDir, { recursive: true, force: true });
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
