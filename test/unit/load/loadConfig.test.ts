// Config for scenarios, rate stages and external engines (load.stress/spike/soak,
// stages[].rate, scenarioFile, timeoutSec), and the schema saying the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_RATE_CONNECTIONS, parseConfig } from '../../../src/engine/config';
import { repoRoot } from './loadHarness';

const service = { command: 'node', args: ['server.js'], readyUrl: 'http://127.0.0.1:${port}/health' };
const withLoad = (load: object) => parseConfig({ service, load }, 'cfg.json');

test('every existing load key keeps working and the new ones get documented defaults', () => {
  const c = withLoad({ requests: [{ path: '/a' }], stages: [{ durationSec: 5, connections: 3 }], allowNonLoopback: false });
  assert.deepEqual(c.load.stages, [{ durationSec: 5, connections: 3 }]);
  assert.equal(c.load.scenarioFile, null);
  assert.equal(c.load.timeoutSec, 10);
  assert.deepEqual(c.load.stress, {
    startConnections: 1, step: null, factor: 2, maxConnections: 512, stepDurationSec: 10, settleSec: 1, warmupSec: 3, maxErrorRate: 0.01, maxP95Ms: 1000, maxP95Factor: null, holdSec: 0,
  });
  assert.deepEqual(c.load.spike, { baseConnections: 5, factor: 5, baseDurationSec: 10, spikeDurationSec: 10, recoveryDurationSec: 20, tolerancePct: 20 });
  assert.deepEqual(c.load.soak, { durationSec: 600, connections: 10, windowSec: 60, warmupSec: 5 });
});

test('a baseline without stages is one connection; load keeps ten', () => {
  assert.deepEqual(withLoad({ scenario: 'baseline' }).load.stages, [{ durationSec: 10, connections: 1 }]);
  assert.deepEqual(withLoad({}).load.stages, [{ durationSec: 10, connections: 10 }]);
});

test('rate stages: rate alone gets the default in-flight limit; neither rate nor connections is an error', () => {
  const c = withLoad({ stages: [{ durationSec: 5, rate: 200 }, { durationSec: 5, rate: 50, connections: 4 }, { durationSec: 5, connections: 2 }] });
  assert.deepEqual(c.load.stages, [
    { durationSec: 5, connections: DEFAULT_RATE_CONNECTIONS, rate: 200 },
    { durationSec: 5, connections: 4, rate: 50 },
    { durationSec: 5, connections: 2 },
  ]);
  assert.throws(() => withLoad({ stages: [{ durationSec: 5 }] }), /cfg\.json: \$\.load\.stages\[0\] should be an object with "connections", "rate" or both/);
  assert.throws(() => withLoad({ stages: [{ durationSec: 5, rate: 0 }] }), /\$\.load\.stages\[0\]\.rate should be a number from 0\.1/);
});

test('scenario settings are validated with their JSON paths', () => {
  assert.throws(() => withLoad({ stress: { step: 2, factor: 3 } }), /\$\.load\.stress sets both "step" and "factor"/);
  assert.throws(() => withLoad({ stress: { startConnections: 8, maxConnections: 4 } }), /\$\.load\.stress\.maxConnections should be at least startConnections \(8\)/);
  assert.throws(() => withLoad({ stress: { settleSec: 5, stepDurationSec: 5 } }), /\$\.load\.stress\.settleSec should be less than stepDurationSec/);
  assert.throws(() => withLoad({ stress: { maxP95: 100 } }), /\$\.load\.stress has an unknown property "maxP95"/);
  assert.throws(() => withLoad({ spike: { factor: 1 } }), /\$\.load\.spike\.factor should be a number from 1\.1/);
  assert.throws(() => withLoad({ soak: { durationSec: 100, windowSec: 60 } }), /\$\.load\.soak\.durationSec should be at least warmupSec \+ 2 × windowSec \(125\)/);
  const c = withLoad({ scenario: 'stress', stress: { startConnections: 2, step: 2, maxConnections: 10, maxP95Ms: 250 } });
  assert.equal(c.load.stress.step, 2);
  assert.equal(c.load.stress.maxP95Ms, 250);
});

test('artillery and k6 need a scenario file and run the constant scenarios only', () => {
  assert.throws(() => withLoad({ engine: 'artillery' }), /\$\.load\.scenarioFile should be the artillery scenario file to run \(load\.engine is "artillery"\), but is nothing/);
  assert.throws(() => withLoad({ engine: 'k6', scenarioFile: 'x.js', scenario: 'stress' }), /\$\.load\.scenario "stress" is run by the embedded autocannon engine/);
  const c = withLoad({ engine: 'k6', scenarioFile: 'load/script.js' });
  assert.equal(c.load.engine, 'k6');
  assert.equal(c.load.scenarioFile, 'load/script.js');
});

test('a JSON object body is sent as JSON with its content type, unless the headers name one', () => {
  const c = withLoad({
    requests: [
      { method: 'POST', path: '/orders', body: { sku: 'A' }, headers: { 'x-api-key': 'k1' } },
      { method: 'POST', path: '/raw', body: { a: 1 }, headers: { 'Content-Type': 'application/vnd.x+json' } },
      { method: 'POST', path: '/text', body: 'a=1' },
    ],
  });
  assert.deepEqual(c.load.requests[0], { method: 'POST', path: '/orders', weight: 1, headers: { 'x-api-key': 'k1', 'content-type': 'application/json' }, body: '{"sku":"A"}' });
  assert.deepEqual(c.load.requests[1].headers, { 'Content-Type': 'application/vnd.x+json' });
  assert.equal(c.load.requests[2].headers, undefined);
  assert.equal(c.load.requests[2].body, 'a=1');
});

test('the schema knows every load, stage and scenario key the parser accepts', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schema/hotpath.config.schema.json'), 'utf8'));
  const load = schema.properties.load.properties;
  assert.deepEqual(Object.keys(load).sort(), ['allowNonLoopback', 'engine', 'requests', 'scenario', 'scenarioFile', 'soak', 'spike', 'stages', 'stress', 'target', 'timeoutSec']);
  assert.deepEqual(Object.keys(load.stages.items.properties).sort(), ['connections', 'durationSec', 'rate']);
  const defaults = withLoad({}).load;
  for (const key of ['stress', 'spike', 'soak'] as const) {
    assert.deepEqual(Object.keys(load[key].properties).sort(), Object.keys(defaults[key]).sort(), key);
    for (const [k, v] of Object.entries(load[key].properties as Record<string, { default?: unknown }>)) {
      if ('default' in v) assert.equal(v.default, (defaults[key] as unknown as Record<string, unknown>)[k], `${key}.${k} default`);
    }
  }
});
