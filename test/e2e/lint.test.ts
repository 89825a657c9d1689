// `hotpath lint` end to end: the built CLI on the demo and on the lint fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { repoRoot as harnessRoot } from './cliHarness';

const repoRoot = process.env.HOTPATH_REPO_ROOT ?? harnessRoot;
const cliPath = path.join(repoRoot, 'dist', 'cli.js');

function lint(args: string[], cwd = repoRoot) {
  const r = spawnSync(process.execPath, [cliPath, 'lint', ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('lint --json on the demo: one array of run.json findings, the N+1 at its line', () => {
  const r = lint(['examples/demo', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const findings = JSON.parse(r.stdout);
  const line = fs.readFileSync(path.join(repoRoot, 'examples', 'demo', 'src', 'orders.js'), 'utf8').split('\n').findIndex((l) => l.includes('N+1: one query per order')) + 1;
  assert.deepEqual(
    findings.map((f: { kind: string; severity: string; location: { file: string; line: number } }) => [f.kind, f.severity, f.location.file, f.location.line]),
    [['n-plus-one', 'info', 'examples/demo/src/orders.js', line]],
  );
  assert.match(findings[0].message, /^prepare\(…\)\.get\(\) runs a query on every iteration of the for…of loop at line \d+/);
});

test('lint prints file:line:column lines and a count; paths are relative to the working folder', () => {
  const r = lint(['positives', 'negatives'], path.join(repoRoot, 'test', 'fixtures', 'lint'));
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^positives\/ormStyles\.ts:\d+:\d+  info  knex ….first\(\) runs a query/);
  assert.equal(lines.at(-1), '18 possible N+1 queries in 5 files.');
  assert.ok(!r.stdout.includes('negatives/'));
});

test('lint errors: a missing path exits 2 with one sentence; --help exits 0', () => {
  const r = lint(['no/such/folder']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'hotpath: no/such/folder does not exist: pass files or folders of TypeScript or JavaScript sources.\n');
  const bad = lint(['--fast']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^hotpath: Unknown option --fast\.\n$/);
  const help = lint(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: hotpath lint \[PATH\.\.\.\] \[--json\]/);
});
