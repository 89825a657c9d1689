import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { MAX_SOCKET_PATH_LENGTH, ProbeServer } from '../../../src/engine/probeServer';
import { parseProbeMessage, type ProbeMessage } from '../../../src/engine/probe/probeMessages';
import { waitFor } from './serviceHarness';

const memory = (pid: number, t: number) =>
  ({ type: 'memory', pid, t, heapUsed: 1, heapTotal: 2, rss: 3, external: 4, arrayBuffers: 5, dropped: 0 }) as const;

function connect(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath, () => resolve(socket));
    socket.on('error', reject);
  });
}

test('start() makes a short socket path in a private folder; close() removes it', async () => {
  const server = new ProbeServer();
  const socketPath = await server.start();
  assert.ok(socketPath.length <= MAX_SOCKET_PATH_LENGTH, socketPath);
  assert.equal(await server.start(), socketPath, 'start() twice returns the same socket');
  if (process.platform !== 'win32') {
    assert.ok(fs.statSync(socketPath).isSocket());
    assert.equal(fs.statSync(path.dirname(socketPath)).mode & 0o077, 0, 'folder is private to the user');
  }
  await server.close();
  assert.equal(server.socketPath, undefined);
  if (process.platform !== 'win32') assert.ok(!fs.existsSync(path.dirname(socketPath)));
});

test('a directory whose socket path would be too long falls back to the temp folder', async () => {
  const deep = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-' + 'x'.repeat(90)));
  const server = new ProbeServer({ directory: deep });
  try {
    const socketPath = await server.start();
    assert.ok(socketPath.length <= MAX_SOCKET_PATH_LENGTH);
    assert.ok(!socketPath.startsWith(deep));
  } finally {
    await server.close();
    fs.rmSync(deep, { recursive: true, force: true });
  }
});

test('messages from many concurrent connections arrive whole, even when lines are split across writes', async () => {
  const server = new ProbeServer();
  const socketPath = await server.start();
  const received: ProbeMessage[] = [];
  server.onMessage((message) => received.push(message));
  try {
    const clients = await Promise.all(Array.from({ length: 8 }, () => connect(socketPath)));
    clients.forEach((client, index) => {
      const hello = (i: number) => ({ type: 'hello', pid: 1000 + index, t: i, ppid: 1, argv: ['nœud', '→ ✓ 日本'], nodeVersion: 'v20' });
      const text = Array.from({ length: 50 }, (_, i) => JSON.stringify(hello(i)) + '\n').join('');
      // Odd-sized byte pieces, so that lines and multi-byte characters straddle writes.
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at < bytes.length; at += 37) client.write(bytes.subarray(at, at + 37));
    });
    await waitFor('400 messages', () => received.length === 400);
    assert.ok(received.every((m) => m.type === 'hello' && m.argv[1] === '→ ✓ 日本'));
    for (let index = 0; index < 8; index++) {
      const ts = received.filter((m) => m.pid === 1000 + index).map((m) => m.t);
      assert.deepEqual(ts, Array.from({ length: 50 }, (_, i) => i), 'in order per connection');
    }
    assert.equal(server.stats.connections, 8);
    assert.equal(server.stats.openConnections, 8);
    assert.equal(server.stats.garbageLines, 0);
    clients.forEach((client) => client.destroy());
    await waitFor('connections closed', () => server.stats.openConnections === 0);
  } finally {
    await server.close();
  }
});

test('garbage lines are counted and skipped; the stream goes on', async () => {
  const server = new ProbeServer({ maxLineLength: 1000 });
  const socketPath = await server.start();
  const received: ProbeMessage[] = [];
  server.onMessage((message) => received.push(message));
  try {
    const client = await connect(socketPath);
    client.write('not json\n');
    client.write('{"type":"memory","pid":1}\n'); // JSON, but not a valid message
    client.write('{"type":"unknown","pid":1,"t":2}\n');
    client.write('x'.repeat(5000) + '\n'); // over the line limit
    client.write('\n\n');
    client.write(JSON.stringify(memory(7, 1)) + '\n');
    client.write('{"half":'); // unterminated at close
    client.end();
    await waitFor('valid message and closed connection', () => received.length === 1 && server.stats.openConnections === 0);
    assert.equal(received[0].pid, 7);
    assert.equal(server.stats.garbageLines, 5);
    assert.equal(server.stats.messages, 1);
  } finally {
    await server.close();
  }
});

test('a subscriber that throws does not stop delivery', async () => {
  const server = new ProbeServer();
  const socketPath = await server.start();
  let count = 0;
  server.onMessage(() => {
    throw new Error('subscriber bug');
  });
  server.onMessage(() => count++);
  try {
    const client = await connect(socketPath);
    client.write(JSON.stringify(memory(1, 1)) + '\n' + JSON.stringify(memory(1, 2)) + '\n');
    await waitFor('both messages', () => count === 2);
    client.destroy();
  } finally {
    await server.close();
  }
});

test('parseProbeMessage accepts each message type and rejects malformed ones', () => {
  const base = { pid: 1, t: 2 };
  const valid = [
    { ...base, type: 'hello', ppid: 0, argv: ['node', 'a.js'], nodeVersion: 'v20.0.0' },
    { ...base, type: 'gc', kind: 'major', durationMs: 1.5, startMs: 1 },
    memory(1, 2),
    { ...base, type: 'eventLoop', delay: { min: 0, max: 3, mean: 1, p50: 1, p90: 2, p99: 3 }, utilization: 0.5 },
    {
      ...base, type: 'query', driver: 'pg', sql: 'SELECT ?', rawLength: 8, durationMs: 1, startMs: 1,
      stack: ['/a.js:1:1'], callSite: { file: '/a.js', line: 1, column: 1 }, request: { id: 1, method: 'GET', path: '/' },
    },
    { ...base, type: 'query', driver: 'mongodb', sql: 'db.x.find({})', rawLength: 13, durationMs: 1, startMs: 1, stack: [], callSite: null, request: null, failed: true },
  ];
  for (const message of valid) assert.deepEqual(parseProbeMessage(JSON.stringify(message)), message, message.type);
  const invalid = [
    '[]',
    'null',
    '{"type":"gc","pid":1,"t":2,"kind":"huge","durationMs":1,"startMs":1}',
    '{"type":"memory","pid":"1","t":2,"heapUsed":1,"heapTotal":2,"rss":3,"external":4,"arrayBuffers":5,"dropped":0}',
    '{"type":"query","pid":1,"t":2,"driver":"oracle","sql":"x","rawLength":1,"durationMs":1,"startMs":1,"stack":[],"callSite":null,"request":null}',
    '{"type":"query","pid":1,"t":2,"driver":"pg","sql":"x","rawLength":1,"durationMs":1,"startMs":1,"stack":[1],"callSite":null,"request":null}',
  ];
  for (const line of invalid) assert.equal(parseProbeMessage(line), undefined, line);
});
