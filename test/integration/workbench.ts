// Page object over the VS Code workbench served by code-server, driven by
// Debian's Chromium through playwright-core. Every step waits for what it
// needs to see; none sleeps for a fixed time.
import * as fs from 'fs';
import * as path from 'path';
import { Browser, BrowserContext, chromium, ElementHandle, Frame, Locator, Page } from 'playwright-core';
import { testResultsDir } from './codeServer';

export const CHROMIUM_PATH = process.env.HOTPATH_CHROMIUM || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchOptions {
  /** Names test-results/browser-NAME.log, where the page's console and errors go. */
  name?: string;
  headless?: boolean;
  executablePath?: string;
}

export interface OpenOptions {
  /** Trust the folder before the workbench loads (default true); false opens it in Restricted Mode. */
  trustFolder?: boolean;
  /**
   * Wait until the workbench has read every extension's contributions (its
   * "code/didLoadExtensions" performance mark), so views, commands and the
   * trust state are in place (default true).
   */
  waitForExtensions?: boolean;
  timeoutMs?: number;
}

export interface Problem {
  severity: 'error' | 'warning' | 'info' | 'unknown';
  message: string;
  /** Path of the file as the Problems panel shows it in its tooltip. */
  file: string;
  source?: string;
  code?: string;
  line?: number;
  column?: number;
}

export interface WebviewMatch {
  /** The inner document's <title>. */
  title?: string | RegExp;
  /** A selector that must be present in the inner document. */
  hasSelector?: string;
  /** Owner of the webview, e.g. "hotpath.hotpath". */
  extensionId?: string;
}

export interface ExtensionTestsExit {
  code: number;
  /** The workbench's log files at exit (window.log, the extension host's, ...). */
  logs: { relativePath: string; contents: string }[];
}

const DEFAULT_TIMEOUT = 30_000;

// The little of the DOM that the in-page functions below use (the tests compile without lib "dom").
interface DomElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  readonly textContent: string | null;
  readonly classList: { contains(token: string): boolean };
}
interface IdbRequest<T> {
  result: T;
  error: unknown;
  onupgradeneeded: (() => void) | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbDatabase {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(store: string, mode: 'readwrite'): {
    objectStore(name: string): { put(value: unknown, key: string): unknown };
    oncomplete: (() => void) | null;
    onerror: (() => void) | null;
    error: unknown;
  };
  close(): void;
}
interface BrowserGlobals {
  indexedDB: { open(name: string): IdbRequest<IdbDatabase> };
}

export class Workbench {
  private exitResolve!: (exit: ExtensionTestsExit) => void;
  /** Settles when an --extensionTestsPath suite finishes: VS Code calls window.codeAutomationExit. */
  readonly extensionTestsExit = new Promise<ExtensionTestsExit>((r) => (this.exitResolve = r));

