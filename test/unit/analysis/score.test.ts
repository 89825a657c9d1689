import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { linearPoints, scoreRecord, scoreRun } from '../../../src/engine/analysis/score';
import { schemaErrors } from '../store/runSchemaCheck';
import type { RunRecord } from '../../../src/engine/runRecord';

const repoRoot = process.env.HOTPATH_REPO_ROOT ?? path.resolve(__dirname, '../../../..');
const recorded = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'runs', '20261123-182721-cf6277', 'run.json'), 'utf8')) as RunRecord;

test('linear points: full at good, none at bad, straight between', () => {
  assert.equal(linearPoints(0.4, 0.5, 2), 100);
  assert.equal(linearPoints(1.25, 0.5, 2), 50);
  assert.equal(linearPoints(3, 0.5, 2), 0);
});

test('the recorded demo run: every component visible, heap left out for its poor fit', () => {
  const s = scoreRun(recorded);
  const byName = Object.fromEntries(s.components.map((c) => [c.name, c]));
  // The worst latency budget counts: http.p99 154.495 ms against < 100ms (ratio 1.545,
  // (2 − 1.545) / 1.5 = 30.3 points), not http.p95 at a quarter of its 500 ms.
  assert.deepEqual([byName['latency vs budget'].value, byName['latency vs budget'].points], [1.545, 30.3]);
  assert.match(byName['latency vs budget'].why, /^http\.p99 is 154\.495 ms against a limit of 100 ms/);
  assert.deepEqual([byName['error rate'].value, byName['error rate'].points], [0, 100]);
  // p99 141.126 ms: (200 − 141.126) / 180 = 32.7%.
  assert.deepEqual([byName['event-loop delay p99'].value, byName['event-loop delay p99'].points], [141.126, 32.7]);
  // 3.647%: (10 − 3.647) / 9 = 70.6%.
  assert.deepEqual([byName['GC pause share'].value, byName['GC pause share'].points], [3.647, 70.6]);
  assert.deepEqual([byName['N+1 query patterns'].value, byName['N+1 query patterns'].points], [0, 100]);
  assert.deepEqual(
    s.omitted.map((o) => o.name),
    ['heap growth'],
  );
  assert.match(s.omitted[0].why, /r² 0\.173 < 0\.5/);
  // Weights 30, 25, 15, 10, 10 renormalised over 90.
  const expected = (30 * 30.3 + 25 * 100 + 15 * 32.7 + 10 * 70.6 + 10 * 100) / 90;
  assert.equal(s.score, Math.round(expected));
  assert.ok(Math.abs(s.components.reduce((t, c) => t + c.share, 0) - 1) < 1e-3);
  for (const c of s.components) assert.ok(c.why.length > 10, c.name);
});

test('components without data are left out and the rest renormalised', () => {
  const bare = { ...recorded, budgets: [], eventLoop: null, gc: null, heap: null, queries: null } as unknown as RunRecord;
  const s = scoreRun(bare);
  assert.deepEqual(s.components.map((c) => [c.name, c.share]), [['error rate', 1]]);
  assert.equal(s.score, 100);
  assert.deepEqual(s.omitted.map((o) => o.name), ['latency vs budget', 'event-loop delay p99', 'GC pause share', 'heap growth', 'N+1 query patterns']);
  assert.equal(scoreRun({ ...bare, load: null } as unknown as RunRecord).score, null);
});

test('a bad run scores low, and each cause shows', () => {
  const bad = {
    ...recorded,
    budgets: [{ metric: 'http.p95', expression: '< 100ms', actual: 250, unit: 'ms', passed: false }],
    load: { ...recorded.load!, errors: { ...recorded.load!.errors, rate: 0.05 } },
    heap: { ...recorded.heap!, growth: { growthPct: 80, slopeBytesPerSec: 1, r2: 0.9, points: 20 } },
    queries: { ...recorded.queries, nPlusOne: [{}, {}] },
  } as unknown as RunRecord;
  const s = scoreRun(bad);
  const points = Object.fromEntries(s.components.map((c) => [c.name, c.points]));
  assert.equal(points['latency vs budget'], 0);
  assert.equal(points['error rate'], 0);
  assert.equal(points['heap growth'], 0);
  assert.equal(points['N+1 query patterns'], 50);
  assert.ok(s.score! < 25, `score ${s.score}`);
});

test('run.json score: the value, every component and the omitted ones, valid against the schema', () => {
  const stored = scoreRecord(scoreRun(recorded));
  assert.equal(stored.value, 62);
  assert.deepEqual(stored.components.map((c) => c.name), ['latency vs budget', 'error rate', 'event-loop delay p99', 'GC pause share', 'N+1 query patterns']);
  assert.deepEqual(stored.omitted.map((o) => o.name), ['heap growth']);
  assert.deepEqual(schemaErrors({ ...recorded, score: stored }), []);
  assert.notDeepEqual(schemaErrors({ ...recorded, score: { ...stored, value: 101 } }), [], 'a score over 100 does not validate');
  assert.notDeepEqual(schemaErrors({ ...recorded, score: { value: 50 } }), [], 'components are required');
});
