// The embedded engine against a real service: headers and JSON bodies arrive,
// rate stages count latency from when each request was due (coordinated
// omission), timeouts are told apart, and the stress, spike and soak scenarios
// run end to end on short settings. Timing assertions are ratios and bounds
// with wide margins: the machine is shared.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import { parseConfig } from '../../../src/engine/config';
import { closedLoad, rateLoad } from '../../../src/engine/load/scenarios/common';
import { runStress } from '../../../src/engine/load/scenarios/stress';
import { runSpike } from '../../../src/engine/load/scenarios/spike';
import { runSoak } from '../../../src/engine/load/scenarios/soak';
import { LoadRunner } from '../../../src/engine/load/loadRunner';
import { processTreeCpuSeconds } from '../../../src/engine/load/serviceCpu';
import { CancellationSource } from '../../../src/engine/events';
import { context, EchoService, httpGet, startEcho } from './loadHarness';

let echo: EchoService;
before(async () => {
  echo = await startEcho();
});
after(async () => {
  await echo?.stop();
});

const orderMix = () =>
  parseConfig({
    service: { command: 'node', readyUrl: 'http://127.0.0.1:${port}/health' },
    load: {
      requests: [
        { path: '/items', weight: 2 },
        { method: 'POST', path: '/orders', headers: { 'x-api-key': 'k1' }, body: { sku: 'A-1', quantity: 2 } },
      ],
    },
  }).load.requests;

async function stats(): Promise<{ orders: number; badOrders: number; lastOrder: unknown; lastContentType: string | null }> {
  return JSON.parse((await httpGet(echo.port, '/stats')).body);
}

test('a POST with a JSON body and headers from the config arrives intact (closed and rate stages)', async () => {
  const before = await stats();
  const ctx = context(echo.target, orderMix());
  await closedLoad(ctx, 2, 1.5).done;
  await rateLoad(ctx, 40, 8, 1.5).done;
  const r = ctx.rec.finish('autocannon', ctx.rec.now());
  const after = await stats();
  const post = r.endpoints.find((e) => e.method === 'POST' && e.path === '/orders')!;
  assert.ok(post.requests > 10, `POST requests ${post.requests}`);
  assert.equal(post.errorRate, 0, 'every order was accepted (201)');
  assert.equal(after.badOrders, before.badOrders, 'no order was refused for its body, content type or header');
  // Requests in flight when a stage ends are dropped by the generator but may still reach the service: at most the connections.
  const seen = after.orders - before.orders;
  assert.ok(seen >= post.requests && seen <= post.requests + 2 + 8, `the service saw ${seen} orders, the generator counted ${post.requests}`);
  assert.deepEqual(after.lastOrder, { sku: 'A-1', quantity: 2 });
  assert.equal(after.lastContentType, 'application/json');
  const share = post.requests / r.requests.total;
  assert.ok(Math.abs(share - 1 / 3) < 0.1, `weights 2:1 → POST share ${share}`);
});

test('rate stage: latency counts from when each request was due, so a stall is not hidden', async () => {
  const mix = [{ method: 'GET', path: '/items', weight: 1 }];
  const measure = async (open: boolean) => {
    const ctx = context(echo.target, mix);
    const load = open ? rateLoad(ctx, 100, 64, 2.5) : closedLoad(ctx, 1, 2.5);
    await new Promise((r) => setTimeout(r, 1000));
    await httpGet(echo.port, '/stall?ms=800'); // the service stops answering for 0.8 s
    await load.done;
    return ctx.rec.finish('autocannon', ctx.rec.now());
  };
  const open = await measure(true);
  const closed = await measure(false);
  // About 80 of ~250 requests were due during the stall: with the correction, p90 sits inside it.
  assert.ok(open.latencyMs.p90 >= 250, `open-model p90 ${open.latencyMs.p90} ms`);
  assert.ok(open.requests.total >= 170 && open.requests.total <= 270, `~100/s for 2.5 s, got ${open.requests.total}`);
  // One connection waiting politely records the stall once: its p90 stays far below.
  assert.ok(closed.latencyMs.p90 * 3 < open.latencyMs.p90, `closed p90 ${closed.latencyMs.p90} ms vs open ${open.latencyMs.p90} ms`);
  assert.ok(closed.latencyMs.max >= 400, `the closed model saw the stall once: max ${closed.latencyMs.max}`);
});

