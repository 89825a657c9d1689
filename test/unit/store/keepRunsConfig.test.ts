// `store.keepRuns` in hotpath.config.json and its JSON schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parseConfig } from '../../../src/engine/config';

const minimal = { service: { command: 'node', readyUrl: 'http://127.0.0.1:${port}/health' } };
const root = path.resolve(__dirname, '../../../..');

test('store.keepRuns: unlimited by default, a whole number of at least 1 when set', () => {
  assert.deepEqual(parseConfig(minimal).store, { keepRuns: null });
  assert.deepEqual(parseConfig({ ...minimal, store: {} }).store, { keepRuns: null });
  assert.deepEqual(parseConfig({ ...minimal, store: { keepRuns: 20 } }).store, { keepRuns: 20 });
  assert.throws(() => parseConfig({ ...minimal, store: { keepRuns: 0 } }), /\$\.store\.keepRuns should be a whole number from 1 to 1000000, but is 0/);
  assert.throws(() => parseConfig({ ...minimal, store: { keepRuns: 2.5 } }), /\$\.store\.keepRuns should be a whole number/);
  assert.throws(() => parseConfig({ ...minimal, store: { keep: 2 } }), /\$\.store has an unknown property "keep"/);
});

test('the config schema accepts store.keepRuns and rejects what the engine rejects', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(root, 'schema', 'hotpath.config.schema.json'), 'utf8'));
  const validate = new Ajv({ strict: false }).compile(schema);
  assert.ok(validate({ ...minimal, store: { keepRuns: 20 } }), JSON.stringify(validate.errors));
  assert.ok(!validate({ ...minimal, store: { keepRuns: 0 } }));
  assert.ok(!validate({ ...minimal, store: { keepRuns: 'all' } }));
  assert.ok(!validate({ ...minimal, store: { other: 1 } }));
});
