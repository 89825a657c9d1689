// The pieces the driver wrappers are made of: they must record each query once
// and otherwise leave the driver's behaviour exactly as it was.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'events';
import type { QueryMessage, RequestRef } from '../../../src/engine/probe/probeMessages';
import { captureStack, QueryRecorder } from '../../../src/engine/probe/queryRecorder';
import { NO_REQUESTS, requestPath, type RequestSource } from '../../../src/engine/probe/requestContext';
import { callAsync, callSync, wrapMethod } from '../../../src/engine/probe/wrapUtils';
import { describeMongoCall, mongoShape } from '../../../src/engine/probe/mongodbHook';
import { pgQueryText } from '../../../src/engine/probe/pgHook';

function recorder(requests: RequestSource = NO_REQUESTS): { recorder: QueryRecorder; messages: QueryMessage[] } {
  const messages: QueryMessage[] = [];
  return { recorder: new QueryRecorder((m) => messages.push(m), requests), messages };
}

test('wrapMethod keeps the descriptor and length, and never wraps twice', () => {
  class Driver {
    query(_a: unknown, _b: unknown): string {
      return 'original';
    }
  }
  const proto = Driver.prototype as unknown as Record<string, unknown>;
  const before = Object.getOwnPropertyDescriptor(proto, 'query');
  assert.ok(wrapMethod(proto, 'query', (original) => function (this: unknown, ...args: unknown[]) {
    return `wrapped ${String(original.apply(this, args))}`;
  }));
  assert.ok(!wrapMethod(proto, 'query', (original) => original), 'second wrap refused');
  const after = Object.getOwnPropertyDescriptor(proto, 'query');
  assert.equal(after?.enumerable, before?.enumerable);
  assert.equal(after?.writable, before?.writable);
  assert.equal((proto.query as () => unknown).length, 2);
  assert.equal(new Driver().query(1, 2), 'wrapped original');
  assert.ok(!wrapMethod(proto, 'missing', (original) => original));
});

test('callSync records one query and rethrows the driver\'s error unchanged', () => {
  const { recorder: r, messages } = recorder();
  const boundary = function run() {};
  assert.equal(callSync(r, r.begin('better-sqlite3', "SELECT * FROM t WHERE id = 5", boundary), () => 42, null, []), 42);
  const failure = new Error('SQLITE_ERROR');
  assert.throws(() => callSync(r, r.begin('better-sqlite3', 'SELECT nope', boundary), () => { throw failure; }, null, []), (e) => e === failure);
  assert.equal(messages.length, 2);
  assert.equal(messages[0].sql, 'SELECT * FROM t WHERE id = ?');
  assert.equal(messages[0].rawLength, 'SELECT * FROM t WHERE id = 5'.length);
  assert.equal(messages[0].failed, undefined);
  assert.equal(messages[1].failed, true);
});

test('callAsync through a callback keeps `this` and the arguments, and ends once', async () => {
  const { recorder: r, messages } = recorder();
  const self = { name: 'statement' };
  const seen = await new Promise<unknown[]>((resolve) => {
    const driverCall = function (this: unknown, _sql: unknown, done: (...args: unknown[]) => void) {
      setTimeout(() => done.call(self, null, { rows: 1 }, 'extra'), 5);
    };
    callAsync(r, r.begin('sqlite3', 'SELECT 1', driverCall), driverCall as never, null, [
      'SELECT 1',
      function (this: unknown, ...args: unknown[]) {
        resolve([this, ...args]);
      },
    ]);
  });
  assert.deepEqual(seen, [self, null, { rows: 1 }, 'extra']);
  assert.equal(messages.length, 1);
  assert.ok(messages[0].durationMs >= 4, `duration ${messages[0].durationMs}`);
});

test('callAsync through a promise resolves and rejects exactly as the driver\'s promise', async () => {
  const { recorder: r, messages } = recorder();
  const boundary = function query() {};
  const ok = callAsync(r, r.begin('pg', 'SELECT 1', boundary), () => Promise.resolve({ rows: [] }), null, []);
  assert.deepEqual(await (ok as Promise<unknown>), { rows: [] });
  const failure = new Error('connection refused');
  const bad = callAsync(r, r.begin('pg', 'SELECT 2', boundary), () => Promise.reject(failure), null, []);
  await assert.rejects(bad as Promise<unknown>, (e) => e === failure);
  assert.deepEqual(messages.map((m) => [m.sql, m.failed ?? false]), [['SELECT ?', false], ['SELECT ?', true]]);
});

