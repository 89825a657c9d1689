// The inspector CPU profiler's slices, on real Node processes: slices are handed
// over between overlapping console profiles (no gap, V8's profiler never torn
// down), the service's own console.profile() calls pass by, and a service
// without an inspector console still gets slices by Profiler.stop + start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationSource } from '../../src/engine/events';
import { InspectorClient } from '../../src/engine/inspectorClient';
import { CpuProfiler, type CpuSlice } from '../../src/engine/cpu/cpuProfiler';
import { delay, ServiceProcess } from '../../src/engine/serviceProcess';

// Busy on the event loop, in a named function the profile must show.
const BUSY = `
function spin() { let x = 0; for (let i = 0; i < 2e5; i++) x += Math.sqrt(i); return x; }
setInterval(spin, 1);
`;

async function withService(script: string, body: (client: InspectorClient, service: ServiceProcess) => Promise<void>): Promise<void> {
  const service = new ServiceProcess({ command: process.execPath, args: ['--inspect=127.0.0.1:0', '-e', script], cwd: process.cwd(), env: { ...process.env, NODE_OPTIONS: '' } });
  const cancel = new CancellationSource();
  try {
    for (let i = 0; !service.inspectorUrls.length; i++) {
      if (service.exit || i > 1000) throw new Error(`no inspector: ${service.lastLines().join('\n')}`);
      await delay(10);
    }
    const client = await InspectorClient.connect(service.inspectorUrls[0]);
    try {
      await body(client, service);
    } finally {
      client.close();
    }
  } finally {
    cancel.cancel('done');
    await service.stop();
  }
}

async function record(client: InspectorClient, slices: number): Promise<{ profiler: CpuProfiler; got: CpuSlice[] }> {
  const profiler = new CpuProfiler(client, 1000, 200);
  const got: CpuSlice[] = [];
  profiler.onSlice.event((s) => got.push(s));
  await profiler.start();
  for (let i = 0; got.length < slices; i++) {
    if (i > 3000) throw new Error(`only ${got.length} slices in 30 s`);
    await delay(10);
  }
  await profiler.stop();
  return { profiler, got };
}

const hasSpin = (s: CpuSlice) => s.profile.nodes.some((n) => n.callFrame.functionName === 'spin');

test('slices are handed over: each starts before the previous one ends, and the service’s own console profiles pass by', async () => {
  // The service records console profiles of its own while Hotpath profiles it.
  const script = `${BUSY}
let n = 0;
setInterval(() => { console.profile('mine-' + n); setTimeout(() => console.profileEnd('mine-' + n++), 50); }, 120);
`;
  await withService(script, async (client) => {
    const theirs: string[] = [];
    const ours: string[] = [];
    client.onEvent.event((e) => {
      if (e.method !== 'Profiler.consoleProfileFinished') return;
      const title = String((e.params as { title?: string }).title);
      (title.startsWith('mine-') ? theirs : ours).push(title);
    });
    const { profiler, got } = await record(client, 5);
    assert.equal(profiler.cutMode, 'handover');
    assert.ok(theirs.length > 0, 'the service’s own console profiles finished too');
    // Every slice is one of ours, in order, and none was lost.
    assert.equal(got.length, ours.length, `slices ${got.length}, our console profiles finished ${ours.length}`);
    assert.deepEqual(
      got.map((s) => s.index),
      got.map((_, i) => i),
    );
    assert.equal(profiler.sliceCount, got.length);
    for (let i = 1; i < got.length; i++) {
      const prev = got[i - 1].profile;
      const next = got[i].profile;
      assert.ok(next.startTime <= prev.endTime, `slice ${i} starts at ${next.startTime}, after slice ${i - 1} ended at ${prev.endTime}: a gap`);
    }
    assert.ok(got.slice(0, -1).every((s) => s.profile.samples.length > 0 && hasSpin(s)), 'every full slice sampled the busy function');
    const merged = profiler.merged.profile();
    assert.equal(
      merged.samples.length,
      got.reduce((n, s) => n + s.profile.samples.length, 0),
    );
  });
});

test('without an inspector console in the service, slices are cut by Profiler.stop and Profiler.start', async () => {
  const script = `${BUSY}
process.getBuiltinModule = undefined;
Object.defineProperty(globalThis, 'console', { value: { log() {} }, configurable: true, writable: true });
`;
  await withService(script, async (client) => {
    // The service replaces its console once it runs: wait for that before starting.
    for (let i = 0; ; i++) {
      const r = await client.send<{ result: { value?: unknown } }>('Runtime.evaluate', { expression: 'typeof globalThis.console.profile', returnByValue: true });
      if (r.result.value === 'undefined') break;
      if (i > 500) throw new Error('the service did not replace its console');
      await delay(10);
    }
    const { profiler, got } = await record(client, 3);
    assert.equal(profiler.cutMode, 'restart');
    assert.ok(got.length >= 3);
    for (let i = 1; i < got.length; i++) assert.ok(got[i].profile.startTime >= got[i - 1].profile.endTime, 'stop, then start');
    assert.ok(got.slice(0, -1).every(hasSpin));
  });
});
