// The one-sentence explanations for two start and load failures: a port that
// another process holds, and a load that got no answer at all.

import assert from 'node:assert/strict';
import test from 'node:test';
import { portInUse } from '../../../src/engine/readiness';
import { nothingAnswered } from '../../../src/engine/runner';
import type { LoadResult } from '../../../src/engine/load/loadResult';

test('portInUse reads the port from Node’s EADDRINUSE error, and nothing from other failures', () => {
  // As Node 20 prints an unhandled 'error' of server.listen.
  const node = [
    'node:events:497',
    '      throw er; // Unhandled \'error\' event',
    'Error: listen EADDRINUSE: address already in use 127.0.0.1:41234',
    '    at Server.setupListenHandle [as _listen2] (node:net:1908:16)',
    "  code: 'EADDRINUSE',",
    "  port: 41234",
  ];
  assert.equal(portInUse(node), 'port 41234');
  assert.equal(portInUse(['Error: listen EADDRINUSE: address already in use :::3000']), 'port 3000');
  assert.equal(portInUse(["{ code: 'EADDRINUSE', port: 8080 }"]), 'port 8080');
  assert.equal(portInUse(['EADDRINUSE']), 'its address');
  assert.equal(portInUse(['Error: Cannot find module ./server.js']), null);
  assert.equal(portInUse([]), null);
});

const load = (total: number, errors: Partial<LoadResult['errors']>): LoadResult =>
  ({ requests: { total }, errors: { total: 0, rate: 0, non2xx: 0, timeouts: 0, connection: 0, ...errors } }) as unknown as LoadResult;

test('nothingAnswered: an error sentence only when every attempt failed without an answer', () => {
  const refused = nothingAnswered(load(0, { total: 40, connection: 40, rate: 1 }), 'http://127.0.0.1:9');
  assert.match(refused ?? '', /^No request was answered: all 40 attempts to http:\/\/127\.0\.0\.1:9 could not connect/);
  assert.match(refused ?? '', /load\.target/);
  assert.match(nothingAnswered(load(0, { total: 3, timeouts: 3 }), 'http://x') ?? '', /timed out/);
  assert.match(nothingAnswered(load(0, { total: 3, timeouts: 1, connection: 2 }), 'http://x') ?? '', /got no answer/);
  // Answers, even failing ones, are measurements; no load at all is not this failure.
  assert.equal(nothingAnswered(load(5, { total: 5, non2xx: 5 }), 'http://x'), null);
  assert.equal(nothingAnswered(load(100, { total: 2, connection: 2 }), 'http://x'), null);
  assert.equal(nothingAnswered(load(0, {}), 'http://x'), null);
  assert.equal(nothingAnswered(null, 'http://x'), null);
});
