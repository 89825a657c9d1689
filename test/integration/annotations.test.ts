// Editor annotations in a real VS Code (code-server + Chromium), on the dark and
// the light theme: run the demo from the command palette, then see the code lens
// over computePriceStats, the line heat with its hover, the N+1 in the Problems
// panel at the `// N+1` line with its quick fix and explanation, Clear
// Annotations removing them all, and picking the run in the Runs tree bringing
// them back. The run happens once; the theme is then switched the way a user
// does it (Preferences: Color Theme) and every check is repeated.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, TestContext } from 'node:test';
import type { Frame, Locator } from 'playwright-core';
import { repoRoot, startCodeServer } from './codeServer';
import { clearNotifications, demoDir, RUN_TIMEOUT_MS, savedRuns, sleep, waitFor, whyNotRunnable } from './demoRun';
import { Problem, Workbench } from './workbench';

const THEMES = [
  { name: 'Default Dark Modern', slug: 'dark', kind: 'vs-dark' },
  { name: 'Default Light Modern', slug: 'light', kind: 'vs' },
] as const;
type Theme = (typeof THEMES)[number];

const PRICING = 'src/pricing.js';
const ORDERS = 'src/orders.js';
const QUICK_FIX = 'Hotpath: explain how to batch this N+1 query';
const N_PLUS_ONE_MESSAGE = /^N\+1 queries: this line runs /;
/** A busy two-core machine: the workbench can take seconds to react. */
const UI_TIMEOUT_MS = 20_000;

/** What these checks read from run.json. */
interface AnnotatedRecord {
  id: string;
  status: string;
  error: string | null;
  cpu: {
    hotFunctions: { name: string; file: string; line: number; category: string; selfPct: number; totalPct: number }[];
    hotLines: { file: string; line: number; selfMs: number; selfPct: number }[];
  } | null;
  queries: { nPlusOne: { route: string; count: number; callSite: { file: string; line: number; column: number } | null }[] } | null;
}

