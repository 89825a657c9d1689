import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ProbeTransport } from '../../../src/engine/probe/probeTransport';

test('a burst before the socket connects drops the oldest messages but never the hello', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-t-'));
  const socketPath = path.join(dir, 's');
  const received: string[] = [];
  const server = net.createServer((s) => {
    let pending = '';
    s.on('data', (d) => {
      pending += d;
      const parts = pending.split('\n');
      pending = parts.pop()!;
      received.push(...parts);
    });
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  const transport = new ProbeTransport(socketPath, { maxMessages: 10, maxBytes: 1 << 20 });
  transport.sendPinned({ type: 'hello', n: 0 });
  for (let i = 1; i <= 100; i++) transport.send({ type: 'query', n: i }); // all before 'connect' can fire
  assert.equal(transport.takeDropped(), 90);
  const deadline = Date.now() + 5000;
  while (received.length < 11 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const messages = received.map((l) => JSON.parse(l));
  assert.equal(messages[0].type, 'hello');
  assert.deepEqual(messages.slice(1).map((m) => m.n), [91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
  transport.shutdown();
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
