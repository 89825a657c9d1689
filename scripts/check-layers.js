#!/usr/bin/env node
// Fails when anything outside src/extension imports the VS Code API, or when a
// webview imports host code. The webpack build enforces the same per bundle;
// this check also covers files no bundle reaches yet.
'use strict';
const fs = require('fs');
const path = require('path');

// An optional argument checks another tree (used by the tests).
const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
const problems = [];
const importRe = /(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g;

function walk(dir, visit) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, visit);
    else if (/\.(ts|js)$/.test(entry.name)) visit(full);
  }
}

function check(dir, isAllowed, rule) {
  walk(path.join(root, dir), (file) => {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      if (!isAllowed(m[1], file)) problems.push(`${path.relative(root, file)}: imports '${m[1]}' (${rule})`);
    }
  });
}

for (const dir of ['src/engine', 'src/cli', 'src/protocol', 'webviews']) {
  check(dir, (spec) => spec !== 'vscode', 'only src/extension may import vscode');
}
check(
  'webviews',
  (spec, file) => {
    if (!spec.startsWith('.')) return true;
    const target = path.resolve(path.dirname(file), spec);
    const rel = path.relative(root, target);
    return rel.startsWith('webviews') || rel.startsWith(path.join('src', 'protocol')) || rel === path.join('src', 'engine', 'runEvents');
  },
  'webviews may import only src/protocol and pure model types',
);

if (problems.length) {
  console.error(`Layering violations:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('layers: ok (engine, CLI, protocol and webviews are free of the VS Code API)');
