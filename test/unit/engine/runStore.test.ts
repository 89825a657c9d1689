import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listRuns, newRunId, StagedRun } from '../../../src/engine/store/runStore';
import type { RunRecord } from '../../../src/engine/runRecord';

const record = (id: string) => ({ schemaVersion: 1, id, status: 'passed', startedAt: new Date().toISOString() }) as unknown as RunRecord;

test('a staged run is invisible until committed, then listed newest first', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-store-'));
  const a = StagedRun.create(dir, '20260101-000000-aaaaaa');
  a.writeFile('cpu.cpuprofile', '{}');
  assert.deepEqual(listRuns(dir), []);
  const finalDir = a.commit(record(a.id));
  assert.ok(fs.existsSync(path.join(finalDir, 'run.json')));
  assert.ok(fs.existsSync(path.join(finalDir, 'cpu.cpuprofile')));
  const b = StagedRun.create(dir, '20260102-000000-bbbbbb');
  b.commit(record(b.id));
  assert.deepEqual(listRuns(dir).map((r) => r.id), ['20260102-000000-bbbbbb', '20260101-000000-aaaaaa']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('damaged runs are listed with a reason instead of breaking the list', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-store-'));
  fs.mkdirSync(path.join(dir, 'no-record'));
  fs.mkdirSync(path.join(dir, 'bad-json'));
  fs.writeFileSync(path.join(dir, 'bad-json', 'run.json'), '{"schemaVersion": 1, "id": ');
  fs.mkdirSync(path.join(dir, 'not-ours'));
  fs.writeFileSync(path.join(dir, 'not-ours', 'run.json'), '[1,2,3]');
  const listed = Object.fromEntries(listRuns(dir).map((r) => [r.id, r.ok ? 'ok' : r.reason]));
  assert.match(listed['no-record'], /run\.json is missing/);
  assert.match(listed['bad-json'], /not valid JSON/);
  assert.match(listed['not-ours'], /not a Hotpath run record/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('run ids sort by time', () => {
  const early = newRunId(new Date(2026, 0, 2, 3, 4, 5));
  const late = newRunId(new Date(2026, 10, 2, 3, 4, 5));
  assert.match(early, /^20260102-030405-[0-9a-f]{6}$/);
  assert.ok(early < late);
});