test('Editor annotations in VS Code on the dark and light themes: code lens, line heat, N+1 diagnostic and quick fix, Clear Annotations, Runs tree', { skip: whyNotRunnable(), timeout: 300_000 }, async (t) => {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');

  const pricingSource = fs.readFileSync(path.join(demoDir, PRICING), 'utf8').split('\n');
  const declarationLine = pricingSource.findIndex((l) => /^\s*function computePriceStats\(/.test(l)) + 1;
  assert.ok(declarationLine > 1, `${PRICING} declares computePriceStats below its first line`);
  const ordersSource = fs.readFileSync(path.join(demoDir, ORDERS), 'utf8').split('\n');
  const nPlusOneLine = ordersSource.findIndex((l) => /\/\/ N\+1/.test(l)) + 1;
  assert.ok(nPlusOneLine > 0, `${ORDERS} has a line marked // N+1`);

  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-vscode-annotations-'));
  const server = await startCodeServer({ name: 'annotations', colorTheme: THEMES[0].name, settings: { 'hotpath.runsDirectory': runsDir } });
  let wb: Workbench | undefined;
  try {
    wb = await Workbench.launch({ name: 'annotations' });
    await wb.open(server.url, demoDir);
    assert.equal(await wb.isRestrictedMode(), false, 'the demo workspace is trusted');
    t.diagnostic(`workbench loaded at ${elapsed()}`);

    // ---- 1. One run of the demo, from the palette ------------------------
    // With orders.js open, as a user would have it, the TypeScript server loads the
    // project during the run instead of holding up the hovers and Ctrl+. later.
    await quickOpen(wb, 'orders.js');
    await wb.runCommand('Hotpath: Run Benchmark');
    const [run] = await waitFor(() => Promise.resolve(savedRuns(runsDir)), (runs) => runs.length === 1, 'the run to be saved', RUN_TIMEOUT_MS + 30_000);
    const record = JSON.parse(fs.readFileSync(path.join(run.dir, 'run.json'), 'utf8')) as AnnotatedRecord;
    // Whether p95 stays under the demo's budget depends on the machine's load: either verdict is a finished run.
    assert.ok(record.status === 'passed' || record.status === 'failed', `run.json says ${record.status} (error: ${record.error})`);
    t.diagnostic(`run ${record.id} ${record.status} at ${elapsed()}`);

    const expected = expectations(record, declarationLine, nPlusOneLine);
    t.diagnostic(`run.json: computePriceStats is hot function #${expected.rank}${expected.rank > 1 ? ` after ${expected.rankedAbove.join(', ')}` : ''}; ${expected.heatLines.length} hot lines in ${PRICING}; N+1 at ${ORDERS}:${expected.nPlusOne.line}:${expected.nPlusOne.column}`);

    for (const theme of THEMES) {
      await t.test(`${theme.slug} theme`, async (tt) => {
        try {
          await checkTheme(tt, wb!, theme, expected, elapsed);
        } catch (err) {
          await wb!.screenshot(`annotations-failure-${theme.slug}`).catch(() => undefined);
          throw err;
        }
      });
    }
  } catch (err) {
    if (wb) await wb.screenshot('annotations-failure').catch(() => undefined);
    throw err;
  } finally {
    await wb?.close();
    await server.stop();
    fs.rmSync(runsDir, { recursive: true, force: true });
    t.diagnostic(`test took ${elapsed()}; code-server log: ${path.relative(repoRoot, server.logFile)}`);
  }
});

// ---------------------------------------------------------------------------
// What the run says the editor should show

interface Expected {
  status: string;
  /** computePriceStats's place among the run's hot functions, as its lens numbers it. */
  rank: number;
  /** The hot functions before it, as "name (category, self %)". */
  rankedAbove: string[];
  declarationLine: number;
  /** Lines of pricing.js with self time, hottest first. */
  heatLines: { line: number; selfPct: number }[];
  nPlusOne: { line: number; column: number };
}

function expectations(record: AnnotatedRecord, declarationLine: number, nPlusOneLine: number): Expected {
  assert.ok(record.cpu, 'run.json has a CPU summary');
  // Lenses rank the user's own functions only (native and library frames take no rank).
  const fns = record.cpu.hotFunctions.filter((f) => f.category === 'user');
  const index = fns.findIndex((f) => f.name === 'computePriceStats' && f.file === PRICING);
  assert.ok(index >= 0, `run.json lists computePriceStats among the hot functions: ${JSON.stringify(fns.slice(0, 5))}`);
  assert.equal(fns[index].line, declarationLine, `run.json places computePriceStats at ${PRICING}:${declarationLine}`);
  const hottestUser = fns.find((f) => f.category === 'user');
  assert.equal(hottestUser?.name, 'computePriceStats', 'computePriceStats is the hottest function of the demo\'s own code');
  const heatLines = record.cpu.hotLines
    .filter((l) => l.file === PRICING)
    .map((l) => ({ line: l.line, selfPct: l.selfPct }))
    .sort((a, b) => b.selfPct - a.selfPct);
  assert.ok(heatLines.length > 0, `run.json has hot lines in ${PRICING}`);
  const finding = record.queries?.nPlusOne.find((n) => n.callSite?.file === ORDERS);
  assert.ok(finding?.callSite, `run.json has an N+1 finding in ${ORDERS}: ${JSON.stringify(record.queries?.nPlusOne)}`);
  assert.equal(finding.callSite.line, nPlusOneLine, `the N+1 finding is at the line marked // N+1 (${ORDERS}:${nPlusOneLine})`);
  const rankedAbove = fns.slice(0, index).map((f) => `${f.name || '(anonymous)'} (${f.category}, ${f.selfPct}% self)`);
  return { status: record.status, rank: index + 1, rankedAbove, declarationLine, heatLines, nPlusOne: { line: finding.callSite.line, column: finding.callSite.column } };
}

// ---------------------------------------------------------------------------
// Steps 2–5 on one theme

async function checkTheme(t: TestContext, wb: Workbench, theme: Theme, expected: Expected, elapsed: () => string): Promise<void> {
  await wb.page.keyboard.press('Escape'); // whatever menu or widget the last step left open
  await closeAllEditors(wb);
  await setColorTheme(wb, theme);
  await clearNotifications(wb);
  await wb.openView('Hotpath');
  // The side bar's Report view shows the run before the screenshots are taken.
  await waitFor(
    async () => ((await (await wb.webview({ title: 'Hotpath report' }, UI_TIMEOUT_MS)).locator('body').textContent({ timeout: 5_000 })) ?? ''),
    (text) => text.includes(expected.status.toUpperCase()),
    `the Report view to show the ${expected.status} run`,
    UI_TIMEOUT_MS,
  );
  t.diagnostic(`${theme.name} applied at ${elapsed()}`);

  // ---- 2. Code lens and line heat in pricing.js --------------------------
  await hidePanel(wb); // the editor at full height, as a user reading the file has it
  await quickOpen(wb, 'pricing.js');
  const editor = activeEditor(wb);
  const withLens = await waitFor(() => readEditor(editor), (g) => g.lenses.some((l) => l.text.includes('Hotpath #')), `a Hotpath code lens in ${PRICING}`, UI_TIMEOUT_MS);
  const lens = withLens.lenses.find((l) => l.text.includes('Hotpath #'))!;
  t.diagnostic(`code lens at ${elapsed()}: "${lens.text}"`);
  assert.match(lens.text, new RegExp(`Hotpath #${expected.rank}: \\d+(\\.\\d)?% self · \\d+(\\.\\d)?% total · .+ self`), 'the lens gives the rank, self %, total % and self time');
  // Checked last, so that the other steps still run and report when it fails.
  const notFirst = /Hotpath #1:/.test(lens.text)
    ? undefined
    : `the lens over computePriceStats says "${lens.text}", not Hotpath #1: ranked above it are ${JSON.stringify(expected.rankedAbove)}`;
  const decl = withLens.lines.find((l) => l.n === expected.declarationLine);
  const above = withLens.lines.find((l) => l.n === expected.declarationLine - 1);
  assert.ok(decl && above, `lines ${expected.declarationLine - 1} and ${expected.declarationLine} are on screen`);
  assert.ok(
    lens.top >= above.bottom - 1 && lens.bottom <= decl.top + 1,
    `the lens sits between line ${above.n} (y ${above.top}–${above.bottom}) and the declaration on line ${decl.n} (y ${decl.top}–${decl.bottom}); it is at y ${lens.top}–${lens.bottom}`,
  );
  assert.ok(decl.text.includes('function computePriceStats('), `line ${decl.n} on screen is the declaration: "${decl.text}"`);

  // Heat: a gutter icon and a shaded background on each hot line that is on screen, and on no other line.
  const heat = await waitFor(() => readEditor(editor), (g) => heatMatches(g, expected), `line heat on the hot lines of ${PRICING}`, UI_TIMEOUT_MS);
  const onScreen = new Set(heat.lines.map((l) => l.n));
  t.diagnostic(`heat on lines ${heat.heat.map((h) => `${h.line} (level ${h.level})`).join(', ')}`);
  for (const h of heat.heat) assert.ok(h.background, `line ${h.line} has a heat background colour (got ${h.backgroundColor || 'none'})`);
  const hottest = expected.heatLines.find((l) => onScreen.has(l.line))!;
  const hottestShown = heat.heat.find((h) => h.line === hottest.line)!;
  assert.equal(hottestShown.level, Math.max(...heat.heat.map((h) => h.level)), `the hottest line on screen (${hottest.line}) has the highest heat level on screen`);
  t.diagnostic(`heat background on line ${hottest.line}: ${hottestShown.backgroundColor}`);

  const hoverText = await hoverLine(wb, editor, hottest.line);
  t.diagnostic(`hover on line ${hottest.line}: "${hoverText}"`);
  assert.match(hoverText, /self time on this line/);
  assert.ok(hoverText.includes(`${hottest.selfPct.toFixed(2)}% of busy CPU`), `the hover gives run.json's ${hottest.selfPct.toFixed(2)}% for line ${hottest.line}`);
  t.diagnostic(`screenshot: ${path.relative(repoRoot, await wb.screenshot(`vscode-codelens-${theme.slug}`))} at ${elapsed()}`);
  await restMouse(wb);

  // ---- 3. The N+1 in the Problems panel, its quick fix and explanation ----
  const problem = await nPlusOneProblem(wb);
  t.diagnostic(`problem: ${problem.file}:${problem.line}:${problem.column} [${problem.source}] ${problem.message.slice(0, 90)}…`);
  assert.equal(problem.file, path.join(demoDir, ORDERS), 'the N+1 is reported in orders.js');
  assert.equal(problem.line, expected.nPlusOne.line, `the N+1 is on the line marked // N+1 (${expected.nPlusOne.line})`);
  assert.equal(problem.source, 'Hotpath');
  assert.equal(problem.severity, 'warning');

  await quickOpen(wb, 'orders.js');
  await goTo(wb, expected.nPlusOne.line, problem.column ?? expected.nPlusOne.column);
  const actions = await openQuickFixes(wb);
  t.diagnostic(`quick fixes: ${JSON.stringify(actions)}`);
  assert.ok(actions.includes(QUICK_FIX), `Ctrl+. offers "${QUICK_FIX}"`);
  await chooseQuickFix(wb, QUICK_FIX);
  const preview = await markdownPreview(wb, 'Batching an N+1 query');
  const heading = ((await preview.locator('h1').first().textContent()) ?? '').trim();
  assert.equal(heading, 'Batching an N+1 query', 'the Markdown preview opens on the explanation');
  const previewText = ((await preview.locator('body').textContent()) ?? '').replace(/\s+/g, ' ');
  assert.match(previewText, /N\+1 queries: this line runs/, 'the explanation quotes the finding');
  t.diagnostic(`explanation preview open at ${elapsed()}; tabs: ${JSON.stringify(await tabTitles(wb))}`);
  await wb.problems(); // the Problems panel back in view beside the explanation
  await restMouse(wb);
  t.diagnostic(`screenshot: ${path.relative(repoRoot, await wb.screenshot(`vscode-problems-${theme.slug}`))}`);
  const prompted = await closeAllEditors(wb);
  assert.deepEqual(prompted, [], 'the explanation is read-only: closing it asks nothing');

  // ---- 4. Clear Annotations ----------------------------------------------
  await quickOpen(wb, 'pricing.js');
  await waitFor(() => readEditor(activeEditor(wb)), (g) => g.lenses.some((l) => l.text.includes('Hotpath #')) && g.heat.length > 0, 'the annotations before clearing them', UI_TIMEOUT_MS);
  await wb.runCommand('Hotpath: Clear Annotations');
  const cleared = await waitFor(
    () => readEditor(activeEditor(wb)),
    (g) => g.lines.length > 0 && !g.lenses.some((l) => l.text.includes('Hotpath')) && g.heat.length === 0 && g.backgrounds === 0,
    `the lenses and heat in ${PRICING} to go`,
    UI_TIMEOUT_MS,
  );
  await waitFor(() => wb.problems(), (ps) => !ps.some((p) => N_PLUS_ONE_MESSAGE.test(p.message)), 'the N+1 problem to go', UI_TIMEOUT_MS);
  t.diagnostic(`annotations cleared at ${elapsed()} (lenses left: ${JSON.stringify(cleared.lenses.map((l) => l.text))})`);

  // ---- 5. Picking the run in the Runs tree brings them back ---------------
  await wb.openView('Hotpath');
  await waitFor(() => wb.treeItems('Runs'), (items) => items.length === 1, 'the Runs tree to list the run', UI_TIMEOUT_MS);
  await wb.viewPane('Runs').locator('> .pane-body .monaco-list-row').first().click();
  // Clicking a run also opens its report.md preview; let it take the editor before opening the file.
  await wb.page.locator('.part.editor .tab.active', { hasText: 'report.md' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  t.diagnostic(`run picked in the Runs tree at ${elapsed()}; its report preview is open`);
  await quickOpen(wb, 'pricing.js');
  const back = await waitFor(
    () => readEditor(activeEditor(wb)),
    (g) => g.lenses.some((l) => l.text.includes('Hotpath #')) && heatMatches(g, expected),
    'the lens and the heat on every hot line on screen to come back after picking the run',
    UI_TIMEOUT_MS,
  );
  await nPlusOneProblem(wb);
  t.diagnostic(`annotations back at ${elapsed()}: ${back.lenses.length} lens(es), heat on ${back.heat.length} lines, N+1 listed`);
  assert.ok(!notFirst, notFirst);
}

/** True when heat icons mark exactly the run's hot lines among the lines on screen (and some are on screen). */
function heatMatches(g: EditorReading, expected: Expected): boolean {
  const onScreen = new Set(g.lines.map((l) => l.n));
  const want = expected.heatLines.filter((l) => onScreen.has(l.line)).map((l) => l.line).sort((a, b) => a - b);
  const shown = g.heat.map((h) => h.line).sort((a, b) => a - b);
  return want.length > 0 && JSON.stringify(want) === JSON.stringify(shown);
}

// ---------------------------------------------------------------------------
// The workbench, as a user drives it

async function setColorTheme(wb: Workbench, theme: Theme): Promise<void> {
  const workbench = wb.page.locator('.monaco-workbench').first();
  const current = () => workbench.getAttribute('class').then((c) => (c ?? '').split(/\s+/));
  if ((await current()).includes(theme.kind)) return;
  await wb.runCommand('Preferences: Color Theme');
  const picker = wb.page.locator('.quick-input-widget');
  await picker.locator('input.input').fill(theme.name);
  await picker.locator(`.monaco-list-row[aria-label$="${theme.name}"]`).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  // The picker previews the focused theme; Enter keeps it.
  await focusRowAndEnter(wb, '.quick-input-widget', (label) => label.endsWith(theme.name));
  await waitFor(current, (c) => c.includes(theme.kind), `the workbench to switch to ${theme.name}`, UI_TIMEOUT_MS);
}

/** Moves the mouse onto empty space (the bottom of the Problems panel or of the side bar) and lets any hover fade. */
async function restMouse(wb: Workbench): Promise<void> {
  await wb.page.mouse.move(1100, 960);
  await sleep(500);
}

async function hidePanel(wb: Workbench): Promise<void> {
  const panel = wb.page.locator('.part.panel');
  if (!(await panel.isVisible())) return;
  await wb.runCommand('View: Toggle Panel Visibility');
  await panel.waitFor({ state: 'hidden' });
}

/** Go to File (Ctrl+P) by name. */
async function quickOpen(wb: Workbench, fileName: string): Promise<void> {
  const widget = wb.page.locator('.quick-input-widget');
  // A webview that has just taken the focus (a Markdown preview) may not pass the key on yet: press again.
  for (let attempt = 1; ; attempt++) {
    await wb.page.keyboard.press('Control+P');
    try {
      await widget.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (err) {
      if (attempt === 4) throw err;
    }
  }
  await widget.locator('input.input').fill(fileName);
  await widget.locator('.monaco-list-row.focused .label-name', { hasText: fileName }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await wb.page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden' });
  await wb.page.locator('.part.editor .editor-group-container.active .tab.active', { hasText: fileName }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await activeEditor(wb).locator('.view-line').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
}

/** Go to Line/Column (Ctrl+G). */
async function goTo(wb: Workbench, line: number, column: number): Promise<void> {
  const widget = wb.page.locator('.quick-input-widget');
  await wb.page.keyboard.press('Control+G');
  await widget.waitFor({ state: 'visible' });
  await widget.locator('input.input').fill(`:${line}:${column}`);
  await wb.page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden' });
  await waitFor(
    () => wb.page.locator('.part.statusbar').textContent().then((s) => s ?? ''),
    (s) => s.includes(`Ln ${line}, Col ${column}`),
    `the cursor at line ${line}, column ${column}`,
    UI_TIMEOUT_MS,
  );
}

function activeEditor(wb: Workbench): Locator {
  return wb.page.locator('.part.editor .editor-group-container.active .editor-instance .monaco-editor').first();
}

async function tabTitles(wb: Workbench): Promise<string[]> {
  return (await wb.page.locator('.part.editor .tab').allTextContents()).map((s) => s.trim());
}

/**
 * Closes every editor. The explanation is an untitled document, so VS Code
 * asks whether to save it; answer "Don't Save" as a user would, and return
 * what the dialogs said.
 */
async function closeAllEditors(wb: Workbench): Promise<string[]> {
  const prompts: string[] = [];
  await wb.runCommand('View: Close All Editors');
  const dialog = wb.page.locator('.monaco-dialog-box');
  for (let i = 0; i < 5; i++) {
    const done = await waitFor(
      async () => ((await dialog.isVisible()) ? 'dialog' : (await wb.page.locator('.part.editor .tab').count()) === 0 ? 'closed' : ''),
      (s) => s !== '',
      'the editors to close or a save prompt',
      UI_TIMEOUT_MS,
    );
    if (done === 'closed') return prompts;
    prompts.push(((await dialog.locator('.dialog-message-text').textContent()) ?? '').trim());
    await dialog.locator('.monaco-button', { hasText: "Don't Save" }).click();
    await dialog.waitFor({ state: 'hidden' });
  }
  throw new Error(`editors still open after answering ${prompts.length} save prompts: ${JSON.stringify(await tabTitles(wb))}`);
}

/** Waits until the Problems panel lists the N+1 (it reads the rendered rows) and returns it. */
async function nPlusOneProblem(wb: Workbench): Promise<Problem> {
  const problems = await wb.waitForProblem(N_PLUS_ONE_MESSAGE, UI_TIMEOUT_MS);
  const found = problems.find((p) => N_PLUS_ONE_MESSAGE.test(p.message));
  assert.ok(found, `the Problems panel lists the N+1: ${JSON.stringify(problems)}`);
  return found;
}

/**
 * Ctrl+. at the cursor; returns the titles of the actions the menu offers.
 * The menu waits for every code-action provider, the TypeScript server's too,
 * which can still be loading the project on a busy machine: ask again if it
 * has not answered.
 */
async function openQuickFixes(wb: Workbench): Promise<string[]> {
  const rows = wb.page.locator('.action-widget .monaco-list-row.action');
  for (let attempt = 1; ; attempt++) {
    await wb.page.keyboard.press('Control+.');
    try {
      await rows.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      return rows.evaluateAll((els: PageElement[]) => els.map((r) => r.getAttribute('aria-label') ?? ''));
    } catch (err) {
      if (attempt === 3) throw err;
      await wb.page.keyboard.press('Escape');
    }
  }
}

/** Chooses the action from the open quick-fix menu. */
async function chooseQuickFix(wb: Workbench, title: string): Promise<void> {
  // With the keyboard: a click lands on the menu's pointer guard.
  await focusRowAndEnter(wb, '.action-widget', (label) => label === title);
  await wb.page.locator('.action-widget').waitFor({ state: 'hidden' });
}

/** Moves a list's focus down to the row whose aria-label matches, and presses Enter. */
async function focusRowAndEnter(wb: Workbench, container: string, matches: (label: string) => boolean): Promise<void> {
  const focused = wb.page.locator(`${container} .monaco-list-row.focused`).first();
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    const label = (await focused.getAttribute('aria-label', { timeout: 5_000 }).catch(() => null)) ?? '';
    if (matches(label)) {
      await wb.page.keyboard.press('Enter');
      return;
    }
    seen.push(label);
    await wb.page.keyboard.press('ArrowDown');
  }
  throw new Error(`no row of ${container} could be focused; focus went through ${JSON.stringify(seen)}`);
}

/** The content frame of the Markdown preview whose document has the heading. */
async function markdownPreview(wb: Workbench, heading: string): Promise<Frame> {
  let found: Frame | undefined;
  await waitFor(
    async () => {
      for (const frame of await wb.webviewFrames()) {
        const text = await frame.locator('h1').first().textContent({ timeout: 1_000 }).catch(() => null);
        if (text?.trim() === heading) found = frame;
      }
      return found !== undefined;
    },
    (ok) => ok,
    `a Markdown preview headed "${heading}"`,
    UI_TIMEOUT_MS,
  );
  return found!;
}

// ---------------------------------------------------------------------------
// Reading the editor's DOM

interface EditorReading {
  /** Rendered lines: number, vertical extent (page pixels) and text. */
  lines: { n: number; top: number; bottom: number; text: string; textLeft: number; textRight: number }[];
  lenses: { text: string; top: number; bottom: number }[];
  /** Lines with a Hotpath heat icon in the gutter (media/heatN.svg) and whether their background is shaded. */
  heat: { line: number; level: number; background: boolean; backgroundColor: string }[];
  /** Whole-line decorations with a background colour (Hotpath's heat, once it is cleared: none). */
  backgrounds: number;
}

// The little of the DOM the in-page function uses (the tests compile without lib "dom").
interface PageRect {
  top: number;
  bottom: number;
  left: number;
  right: number;
}
interface PageElement {
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  querySelector(selector: string): PageElement | null;
  getBoundingClientRect(): PageRect;
  readonly textContent: string | null;
  readonly className: string;
}
interface PageGlobals {
  getComputedStyle(el: PageElement): { backgroundImage: string; backgroundColor: string };
}

/** Line numbers, code lenses and heat decorations of an editor, with their positions on the page. */
async function readEditor(editor: Locator): Promise<EditorReading> {
  const raw = await editor.evaluate((root: PageElement) => {
    const style = (el: PageElement) => (globalThis as unknown as PageGlobals).getComputedStyle(el);
    const all = (sel: string) => Array.from(root.querySelectorAll(sel));
    const numbers = all('.margin-view-overlays .line-numbers').map((el) => {
      const r = el.getBoundingClientRect();
      return { n: Number((el.textContent ?? '').trim()), top: r.top, bottom: r.bottom };
    });
    const texts = all('.view-lines .view-line').map((el) => {
      const r = el.getBoundingClientRect();
      const span = el.querySelector('span')?.getBoundingClientRect() ?? r;
      // Monaco renders spaces as U+00A0.
      return { top: r.top, text: (el.textContent ?? '').replace(/\u00a0/g, ' '), textLeft: span.left, textRight: span.right };
    });
    const lenses = all('.codelens-decoration').map((el) => {
      const r = el.getBoundingClientRect();
      return { text: (el.textContent ?? '').trim(), top: r.top, bottom: r.bottom };
    });
    const icons = all('.cgmr').flatMap((el) => {
      const m = /heat(\d)\.svg/.exec(style(el).backgroundImage);
      return m ? [{ top: el.getBoundingClientRect().top, level: Number(m[1]) }] : [];
    });
    const shaded = all('.view-overlays .cdr')
      .filter((el) => /TextEditorDecorationType/.test(el.className))
      .map((el) => ({ top: el.getBoundingClientRect().top, color: style(el).backgroundColor }))
      .filter((d) => !/^rgba\(\d+, \d+, \d+, 0\)$|^transparent$/.test(d.color));
    return { numbers, texts, lenses, icons, shaded };
  });
  const near = (a: number, b: number) => Math.abs(a - b) < 2;
  const lines = raw.numbers
    .filter((l) => l.n > 0)
    .map((l) => {
      const text = raw.texts.find((x) => near(x.top, l.top));
      return { ...l, text: text?.text ?? '', textLeft: text?.textLeft ?? 0, textRight: text?.textRight ?? 0 };
    });
  const heat = raw.icons.flatMap((icon) => {
    const line = lines.find((l) => near(l.top, icon.top));
    if (!line) return [];
    const bg = raw.shaded.find((d) => near(d.top, icon.top));
    return [{ line: line.n, level: icon.level, background: bg !== undefined, backgroundColor: bg?.color ?? '' }];
  });
  return { lines, lenses: raw.lenses, heat, backgrounds: raw.shaded.length };
}

/** Rests the mouse on a line's text until its hover shows; returns the hover's text. */
async function hoverLine(wb: Workbench, editor: Locator, line: number): Promise<string> {
  const hover = wb.page.locator('.monaco-hover', { hasText: 'self time' }).first();
  for (let attempt = 1; ; attempt++) {
    const target = (await readEditor(editor)).lines.find((l) => l.n === line);
    assert.ok(target, `line ${line} is on screen`);
    const x = target.textLeft + Math.max(10, (target.textRight - target.textLeft) * 0.6);
    const y = (target.top + target.bottom) / 2;
    await wb.page.mouse.move(x - 15, y);
    await wb.page.mouse.move(x, y, { steps: 3 });
    try {
      await hover.waitFor({ state: 'visible', timeout: 5_000 });
      // Other hover providers (the TypeScript server) may add "Loading..." until they answer.
      await hover.getByText('Loading...').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
      await sleep(600); // the hover fades in
      return ((await hover.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    } catch (err) {
      if (attempt === 3) throw err;
      await restMouse(wb);
    }
  }
}
