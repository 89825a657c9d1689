// The layer check fails when code outside src/extension imports the VS Code API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '../../../..');
const script = path.join(root, 'scripts', 'check-layers.js');

function check(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-layers-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const r = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return r;
}

test('the repository passes the layer check', () => {
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('an engine file importing vscode fails it, naming the file', () => {
  const r = check({ 'src/engine/bad.ts': "import * as vscode from 'vscode';\n", 'src/extension/ok.ts': "import * as vscode from 'vscode';\n" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/engine\/bad\.ts: imports 'vscode'/);
  assert.doesNotMatch(r.stderr, /src\/extension\/ok\.ts/);
});

test('a webview importing extension-host code fails it', () => {
  const r = check({ 'webviews/x/main.ts': "import { y } from '../../src/extension/y';\n" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /webviews may import only src\/protocol/);
});
