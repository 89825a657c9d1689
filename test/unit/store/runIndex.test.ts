import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { listRuns } from '../../../src/engine/store/runStore';
import { listRunSummaries } from '../../../src/engine/store/runListing';
import { commitRun, readIndexFile, record, tempRunsDir } from './storeFixtures';

const ids = (list: Array<{ id: string }>) => list.map((r) => r.id);

test('commit records the run in index.json with its key figures', () => {
  const dir = tempRunsDir();
  commitRun(dir, '20260101-000000-aaaaaa', { p95: 42, rps: 250, startedAt: '2026-01-01T00:00:00.000Z' });
  const index = readIndexFile(dir);
  assert.equal(index.hotpathRunIndex, 1);
  const e = index.runs['20260101-000000-aaaaaa'];
  assert.deepEqual(
    { status: e.status, startedAt: e.startedAt, name: e.name, durationMs: e.durationMs, p95Ms: e.p95Ms, rps: e.rps, errorRate: e.errorRate, requests: e.requests },
    { status: 'passed', startedAt: '2026-01-01T00:00:00.000Z', name: 'demo', durationMs: 3000, p95Ms: 42, rps: 250, errorRate: 0.01, requests: 300 },
  );
  assert.equal(typeof (e.runJson as { size: number }).size, 'number');
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('listRunSummaries answers from the index, newest first, without reading run.json', () => {
  const dir = tempRunsDir();
  commitRun(dir, '20260101-000000-aaaaaa', { p95: 10 });
  commitRun(dir, '20260102-000000-bbbbbb', { p95: 20 });
  commitRun(dir, '20260103-000000-cccccc', { p95: 30, load: false, status: 'cancelled' });
  // Change the index alone: the summaries follow it, so they came from the index.
  const index = readIndexFile(dir);
  index.runs['20260101-000000-aaaaaa'].p95Ms = 12345;
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify(index));
  const listed = listRunSummaries(dir);
  assert.deepEqual(ids(listed), ['20260103-000000-cccccc', '20260102-000000-bbbbbb', '20260101-000000-aaaaaa']);
  const byId = Object.fromEntries(listed.map((r) => [r.id, r.ok ? r.summary : null]));
  assert.equal(byId['20260101-000000-aaaaaa']?.p95Ms, 12345);
  assert.equal(byId['20260102-000000-bbbbbb']?.p95Ms, 20);
  assert.deepEqual(
    { p95: byId['20260103-000000-cccccc']?.p95Ms, rps: byId['20260103-000000-cccccc']?.rps, status: byId['20260103-000000-cccccc']?.status },
    { p95: null, rps: null, status: 'cancelled' },
    'a run without load has no figures, not zeros',
  );
  assert.equal(listed[0].dir, path.join(dir, '20260103-000000-cccccc'));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the index is checked against the folder: a run it misses is added, an entry without a folder dropped', () => {
  const dir = tempRunsDir();
  commitRun(dir, '20260101-000000-aaaaaa');
  commitRun(dir, '20260102-000000-bbbbbb');
  // A run copied in by hand (or committed by a process whose index update was lost).
  fs.mkdirSync(path.join(dir, '20260103-000000-cccccc'));
  fs.writeFileSync(path.join(dir, '20260103-000000-cccccc', 'run.json'), JSON.stringify(record('20260103-000000-cccccc', { p95: 77 })));
  // A run removed by hand.
  fs.rmSync(path.join(dir, '20260101-000000-aaaaaa'), { recursive: true });
  const listed = listRunSummaries(dir);
  assert.deepEqual(ids(listed), ['20260103-000000-cccccc', '20260102-000000-bbbbbb']);
  assert.equal(listed[0].ok && listed[0].summary.p95Ms, 77);
  assert.deepEqual(Object.keys(readIndexFile(dir).runs), ['20260102-000000-bbbbbb', '20260103-000000-cccccc'], 'the index is repaired');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a run.json that changed after indexing is read again, and one that went bad is listed as damaged', () => {
  const dir = tempRunsDir();
  const a = commitRun(dir, '20260101-000000-aaaaaa', { p95: 10 });
  const b = commitRun(dir, '20260102-000000-bbbbbb', { p95: 10 });
  fs.writeFileSync(path.join(a, 'run.json'), JSON.stringify(record('20260101-000000-aaaaaa', { p95: 999 }), null, 1));
  fs.writeFileSync(path.join(b, 'run.json'), 'garbage');
  const listed = Object.fromEntries(listRunSummaries(dir).map((r) => [r.id, r]));
  const ra = listed['20260101-000000-aaaaaa'];
  assert.ok(ra.ok && ra.summary.p95Ms === 999);
  const rb = listed['20260102-000000-bbbbbb'];
  assert.ok(!rb.ok && /not valid JSON/.test(rb.reason));
  assert.deepEqual(Object.keys(readIndexFile(dir).runs), ['20260101-000000-aaaaaa']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a corrupt, foreign or missing index is rebuilt by scanning the run folders', () => {
  for (const bad of ['{"hotpathRunIndex": 1, "runs": {', '[]', '{"hotpathRunIndex": 99, "runs": {}}', '{"hotpathRunIndex": 1, "runs": {"20260101-000000-aaaaaa": {"status": 3}}}', null]) {
    const dir = tempRunsDir();
    commitRun(dir, '20260101-000000-aaaaaa', { p95: 11 });
    commitRun(dir, '20260102-000000-bbbbbb', { p95: 22 });
    if (bad === null) fs.rmSync(path.join(dir, 'index.json'));
    else fs.writeFileSync(path.join(dir, 'index.json'), bad);
    const listed = listRunSummaries(dir);
    assert.deepEqual(
      listed.map((r) => (r.ok ? r.summary.p95Ms : r.reason)),
      [22, 11],
      `index ${bad}`,
    );
    assert.deepEqual(Object.keys(readIndexFile(dir).runs), ['20260101-000000-aaaaaa', '20260102-000000-bbbbbb']);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('listRuns keeps returning full records, and brings the index up to date too', () => {
  const dir = tempRunsDir();
  commitRun(dir, '20260101-000000-aaaaaa', { p95: 10 });
  fs.rmSync(path.join(dir, 'index.json'));
  const full = listRuns(dir);
  assert.equal(full.length, 1);
  assert.ok(full[0].ok && full[0].record.load?.latencyMs.p95 === 10 && full[0].record.environment.cpus === 2);
  assert.deepEqual(Object.keys(readIndexFile(dir).runs), ['20260101-000000-aaaaaa']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('listing a folder that does not exist, or is empty, gives nothing and writes nothing', () => {
  const dir = tempRunsDir();
  assert.deepEqual(listRunSummaries(path.join(dir, 'nope')), []);
  assert.deepEqual(listRunSummaries(dir), []);
  assert.deepEqual(listRuns(dir), []);
  assert.deepEqual(fs.readdirSync(dir), []);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an index that cannot be written (here a folder in its place) does not stop listing or committing', () => {
  const dir = tempRunsDir();
  fs.mkdirSync(path.join(dir, 'index.json'));
  commitRun(dir, '20260101-000000-aaaaaa');
  // (The folder itself is listed too, as a damaged run: it is a folder without run.json.)
  assert.ok(listRunSummaries(dir).some((r) => r.ok && r.id === '20260101-000000-aaaaaa'));
  assert.ok(listRuns(dir).some((r) => r.ok && r.id === '20260101-000000-aaaaaa'));
  fs.rmSync(dir, { recursive: true, force: true });
});
