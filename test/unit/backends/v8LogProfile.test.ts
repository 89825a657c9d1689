import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeCpuProfile, selfTimes } from '../../../src/engine/cpu/cpuProfileModel';
import { callFrameOf, cpuProfileFromTickStacks, cpuProfileFromV8Log, V8LogJson } from '../../../src/engine/backends/v8LogProfile';

const repoRoot = process.env.HOTPATH_REPO_ROOT ?? path.resolve(__dirname, '../../../..');
const fixture = path.join(repoRoot, 'test', 'unit', 'backends', 'fixtures', '0x-demo.v8log.json');

test('JavaScript code names become call frames: 1-based positions to 0-based, absolute paths to file URLs', () => {
  assert.deepEqual(callFrameOf({ name: 'computePriceStats /srv/demo/src/pricing.js:16:27', type: 'JS', kind: 'Opt' }), {
    functionName: 'computePriceStats',
    scriptId: '0',
    url: 'file:///srv/demo/src/pricing.js',
    lineNumber: 15,
    columnNumber: 26,
  });
  // Top-level code has no function name; Node's own modules keep their node: URL.
  const top = callFrameOf({ name: ' node:internal/main/run_main_module:1:1', type: 'JS' })!;
  assert.equal(top.functionName, '');
  assert.equal(top.url, 'node:internal/main/run_main_module');
  // Names with spaces (getters) and paths with spaces.
  const getter = callFrameOf({ name: 'get total /srv/my app/src/x.js:3:5', type: 'JS' })!;
  assert.equal(getter.functionName, 'get total');
  assert.equal(getter.url, 'file:///srv/my%20app/src/x.js');
  assert.equal(callFrameOf({ name: 'Module._extensions..js node:internal/modules/cjs/loader:1604:37', type: 'JS' })!.functionName, 'Module._extensions..js');
  // Native code is not a JavaScript frame.
  assert.equal(callFrameOf({ name: '__libc_malloc@@GLIBC_2.2.5', type: 'CPP' }), null);
  assert.equal(callFrameOf({ name: '/usr/bin/node', type: 'SHARED_LIB' }), null);
  assert.equal(callFrameOf({ name: 'ArrayPrototypeSort', type: 'CODE', kind: 'Builtin' }), null);
});

// A hand-made log: code 0 main (top level), 1 handler, 2 hot, 3 a C++ function, 4 libc.
const log: V8LogJson = {
  code: [
    { name: ' /app/server.js:1:1', type: 'JS', kind: 'Unopt' },
    { name: 'handler /app/server.js:10:3', type: 'JS', kind: 'Sparkplug' },
    { name: 'hot /app/hot.js:2:10', type: 'JS', kind: 'Opt' },
    { name: 'v8::internal::Runtime_Foo', type: 'CPP' },
    { name: '/usr/lib/libc.so.6', type: 'SHARED_LIB' },
  ],
  ticks: [
    // Stacks are innermost first: [code, pc offset, code, pc offset, …].
    { tm: 1000, vm: 0, s: [2, 10, 1, 20, 0, 30] },
    { tm: 2000, vm: 0, s: [2, 12, 1, 20, 0, 30] },
    { tm: 3000, vm: 0, s: [3, 0, 4, 0, 2, 14, 1, 20, 0, 30] }, // C++ called by hot: hot's own time
    { tm: 4000, vm: 1, s: [2, 10, 1, 20, 0, 30] }, // GC
    { tm: 5000, vm: 6, s: [-1, 'abc', 1, 22, 0, 30] }, // in an API callback from handler
    { tm: 6000, vm: 0, s: [4, 0] }, // no JavaScript on the stack
    // 20 ms without ticks: the thread was idle
    { tm: 26000, vm: 8, s: [] },
    { tm: 27000, vm: 0, s: [1, 20, 0, 30] },
  ],
};

