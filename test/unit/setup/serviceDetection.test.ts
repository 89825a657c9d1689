import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findPort, findRoutes, findStartCandidates, loadableRoutes, scanEntry } from '../../../src/engine/setup/serviceDetection';
import { draftConfig } from '../../../src/engine/setup/configDraft';
import { loadConfig } from '../../../src/engine/config';

const examples = path.resolve(__dirname, '../../../../examples');

test('the demo: server.js is offered, PORT comes from the environment, /health and the four routes are found', () => {
  const folder = path.join(examples, 'demo');
  const starts = findStartCandidates(folder);
  assert.ok(starts.some((s) => s.command === 'node' && s.args[0] === 'server.js' && s.entry === 'server.js'), JSON.stringify(starts));
  const scan = scanEntry(folder, 'server.js');
  assert.deepEqual(scan.port, { kind: 'env' });
  assert.equal(scan.health, '/health');
  const paths = loadableRoutes(scan.routes).map((r) => r.path);
  for (const p of ['/products', '/report/cpu', '/export/alloc', '/orders']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
  assert.ok(!paths.includes('/health'), 'the health check is not loaded by default');
  const products = scan.routes.find((r) => r.path === '/products')!;
  assert.equal(products.file, 'server.js');
  assert.equal(fs.readFileSync(path.join(folder, 'server.js'), 'utf8').split('\n')[products.line - 1].includes("'GET /products'"), true);
});

test('the TypeScript service: routes and PORT found in src/server.ts', () => {
  const folder = path.join(examples, 'ts-service');
  const scan = scanEntry(folder, 'src/server.ts');
  assert.deepEqual(scan.port, { kind: 'env' });
  assert.equal(scan.health, '/health');
  assert.ok(loadableRoutes(scan.routes).length >= 2, JSON.stringify(scan.routes));
});

test('npm scripts: a plain `node file` runs as node, anything else through npm run; test and build scripts are left out', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-setup-'));
  try {
    fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({
      main: 'lib/app.js',
      scripts: { test: 'node --test', build: 'tsc', dev: 'nodemon app.js', start: 'node --enable-source-maps lib/app.js' },
    }));
    fs.mkdirSync(path.join(folder, 'lib'));
    fs.writeFileSync(path.join(folder, 'lib/app.js'), "const express = require('express');\nconst r = require('./routes');\napp.listen(8080);\n");
    fs.writeFileSync(path.join(folder, 'lib/routes.js'), "router.get('/api/users', h);\nrouter.get('/api/users/:id', h);\nrouter.post('/api/users', h);\napp.get('/healthz', ok);\n");
    const starts = findStartCandidates(folder);
    assert.deepEqual(starts.map((s) => s.label), ['npm run start', 'npm run dev', 'lib/app.js']);
    assert.deepEqual(starts[0], { label: 'npm run start', detail: 'node --enable-source-maps lib/app.js', command: 'node', args: ['--enable-source-maps', 'lib/app.js'], entry: 'lib/app.js' });
    assert.deepEqual(starts[1].args, ['run', 'dev']);
    assert.equal(starts[1].command, 'npm');
    const scan = scanEntry(folder, 'lib/app.js');
    assert.deepEqual(scan.port, { kind: 'fixed', port: 8080 });
    assert.equal(scan.health, '/healthz');
    assert.deepEqual(loadableRoutes(scan.routes).map((r) => `${r.method} ${r.path}`), ['GET /api/users']);
    assert.deepEqual(scan.files, ['lib/app.js', 'lib/routes.js']);

    const config = draftConfig({ start: starts[0], port: scan.port, health: scan.health, routes: loadableRoutes(scan.routes), schema: './schema.json' });
    fs.writeFileSync(path.join(folder, 'hotpath.config.json'), JSON.stringify(config, null, 2));
    const loaded = loadConfig(path.join(folder, 'hotpath.config.json'));
    assert.equal(loaded.config.service.readyUrl, 'http://127.0.0.1:8080/healthz');
    assert.equal(loaded.config.load.target, 'http://127.0.0.1:8080');
    assert.deepEqual(loaded.config.load.requests.map((r) => r.path), ['/api/users']);
    assert.equal((config as { $schema: string }).$schema, './schema.json');
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('port and route patterns', () => {
  assert.deepEqual(findPort('const port = process.env.PORT || 3000; server.listen(port)'), { kind: 'env' });
  assert.deepEqual(findPort("server.listen(3000, '127.0.0.1')"), { kind: 'fixed', port: 3000 });
  assert.deepEqual(findPort('server.listen(port)'), { kind: 'unknown' });
  const routes = findRoutes("if (req.url === '/a') {}\nswitch (pathname) { case '/b': }\nfastify.delete(`/c`, h)\n");
  assert.deepEqual(routes, [
    { method: 'GET', path: '/a', line: 1 },
    { method: 'GET', path: '/b', line: 2 },
    { method: 'DELETE', path: '/c', line: 3 },
  ]);
});

test('a config without a health route is ready on the first loaded route; with no routes at all, on /', () => {
  const withRoute = draftConfig({ start: { command: 'node', args: ['s.js'] }, port: { kind: 'env' }, health: null, routes: [{ method: 'GET', path: '/x' }], schema: 's' });
  assert.equal((withRoute.service as { readyUrl: string }).readyUrl, 'http://127.0.0.1:${port}/x');
  const none = draftConfig({ start: { command: 'node', args: ['s.js'] }, port: { kind: 'unknown' }, health: null, routes: [], schema: 's' });
  assert.equal((none.service as { readyUrl: string }).readyUrl, 'http://127.0.0.1:${port}/');
});
