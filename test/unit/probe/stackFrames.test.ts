import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstUserFrame, isLibraryFile, parseFrame } from '../../../src/engine/probe/stackFrames';

test('parseFrame splits from the right, so colons in paths survive', () => {
  assert.deepEqual(parseFrame('/srv/app/orders.js:19:93'), { file: '/srv/app/orders.js', line: 19, column: 93 });
  assert.deepEqual(parseFrame('C:\\srv\\app\\orders.js:3:7'), { file: 'C:\\srv\\app\\orders.js', line: 3, column: 7 });
  assert.deepEqual(parseFrame('node:internal/modules/cjs/loader:1521:14'), { file: 'node:internal/modules/cjs/loader', line: 1521, column: 14 });
});

test('parseFrame rejects what is not file:line:col', () => {
  assert.equal(parseFrame('native'), null);
  assert.equal(parseFrame('/srv/app.js:12'), null);
  assert.equal(parseFrame('/srv/app.js:x:1'), null);
  assert.equal(parseFrame('/srv/app.js:0:1'), null);
});

test('isLibraryFile: internals and dependencies are not user code', () => {
  assert.ok(isLibraryFile('node:events'));
  assert.ok(isLibraryFile('node:internal/process/task_queues'));
  assert.ok(isLibraryFile('/srv/app/node_modules/pg/lib/client.js'));
  assert.ok(isLibraryFile('C:\\srv\\node_modules\\pg\\lib\\client.js'));
  assert.ok(isLibraryFile('<anonymous>'));
  assert.ok(!isLibraryFile('/srv/app/src/orders.js'));
  assert.ok(!isLibraryFile('/srv/node_modules_backup/app.js'));
});

test('firstUserFrame skips driver, ORM and Node frames', () => {
  const stack = [
    '/srv/app/node_modules/better-sqlite3/lib/methods/wrappers.js:5:21',
    '/srv/app/node_modules/.pnpm/knex@3.1.0/node_modules/knex/lib/runner.js:120:9',
    'node:internal/process/task_queues:95:5',
    '/srv/app/src/orders.js:19:93',
    '/srv/app/server.js:35:25',
  ];
  assert.deepEqual(firstUserFrame(stack), { file: '/srv/app/src/orders.js', line: 19, column: 93 });
});

test('firstUserFrame skips files it is told to ignore (the probe itself)', () => {
  const stack = ['/opt/hotpath/dist/probe.js:1:2000', '/srv/app/src/orders.js:19:93'];
  assert.deepEqual(firstUserFrame(stack, ['/opt/hotpath/dist/probe.js']), { file: '/srv/app/src/orders.js', line: 19, column: 93 });
});

test('firstUserFrame is null when no frame is the user\'s', () => {
  assert.equal(firstUserFrame([]), null);
  assert.equal(firstUserFrame(['node:events:524:28', '/srv/node_modules/pg-pool/index.js:45:11', 'garbage']), null);
});
