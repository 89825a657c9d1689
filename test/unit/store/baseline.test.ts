import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { baselineId, clearBaseline, getBaseline, setBaseline } from '../../../src/engine/store/baseline';
import { deleteRun } from '../../../src/engine/store/retention';
import { HotpathError } from '../../../src/engine/events';
import { commitRun, tempRunsDir } from './storeFixtures';

test('set, get and clear the pinned baseline', () => {
  const dir = tempRunsDir();
  assert.deepEqual(getBaseline(dir), { state: 'none' });
  const runDir = commitRun(dir, '20260101-000000-aaaaaa', { p95: 33 });
  commitRun(dir, '20260102-000000-bbbbbb');
  assert.equal(setBaseline(dir, '20260101-000000-aaaaaa'), runDir);
  assert.equal(fs.readFileSync(path.join(dir, 'baseline'), 'utf8'), '20260101-000000-aaaaaa\n');
  assert.equal(baselineId(dir), '20260101-000000-aaaaaa');
  const b = getBaseline(dir);
  assert.ok(b.state === 'set' && b.id === '20260101-000000-aaaaaa' && b.dir === runDir && b.record.load?.latencyMs.p95 === 33);
  setBaseline(dir, '20260102-000000-bbbbbb');
  assert.equal(baselineId(dir), '20260102-000000-bbbbbb');
  clearBaseline(dir);
  assert.deepEqual(getBaseline(dir), { state: 'none' });
  clearBaseline(dir);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a baseline deleted behind our back, or damaged, is reported as gone with why', () => {
  const dir = tempRunsDir();
  const runDir = commitRun(dir, '20260101-000000-aaaaaa');
  setBaseline(dir, '20260101-000000-aaaaaa');
  fs.writeFileSync(path.join(runDir, 'run.json'), '{"trunc');
  const damaged = getBaseline(dir);
  assert.ok(damaged.state === 'gone' && /^the baseline run 20260101-000000-aaaaaa cannot be read: run\.json is not valid JSON/.test(damaged.reason), JSON.stringify(damaged));
  fs.rmSync(runDir, { recursive: true });
  const gone = getBaseline(dir);
  assert.deepEqual(gone, {
    state: 'gone',
    id: '20260101-000000-aaaaaa',
    dir: runDir,
    reason: 'the baseline run 20260101-000000-aaaaaa no longer exists (it was deleted); pin another run',
  });
  fs.writeFileSync(path.join(dir, 'baseline'), '../../etc\n');
  assert.equal(getBaseline(dir).state, 'gone', 'a baseline file that names no run');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('only a readable run can be pinned', () => {
  const dir = tempRunsDir();
  commitRun(dir, '20260101-000000-aaaaaa');
  fs.mkdirSync(path.join(dir, '20260102-000000-broken'));
  assert.throws(() => setBaseline(dir, '20260109-000000-nonexi'), (e: Error) => e instanceof HotpathError && /There is no run 20260109-000000-nonexi in /.test(e.message));
  assert.throws(() => setBaseline(dir, '20260102-000000-broken'), /Run 20260102-000000-broken cannot be the baseline: run\.json is missing/);
  assert.throws(() => setBaseline(dir, '../20260101-000000-aaaaaa'), /is not a run id/);
  assert.throws(() => setBaseline(dir, '.partial-x'), /is not a run id/);
  assert.equal(baselineId(dir), null);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('deleting the baseline through deleteRun unpins it', () => {
  const dir = tempRunsDir();
  commitRun(dir, '20260101-000000-aaaaaa');
  setBaseline(dir, '20260101-000000-aaaaaa');
  assert.equal(deleteRun(dir, '20260101-000000-aaaaaa'), true);
  assert.deepEqual(getBaseline(dir), { state: 'none' });
  fs.rmSync(dir, { recursive: true, force: true });
});
