// The CPU profile exports, each read back by its own tool's reader where one
// runs under Node: pprof through pprof-format's decoder, speedscope against
// speedscope's own file-format schema (its importer runs in the browser test,
// speedscope.browser.test.ts), the .cpuprofile through Chrome DevTools' trace
// engine, and folded stacks parsed back line by line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Ajv from 'ajv';
import { Profile } from 'pprof-format';
import { toCollapsed } from '../../../src/engine/export/collapsed';
import { apportion, toPprof } from '../../../src/engine/export/pprof';
import { toSpeedscope } from '../../../src/engine/export/speedscope';
import type { CpuProfile } from '../../../src/engine/cpu/cpuProfile';
import { FIXTURE_RUN_DIR, fixtureProfile, fixtureRun, repoRoot } from './reportFixtures';

/** The profile's span in µs, and the part of it the samples cover (first sample to end). */
function spans(p: CpuProfile): { totalUs: number; sampledUs: number } {
  return { totalUs: p.endTime - p.startTime, sampledUs: p.endTime - (p.startTime + p.timeDeltas[0]) };
}

/** Node ids whose function is `name`. */
const nodesOf = (p: CpuProfile, name: string) => new Set(p.nodes.filter((n) => n.callFrame.functionName === name).map((n) => n.id));

test('collapsed stacks parse back: counts add up to the samples, per leaf as in the profile', () => {
  const profile = fixtureProfile();
  const text = toCollapsed(profile);
  const lines = text.trimEnd().split('\n');
  let total = 0;
  const byLeaf = new Map<string, number>();
  for (const line of lines) {
    const m = /^(.+) (\d+)$/.exec(line);
    assert.ok(m, `"${line}" is "stack count"`);
    total += Number(m[2]);
    const leaf = m[1].split(';').pop()!;
    byLeaf.set(leaf, (byLeaf.get(leaf) ?? 0) + Number(m[2]));
  }
  assert.equal(total, profile.samples.length);
  assert.equal(new Set(lines.map((l) => l.replace(/ \d+$/, ''))).size, lines.length, 'each stack once');
  const leafName = [...byLeaf.keys()].find((k) => k.startsWith('computePriceStats ('))!;
  assert.match(leafName, /^computePriceStats \(\/.*\/src\/pricing\.js:16\)$/);
  const hits = nodesOf(profile, 'computePriceStats');
  assert.equal(byLeaf.get(leafName), profile.samples.filter((s) => hits.has(s)).length);
  // The hottest leaf is the run's hottest function.
  const hottest = [...byLeaf].filter(([k]) => !k.startsWith('(')).sort((a, b) => b[1] - a[1])[0][0];
  assert.ok(hottest.startsWith(`${fixtureRun().cpu!.hotFunctions[0].name} (`));
});

test('collapsed stacks: separators inside names cannot split a frame or a line', () => {
  const profile = fixtureProfile();
  const n = profile.nodes.find((x) => x.callFrame.functionName === 'computePriceStats')!;
  n.callFrame.functionName = 'a;b\nc 12';
  const text = toCollapsed(profile);
  assert.ok(text.split('\n').some((l) => l.includes('a,b c 12 (')));
  const total = text.trimEnd().split('\n').reduce((s, l) => s + Number(/ (\d+)$/.exec(l)![1]), 0);
  assert.equal(total, profile.samples.length);
});

test("speedscope: valid against speedscope's own schema; weights cover the profile; self time matches the run", () => {
  const profile = fixtureProfile();
  const run = fixtureRun();
  const file = toSpeedscope(profile, { name: 'demo (CPU)' });
  const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', 'speedscope', 'dist', 'release', 'file-format-schema.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  assert.ok(validate(file), JSON.stringify(validate.errors?.slice(0, 3)));
  const sp = file.profiles[0];
  assert.equal(sp.samples.length, sp.weights.length);
  const sum = sp.weights.reduce((s, w) => s + w, 0);
  assert.ok(Math.abs(sum - spans(profile).sampledUs) < 5, `${sum} µs of weights vs ${spans(profile).sampledUs} µs sampled`);
  assert.ok(Math.abs(sp.endValue - sum) < 1);
  for (const stack of sp.samples) for (const f of stack) assert.ok(f >= 0 && f < file.shared.frames.length);
  const hot = run.cpu!.hotFunctions[0];
  const fi = file.shared.frames.findIndex((f) => f.name === hot.name && f.line === hot.line);
  assert.ok(fi >= 0 && file.shared.frames[fi].file!.endsWith(hot.file));
  const selfUs = sp.samples.reduce((s, stack, i) => s + (stack[stack.length - 1] === fi ? sp.weights[i] : 0), 0);
  assert.ok(Math.abs(selfUs / 1000 - hot.selfMs) < 1, `${selfUs / 1000} ms vs ${hot.selfMs} ms in run.json`);
});

