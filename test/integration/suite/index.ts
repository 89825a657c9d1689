// In-host smoke suite: runs inside the VS Code extension host (via
// --extensionTestsPath), so it sees the real `vscode` API. Used by
// runElectron.ts (desktop VS Code from @vscode/test-electron) and by
// hostSuite.test.ts (code-server + Chromium). When HOTPATH_SUITE_RESULT names a
// file, the outcome is written there as JSON for the launcher to read.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface SuiteResult {
  passed: boolean;
  vscodeVersion: string;
  checks: { name: string; passed: boolean; error?: string }[];
}

const EXTENSION_ID = 'hotpath.hotpath';

const checks: { name: string; fn: () => Promise<void> }[] = [
  {
    name: `extension ${EXTENSION_ID} is installed and activates`,
    fn: async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is not loaded`);
      await ext.activate();
      assert.equal(ext.isActive, true);
    },
  },
  {
    name: 'hotpath.runBenchmark is a registered command',
    fn: async () => {
      const commands = await vscode.commands.getCommands(true);
      assert.ok(commands.includes('hotpath.runBenchmark'), 'hotpath.runBenchmark is missing from getCommands()');
    },
  },
  {
    name: 'the Runs view can be focused',
    fn: async () => {
      await vscode.commands.executeCommand('hotpath.runs.focus');
    },
  },
];

export async function run(): Promise<void> {
  const result: SuiteResult = { passed: true, vscodeVersion: vscode.version, checks: [] };
  for (const check of checks) {
    try {
      await check.fn();
      result.checks.push({ name: check.name, passed: true });
      console.log(`ok - ${check.name}`);
    } catch (err) {
      result.passed = false;
      const error = err instanceof Error ? err.message : String(err);
      result.checks.push({ name: check.name, passed: false, error });
      console.error(`not ok - ${check.name}: ${error}`);
    }
  }
  const out = process.env.HOTPATH_SUITE_RESULT;
  if (out) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(result, null, 2));
  }
  if (!result.passed) {
    throw new Error(`${result.checks.filter((c) => !c.passed).length} of ${result.checks.length} in-host checks failed`);
  }
}
