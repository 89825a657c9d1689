#!/usr/bin/env node
// `npm test`: lint, type-check, build, compile the tests, then run every test
// file (unit and real-VS-Code integration) in one node:test run, and print the
// closing summary line.
//   --unit          unit tests only
//   --integration   integration tests only
//   --skip-build    reuse dist/ (for quick reruns)
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = new Set(process.argv.slice(2));
const only = args.has('--unit') ? 'unit' : args.has('--integration') ? 'integration' : null;

function step(name, cmd, cmdArgs) {
  const started = Date.now();
  process.stdout.write(`\n> ${name}\n`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal}).`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
step('layer check', process.execPath, [path.join(root, 'scripts', 'check-layers.js')]);
step('type check', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
step('type check (webviews)', bin('tsc'), ['--noEmit', '-p', 'webviews/tsconfig.json']);
if (!args.has('--skip-build')) step('build', bin('webpack'), ['--mode', 'production']);
step('Debian packages for the tests (installed once)', 'bash', [path.join(root, 'scripts', 'install-test-deps.sh')]);
if (only !== 'unit') step('VS Code for the integration tests (installed once)', 'bash', [path.join(root, 'scripts', 'install-vscode.sh')]);
fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
step('compile tests', bin('tsc'), ['-p', 'tsconfig.test.json']);

const dirs = only === 'unit' ? ['unit'] : only === 'integration' ? ['e2e', 'integration'] : ['unit', 'e2e', 'integration'];
const files = [];
const collect = (dir) => {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) collect(full);
    else if (e.name.endsWith('.test.js')) files.push(full);
  }
};
for (const d of dirs) collect(path.join(root, 'out', 'test', d));
files.sort();

fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
const tap = path.join(root, 'test-results', 'results.tap');
process.stdout.write(`\n> tests (${files.length} files)\n`);
const r = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, HOTPATH_REPO_ROOT: root } },
);
const text = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
const count = (key) => Number((new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text) ?? [])[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
const skipped = count('skipped') + count('todo');
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(r.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
