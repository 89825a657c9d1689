// The streaming reader against JSON.parse on real profiles (recorded from the
// fixture services under plain `node --cpu-prof`), in both layouts and any
// chunking, and its one-sentence errors on damaged input.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { CpuProfile } from '../../../src/engine/cpu/cpuProfile';
import { analyzeCpuProfile } from '../../../src/engine/cpu/cpuProfileModel';
import { analyzeCpuProfileFile } from '../../../src/engine/cpu/profileFile';
import { parseProfileTable, ProfileStreamParser, readProfileTable } from '../../../src/engine/cpu/profileStream';
import { tableFromProfile, type ProfileTable } from '../../../src/engine/cpu/profileTable';
import { recordService, repoRoot, scratchDir } from './recordProfile';

let dir: string;
let recorded: string;
let profile: CpuProfile;

before(async () => {
  dir = scratchDir('hotpath-stream-');
  fs.mkdirSync(path.join(dir, 'rec'));
  recorded = await recordService(path.join(repoRoot, 'test/fixtures/services/tunable.js'), path.join(dir, 'rec'), ['/work', '/health', '/nothing'], 60);
  profile = JSON.parse(fs.readFileSync(recorded, 'utf8')) as CpuProfile;
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function plain(t: ProfileTable) {
  return {
    frames: t.frames,
    nodeCount: t.nodeCount,
    arrays: [t.nodeId, t.nodeFrame, t.childStart, t.childCount, t.childIndex, t.tickStart, t.tickLength, t.tickLine, t.tickCount, t.samples].map((a) => Array.from(a)),
    timeDeltas: Array.from(t.timeDeltas),
    sampleCount: t.sampleCount,
    startTime: t.startTime,
    endTime: t.endTime,
  };
}

test('a recorded profile reads into the same table as JSON.parse gives, whatever the chunk size', () => {
  assert.ok(profile.samples.length > 50 && profile.nodes.length > 20, 'the recording has samples');
  const expected = plain(tableFromProfile(profile));
  assert.deepEqual(plain(readProfileTable(recorded)), expected);
  const bytes = fs.readFileSync(recorded);
  for (const size of [1, 7, 4096]) {
    const parser = new ProfileStreamParser(recorded);
    for (let i = 0; i < bytes.length; i += size) parser.write(bytes.subarray(i, i + size));
    assert.deepEqual(plain(parser.end()), expected, `chunks of ${size} bytes`);
  }
});

test('analysis from the file (in a worker and on the caller thread) equals the in-memory analysis', async () => {
  const options = { root: path.join(repoRoot, 'test/fixtures/services') };
  const expected = analyzeCpuProfile(profile, options);
  assert.ok(expected.hotFunctions.some((f) => f.name === 'work' && f.file === 'tunable.js'), 'work() of the service is among the hot functions');
  assert.deepEqual(await analyzeCpuProfileFile(recorded, { ...options, worker: true }), expected);
  assert.deepEqual(await analyzeCpuProfileFile(recorded, { ...options, worker: false }), expected);
});

test('samples and time deltas before the nodes read the same', () => {
  const { nodes, ...rest } = profile;
  const reordered = JSON.stringify({ samples: rest.samples, timeDeltas: rest.timeDeltas, startTime: rest.startTime, endTime: rest.endTime, title: { x: [1, [2, { y: null }]] }, nodes });
  assert.deepEqual(plain(parseProfileTable(reordered)), plain(tableFromProfile(profile)));
});

test('escapes in strings decode as JSON.parse decodes them', () => {
  const names = ['caf\u00e9 \ud83d\ude00', 'quote " back \\ slash / tab \t', '\u2028line', 'plain'];
  const p: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [2, 3, 4, 5] },
      ...names.map((n, i) => ({ id: i + 2, callFrame: { functionName: n, scriptId: '1', url: `file:///app/${n}.js`, lineNumber: i, columnNumber: 0 } })),
    ],
    startTime: 0,
    endTime: 4000,
    samples: [2, 3, 4, 5],
    timeDeltas: [1000, 1000, 1000, 1000],
  };
  // JSON.stringify leaves most characters raw; escape every non-ASCII one as \uXXXX as well.
  const ascii = JSON.stringify(p).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  for (const text of [JSON.stringify(p), ascii]) {
    assert.deepEqual(parseProfileTable(text).frames.map((f) => f.functionName), ['(root)', ...names]);
  }
});

