// The reader's fast path for nodes in V8's compact layout against its general
// path: the same bytes written whole (the fast path reads every node that is
// compact and inside the chunk) and one byte at a time (no node is ever whole
// in a chunk, so the general path reads them all) must give the same table, or
// fail with the same sentence.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProfileStreamParser, type StreamLimits } from '../../../src/engine/cpu/profileStream';
import type { ProfileTable } from '../../../src/engine/cpu/profileTable';
import { seededRandom } from '../../seededRandom';

function plain(t: ProfileTable) {
  return {
    frames: t.frames,
    nodeCount: t.nodeCount,
    arrays: [t.nodeId, t.nodeFrame, t.childStart, t.childCount, t.childIndex, t.tickStart, t.tickLength, t.tickLine, t.tickCount, t.samples].map((a) => Array.from(a)),
    timeDeltas: Array.from(t.timeDeltas),
  };
}

function read(bytes: Buffer, chunk: number, limits?: StreamLimits): { table?: ReturnType<typeof plain>; error?: string } {
  const parser = new ProfileStreamParser('p.cpuprofile', limits);
  try {
    for (let i = 0; i < bytes.length; i += chunk) parser.write(bytes.subarray(i, i + chunk));
    return { table: plain(parser.end()) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** A profile whose nodes are mostly compact, some with what only the general path reads. */
function profileText(rnd: () => number, nodes: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const names = ['work', '', '(root)', 'caf\u00e9', 'say "hi"', 'tab\there', 'a\\b', '\u{1f600}', 'x'.repeat(40)];
  const urls = ['', 'file:///srv/app/a.js', 'node:internal/timers', 'file:///srv/app/node_modules/lib/i.js', 'file:///s p/\u00fc.js'];
  const numbers = ['0', '7', '-1', '-0', '12', '3.5', '1e2', '2E-1', '123456789012'];
  const parts: string[] = [];
  for (let id = 1; id <= nodes; id++) {
    const ws = rnd() < 0.1 ? ' ' : '';
    const frame = [`"functionName":${JSON.stringify(pick(names))}`, `"scriptId":"${id % 5}"`, `"url":${JSON.stringify(pick(urls))}`, `"lineNumber":${pick(numbers)}`, `"columnNumber":${pick(numbers)}`];
    if (rnd() < 0.1) frame.reverse();
    if (rnd() < 0.05) frame.push('"codeType":"JS"');
    const fields = [`"id":${id}`, `"callFrame":{${frame.join(`,${ws}`)}}`, `"hitCount":${pick(['0', '3', '1.5'])}`];
    const kids = [2 * id, 2 * id + 1].filter((k) => k <= nodes);
    if (kids.length || rnd() < 0.2) fields.push(`"children":[${kids.join(',')}]`);
    if (rnd() < 0.5) {
      const ticks = Array.from({ length: Math.floor(rnd() * 3) }, () => (rnd() < 0.1 ? `{"ticks":${pick(['1', '4', '2.5'])},"line":${pick(numbers)}}` : `{"line":${pick(['1', '10', '-3'])},"ticks":${pick(['1', '4', '0'])}}`));
      fields.push(`"positionTicks":[${ticks.join(',')}]`);
    }
    if (rnd() < 0.05) fields.push(pick(['"deoptReason":""', '"extra":{"a":[1,2]}', '"flag":true', '"n":null']));
    if (rnd() < 0.1) fields.reverse();
    parts.push(`{${fields.join(`,${ws}`)}}`);
  }
  const samples = Array.from({ length: 50 }, () => 1 + Math.floor(rnd() * nodes));
  return `{"nodes":[${parts.join(',')}],"startTime":0,"endTime":100,"samples":[${samples.join(',')}],"timeDeltas":[${samples.map(() => 2).join(',')}]}`;
}

test('compact nodes read the same as the general path reads them', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const bytes = Buffer.from(profileText(seededRandom(seed), 60));
    const whole = read(bytes, bytes.length);
    assert.equal(whole.error, undefined, `seed ${seed}: ${whole.error}`);
    assert.deepEqual(whole, read(bytes, 1), `seed ${seed}`);
    assert.deepEqual(whole, read(bytes, 97), `seed ${seed}, chunks of 97 bytes`);
  }
});

test('damaged nodes fail with the same sentence on both paths', () => {
  const rnd = seededRandom(99);
  const junk = ['', '"', ',', '}', ']', '{', '-', '0', '01', '\\', '\u0001', 'x', ':', '1.', '"id":2,'];
  let failures = 0;
  for (let round = 0; round < 400; round++) {
    const text = profileText(seededRandom(1000 + round), 12);
    const nodesEnd = text.indexOf('],"startTime"');
    const at = 10 + Math.floor(rnd() * (nodesEnd - 10));
    const cut = Math.floor(rnd() * 3);
    const bytes = Buffer.from(text.slice(0, at) + junk[Math.floor(rnd() * junk.length)] + text.slice(at + cut));
    const whole = read(bytes, bytes.length);
    if (whole.error) failures++;
    assert.deepEqual(whole, read(bytes, 1), `round ${round}: ${bytes.toString().slice(Math.max(0, at - 30), at + 30)}`);
  }
  assert.ok(failures > 100, `most damaged inputs fail (${failures} of 400)`);
});

test('limits apply to compact nodes as to the rest: nesting depth and string length', () => {
  const bytes = Buffer.from('{"nodes":[{"id":1,"callFrame":{"functionName":"abcdefgh","scriptId":"0","url":"","lineNumber":0,"columnNumber":0},"positionTicks":[{"line":1,"ticks":1}]}],"samples":[1],"timeDeltas":[0]}');
  // Keys count as strings too: "positionTicks" is the longest, 13 bytes.
  for (const limits of [{ maxDepth: 4 }, { maxDepth: 5 }, { maxStringBytes: 7 }, { maxStringBytes: 8 }, { maxStringBytes: 12 }, { maxStringBytes: 13 }]) {
    assert.deepEqual(read(bytes, bytes.length, limits), read(bytes, 1, limits), JSON.stringify(limits));
  }
  assert.match(read(bytes, bytes.length, { maxDepth: 4 }).error ?? '', /nested more than 4 deep/);
  assert.match(read(bytes, bytes.length, { maxStringBytes: 12 }).error ?? '', /longer than 12 bytes/);
  assert.equal(read(bytes, bytes.length, { maxStringBytes: 13 }).error, undefined);
});
