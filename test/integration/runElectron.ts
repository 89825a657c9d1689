// Runs the in-host suite (suite/index.ts) in a desktop VS Code downloaded by
// @vscode/test-electron. For machines that can download VS Code (developer
// desktops, public CI); where only npm is reachable, hostSuite.test.ts runs the
// same suite through code-server instead. `npm run test:electron`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot, testResultsDir } from './codeServer';

async function main(): Promise<void> {
  const demo = path.join(repoRoot, 'examples', 'demo');
  const workspace = fs.existsSync(demo) ? demo : fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-electron-'));
  const resultFile = path.join(testResultsDir, 'host-suite-electron.json');
  fs.rmSync(resultFile, { force: true });
  try {
    await runTests({
      version: process.env.HOTPATH_VSCODE_VERSION, // default: latest stable
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'suite', 'index'),
      launchArgs: [workspace, '--disable-extensions'],
      extensionTestsEnv: { HOTPATH_SUITE_RESULT: resultFile },
    });
    console.log(`in-host suite passed; details in ${path.relative(repoRoot, resultFile)}`);
  } finally {
    if (workspace !== demo) fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
