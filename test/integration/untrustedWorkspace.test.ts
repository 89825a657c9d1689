// Workspace trust in a real VS Code (code-server + Chromium): in a folder opened
// in Restricted Mode, Run Benchmark says why it does nothing and how to trust
// the folder, starts no process and writes no run. The service command of the
// folder's config would leave a marker file if it were ever started.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoRoot, startCodeServer } from './codeServer';
import { Workbench } from './workbench';
import { waitFor, whyNotRunnable } from './demoRun';


test('an untrusted workspace: Run Benchmark refuses, explains how to trust, and starts nothing', { skip: whyNotRunnable(), timeout: 180_000 }, async (t) => {
  assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-untrusted-'));
  const marker = path.join(folder, 'STARTED');
  // Were this service ever launched, it would leave the marker and serve readiness.
  fs.writeFileSync(
    path.join(folder, 'server.js'),
    `require('fs').writeFileSync(${JSON.stringify(marker)}, String(process.pid));
require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
`,
  );
  const runsDir = path.join(folder, 'runs');
  fs.writeFileSync(
    path.join(folder, 'hotpath.config.json'),
    JSON.stringify({ service: { command: 'node', args: ['server.js'], readyUrl: 'http://127.0.0.1:${port}/' }, load: { stages: [{ durationSec: 2, connections: 1 }] } }, null, 2),
  );
  const server = await startCodeServer({ name: 'untrusted', settings: { 'hotpath.runsDirectory': runsDir } });
  let wb: Workbench | undefined;
  try {
    wb = await Workbench.launch({ name: 'untrusted' });
    await wb.open(server.url, folder, { trustFolder: false });
    // The trust state settles after the workbench has loaded; on a busy machine the status item comes later.
    await waitFor(() => wb!.isRestrictedMode(), (restricted) => restricted, 'the folder to be open in Restricted Mode', 30_000);
    await wb.runCommand('Hotpath: Run Benchmark');
    const toast = await wb.waitForNotification(/untrusted workspace/i, 30_000);
    t.diagnostic(`notification: ${toast}`);
    assert.match(toast, /does not start anything in an untrusted workspace/);
    assert.match(toast, /Trust this workspace/);
    // Give a launch that should not happen every chance to show itself.
    await new Promise((r) => setTimeout(r, 5000));
    assert.equal(fs.existsSync(marker), false, 'the service command was started in an untrusted workspace');
    assert.equal(fs.existsSync(runsDir) && fs.readdirSync(runsDir).some((n) => !n.startsWith('.') && n !== 'index.json'), false, 'a run was written');
  } catch (err) {
    if (wb) await wb.screenshot('untrusted-failure').catch(() => undefined);
    throw err;
  } finally {
    await wb?.close();
    await server.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