test('rate stage: requests unanswered within the timeout are timeouts, not connection errors', async () => {
  const ctx = context(echo.target, [{ method: 'GET', path: '/items', weight: 1 }]);
  ctx.timeoutSec = 0.3;
  const load = rateLoad(ctx, 50, 16, 2);
  await new Promise((r) => setTimeout(r, 500));
  await httpGet(echo.port, '/stall?ms=1000');
  await load.done;
  const r = ctx.rec.finish('autocannon', ctx.rec.now());
  assert.ok(r.errors.timeouts >= 5, `timeouts ${r.errors.timeouts}`);
  assert.equal(r.errors.connection, 0);
  assert.equal(r.errors.total, r.errors.timeouts + r.errors.non2xx);
  assert.ok(r.timeline.some((p) => p.timeouts > 0), 'the timeline shows when they happened');
});

test('service CPU: the process tree includes its children', async () => {
  const child = spawn(process.execPath, ['-e', 'const e = Date.now() + 400; while (Date.now() < e); setTimeout(() => {}, 3000)'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 700));
  const own = processTreeCpuSeconds(child.pid);
  const tree = processTreeCpuSeconds(process.pid);
  child.kill('SIGKILL');
  assert.ok(own !== null && own > 0.05, `child CPU ${own}`);
  assert.ok(tree !== null && tree >= own!, `tree ${tree} ≥ child ${own}`);
  assert.equal(processTreeCpuSeconds(null), null);
});

test('stress on short steps: a step per rung with its CPU %, ladder ends within the limits', async () => {
  const ctx = context(echo.target, [{ method: 'GET', path: '/items', weight: 1 }], () => processTreeCpuSeconds(echo.child.pid));
  const announced: string[] = [];
  ctx.announce = (label) => announced.push(label);
  ctx.rec.startTicker();
  const s = await runStress(ctx, { startConnections: 1, step: null, factor: 2, maxConnections: 4, stepDurationSec: 0.9, settleSec: 0.15, warmupSec: 0.3, maxErrorRate: 0.5, maxP95Ms: 60_000, maxP95Factor: null, holdSec: 0.8 });
  ctx.rec.stopTicker();
  assert.deepEqual(s.steps.map((x) => x.connections), [1, 2, 4]);
  assert.deepEqual(announced, ['warm-up', 'step 1: 1 connections', 'step 2: 2 connections', 'step 3: 4 connections', 'hold: 4 connections']);
  for (const x of s.steps) {
    assert.ok(x.rps > 0 && x.p95 > 0 && x.avg > 0, JSON.stringify(x));
    assert.ok(x.cpuPct !== null && x.cpuPct > 0 && x.cpuPct < 400, `CPU % ${x.cpuPct}`);
  }
  assert.equal(s.maxSustainable!.connections, 4);
  assert.equal(s.breakingPoint, null);
  assert.deepEqual(ctx.stages.map((x) => x.kind), ['warmup', 'step', 'step', 'step', 'hold']);
  const hold = ctx.stages[4];
  assert.equal(s.maxSustainable!.rps, hold.rps, 'the figures of the hold, not of the step');
  assert.ok(s.maxSustainable!.heldSec! >= 0.7 && s.maxSustainable!.heldSec! < 3, `held ${s.maxSustainable!.heldSec} s`);
  assert.equal(s.maxSustainable!.heldWithinLimits, true);
});

test('stress stops at the first step beyond the limits', async () => {
  const ctx = context(echo.target, [{ method: 'GET', path: '/missing', weight: 1 }]); // every answer is a 404
  const s = await runStress(ctx, { startConnections: 1, step: 1, factor: 2, maxConnections: 5, stepDurationSec: 1, settleSec: 0, warmupSec: 0, maxErrorRate: 0.01, maxP95Ms: 1000, maxP95Factor: null, holdSec: 0 });
  assert.equal(s.steps.length, 1);
  assert.equal(s.maxSustainable, null);
  assert.match(s.breakingPoint!.reason, /^error rate 100\.00% > 1\.00%/);
});

