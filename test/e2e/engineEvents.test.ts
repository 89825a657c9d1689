// What a run streams to its subscribers while it goes: load ticks every
// second, CPU profile slices, memory samples from the probe, phases in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../src/engine/config';
import { CancellationSource } from '../../src/engine/events';
import { BenchmarkRun } from '../../src/engine/runner';
import type { RunEvent } from '../../src/engine/runEvents';
import { repoRoot, tempDir, writeConfig } from './cliHarness';

test('a run streams load ticks, CPU slices and memory samples while the load runs', async () => {
  const fixtures = path.join(repoRoot, 'test', 'fixtures', 'services');
  const file = writeConfig(fixtures, {
    service: { command: 'node', args: ['hello.js'], readyUrl: 'http://127.0.0.1:${port}/health' },
    load: { stages: [{ durationSec: 5, connections: 4 }] },
    profile: { sliceSeconds: 1 },
  });
  const out = tempDir('hotpath-events-');
  try {
    const events: Array<RunEvent & { at: number }> = [];
    const run = new BenchmarkRun({ loaded: loadConfig(file), runsDir: out, token: new CancellationSource().token, probePath: path.join(repoRoot, 'dist', 'probe.js') });
    run.onEvent.event((e) => events.push({ ...e, at: Date.now() }));
    const outcome = await run.run();
    assert.equal(outcome.status, 'passed', outcome.error ?? '');

    const phases = events.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase);
    assert.deepEqual(phases, ['starting', 'ready', 'load', 'stopping', 'analyzing', 'saved']);
    const loadStart = events.find((e) => e.type === 'phase' && e.phase === 'load')!.at;
    const loadEnd = events.find((e) => e.type === 'phase' && e.phase === 'stopping')!.at;
    const during = (type: RunEvent['type']) => events.filter((e) => e.type === type && e.at >= loadStart && e.at <= loadEnd);

    const ticks = during('loadTick');
    assert.ok(ticks.length >= 4, `load ticks during 5 s of load: ${ticks.length}`);
    const gaps = ticks.slice(1).map((t, i) => t.at - ticks[i].at);
    assert.ok(Math.max(...gaps) < 1600, `a tick at least every ~1 s (gaps ${gaps.join(', ')} ms)`);

    const slices = during('cpuSlice') as Array<Extract<RunEvent, { type: 'cpuSlice' }> & { at: number }>;
    assert.ok(slices.length > 1, `CPU slices that arrived during the run: ${slices.length}`);
    assert.ok(slices.every((s) => s.profile.nodes.length > 0 && s.profile.samples.length === s.samples));

    const samples = during('processSample');
    const seconds = (loadEnd - loadStart) / 1000;
    assert.ok(samples.length / seconds >= 3, `memory samples per second: ${(samples.length / seconds).toFixed(1)}`);

    const record = JSON.parse(fs.readFileSync(path.join(outcome.runDir!, 'run.json'), 'utf8'));
    assert.equal(record.cpu.slices, slices.length + events.filter((e) => e.type === 'cpuSlice' && e.at > loadEnd).length);
    assert.ok(record.heap.timeline.length >= 4 * 4, `heap timeline points: ${record.heap.timeline.length}`);
  } finally {
    fs.rmSync(file, { force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
});