test('callAsync with an emitter ends on "end" and adds no "error" listener', () => {
  const { recorder: r, messages } = recorder();
  const emitter = new EventEmitter();
  const result = callAsync(r, r.begin('mysql2', 'SELECT 1', callAsync), () => emitter, null, []);
  assert.equal(result, emitter);
  assert.equal(emitter.listenerCount('error'), 0);
  assert.equal(messages.length, 0);
  emitter.emit('end');
  emitter.emit('end');
  assert.equal(messages.length, 1);
});

test('a synchronous throw from an async driver call is rethrown and recorded as failed', () => {
  const { recorder: r, messages } = recorder();
  const failure = new TypeError('callback is not a function');
  assert.throws(() => callAsync(r, r.begin('pg', 'SELECT 1', callAsync), () => { throw failure; }, null, []), (e) => e === failure);
  assert.equal(messages[0].failed, true);
});

test('the recorded stack starts at the caller of the boundary and names this file', () => {
  function driverMethod(): string[] {
    return captureStack(driverMethod);
  }
  const stack = driverMethod();
  assert.match(stack[0], /queryCapture\.test\.js:\d+:\d+$/);
  assert.ok(stack.every((frame) => /:\d+:\d+$/.test(frame)));
});

test('a disabled recorder records nothing and the call still happens', () => {
  const { recorder: r, messages } = recorder();
  r.enabled = false;
  assert.equal(r.begin('pg', 'SELECT 1', callSync), undefined);
  assert.equal(callSync(r, undefined, () => 'ran', null, []), 'ran');
  assert.equal(messages.length, 0);
});

test('callbacks run in the request of the query even when the driver calls back from elsewhere', async () => {
  let current: RequestRef | null = null;
  const requests: RequestSource = {
    current: () => current,
    run: (request, fn) => {
      const previous = current;
      current = request;
      try {
        return fn();
      } finally {
        current = previous;
      }
    },
  };
  const { recorder: r } = recorder(requests);
  const ordersRequest = { id: 1, method: 'GET', path: '/orders' };
  current = ordersRequest;
  const pending = r.begin('sqlite3', 'SELECT 1', callAsync);
  let seenInCallback: RequestRef | null = null;
  let finish: (() => void) | undefined;
  callAsync(r, pending, (_sql: unknown, done: unknown) => { finish = done as () => void; }, null, ['SELECT 1', () => (seenInCallback = current)]);
  current = { id: 2, method: 'GET', path: '/other' }; // a native driver calls back in some other context
  finish?.();
  assert.equal(seenInCallback, ordersRequest);

  const bound = r.bindToCurrentRequest(() => current);
  current = ordersRequest;
  const rebound = r.bindToCurrentRequest(() => current);
  current = null;
  assert.deepEqual(bound(), { id: 2, method: 'GET', path: '/other' });
  assert.equal(rebound(), ordersRequest);
});

test('requestPath strips the query string and fragment', () => {
  assert.equal(requestPath('/orders?limit=5'), '/orders');
  assert.equal(requestPath('/a/b#top'), '/a/b');
  assert.equal(requestPath('/plain'), '/plain');
  assert.equal(requestPath(undefined), '/');
});

test('MongoDB calls are described by their shape, values replaced', () => {
  assert.equal(mongoShape({ _id: 'x', status: { $in: [1, 2] }, $or: [{ a: 1 }, { b: 'y' }] }), '{_id: ?, status: {$in: [?]}, $or: [{a: ?}, {b: ?}]}');
  assert.equal(mongoShape({}), '{}');
  assert.equal(mongoShape([]), '[]');
  assert.equal(mongoShape({ a: { b: { c: { d: 1 } } } }), '{a: {b: {c: {…}}}}');
  assert.equal(mongoShape(new Date()), '?');
  assert.equal(describeMongoCall('users', 'findOne', { email: 'a@b.c' }, true), 'db.users.findOne({email: ?})');
  assert.equal(describeMongoCall(undefined, 'insertOne', { a: 1 }, false), 'db.?.insertOne()');
  const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no'); } });
  assert.equal(describeMongoCall('users', 'find', hostile, true), 'db.users.find(?)');
});

test('pg query text comes from strings, config objects and Submittables', () => {
  assert.equal(pgQueryText('SELECT 1'), 'SELECT 1');
  assert.equal(pgQueryText({ text: 'SELECT $1', values: [1] }), 'SELECT $1');
  assert.equal(pgQueryText({ submit() {}, text: 'SELECT 2' }), 'SELECT 2');
  assert.equal(pgQueryText(null), undefined);
  assert.equal(pgQueryText(42), undefined);
});
