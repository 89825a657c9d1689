// Damaged runs (issue 6 acceptance): listed with a reason, never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listRuns, readRun, StagedRun } from '../../../src/engine/store/runStore';
import { listRunSummaries } from '../../../src/engine/store/runListing';
import { STALE_AFTER_MS, WRITER_MARKER } from '../../../src/engine/store/stagingFolders';
import { commitRun, deadPid, record, tempRunsDir } from './storeFixtures';

function damagedFolder(): { dir: string; expected: Record<string, RegExp> } {
  const dir = tempRunsDir();
  commitRun(dir, '20260105-000000-good00');
  const put = (name: string, runJson: string | null) => {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'cpu.cpuprofile'), '{}');
    if (runJson !== null) fs.writeFileSync(path.join(dir, name, 'run.json'), runJson);
  };
  const whole = JSON.stringify(record('x'), null, 2);
  put('20260101-000000-garbag', '\u0000\u0001garbage \n\n more');
  put('20260101-000000-trunca', whole.slice(0, Math.floor(whole.length / 2)));
  put('20260101-000000-missin', null);
  put('20260101-000000-emptyy', '');
  put('20260101-000000-arrayy', '[1,2,3]');
  put('20260101-000000-newver', JSON.stringify({ ...record('x'), schemaVersion: 2 }));
  put('20260101-000000-nobudg', JSON.stringify({ ...record('x'), budgets: undefined }));
  put('20260101-000000-badlod', JSON.stringify({ ...record('x'), load: { engine: 'autocannon' } }));
  put('20260101-000000-status', JSON.stringify({ ...record('x'), status: 'great' }));
  // A crash mid-run: the staging folder, its writer gone.
  const crashed = StagedRun.create(dir, '20260102-000000-crash0');
  crashed.writeFile('service.log', 'listening\n');
  fs.writeFileSync(path.join(crashed.dir, WRITER_MARKER), JSON.stringify({ pid: deadPid(), host: os.hostname(), startedAt: '' }));
  // An older crash, from before writers left a marker: judged by age.
  const old = StagedRun.create(dir, '20260103-000000-crash1');
  fs.rmSync(path.join(old.dir, WRITER_MARKER));
  fs.writeFileSync(old.file('run.json'), JSON.stringify(record('20260103-000000-crash1')));
  const longAgo = new Date(Date.now() - STALE_AFTER_MS - 60_000);
  for (const f of [old.file('run.json'), old.dir]) fs.utimesSync(f, longAgo, longAgo);
  // A run being written right now by this process: not listed at all.
  StagedRun.create(dir, '20260104-000000-inprog');
  return {
    dir,
    expected: {
      '20260101-000000-garbag': /^run\.json is not valid JSON: it is cut short or corrupt \(/,
      '20260101-000000-trunca': /^run\.json is not valid JSON: it is cut short or corrupt \(/,
      '20260101-000000-missin': /^run\.json is missing \(the run did not finish writing\)$/,
      '20260101-000000-emptyy': /^run\.json is empty/,
      '20260101-000000-arrayy': /^run\.json is not a Hotpath run record/,
      '20260101-000000-newver': /schemaVersion 2, which this version of Hotpath cannot read/,
      '20260101-000000-nobudg': /"budgets" should be an array, but is missing/,
      '20260101-000000-badlod': /"load\.requests" should be an object, but is missing/,
      '20260101-000000-status': /"status" is "great"/,
      '.partial-20260102-000000-crash0': /^an unfinished run: the process that was writing it \(pid \d+\) is gone/,
      '.partial-20260103-000000-crash1': /^an unfinished run: nothing in it has changed for over an hour/,
    },
  };
}

for (const [name, list] of [
  ['listRuns', listRuns],
  ['listRunSummaries', listRunSummaries],
] as const) {
  test(`${name}: every kind of damaged run is listed with its reason, beside the good one`, () => {
    const { dir, expected } = damagedFolder();
    const listed = list(dir);
    const good = listed.filter((r) => r.ok).map((r) => r.id);
    assert.deepEqual(good, ['20260105-000000-good00']);
    const damaged = Object.fromEntries(listed.flatMap((r) => (r.ok ? [] : [[r.id, r.reason]])));
    assert.deepEqual(Object.keys(damaged).sort(), Object.keys(expected).sort(), 'the run in progress is not listed');
    for (const [id, re] of Object.entries(expected)) {
      assert.match(damaged[id], re, id);
      assert.doesNotMatch(damaged[id], /\n/, `${id}: one line`);
      assert.ok(damaged[id].length < 220, `${id}: short (${damaged[id]})`);
    }
    assert.equal(listed[0].id, '20260105-000000-good00', 'newest first');
    assert.ok(fs.existsSync(path.join(dir, '.partial-20260102-000000-crash0')), 'listing deletes nothing');
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

test('readRun on a staging folder says what it is, in progress or crashed', () => {
  const dir = tempRunsDir();
  const live = StagedRun.create(dir, '20260101-000000-aaaaaa');
  live.writeFile('run.json', JSON.stringify(record(live.id)));
  const r = readRun(live.dir);
  assert.ok(!r.ok && /staging folder of a run that is still being written/.test(r.reason), JSON.stringify(r));
  fs.writeFileSync(path.join(live.dir, WRITER_MARKER), JSON.stringify({ pid: deadPid(), host: os.hostname() }));
  const c = readRun(live.dir);
  assert.ok(!c.ok && /^it is an unfinished run/.test(c.reason), JSON.stringify(c));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a committed run keeps no writer marker', () => {
  const dir = tempRunsDir();
  const runDir = commitRun(dir, '20260101-000000-aaaaaa');
  assert.deepEqual(fs.readdirSync(runDir).sort(), ['cpu.cpuprofile', 'run.json']);
  fs.rmSync(dir, { recursive: true, force: true });
});