test('spike on short settings: base, spike and recovery spans, and a recovery verdict', async () => {
  const ctx = context(echo.target, [{ method: 'GET', path: '/items', weight: 1 }]);
  const s = await runSpike(ctx, { baseConnections: 1, factor: 4, baseDurationSec: 1.5, spikeDurationSec: 0.8, recoveryDurationSec: 1.5, tolerancePct: 50 });
  assert.equal(s.spikeConnections, 4);
  assert.deepEqual(ctx.stages.map((x) => x.kind), ['base', 'spike', 'recovery']);
  assert.ok(s.spikeEndT - s.spikeStartT >= 700 && s.spikeEndT - s.spikeStartT < 3000, `spike lasted ${s.spikeEndT - s.spikeStartT} ms`);
  assert.ok(s.baselineP95Ms > 0 && s.thresholdMs > s.baselineP95Ms);
  assert.equal(s.recovered, s.recoveryMs !== null);
  if (s.recoveryMs !== null) assert.ok(s.recoveryMs >= 0 && s.recoveryMs <= 1000, `recovery ${s.recoveryMs}`);
});

test('soak on short settings: windows, first against last', async () => {
  const ctx = context(echo.target, [{ method: 'GET', path: '/items', weight: 1 }]);
  const s = await runSoak(ctx, { durationSec: 3, connections: 2, windowSec: 1, warmupSec: 0 });
  assert.ok(s, 'at least two windows');
  assert.equal(s!.windows.length, 3);
  assert.ok(s!.windows.every((w) => w.requests > 0 && w.p95 > 0));
  assert.equal(s!.first, s!.windows[0]);
  assert.equal(s!.last, s!.windows[2]);
  assert.ok(Number.isFinite(s!.p95DegradationPct) && Number.isFinite(s!.throughputDegradationPct));
  assert.equal(s!.heapGrowthPct, null, 'set by the runner from the probe');
  assert.deepEqual(ctx.stages.map((x) => x.label), ['soak'], 'windows are not stages');
});

test('LoadRunner: a rate stage marks the latency as corrected; ticks and stage markers stream', async () => {
  const runner = new LoadRunner();
  const ticks: number[] = [];
  const stages: string[] = [];
  runner.onTick.event((t) => ticks.push(t.t));
  runner.onStage.event((s) => stages.push(s.message));
  const load = parseConfig({
    service: { command: 'node', readyUrl: 'http://127.0.0.1:${port}/health' },
    load: { target: echo.target, requests: [{ path: '/items' }], stages: [{ durationSec: 1.5, connections: 2 }, { durationSec: 1.5, rate: 30 }] },
  }).load;
  const r = await runner.run({ load, root: process.cwd(), port: echo.port, clockStart: Date.now() - 5000, token: new CancellationSource().token });
  assert.equal(r.latencyCorrected, true);
  assert.deepEqual(r.stages.map((s) => s.label), ['stage 1: 2 connections', 'stage 2: 30 req/s']);
  assert.equal(r.stages[1].rate, 30);
  assert.ok(Math.abs(r.stages[1].rps - 30) < 10, `rate stage served ${r.stages[1].rps} req/s`);
  assert.deepEqual(stages, ['Stage 1 of 2: 2 connections for 1.5 s', 'Stage 2 of 2: 30 req/s (at most 64 in flight) for 1.5 s']);
  assert.ok(ticks.length >= 2, `ticks ${ticks.length}`);
  assert.ok(ticks.every((t, i) => t >= 5000 && (i === 0 || t > ticks[i - 1])), 'ticks are on the run clock, in order');
  assert.ok(r.timeline[0].t >= 5000 && r.stages[0].startT >= 5000, 'timeline and stages share the run clock');
});

test('LoadRunner: cancelling stops the load promptly', async () => {
  const runner = new LoadRunner();
  const cancel = new CancellationSource();
  const load = parseConfig({
    service: { command: 'node', readyUrl: 'http://127.0.0.1:${port}/health' },
    load: { target: echo.target, requests: [{ path: '/items' }], scenario: 'soak', soak: { durationSec: 60, windowSec: 10, connections: 2 } },
  }).load;
  const started = Date.now();
  setTimeout(() => cancel.cancel('stop'), 800);
  await runner.run({ load, root: process.cwd(), port: echo.port, clockStart: Date.now(), token: cancel.token });
  assert.ok(Date.now() - started < 10_000, `stopped after ${Date.now() - started} ms`);
});
