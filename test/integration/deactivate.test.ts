// Deactivation mid-run in a real VS Code (code-server + Chromium): a benchmark is
// running (its service and the child it started are alive) when the window is
// reloaded. Reloading stops the extension host, which calls the extension's
// deactivate(); every process the run started must be gone afterwards. The
// service's processes are found by a marker variable they all inherit.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoRoot, startCodeServer } from './codeServer';
import { Workbench } from './workbench';
import { whyNotRunnable } from './demoRun';
import { markedProcesses, MARKER_ENV, faultFixtures } from '../e2e/reliability/faultsHarness';


async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('the extension deactivated mid-run (window reloaded): every process the run started is killed', { skip: whyNotRunnable(), timeout: 240_000 }, async (t) => {
  assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-deactivate-'));
  const marker = `deactivate-${process.pid}-${Date.now()}`;
  fs.writeFileSync(
    path.join(folder, 'hotpath.config.json'),
    JSON.stringify(
      {
        service: { command: 'node', args: [path.join(faultFixtures, 'tree.js')], env: { [MARKER_ENV]: marker }, readyUrl: 'http://127.0.0.1:${port}/health' },
        load: { stages: [{ durationSec: 120, connections: 2 }] },
      },
      null,
      2,
    ),
  );
  const server = await startCodeServer({ name: 'deactivate', settings: { 'hotpath.runsDirectory': path.join(folder, 'runs'), 'hotpath.dashboard.openOnRun': false } });
  let wb: Workbench | undefined;
  try {
    wb = await Workbench.launch({ name: 'deactivate' });
    await wb.open(server.url, folder);
    await wb.runCommand('Hotpath: Run Benchmark');
    // The service and the child that ignores SIGTERM are both up.
    await until('the service and its child run', () => markedProcesses(marker).length >= 2, 90_000);
    const started = markedProcesses(marker);
    t.diagnostic(`running before the reload: ${started.length} processes (${started.join(' ')})`);
    await wb.runCommand('Developer: Reload Window');
    await until('no process of the run is left', () => markedProcesses(marker).length === 0, 60_000);
    process.stdout.write(`deactivate: ${started.length} processes running before the reload, ${markedProcesses(marker).length} after\n`);
  } catch (err) {
    if (wb) await wb.screenshot('deactivate-failure').catch(() => undefined);
    throw err;
  } finally {
    await wb?.close();
    await server.stop();
    for (const pid of markedProcesses(marker)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
