// `npm run package` makes a .vsix that holds only what the extension runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot, tempDir } from './cliHarness';

const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');

test('the .vsix holds the bundles, media and schema, and no sources, tests or node_modules', () => {
  const listed = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const needed of ['package.json', 'dist/extension.js', 'dist/probe.js', 'dist/cli.js', 'dist/webviews/dashboard.js', 'media/hotpath.svg', 'media/dashboard.css', 'schema/hotpath.config.schema.json', 'README.md', 'LICENSE']) {
    assert.ok(listed.includes(needed), `${needed} is packaged (got ${listed.join(', ')})`);
  }
  const unwanted = listed.filter((f) => /^(src|test|examples|bench|out|node_modules|scripts|webviews|docs)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
  assert.deepEqual(unwanted, []);
});

test('vsce packages it, and it stays small', () => {
  const out = path.join(tempDir('hotpath-vsix-'), 'hotpath.vsix');
  execFileSync(vsce, ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out], { cwd: repoRoot, stdio: 'pipe' });
  const size = fs.statSync(out).size;
  assert.ok(size < 2 * 1024 * 1024, `the .vsix is ${size} bytes`);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});
