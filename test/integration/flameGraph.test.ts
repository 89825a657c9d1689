// The flame graph in a real VS Code (code-server + Chromium), on the dark and
// the light theme: one real run of the demo (made once, with the hotpath
// command, into a runs folder both workbenches read), then per theme: Hotpath:
// Show Flame Graph, search for computePriceStats and zoom into it (Enter), find
// its row by hovering as a user would, click it, and the editor shows
// examples/demo/src/pricing.js with the cursor on the function's line.
// Screenshots of the zoomed graph are saved per theme.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot, startCodeServer } from './codeServer';
import { demoDir, RUN_TIMEOUT_MS, savedRuns, sleep, waitFor, whyNotRunnable } from './demoRun';
import { Workbench } from './workbench';

const THEMES = [
  { name: 'Default Dark Modern', slug: 'dark' },
  { name: 'Default Light Modern', slug: 'light' },
] as const;
const PRICING = 'src/pricing.js';
const UI_TIMEOUT_MS = 30_000;

test('Flame graph in VS Code on the dark and light themes: zoom into computePriceStats, click opens pricing.js at its line', { skip: whyNotRunnable(), timeout: 420_000 }, async (t) => {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'webviews', 'flameGraph.js')), 'dist/webviews/flameGraph.js is missing: run `npm run build` first');
  const source = fs.readFileSync(path.join(demoDir, PRICING), 'utf8').split('\n');
  const declarationLine = source.findIndex((l) => /^\s*function computePriceStats\(/.test(l)) + 1;
  assert.ok(declarationLine > 1, `${PRICING} declares computePriceStats`);

  // One real run of the demo, shared by both themes.
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-vscode-flame-'));
  try {
    await promisify(execFile)(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'run', '--config', path.join(demoDir, 'hotpath.config.json'), '--out', runsDir], {
      timeout: RUN_TIMEOUT_MS + 30_000,
    }).catch((err: { code?: number; stderr?: string }) => {
      // Exit 1 is a broken budget (a busy machine's p95): still a finished run.
      if (err.code !== 1) throw new Error(`hotpath run failed: ${err.stderr}`);
    });
    const [run] = savedRuns(runsDir);
    assert.ok(run && fs.existsSync(path.join(run.dir, 'cpu.cpuprofile')), 'the run saved cpu.cpuprofile');
    t.diagnostic(`demo run saved at ${elapsed()}`);

    for (const theme of THEMES) {
      await t.test(`${theme.slug} theme`, async (tt) => {
        const server = await startCodeServer({ name: `flame-${theme.slug}`, colorTheme: theme.name, settings: { 'hotpath.runsDirectory': runsDir } });
        let wb: Workbench | undefined;
        try {
          wb = await Workbench.launch({ name: `flame-${theme.slug}` });
          await wb.open(server.url, demoDir);
          await wb.runCommand('Hotpath: Show Flame Graph');
          const frame = await wb.webview({ hasSelector: 'canvas.flame-canvas' }, UI_TIMEOUT_MS);
          const canvas = frame.locator('canvas.flame-canvas');
          await waitFor(() => canvas.getAttribute('aria-label'), (l) => /^Flame graph of Run /.test(l ?? ''), 'the profile to be drawn', UI_TIMEOUT_MS);
          tt.diagnostic(`flame graph shown at ${elapsed()}: ${(await canvas.getAttribute('aria-label'))!.split(':')[1]}`);

          // Search, then Enter: zoomed into the widest computePriceStats frame.
          await frame.locator('.flame-search').fill('computePriceStats');
          const matches = await frame.locator('.flame-matches').textContent();
          assert.match(matches ?? '', /^[1-9]\d* match(es)?, \d+(\.\d)?% of time$/);
          await frame.locator('.flame-search').press('Enter');
          await waitFor(() => frame.locator('#flame-summary h2').textContent(), (h) => /under computePriceStats/.test(h ?? ''), 'the zoom into computePriceStats', UI_TIMEOUT_MS);
          await sleep(500); // the zoom animation

          // Find the row by hovering down the middle of the graph, as a user would.
          const box = (await canvas.boundingBox())!;
          const x = box.x + box.width / 2;
          let target: { y: number; tip: string } | undefined;
          for (let y = box.y + 9; y < box.y + box.height && !target; y += 18) {
            await wb.page.mouse.move(x, y);
            const tooltip = frame.locator('.flame-tooltip');
            const tip = (await tooltip.isVisible()) ? ((await tooltip.innerText()) ?? '') : '';
            if (/^computePriceStats\b/.test(tip)) target = { y, tip: tip.replace(/\s+/g, ' ') };
          }
          assert.ok(target, 'a row of the zoomed graph is computePriceStats');
          assert.match(target.tip, new RegExp(`pricing\\.js:${declarationLine}\\b`), `the tooltip names ${PRICING}:${declarationLine}`);
          assert.match(target.tip, /Self \d+(\.\d)? ms \(\d+(\.\d)?%\) · Total \d+(\.\d)? ms \(\d+(\.\d)?%\)/);
          assert.match(target.tip, /your code/);
          await wb.screenshot(`flame-graph-zoomed-${theme.slug}`);

          // Click: the editor opens pricing.js with the cursor on the function's line.
          await wb.page.mouse.click(x, target.y);
          await waitFor(
            async () => `${await wb!.page.locator('.part.editor .tab.active').first().textContent()} | ${await wb!.page.locator('.part.statusbar').textContent()}`,
            (s) => s.includes('pricing.js') && s.includes(`Ln ${declarationLine}, Col 1`),
            `pricing.js open at line ${declarationLine}`,
            UI_TIMEOUT_MS,
          );
          await wb.screenshot(`flame-graph-opened-source-${theme.slug}`);
        } catch (err) {
          if (wb) await wb.screenshot(`flame-graph-failure-${theme.slug}`).catch(() => undefined);
          throw err;
        } finally {
          await wb?.close();
          await server.stop();
        }
      });
    }
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
    t.diagnostic(`test took ${elapsed()}`);
  }
});
