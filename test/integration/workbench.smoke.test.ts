// Smoke test in a real VS Code (code-server + Chromium): the extension loads,
// its activity-bar container and Runs view show up in a trusted workspace.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CODE_SERVER_VERSION, findCodeServer, repoRoot, startCodeServer } from './codeServer';
import { CHROMIUM_PATH, Workbench } from './workbench';

const inCI = process.env.CI === 'true';

function whyNotRunnable(): string | undefined {
  if (inCI) return undefined; // in CI a missing install is a failure, reported by the test itself
  if (!findCodeServer()) return `code-server ${CODE_SERVER_VERSION} is not installed: run scripts/install-vscode.sh`;
  if (!fs.existsSync(CHROMIUM_PATH)) return `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
  return undefined;
}

test('Hotpath shows its activity-bar container and Runs view in VS Code', { skip: whyNotRunnable(), timeout: 180_000 }, async (t) => {
  const started = Date.now();
  assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');

  const demo = path.join(repoRoot, 'examples', 'demo');
  const folder = fs.existsSync(demo) ? demo : fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-smoke-'));
  const server = await startCodeServer({ name: 'smoke' });
  let wb: Workbench | undefined;
  try {
    wb = await Workbench.launch({ name: 'smoke' });
    const loadStart = Date.now();
    await wb.open(server.url, folder);
    t.diagnostic(`workbench loaded in ${Date.now() - loadStart} ms`);

    await wb.activityBarItem('Hotpath').waitFor({ state: 'visible' });
    assert.ok((await wb.activityBarTitles()).includes('Hotpath'), 'the activity bar has a "Hotpath" item');
    assert.equal(await wb.isRestrictedMode(), false, 'the workspace is trusted');

    await wb.openView('Hotpath');
    await wb.waitForView('Runs');
    assert.equal(await wb.isViewVisible('Runs'), true, 'the Runs view is visible');
    assert.equal(await wb.viewPane('Report').count(), 1, 'the Report view is in the container');

    t.diagnostic(`screenshot: ${path.relative(repoRoot, await wb.screenshot('smoke-hotpath-container'))}`);
  } catch (err) {
    if (wb) await wb.screenshot('smoke-failure').catch(() => undefined);
    throw err;
  } finally {
    await wb?.close();
    await server.stop();
    if (folder !== demo) fs.rmSync(folder, { recursive: true, force: true });
    t.diagnostic(`smoke test took ${Date.now() - started} ms; code-server log: ${path.relative(repoRoot, server.logFile)}`);
  }
});