test('a V8 tick log becomes a .cpuprofile: stacks, GC, native callbacks, program and idle time', () => {
  const profile = cpuProfileFromV8Log(log);
  assert.equal(profile.samples.length, profile.timeDeltas.length);
  assert.equal(profile.startTime, 1000);
  assert.equal(profile.endTime, 28000);
  const byName = (name: string) => profile.nodes.filter((n) => n.callFrame.functionName === name);
  // Frames are merged per function and position: one `hot` node under handler under the top level.
  assert.equal(byName('hot').length, 1);
  assert.equal(byName('hot')[0].hitCount, 3);
  const self = selfTimes(profile);
  const ms = (name: string) => byName(name).reduce((s, n) => s + (self.get(n.id) ?? 0), 0) / 1000;
  assert.equal(ms('hot'), 3);
  assert.equal(ms('(garbage collector)'), 1);
  assert.equal(ms('(native)'), 1);
  assert.equal(ms('(program)'), 1);
  // The gap after the last tick before it (one interval) and the IDLE tick.
  assert.equal(ms('(idle)'), 19 + 1);
  assert.equal(ms('handler'), 1);
  const native = byName('(native)')[0];
  const parent = profile.nodes.find((n) => n.children?.includes(native.id))!;
  assert.equal(parent.callFrame.functionName, 'handler', 'native time hangs under its caller');
  const gc = byName('(garbage collector)')[0];
  assert.ok(profile.nodes[0].children!.includes(gc.id), 'GC is a child of the root, as in DevTools profiles');

  const summary = analyzeCpuProfile(profile, { root: '/app' });
  assert.equal(summary.hotFunctions[0].name, 'hot');
  assert.equal(summary.hotFunctions[0].file, 'hot.js');
  assert.equal(summary.hotFunctions[0].line, 2);
  assert.equal(summary.hotFunctions[0].column, 10);
  assert.equal(summary.busyMs, 7);
  assert.deepEqual(summary.hotLines, [], 'the tick log has no per-line positions');
});

test('a window keeps only the ticks from readiness to the end of the load, idle edges included', () => {
  const profile = cpuProfileFromV8Log(log, { fromMicros: 1500, toMicros: 10000 });
  assert.equal(profile.samples.length > 0, true);
  const self = selfTimes(profile);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  // From the first tick in the window (within two intervals of its start) to its end, the last 3 ms idle.
  assert.equal(total, 10000 - 2000);
  const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((s, n) => s + (self.get(n.id) ?? 0), 0);
  assert.equal(idle, 3000);
  assert.ok(!profile.nodes.some((n) => n.callFrame.functionName === 'hot' && n.hitCount === 3), 'the tick before the window is left out');
});

test("0x's real output for the demo: computePriceStats on top, with its file and line", () => {
  const real = JSON.parse(fs.readFileSync(fixture, 'utf8')) as V8LogJson;
  const profile = cpuProfileFromV8Log(real);
  const summary = analyzeCpuProfile(profile, { root: '/srv/demo' });
  const top = summary.hotFunctions[0];
  assert.equal(top.name, 'computePriceStats');
  assert.equal(top.file, 'src/pricing.js');
  assert.equal(top.line, 16);
  assert.equal(top.category, 'user');
  assert.ok(top.selfPct > 50, `self ${top.selfPct}%`);
  assert.ok(summary.buckets.gc > 0 && summary.buckets.native > 0);
});

test('Clinic Flame stacks (outermost first, no times) count one interval each', () => {
  const e = (name: string) => ({ name, type: 'JS' });
  const profile = cpuProfileFromTickStacks([
    [e('main /a.js:1:1'), e('f /a.js:5:1')],
    [e('main /a.js:1:1'), e('f /a.js:5:1'), { name: 'memcpy', type: 'CPP' }],
    [e('main /a.js:1:1'), e('g /a.js:9:1')],
    [],
  ]);
  const summary = analyzeCpuProfile(profile);
  assert.deepEqual(
    summary.hotFunctions.map((f) => [f.name, f.selfMs]).filter(([, ms]) => ms),
    [
      ['f', 2],
      ['g', 1],
    ],
  );
  assert.equal(summary.buckets.program, 1);
  assert.throws(() => cpuProfileFromV8Log({} as V8LogJson), /not a preprocessed V8 log/);
});