  private constructor(
    readonly browser: Browser,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async launch(options: LaunchOptions = {}): Promise<Workbench> {
    const browser = await chromium.launch({
      executablePath: options.executablePath ?? CHROMIUM_PATH,
      headless: options.headless ?? true,
      args: CHROMIUM_ARGS,
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      context.setDefaultTimeout(DEFAULT_TIMEOUT);
      const page = await context.newPage();
      const wb = new Workbench(browser, context, page);
      await context.exposeFunction('codeAutomationExit', (code: number, logs: ExtensionTestsExit['logs']) =>
        wb.exitResolve({ code, logs: logs ?? [] }),
      );
      if (options.name) wb.recordConsole(path.join(testResultsDir, `browser-${options.name}.log`));
      return wb;
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /**
   * Loads the workbench for `folder`. `url` is CodeServer.url (it carries the
   * extension under test); the folder is added to its query.
   */
  async open(url: string, folder: string, options: OpenOptions = {}): Promise<void> {
    const timeout = options.timeoutMs ?? 60_000;
    const target = new URL(url);
    target.searchParams.set('folder', path.resolve(folder));
    if (options.trustFolder ?? true) await this.trustFolder(target, path.resolve(folder));
    await this.page.goto(target.toString());
    await this.page.locator('.monaco-workbench').waitFor({ timeout });
    await this.page.locator('.monaco-workbench .part.activitybar .action-item').first().waitFor({ timeout });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout });
    if (options.waitForExtensions ?? true) {
      await this.page.waitForFunction(() => performance.getEntriesByName('code/didLoadExtensions').length > 0, undefined, { timeout });
    }
  }

  /**
   * VS Code keeps its list of trusted folders in browser-side application
   * storage (IndexedDB "vscode-web-state-db-global", key
   * "content.trust.model.key"); code-server has no command-line way to fill
   * it. Writing the entry on the same origin before the workbench loads is
   * what clicking "Trust Folder" would have stored.
   */
  private async trustFolder(target: URL, folder: string): Promise<void> {
    await this.page.goto(new URL('/healthz', target).toString());
    const entry = JSON.stringify({
      uriTrustInfo: [{ uri: { scheme: 'vscode-remote', authority: target.host, path: folder }, trusted: true }],
    });
    await this.page.evaluate(
      (value) =>
        new Promise<void>((resolve, reject) => {
          // Runs in the page; the tests compile without the DOM library.
          const req = (globalThis as unknown as BrowserGlobals).indexedDB.open('vscode-web-state-db-global');
          req.onupgradeneeded = () => {
            if (!req.result.objectStoreNames.contains('ItemTable')) req.result.createObjectStore('ItemTable');
          };
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const db = req.result;
            const tx = db.transaction('ItemTable', 'readwrite');
            tx.objectStore('ItemTable').put(value, 'content.trust.model.key');
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      entry,
    );
  }

  /** True when the status bar shows "Restricted Mode". */
  async isRestrictedMode(): Promise<boolean> {
    return (await this.page.locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).count()) > 0;
  }

  /** Runs a command by its palette title, e.g. "Hotpath: Run Benchmark". */
  async runCommand(title: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    await this.page.keyboard.press('F1');
    await widget.waitFor({ state: 'visible' });
    await widget.locator('input.input').fill(`>${title}`);
    const row = widget.locator('.monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
    });
    try {
      await row.first().waitFor({ state: 'visible' });
    } catch {
      const shown = await widget.locator('.monaco-list-row .label-name').allTextContents();
      await this.page.keyboard.press('Escape');
      throw new Error(`No command titled "${title}" in the palette; it shows: ${JSON.stringify(shown)}`);
    }
    await row.first().click();
    // Done when the palette closes, or shows something else (a command may open its own quick pick).
    const input = widget.locator('input.input');
    await this.poll(
      async () => !(await widget.isVisible()) || (await input.inputValue().catch(() => '')) !== `>${title}`,
      `the palette to run "${title}"`,
    );
  }

  /** Titles of the activity-bar items ("Explorer", "Hotpath", ...), without their key hints. */
  async activityBarTitles(): Promise<string[]> {
    const labels = await this.page
      .locator('.part.activitybar .action-item a.action-label')
      .evaluateAll((els: DomElement[]) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    return labels.map(stripKeybinding).filter(Boolean);
  }

  /** The activity-bar item for a view container, e.g. "Hotpath". */
  activityBarItem(containerTitle: string): Locator {
    const base = '.part.activitybar .action-item a.action-label';
    const t = cssString(containerTitle);
    // With a key binding the label reads "Explorer (Ctrl+Shift+E)".
    return this.page.locator(`${base}[aria-label="${t}"], ${base}[aria-label^="${t} ("]`);
  }

  /** Shows a view container in the side bar by clicking its activity-bar item. */
  async openView(containerTitle: string): Promise<void> {
    const item = this.activityBarItem(containerTitle);
    await item.waitFor({ state: 'visible' });
    const title = this.page.locator('.part.sidebar .composite.title h2');
    // Clicking the item of the container already shown would hide the side bar.
    if (await title.isVisible() && (await title.textContent())?.trim().toLowerCase() === containerTitle.toLowerCase()) return;
    await item.click();
    await this.page.locator('.part.sidebar .composite.title h2', { hasText: containerTitle }).waitFor({ state: 'visible' });
    // Move off the item so its hover label does not cover the side bar in screenshots.
    await this.page.mouse.move(800, 500);
  }

  /** The side-bar or panel section of a view, by its name ("Runs"; "Explorer" for "Explorer Section: folder"). */
  viewPane(viewTitle: string): Locator {
    const t = cssString(viewTitle);
    return this.page.locator('.pane').filter({
      has: this.page.locator(`> .pane-header[aria-label="${t} Section"], > .pane-header[aria-label^="${t} Section: "]`),
    });
  }

  async isViewVisible(viewTitle: string): Promise<boolean> {
    return this.viewPane(viewTitle).locator('> .pane-body').isVisible();
  }

  /** Waits until the view is shown and its progress bar (extension activating, view loading) has stopped. */
  async waitForView(viewTitle: string, timeoutMs = DEFAULT_TIMEOUT): Promise<void> {
    const pane = this.viewPane(viewTitle);
    await pane.locator('> .pane-body').waitFor({ state: 'visible', timeout: timeoutMs });
    await pane.locator('> .monaco-progress-container.active').waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  /** Labels of the rows a tree view shows now (rendered rows only: long trees are virtualised). */
  async treeItems(viewTitle: string): Promise<string[]> {
    await this.waitForView(viewTitle);
    return this.viewPane(viewTitle)
      .locator('> .pane-body .monaco-list-row')
      .evaluateAll((rows: DomElement[]) =>
        rows
          .sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
          .map((r) => (r.querySelector('.label-name')?.textContent ?? r.getAttribute('aria-label') ?? '').trim()),
      );
  }

  async waitForTreeItem(viewTitle: string, label: string | RegExp, timeoutMs = DEFAULT_TIMEOUT): Promise<void> {
    await this.waitForView(viewTitle, timeoutMs);
    await this.viewPane(viewTitle)
      .locator('> .pane-body .monaco-list-row .label-name', { hasText: label })
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Saves test-results/screenshots/NAME.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(testResultsDir, 'screenshots', `${name}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * The content frame of a webview (panel or view). VS Code nests it:
   * `iframe.webview` (the host shell) holds `#active-frame` (the extension's HTML).
   */
  async webview(match: WebviewMatch = {}, timeoutMs = DEFAULT_TIMEOUT): Promise<Frame> {
    let found: Frame | undefined;
    await this.poll(
      async () => {
        for (const frame of await this.webviewFrames(match.extensionId)) {
          if (await frameMatches(frame, match)) found = frame;
        }
        return found !== undefined;
      },
      `a webview matching ${describeMatch(match)}`,
      timeoutMs,
    );
    return found!;
  }

  /** Runs `fn` inside a webview's document. */
  async evaluateInWebview<R, A>(match: WebviewMatch, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    const frame = await this.webview(match);
    return frame.evaluate<R, A>(fn as (arg: unknown) => R | Promise<R>, arg);
  }

  /** Inner frames of every loaded webview, optionally only those of one extension. */
  async webviewFrames(extensionId?: string): Promise<Frame[]> {
    const frames: Frame[] = [];
    for (const host of await this.page.locator('iframe.webview').elementHandles()) {
      if (extensionId) {
        const src = (await host.getAttribute('src')) ?? '';
        if (new URL(src, this.page.url()).searchParams.get('extensionId') !== extensionId) continue;
      }
      const inner = await innerFrame(host);
      if (inner) frames.push(inner);
    }
    return frames;
  }

  /** Opens the Problems panel and reads the problems it lists (rendered rows only). */
  async problems(): Promise<Problem[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
      await panel.waitFor({ state: 'visible' });
    }
    return panel.locator('.monaco-list-row').evaluateAll((rows: DomElement[]) => {
      const out: Problem[] = [];
      let file = '';
      const text = (el: DomElement, sel: string) => el.querySelector(sel)?.textContent?.trim() || undefined;
      rows.sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')));
      for (const row of rows) {
        if (row.getAttribute('aria-level') === '1') {
          file = row.querySelector('.monaco-icon-label')?.getAttribute('aria-label') ?? text(row, '.label-name') ?? '';
          continue;
        }
        const icon = row.querySelector('.marker-icon');
        const severity = (['error', 'warning', 'info'] as const).find((s) => icon?.classList.contains(s)) ?? 'unknown';
        const where = /Ln (\d+), Col (\d+)/.exec(text(row, '.marker-line') ?? '');
        out.push({
          severity,
          message: text(row, '.marker-message') ?? '',
          file,
          source: text(row, '.marker-source'),
          code: text(row, '.marker-code'),
          line: where ? Number(where[1]) : undefined,
          column: where ? Number(where[2]) : undefined,
        });
      }
      return out;
    });
  }

  /** Waits until the Problems panel lists a problem whose message matches, then returns all of them. */
  async waitForProblem(message: string | RegExp, timeoutMs = DEFAULT_TIMEOUT): Promise<Problem[]> {
    await this.problems();
    await this.page
      .locator('.markers-panel .marker-message', { hasText: message })
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs });
    return this.problems();
  }

  /** Texts of the notification toasts on screen now. */
  async notifications(): Promise<string[]> {
    const texts = await this.page
      .locator('.notifications-toasts .notification-toast .notification-list-item-message')
      .allTextContents();
    return texts.map((t) => t.trim());
  }

  async waitForNotification(text: string | RegExp, timeoutMs = DEFAULT_TIMEOUT): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message', { hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    return ((await toast.textContent()) ?? '').trim();
  }

  /** Waits for an --extensionTestsPath suite to finish (see CodeServerOptions.extensionTestsPath). */
  async waitForExtensionTests(timeoutMs = 120_000): Promise<ExtensionTestsExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`The extension tests did not finish within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.extensionTestsExit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /** Re-checks `condition` every 50 ms: for states no single selector can express. */
  private async poll(condition: () => Promise<boolean>, what: string, timeoutMs = DEFAULT_TIMEOUT): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
      await this.page.waitForTimeout(50);
    }
  }

  private recordConsole(file: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const out = fs.createWriteStream(file);
    this.page.on('console', (m) => out.write(`[${m.type()}] ${m.text()}\n`));
    this.page.on('pageerror', (e) => out.write(`[pageerror] ${e.stack ?? e.message}\n`));
    this.browser.on('disconnected', () => out.end());
  }
}

/** The webview's content frame; undefined while it is (re)loading, when its document can vanish mid-query. */
async function innerFrame(host: ElementHandle): Promise<Frame | undefined> {
  try {
    const outer = await host.contentFrame();
    if (!outer) return undefined;
    const active = await outer.$('#active-frame');
    return (await active?.contentFrame()) ?? undefined;
  } catch {
    return undefined;
  }
}

async function frameMatches(frame: Frame, match: WebviewMatch): Promise<boolean> {
  try {
    if (match.title !== undefined) {
      const title = await frame.title();
      if (typeof match.title === 'string' ? title !== match.title : !match.title.test(title)) return false;
    }
    if (match.hasSelector && !(await frame.$(match.hasSelector))) return false;
    return true;
  } catch {
    return false; // the frame navigated or went away while we looked
  }
}

function describeMatch(match: WebviewMatch): string {
  return JSON.stringify({ ...match, title: match.title?.toString() });
}

function stripKeybinding(label: string): string {
  return label.replace(/ \([^)]*\)$/, '').trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}
