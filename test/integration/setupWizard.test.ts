// Zero-config start in a real VS Code: a copy of the demo without
// hotpath.config.json; "Hotpath: Run Benchmark" asks how the service starts,
// which route says it is ready and which routes to load (answered in the quick
// input, as a user would), writes the config with $schema and runs it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoRoot, startCodeServer, testResultsDir } from './codeServer';
import { demoDir, RUN_TIMEOUT_MS, savedRuns, waitFor, whyNotRunnable } from './demoRun';
import { Workbench } from './workbench';

test('Run Benchmark without a config: guided setup writes hotpath.config.json and the run finishes', { skip: whyNotRunnable(), timeout: 180_000 }, async (t) => {
  assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
  // Inside the repository (ignored folder) so the copy resolves the demo's better-sqlite3 from the repository's node_modules.
  fs.mkdirSync(testResultsDir, { recursive: true });
  const folder = fs.mkdtempSync(path.join(testResultsDir, 'setup-demo-'));
  fs.copyFileSync(path.join(demoDir, 'server.js'), path.join(folder, 'server.js'));
  fs.cpSync(path.join(demoDir, 'src'), path.join(folder, 'src'), { recursive: true });
  const configFile = path.join(folder, 'hotpath.config.json');
  assert.equal(fs.existsSync(configFile), false);

  const server = await startCodeServer({ name: 'setup-wizard', settings: { 'hotpath.dashboard.openOnRun': false } });
  let wb: Workbench | undefined;
  try {
    wb = await Workbench.launch({ name: 'setup-wizard' });
    await wb.open(server.url, folder);
    await wb.runCommand('Hotpath: Run Benchmark');

    const quick = wb.page.locator('.quick-input-widget');
    const step = async (n: string) => {
      await waitFor(() => quick.locator('.quick-input-title').textContent().then((s) => s ?? ''), (s) => s.includes(`(${n}/4)`), `setup step ${n}/4`, 30_000);
      return (await quick.locator('.monaco-list-row .label-name').allTextContents()).map((s) => s.trim());
    };

    const starts = await step('1');
    t.diagnostic(`start picks: ${JSON.stringify(starts)}`);
    assert.equal(starts[0], 'server.js', 'the demo\'s entry file is offered first');
    await wb.page.screenshot({ path: path.join(testResultsDir, 'vscode-setup-start.png') });
    await wb.page.keyboard.press('Enter');

    // The demo reads PORT: no port question (step 2 is skipped).
    const health = await step('3');
    t.diagnostic(`health picks: ${JSON.stringify(health)}`);
    assert.equal(health[0], '/health');
    await wb.page.keyboard.press('Enter');

    const routes = await step('4');
    t.diagnostic(`route picks: ${JSON.stringify(routes)}`);
    for (const r of ['/products', '/report/cpu', '/export/alloc', '/orders']) assert.ok(routes.includes(r), `${r} is offered`);
    assert.ok(!routes.includes('/health'), 'the health check is not offered for load');
    await wb.page.screenshot({ path: path.join(testResultsDir, 'vscode-setup-routes.png') });
    await wb.page.keyboard.press('Enter');

    const config = await waitFor(
      () => Promise.resolve(fs.existsSync(configFile) ? JSON.parse(fs.readFileSync(configFile, 'utf8')) : null),
      (c) => c !== null,
      'hotpath.config.json to be written',
      15_000,
    );
    t.diagnostic(`config: ${JSON.stringify(config)}`);
    assert.match(config.$schema, /hotpath\.config\.schema\.json$/);
    assert.deepEqual(config.service.args, ['server.js']);
    assert.equal(config.service.readyUrl, 'http://127.0.0.1:${port}/health');
    assert.ok(config.load.requests.some((r: { path: string }) => r.path === '/report/cpu'));

    const runsDir = path.join(folder, '.hotpath', 'runs');
    const runs = await waitFor(() => Promise.resolve(fs.existsSync(runsDir) ? savedRuns(runsDir) : []), (r) => r.length === 1, 'the run to be saved', RUN_TIMEOUT_MS);
    const record = runs[0].record;
    assert.ok(record.status === 'passed' || record.status === 'failed', `the run completed (status ${record.status}, error ${record.error})`);
    assert.ok(record.load && record.load.requests.total > 0, 'the run sent requests');
    await wb.screenshot('vscode-setup-done');
  } catch (err) {
    if (wb) await wb.screenshot('setup-wizard-failure').catch(() => undefined);
    throw err;
  } finally {
    await wb?.close();
    await server.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
