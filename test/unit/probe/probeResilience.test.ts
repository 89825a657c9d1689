// The probe must never harm the service: no engine, an engine that goes away,
// or an engine that stops reading all leave the service answering normally.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ProbeServer } from '../../../src/engine/probeServer';
import { parseProbeMessage, PROBE_SOCKET_ENV, type ProbeMessage } from '../../../src/engine/probe/probeMessages';
import { delay, demoServer, httpGet, startService, waitFor, type RunningService } from './serviceHarness';

const ROUTES = ['/products', '/orders', '/orders/batched', '/report/cpu', '/export/alloc', '/health'];

async function assertAnswers(service: RunningService, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const route of ROUTES) assert.equal((await httpGet(service.port, route)).status, 200, route);
  }
  assert.equal(service.child.exitCode, null, 'service still running');
}

test('with a socket path that does not exist, the service runs normally', { timeout: 30_000 }, async () => {
  const missing = path.join(os.tmpdir(), `hotpath-missing-${process.pid}`, 'probe.sock');
  let service: RunningService | undefined;
  try {
    service = await startService(demoServer, { [PROBE_SOCKET_ENV]: missing });
    await assertAnswers(service, 3);
    await delay(1200); // past the first event-loop and memory timers
    await assertAnswers(service, 1);
    assert.doesNotMatch(service.stderr(), /Error|probe/i);
  } finally {
    await service?.stop();
  }
});

test('when the engine closes mid-run, the service keeps answering', { timeout: 30_000 }, async () => {
  const server = new ProbeServer();
  const socketPath = await server.start();
  let hello = false;
  server.onMessage((message) => (hello ||= message.type === 'hello'));
  let service: RunningService | undefined;
  try {
    service = await startService(demoServer, { [PROBE_SOCKET_ENV]: socketPath });
    await waitFor('hello', () => hello);
    await assertAnswers(service, 1);
    await server.close();
    await assertAnswers(service, 3);
    await delay(1200);
    await assertAnswers(service, 1);
    assert.doesNotMatch(service.stderr(), /Error|probe/i);
  } finally {
    await service?.stop();
    await server.close();
  }
});

test('an engine that stops reading costs a bounded queue: old messages are dropped and counted', { timeout: 60_000 }, async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-'));
  const socketPath = path.join(folder, 'slow.sock');
  const sockets: net.Socket[] = [];
  const slowServer = net.createServer((socket) => {
    socket.pause(); // read nothing until told to
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => slowServer.listen(socketPath, resolve));
  let service: RunningService | undefined;
  try {
    service = await startService(demoServer, { [PROBE_SOCKET_ENV]: socketPath });
    await waitFor('connection', () => sockets.length === 1);
    // About 26 query messages per request: far more than the queue holds.
    for (let i = 0; i < 450; i++) assert.equal((await httpGet(service.port, '/orders')).status, 200);
    assert.equal(service.child.exitCode, null);

    const messages: ProbeMessage[] = [];
    let buffered = '';
    const socket = sockets[0];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const message = parseProbeMessage(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (message) messages.push(message);
      }
    });
    socket.resume();
    await waitFor('a memory message reporting drops', () => messages.some((m) => m.type === 'memory' && m.dropped > 0), 15_000);
    const dropped = messages.reduce((sum, m) => sum + (m.type === 'memory' ? m.dropped : 0), 0);
    const queries = messages.filter((m) => m.type === 'query').length;
    assert.ok(queries <= 10_000 + 500, `at most the queue's bound arrives after the stall (got ${queries})`);
    assert.ok(dropped > 0);
    assert.equal((await httpGet(service.port, '/orders')).status, 200);
  } finally {
    await service?.stop();
    sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => slowServer.close(() => resolve()));
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
