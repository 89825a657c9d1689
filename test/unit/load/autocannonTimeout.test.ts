// autocannon refuses a timeout under one second and then never ends its run:
// a connection stage given one must fail at once with a sentence, not hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAutocannon } from '../../../src/engine/load/autocannonStage';
import { LoadRecorder } from '../../../src/engine/load/loadRecorder';

test('a connection stage with load.timeoutSec under 1 s is refused in one sentence', () => {
  const rec = new LoadRecorder([{ method: 'GET', path: '/', weight: 1 }], Date.now());
  assert.throws(
    () => startAutocannon(rec, { target: 'http://127.0.0.1:9', requests: [{ method: 'GET', path: '/', weight: 1 }], connections: 1, durationSec: 1, timeoutSec: 0.25 }),
    /load\.timeoutSec is 0\.25: autocannon's connection stages need at least 1 second/,
  );
});
