// Runs the in-host suite (suite/index.ts) inside the extension host of a real
// VS Code (code-server + Chromium): the workbench URL carries
// extensionTestsPath, the extension host calls the suite's run() once the
// browser connects, and VS Code reports the exit code through
// window.codeAutomationExit. The suite also writes its checks to a JSON file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CODE_SERVER_VERSION, findCodeServer, repoRoot, startCodeServer, testResultsDir } from './codeServer';
import type { SuiteResult } from './suite/index';
import { CHROMIUM_PATH, Workbench } from './workbench';

function whyNotRunnable(): string | undefined {
  if (process.env.CI === 'true') return undefined; // in CI a missing install is a failure
  if (!findCodeServer()) return `code-server ${CODE_SERVER_VERSION} is not installed: run scripts/install-vscode.sh`;
  if (!fs.existsSync(CHROMIUM_PATH)) return `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
  return undefined;
}

test('in-host suite passes inside the VS Code extension host', { skip: whyNotRunnable(), timeout: 180_000 }, async (t) => {
  assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
  const resultFile = path.join(testResultsDir, 'host-suite-code-server.json');
  fs.rmSync(resultFile, { force: true });

  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-host-suite-'));
  const server = await startCodeServer({
    name: 'host-suite',
    extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
    env: { HOTPATH_SUITE_RESULT: resultFile },
  });
  let wb: Workbench | undefined;
  try {
    wb = await Workbench.launch({ name: 'host-suite' });
    await wb.open(server.url, folder);
    const exit = await wb.waitForExtensionTests(120_000);
    if (exit.code !== 0) saveLogs(exit.logs);

    assert.ok(fs.existsSync(resultFile), `the suite wrote no result to ${resultFile} (exit code ${exit.code})`);
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as SuiteResult;
    for (const c of result.checks) t.diagnostic(`${c.passed ? 'ok' : 'FAILED'} - ${c.name}${c.error ? `: ${c.error}` : ''}`);
    t.diagnostic(`VS Code ${result.vscodeVersion}`);
    assert.equal(result.passed, true, 'every in-host check passed');
    assert.ok(result.checks.length > 0, 'the suite ran checks');
    assert.equal(exit.code, 0, 'the extension host reported exit code 0');
  } finally {
    await wb?.close();
    await server.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

function saveLogs(logs: { relativePath: string; contents: string }[]): void {
  const dir = path.join(testResultsDir, 'host-suite-logs');
  for (const log of logs) {
    const file = path.join(dir, log.relativePath);
    if (!file.startsWith(dir + path.sep)) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, log.contents);
  }
}
