// The live stream a subscriber of a run gets: a load tick for every second of
// load, each with the stage it belongs to, p50/p95/p99 of that second and its
// errors split into non-2xx, timeouts and connection errors (issue 4). A real
// run of the echo service with a mix that produces 404s and timeouts; the CLI's
// live line is built from the same ticks.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { liveLine } from '../../../src/cli/liveLine';
import { loadConfig } from '../../../src/engine/config';
import { CancellationSource } from '../../../src/engine/events';
import { plannedLoadSeconds } from '../../../src/engine/load/loadRunner';
import { BenchmarkRun } from '../../../src/engine/runner';
import type { LoadStageTick, RunEvent } from '../../../src/engine/runEvents';
import { loadFixture } from './loadHarness';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-live-'));
const configFile = path.join(path.dirname(loadFixture('echo-server.js')), `hotpath.live-${process.pid}.config.json`);
after(() => {
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(configFile, { force: true });
});

test('every second of load reaches subscribers with its stage, percentiles and errors split by cause', async () => {
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      service: { command: 'node', args: ['echo-server.js'], readyUrl: 'http://127.0.0.1:${port}/health' },
      load: {
        // 404s are non-2xx; a 1.5 s stall against a 1 s timeout is a timeout.
        requests: [{ path: '/items', weight: 6 }, { path: '/missing', weight: 3 }, { path: '/stall?ms=1500', weight: 1 }],
        stages: [{ durationSec: 3, connections: 2 }, { durationSec: 3, connections: 4 }],
        timeoutSec: 1,
      },
      profile: { cpu: false, heap: false },
    }),
  );
  const loaded = loadConfig(configFile);
  assert.equal(plannedLoadSeconds(loaded.config.load), 6);
  const events: Array<RunEvent & { at: number }> = [];
  const run = new BenchmarkRun({ loaded, runsDir: out, token: new CancellationSource().token, probePath: null });
  run.onEvent.event((e) => events.push({ ...e, at: Date.now() }));
  const outcome = await run.run();
  assert.ok(outcome.record?.load, outcome.error ?? 'no load result');

  const loadPhase = events.find((e) => e.type === 'phase' && e.phase === 'load')!;
  const stopping = events.find((e) => e.type === 'phase' && e.phase === 'stopping')!;
  const ticks = events.filter((e): e is Extract<RunEvent, { type: 'loadTick' }> & { at: number } => e.type === 'loadTick').map((e) => e.tick);
  const streamed = events.filter((e) => e.type === 'loadTick' && e.at < stopping.at).length;
  assert.ok(streamed >= 4, `ticks streamed while the load ran, not after it: ${streamed} of ${ticks.length}`);

  // One tick per second of load: consecutive ticks one second apart on the run clock, none missing.
  const ts = ticks.map((t) => t.t);
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i] - ts[i - 1] <= 1000, `ticks ${ts[i - 1]} → ${ts[i]} ms: a second was skipped`);
  assert.ok(ticks.length >= 5, `6 s of load gave ${ticks.length} ticks`);

  for (const t of ticks) {
    for (const k of ['rps', 'p50', 'p95', 'p99', 'errors', 'non2xx', 'timeouts', 'connection', 'requestsTotal'] as const) assert.equal(typeof t[k], 'number', `${k} in ${JSON.stringify(t)}`);
    assert.equal(t.errors, t.non2xx + t.timeouts + t.connection, `errors split without remainder: ${JSON.stringify(t)}`);
    assert.match(t.stage ?? '', /^stage [12]: [24] connections$/);
  }
  assert.deepEqual([...new Set(ticks.map((t) => t.stage))], ['stage 1: 2 connections', 'stage 2: 4 connections'], 'the stage changes in the stream');
  const sum = (k: 'non2xx' | 'timeouts') => ticks.reduce((s, t) => s + t[k], 0);
  assert.ok(sum('non2xx') > 0, 'the 404s arrive as non-2xx');
  assert.ok(sum('timeouts') > 0, 'the stalls arrive as timeouts');
  // The ticks add up to what run.json saved.
  const l = outcome.record!.load!;
  assert.ok(ticks.at(-1)!.requestsTotal <= l.requests.total + l.errors.total);
  assert.ok(sum('non2xx') <= l.errors.non2xx && sum('timeouts') <= l.errors.timeouts);

  const withErrors = ticks.find((t) => t.errors > 0) as LoadStageTick;
  const line = liveLine(withErrors, 2, 6);
  assert.match(line, /^\[#+-*\] 2\/6 s {2}stage \d: \d connections {2}\d+ req\/s {2}p50 [\d.]+ p95 [\d.]+ p99 [\d.]+ ms {2}errors \d+ \(non-2xx \d+, timeouts \d+, connection \d+\)$/);
  assert.match(liveLine(withErrors, 3, null), /^3 s {2}stage/, 'no bar when the length is not known');
});