test('names read from a file in small reads (the read buffer reused between strings) and repeated names are one frame each', () => {
  const names = ['caf\u00e9 \ud83d\ude00', 'quote " back \\ slash', 'a_rather_long_function_name_that_spans_several_reads', 'x'];
  const nodes: CpuProfile['nodes'] = [{ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [] }];
  for (let i = 0; i < 24; i++) {
    const n = names[i % names.length];
    nodes.push({ id: i + 2, callFrame: { functionName: n, scriptId: '1', url: `file:///app/${n}.js`, lineNumber: i % 8 < 4 ? 3 : 4, columnNumber: 0 } });
    nodes[0].children!.push(i + 2);
  }
  const p: CpuProfile = { nodes, startTime: 0, endTime: 24000, samples: nodes.slice(1).map((n) => n.id), timeDeltas: nodes.slice(1).map(() => 1000) };
  const file = path.join(dir, 'names.cpuprofile');
  fs.writeFileSync(file, JSON.stringify(p));
  const expected = plain(tableFromProfile(p));
  assert.equal(expected.frames.length, 1 + names.length * 2);
  for (const size of [1, 5, 13, 64, 1 << 20]) assert.deepEqual(plain(readProfileTable(file, {}, size)), expected, `reads of ${size} bytes`);
});

const valid = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [2] },
      { id: 2, callFrame: { functionName: 'f', scriptId: '1', url: 'file:///a.js', lineNumber: 1, columnNumber: 2 } },
    ],
    startTime: 0,
    endTime: 2000,
    samples: [2, 2],
    timeDeltas: [1000, 1000],
    ...over,
  });

function rejects(text: string, pattern: RegExp, limits = {}) {
  assert.throws(
    () => parseProfileTable(text, 'x.cpuprofile', limits),
    (err: Error) => {
      assert.match(err.message, /^x\.cpuprofile is not a valid CPU profile at byte \d+: /);
      assert.match(err.message, pattern);
      assert.ok(!err.message.includes('\n'), 'one line');
      return true;
    },
  );
}

test('damaged input is one sentence with the file and the byte offset', () => {
  assert.doesNotThrow(() => parseProfileTable(valid()));
  const text = valid();
  rejects(text.slice(0, 100), /ends early/);
  rejects(text.slice(0, 100), new RegExp(`at byte 100:`));
  rejects('', /empty/);
  rejects('[1,2]', /not a JSON object/);
  rejects(valid({ samples: [2, 'x'] }), /"samples" holds a string/);
  rejects(valid({ samples: [2, 9] }), /samples\[1\] is 9, which is not a node id/);
  rejects(valid({ startTime: 'soon' }), /"startTime" is a string, not a number/);
  rejects(valid({ timeDeltas: {} }), /"timeDeltas" is an object/);
  rejects(valid({ samples: undefined }), /expected "nodes", "samples" and "timeDeltas"/);
  rejects(text.replace('"children":[2]', '"children":[1]'), /lists itself/);
  rejects(text.replace('"lineNumber":1,"columnNumber":2}', '"lineNumber":1,"columnNumber":2},"children":[1]'), /own ancestor|child of both/);
  rejects(text.replace('"children":[2]', '"children":[3]'), /lists child 3, which is not a node/);
  rejects(text.replace('"f"', '"f\\x"'), /invalid escape/);
  rejects(text.replace('2000', '02'), /leading zero/);
  rejects(`${text} {}`, /more after the end/);
  rejects(text.replace('"f"', `"${'y'.repeat(5000)}"`), /a string longer than 1000 bytes/, { maxStringBytes: 1000 });
  rejects(valid({ extra: JSON.parse('['.repeat(80) + ']'.repeat(80)) }), /nested more than 64 deep/);
  // Positions: the offset points at the offending value.
  const bad = valid({ samples: [2, true] });
  const at = Number(/at byte (\d+)/.exec(((): string => { try { parseProfileTable(bad); return ''; } catch (e) { return (e as Error).message; } })())![1]);
  assert.equal(bad.slice(at, at + 4), 'true');
});

test('an unknown key holding a huge string is skipped without keeping it', () => {
  const huge = valid({ comment: 'z'.repeat(3_000_000) });
  assert.equal(parseProfileTable(huge, 'x', { maxStringBytes: 1000 }).sampleCount, 2);
});

test('a damaged file read in the worker thread rejects with the same sentence', async () => {
  const file = path.join(dir, 'truncated.cpuprofile');
  const bytes = fs.readFileSync(recorded);
  fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(analyzeCpuProfileFile(file, { worker: true }), (err: Error) => {
    assert.equal(err.message, `${file} is not a valid CPU profile at byte ${Math.floor(bytes.length / 2)}: the file ends early (is it truncated?).`);
    return true;
  });
});
