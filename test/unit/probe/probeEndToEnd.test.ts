// The built probe inside the real demo service: runtime samples, and the N+1
// route's 26 queries attributed to their request and to the line in orders.js.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ProbeServer } from '../../../src/engine/probeServer';
import type { ProbeMessage, QueryMessage } from '../../../src/engine/probe/probeMessages';
import { PROBE_SOCKET_ENV } from '../../../src/engine/probe/probeMessages';
import { delay, demoServer, fixture, httpGet, repoRoot, startService, waitFor, type RunningService } from './serviceHarness';

const ordersFile = path.join(repoRoot, 'examples', 'demo', 'src', 'orders.js');
const N_PLUS_ONE_MARKER = '// N+1: one query per order';

/** 1-based line of the marker comment, which sits on the per-row query's line. */
function markerLine(): number {
  const lines = fs.readFileSync(ordersFile, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(N_PLUS_ONE_MARKER));
  assert.ok(index >= 0, `marker ${N_PLUS_ONE_MARKER} not found in ${ordersFile}`);
  return index + 1;
}

test('the probe streams hello, memory, GC, event-loop and per-request query messages from the demo', { timeout: 60_000 }, async () => {
  const server = new ProbeServer();
  const socketPath = await server.start();
  const messages: ProbeMessage[] = [];
  server.onMessage((message) => messages.push(message));
  let service: RunningService | undefined;
  try {
    service = await startService(demoServer, { [PROBE_SOCKET_ENV]: socketPath });
    const pid = service.child.pid;
    const ofType = <T extends ProbeMessage['type']>(type: T) =>
      messages.filter((m): m is Extract<ProbeMessage, { type: T }> => m.type === type && m.pid === pid);
    await waitFor('hello', () => ofType('hello').length > 0);
    const hello = ofType('hello')[0];
    assert.equal(hello.ppid, process.pid);
    assert.equal(hello.nodeVersion, process.version);
    assert.ok(hello.argv.some((arg) => arg.endsWith('server.js')));

    const orders = await httpGet(service.port, '/orders?note=query-string-is-stripped');
    assert.equal(orders.status, 200);
    for (let i = 0; i < 40; i++) assert.equal((await httpGet(service.port, '/export/alloc')).status, 200);

    await waitFor('event-loop report', () => ofType('eventLoop').length > 0);
    await waitFor('2 s of memory samples', () => {
      const memory = ofType('memory');
      return memory.length > 0 && memory[memory.length - 1].t - memory[0].t >= 2000;
    });

    // Memory: every 250 ms, i.e. at least 4 a second (one late sample allowed for timer jitter).
    const memory = ofType('memory');
    const firstSecondTwo = memory.filter((m) => m.t <= memory[0].t + 2000).length;
    assert.ok(firstSecondTwo >= 8, `expected >= 8 memory samples in 2 s, got ${firstSecondTwo}`);
    assert.ok(memory.every((m) => m.heapUsed > 0 && m.rss >= m.heapUsed));
    // Seeding the database issues ~10k INSERTs before the socket can connect: the
    // oldest of those may be dropped (and are counted), nothing once it serves.
    assert.ok(memory.slice(Math.floor(memory.length / 2)).every((m) => m.dropped === 0), `drops after start-up: ${memory.map((m) => m.dropped)}`);

    // GC: the allocation-heavy route forces young-generation collections.
    const gcs = ofType('gc');
    assert.ok(gcs.length > 0, 'no GC messages');
    assert.ok(gcs.some((gc) => gc.kind === 'minor'), `no minor GC among ${gcs.map((gc) => gc.kind).join(', ')}`);
    for (const gc of gcs) {
      assert.ok(['minor', 'major', 'incremental', 'weakcb'].includes(gc.kind));
      assert.ok(gc.durationMs >= 0 && gc.startMs > hello.t - 60_000 && gc.startMs <= gc.t);
    }

    const loop = ofType('eventLoop')[0];
    assert.ok(loop.utilization >= 0 && loop.utilization <= 1);
    assert.ok(loop.delay.min <= loop.delay.p50 && loop.delay.p50 <= loop.delay.p99 && loop.delay.p99 <= loop.delay.max);

    // Queries: exactly 26 for the one /orders request, all attributed to it.
    const forOrders = ofType('query').filter((q: QueryMessage) => q.request?.path === '/orders');
    assert.equal(forOrders.length, 26);
    for (const query of forOrders) {
      assert.deepEqual({ method: query.request?.method, path: query.request?.path }, { method: 'GET', path: '/orders' });
      assert.equal(query.request?.id, forOrders[0].request?.id, 'every query of the request carries its id');
      assert.equal(query.driver, 'better-sqlite3');
      assert.ok(query.durationMs >= 0 && query.stack.length > 0);
    }
    const perRow = forOrders.filter((q) => q.sql.endsWith('FROM customers c WHERE c.id = ?'));
    assert.equal(perRow.length, 25);
    const sites = new Set(perRow.map((q) => JSON.stringify(q.callSite)));
    assert.equal(sites.size, 1, `per-row queries have several call sites: ${[...sites].join(' ')}`);
    assert.equal(perRow[0].callSite?.file, ordersFile);
    assert.equal(perRow[0].callSite?.line, markerLine());
    assert.equal(perRow[0].stack[0], `${ordersFile}:${perRow[0].callSite?.line}:${perRow[0].callSite?.column}`);

    // Seeding at start-up runs outside any request.
    assert.ok(ofType('query').some((q) => q.request === null && q.sql.startsWith('INSERT INTO ')));
    // Other requests' queries carry their own paths.
    assert.ok(ofType('query').some((q) => q.request?.path === '/export/alloc'));
    assert.equal(server.stats.garbageLines, 0);
  } finally {
    await service?.stop();
    await server.close();
  }
});

test('a forked child process connects on its own and reports its parent', { timeout: 30_000 }, async () => {
  const server = new ProbeServer();
  const socketPath = await server.start();
  const messages: ProbeMessage[] = [];
  server.onMessage((message) => messages.push(message));
  let service: RunningService | undefined;
  try {
    service = await startService(fixture('forks-child.js'), { [PROBE_SOCKET_ENV]: socketPath });
    const parentPid = service.child.pid;
    await waitFor('hello from parent and child', () => messages.filter((m) => m.type === 'hello').length >= 2);
    const hellos = messages.filter((m) => m.type === 'hello');
    const parent = hellos.find((m) => m.pid === parentPid);
    const child = hellos.find((m) => m.pid !== parentPid);
    assert.ok(parent && child);
    assert.equal(child.ppid, parent.pid);
    await waitFor('memory samples from the child', () => messages.some((m) => m.type === 'memory' && m.pid === child.pid));
    await delay(100);
    assert.ok(server.stats.connections >= 2);
  } finally {
    await service?.stop();
    await server.close();
  }
});