test('pprof: gzip, decodes with pprof-format, cpu nanoseconds add up to the profile, the hottest function and line match the run', () => {
  const profile = fixtureProfile();
  const run = fixtureRun();
  const buf = toPprof(profile, { samplingIntervalMicros: 1000, startedAt: new Date(run.startedAt) });
  assert.deepEqual([...buf.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
  const p = Profile.decode(gunzipSync(buf));
  const str = (i: number | bigint) => p.stringTable.strings[Number(i)];
  assert.deepEqual(p.sampleType.map((t) => [str(t.type), str(t.unit)]), [['samples', 'count'], ['cpu', 'nanoseconds']]);
  assert.deepEqual([str(p.periodType!.type), str(p.periodType!.unit)], ['cpu', 'nanoseconds']);
  assert.equal(Number(p.period), 1_000_000);
  assert.equal(BigInt(p.timeNanos), BigInt(Date.parse(run.startedAt)) * 1_000_000n);
  assert.equal(Number(p.durationNanos), Math.round(spans(profile).totalUs * 1000));

  let count = 0;
  let nanos = 0;
  const selfByFunction = new Map<string, number>();
  const selfByLine = new Map<string, number>();
  const fnById = new Map(p.function.map((f) => [Number(f.id), f]));
  const locById = new Map(p.location.map((l) => [Number(l.id), l]));
  for (const s of p.sample) {
    count += Number(s.value[0]);
    nanos += Number(s.value[1]);
    const leaf = locById.get(Number(s.locationId[0]))!.line[0];
    const fn = fnById.get(Number(leaf.functionId))!;
    const key = `${str(fn.name)} ${str(fn.filename)}:${Number(fn.startLine)}`;
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + Number(s.value[1]));
    const lineKey = `${str(fn.filename)}:${Number(leaf.line)}`;
    selfByLine.set(lineKey, (selfByLine.get(lineKey) ?? 0) + Number(s.value[1]));
    for (const id of s.locationId) assert.ok(locById.has(Number(id)), 'every location exists');
  }
  assert.equal(count, profile.samples.length);
  const { totalUs, sampledUs } = spans(profile);
  assert.ok(Math.abs(nanos - sampledUs * 1000) < 5000, 'cpu ns = every sample attributed');
  assert.ok(Math.abs(nanos / (totalUs * 1000) - 1) < 0.01, `${nanos} ns vs ${totalUs * 1000} ns profiled`);

  const hot = run.cpu!.hotFunctions[0];
  const [topFn, topNs] = [...selfByFunction].filter(([k]) => !k.startsWith('(')).sort((a, b) => b[1] - a[1])[0];
  assert.ok(topFn.startsWith(`${hot.name} `) && topFn.endsWith(`${hot.file}:${hot.line}`), topFn);
  assert.ok(Math.abs(topNs / 1e6 - hot.selfMs) < 1, `${topNs / 1e6} ms vs ${hot.selfMs} ms`);
  const hotLine = run.cpu!.hotLines[0];
  const [topLine, lineNs] = [...selfByLine].sort((a, b) => b[1] - a[1])[0];
  assert.ok(topLine.endsWith(`${hotLine.file}:${hotLine.line}`), `${topLine} vs ${hotLine.file}:${hotLine.line}`);
  assert.ok(Math.abs(lineNs / 1e6 - hotLine.selfMs) < 1);
});

test('apportion splits exactly, by largest remainder', () => {
  assert.deepEqual(apportion(10, [1, 1, 1]), [4, 3, 3]);
  assert.deepEqual(apportion(7, [0, 0]), [7, 0]);
  assert.equal(apportion(1_000_003, [3, 5, 7, 11]).reduce((s, x) => s + x, 0), 1_000_003);
});

// The DevTools trace engine is an ES module; the tests compile to CommonJS.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test("the .cpuprofile export opens in Chrome DevTools' trace engine (Performance and JavaScript Profiler models)", async () => {
  const g = globalThis as { DOMRect?: unknown };
  // The engine touches DOMRect at load; Node has none (the package README says to polyfill it).
  g.DOMRect ??= class DOMRect {
    constructor(public x = 0, public y = 0, public width = 0, public height = 0) {}
  };
  const run = fixtureRun();
  const profile = JSON.parse(fs.readFileSync(path.join(FIXTURE_RUN_DIR, 'cpu.cpuprofile'), 'utf8'));
  const TraceEngine = await importEsm('@paulirish/trace_engine');
  const trace = TraceEngine.Helpers.SamplesIntegrator.SamplesIntegrator.createFakeTraceFromCpuProfile(profile, 1);
  const processor = TraceEngine.Processor.TraceProcessor.createWithAllHandlers();
  await processor.parse(trace.traceEvents, { isCPUProfile: true });
  const data = processor.data;
  assert.equal(data.Meta.traceBounds.range, profile.endTime - profile.startTime);
  const selfUs = new Map<string, number>();
  for (const [entry, node] of data.Samples.entryToNode as Map<{ callFrame?: { functionName: string } }, { selfTime?: number }>) {
    const name = entry.callFrame?.functionName;
    if (name) selfUs.set(name, (selfUs.get(name) ?? 0) + (node.selfTime ?? 0));
  }
  const [topName, topUs] = [...selfUs].filter(([n]) => !n.startsWith('(')).sort((a, b) => b[1] - a[1])[0];
  const hot = run.cpu!.hotFunctions[0];
  assert.equal(topName, hot.name);
  assert.ok(Math.abs(topUs / 1000 - hot.selfMs) / hot.selfMs < 0.01, `DevTools ${topUs / 1000} ms vs run.json ${hot.selfMs} ms`);

  // The JavaScript Profiler panel's model, straight from the file.
  const { CPUProfileDataModel } = await importEsm('@paulirish/trace_engine/models/cpu_profile/CPUProfileDataModel.js');
  const model = new CPUProfileDataModel(profile);
  assert.equal(model.profileHead.callFrame.functionName, '(root)');
  assert.equal(model.samples.length, profile.samples.length);
});
