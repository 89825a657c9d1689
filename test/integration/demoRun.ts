// What the tests that run the demo in a real VS Code share: where the demo is,
// whether this machine can run them, polling, the saved runs, notifications.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CODE_SERVER_VERSION, findCodeServer, repoRoot, testResultsDir } from './codeServer';
import { CHROMIUM_PATH, Workbench } from './workbench';

const inCI = process.env.CI === 'true';
export const demoDir = path.join(repoRoot, 'examples', 'demo');
/** The demo's config drives 10 s of load; starting, profiling and analysing add a few seconds. */
export const RUN_TIMEOUT_MS = 60_000;

/**
 * A copy of the demo (server, sources and its config changed by `edit`) in a
 * fresh folder under the test results. Inside the repository (an ignored
 * folder) so the copy resolves better-sqlite3 from the repository's node_modules.
 */
export function demoCopy(prefix: string, edit: (config: any) => void): string {
  fs.mkdirSync(testResultsDir, { recursive: true });
  const folder = fs.mkdtempSync(path.join(testResultsDir, prefix));
  fs.copyFileSync(path.join(demoDir, 'server.js'), path.join(folder, 'server.js'));
  fs.cpSync(path.join(demoDir, 'src'), path.join(folder, 'src'), { recursive: true });
  const config = JSON.parse(fs.readFileSync(path.join(demoDir, 'hotpath.config.json'), 'utf8'));
  delete config.$schema;
  edit(config);
  fs.writeFileSync(path.join(folder, 'hotpath.config.json'), JSON.stringify(config, null, 2));
  return folder;
}

export function whyNotRunnable(): string | undefined {
  if (inCI) return undefined; // in CI a missing install is a failure, reported by the test itself
  if (!findCodeServer()) return `code-server ${CODE_SERVER_VERSION} is not installed: run scripts/install-vscode.sh`;
  if (!fs.existsSync(CHROMIUM_PATH)) return `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
  return undefined;
}

export async function clearNotifications(wb: Workbench): Promise<void> {
  await wb.runCommand('Notifications: Clear All Notifications');
  await wb.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden', timeout: 5_000 });
}

// ---------------------------------------------------------------------------
// Saved runs

export interface SavedRun {
  dir: string;
  record: { status: string; error: string | null; load: { requests: { total: number } } | null };
}

export function savedRuns(runsDir: string): SavedRun[] {
  const out: SavedRun[] = [];
  for (const name of fs.readdirSync(runsDir)) {
    const file = path.join(runsDir, name, 'run.json');
    if (!fs.existsSync(file)) continue;
    try {
      out.push({ dir: path.join(runsDir, name), record: JSON.parse(fs.readFileSync(file, 'utf8')) });
    } catch {
      // being written; the next poll reads it
    }
  }
  return out;
}

// ---------------------------------------------------------------------------

/** Polls `read` every 200 ms until `ok` holds; on timeout, fails with the last value read. */
export async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}; last saw ${JSON.stringify(last)}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      );
    }
    await sleep(200);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
