import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig, parseConfig, substitutePort } from '../../../src/engine/config';

const minimal = { service: { command: 'node', args: ['server.js'], readyUrl: 'http://127.0.0.1:${port}/health' } };

test('a minimal config gets documented defaults', () => {
  const c = parseConfig(minimal);
  assert.equal(c.load.engine, 'autocannon');
  assert.equal(c.load.scenario, 'load');
  assert.deepEqual(c.load.stages, [{ durationSec: 10, connections: 10 }]);
  assert.equal(c.load.target, 'http://127.0.0.1:${port}');
  assert.equal(c.profile.backend, 'inspector');
  assert.equal(c.service.readyTimeoutMs, 20000);
  assert.equal(c.load.allowNonLoopback, false);
  assert.deepEqual(c.analysis.nPlusOne, { minRepeats: 5, minTotalMs: 50 });
  assert.deepEqual(parseConfig({ ...minimal, analysis: { nPlusOne: { minTotalMs: 10 } } }).analysis.nPlusOne, { minRepeats: 5, minTotalMs: 10 });
  assert.throws(() => parseConfig({ ...minimal, analysis: { nPlusOne: { minRepeats: 1 } } }), /\$\.analysis\.nPlusOne\.minRepeats should be a whole number from 2/);
});

test('errors name the file, the JSON path and what was expected', () => {
  assert.throws(
    () => parseConfig({ service: { ...minimal.service, readyTimeoutMs: 'soon' } }, 'cfg.json'),
    /^HotpathError: cfg\.json: \$\.service\.readyTimeoutMs should be a number from 100 to 600000, but is "soon"\.$/,
  );
  assert.throws(() => parseConfig({ ...minimal, load: { stages: [{ durationSec: 5, connections: 0 }] } }), /\$\.load\.stages\[0\]\.connections should be a whole number from 1/);
  assert.throws(() => parseConfig({ ...minimal, load: { scenario: 'burst' } }), /\$\.load\.scenario should be one of "baseline", "load", "stress", "spike", "soak"/);
  assert.throws(() => parseConfig({ ...minimal, load: { requests: [{ path: 'products' }] } }), /\$\.load\.requests\[0\]\.path should be a path starting with "\/"/);
  assert.throws(() => parseConfig({ ...minimal, servce: {} }), /unknown property "servce"/);
  assert.throws(() => parseConfig({}), /\$\.service should be an object, but is nothing/);
});

test('${port} is substituted in args, env, readyUrl and target only', () => {
  const c = substitutePort(
    parseConfig({
      service: { command: 'node', args: ['--port=${port}'], env: { URL: 'http://x:${port}', KEEP: 'a' }, readyUrl: 'http://127.0.0.1:${port}/h' },
      load: { target: 'http://localhost:${port}' },
    }),
    4321,
  );
  assert.deepEqual(c.service.args, ['--port=4321']);
  assert.deepEqual(c.service.env, { URL: 'http://x:4321', KEEP: 'a' });
  assert.equal(c.service.readyUrl, 'http://127.0.0.1:4321/h');
  assert.equal(c.load.target, 'http://localhost:4321');
  assert.equal(c.service.command, 'node');
});

test('loadConfig reports a missing file and malformed JSON in one sentence', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-config-'));
  assert.throws(() => loadConfig(path.join(dir, 'hotpath.config.json')), /No config file at .*hotpath\.config\.json: create hotpath\.config\.json/);
  fs.writeFileSync(path.join(dir, 'hotpath.config.json'), '{ "service": ');
  assert.throws(() => loadConfig(path.join(dir, 'hotpath.config.json')), /hotpath\.config\.json is not valid JSON/);
  fs.writeFileSync(path.join(dir, 'hotpath.config.json'), JSON.stringify({ ...minimal, profile: { samplingIntervalMicros: 500 } }));
  const loaded = loadConfig(path.join(dir, 'hotpath.config.json'));
  assert.equal(loaded.root, dir);
  assert.ok(loaded.explicit.has('profile.samplingIntervalMicros'));
  assert.ok(!loaded.explicit.has('load.scenario'));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the demo config and the JSON schema agree on the top-level shape', () => {
  const root = path.resolve(__dirname, '../../../..');
  const schema = JSON.parse(fs.readFileSync(path.join(root, 'schema/hotpath.config.schema.json'), 'utf8'));
  assert.deepEqual(Object.keys(schema.properties).sort(), ["$schema", "analysis", "budgets", "load", "profile", "service", "store"]);
  const demo = path.join(root, 'examples/demo/hotpath.config.json');
  if (fs.existsSync(demo)) assert.doesNotThrow(() => loadConfig(demo));
});
