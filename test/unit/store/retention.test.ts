import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { setBaseline } from '../../../src/engine/store/baseline';
import { deleteRun, pruneRuns } from '../../../src/engine/store/retention';
import { listRunSummaries } from '../../../src/engine/store/runListing';
import { StagedRun } from '../../../src/engine/store/runStore';
import { WRITER_MARKER } from '../../../src/engine/store/stagingFolders';
import { commitRun, deadPid, readIndexFile, tempRunsDir } from './storeFixtures';

const ids = (dir: string) => listRunSummaries(dir).map((r) => r.id);
/** Runs a, b, c, … started one minute apart, a the oldest. */
function runs(dir: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `20260101-00${String(i).padStart(2, '0')}00-run${String(i).padStart(3, '0')}`;
    commitRun(dir, id, { startedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() });
    out.push(id);
  }
  return out;
}

test('pruneRuns keeps the newest `keep` runs and removes the rest, oldest first', () => {
  const dir = tempRunsDir();
  const all = runs(dir, 5);
  const r = pruneRuns(dir, { keep: 2 });
  assert.deepEqual(r, { removed: all.slice(0, 3), failed: [] });
  assert.deepEqual(ids(dir), [all[4], all[3]]);
  assert.deepEqual(Object.keys(readIndexFile(dir).runs), [all[3], all[4]], 'the index follows');
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.')), [], 'nothing hidden left behind');
  assert.deepEqual(pruneRuns(dir, { keep: 2 }), { removed: [], failed: [] });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('pruneRuns never removes the baseline, the protected run or a damaged run', () => {
  const dir = tempRunsDir();
  const all = runs(dir, 6);
  setBaseline(dir, all[0]);
  fs.writeFileSync(path.join(dir, all[1], 'run.json'), '{"cut');
  const r = pruneRuns(dir, { keep: 1, protect: [all[2]] });
  assert.deepEqual(r.removed, [all[3], all[4]]);
  assert.deepEqual(ids(dir).sort(), [all[0], all[1], all[2], all[5]].sort());
  fs.rmSync(dir, { recursive: true, force: true });
});

test('pruneRuns orders by start time, not by folder name', () => {
  const dir = tempRunsDir();
  commitRun(dir, '20260101-000000-zzzzzz', { startedAt: '2026-01-01T00:00:00.000Z' });
  commitRun(dir, '20260101-000000-aaaaaa', { startedAt: '2026-01-01T00:05:00.000Z' });
  assert.deepEqual(pruneRuns(dir, { keep: 1 }).removed, ['20260101-000000-zzzzzz']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('pruneRuns removes crash leftovers and interrupted deletions, and leaves a run in progress alone', () => {
  const dir = tempRunsDir();
  const [only] = runs(dir, 1);
  const crashed = StagedRun.create(dir, '20260102-000000-crash0');
  fs.writeFileSync(path.join(crashed.dir, WRITER_MARKER), JSON.stringify({ pid: deadPid(), host: os.hostname() }));
  const live = StagedRun.create(dir, '20260103-000000-inprog');
  fs.mkdirSync(path.join(dir, '.deleting-20251231-000000-old000-abc123'));
  const r = pruneRuns(dir, { keep: 5 });
  assert.deepEqual(r.removed, ['.partial-20260102-000000-crash0']);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.')), [path.basename(live.dir)]);
  assert.deepEqual(ids(dir), [only]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('pruneRuns refuses a keep below 1', () => {
  assert.throws(() => pruneRuns(os.tmpdir(), { keep: 0 }), /keep must be a whole number of at least 1/);
  assert.throws(() => pruneRuns(os.tmpdir(), { keep: 1.5 }), /keep must be a whole number/);
});

test('deleteRun removes a run, a damaged run or a crash leftover; refuses paths and runs in progress', () => {
  const dir = tempRunsDir();
  const [a, b] = runs(dir, 2);
  fs.writeFileSync(path.join(dir, b, 'run.json'), 'garbage');
  assert.equal(deleteRun(dir, a), true);
  assert.equal(deleteRun(dir, a), false, 'already gone');
  assert.equal(deleteRun(dir, b), true, 'damaged runs can be deleted');
  assert.deepEqual(ids(dir), []);
  assert.deepEqual(readIndexFile(dir).runs, {});
  const crashed = StagedRun.create(dir, '20260102-000000-crash0');
  fs.writeFileSync(path.join(crashed.dir, WRITER_MARKER), JSON.stringify({ pid: deadPid(), host: os.hostname() }));
  assert.equal(deleteRun(dir, path.basename(crashed.dir)), true);
  const live = StagedRun.create(dir, '20260103-000000-inprog');
  assert.throws(() => deleteRun(dir, path.basename(live.dir)), /Run 20260103-000000-inprog is still being written/);
  assert.throws(() => deleteRun(dir, '..'), /is not a run id/);
  assert.throws(() => deleteRun(dir, `x${path.sep}..${path.sep}..`), /is not a run id/);
  assert.ok(fs.existsSync(live.dir));
  fs.rmSync(dir, { recursive: true, force: true });
});
