// Faults through the real CLI (dist/cli.js) on real services: each one ends in a
// clear sentence, a saved run where there is something to save, earlier runs
// intact, and no process of the service's left alive.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { lastLine, runCli, tempDir } from '../cliHarness';
import { deadPort, faultConfig, markedProcesses, MARKER_ENV } from './faultsHarness';
import { listRuns } from '../../../src/engine/store/runStore';

const out = tempDir('hotpath-faults-');
const work = tempDir('hotpath-faults-config-');
const tally = { tried: 0, survived: 0 };
after(() => {
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write(`faults: tried ${tally.tried}, survived ${tally.survived}, lost 0\n`);
});

/** Runs one fault; counts it as survived only when every assertion in `check` held. */
async function fault(name: string, check: (marker: string) => Promise<void>): Promise<void> {
  tally.tried++;
  const marker = `${name}-${process.pid}-${Date.now()}`;
  await check(marker);
  assert.deepEqual(markedProcesses(marker), [], `${name}: no process of the service survives`);
  tally.survived++;
}

const readRun = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));

test('the service exits during start-up: exit code 2, one sentence and its last stderr lines', () =>
  fault('exits-at-start', async (marker) => {
    const r = await runCli(['run', '--config', faultConfig(work, 'exits', { args: ['exits-at-start.js'], env: { [MARKER_ENV]: marker } }), '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^hotpath: The service exited with code 4 before it became ready at http:\/\/127\.0\.0\.1:\d+\/health/m);
    assert.match(r.stderr, /connecting to the cache at 127\.0\.0\.1:6390/, 'its last stderr lines are shown');
    assert.match(r.stderr, /fatal: the cache refused the connection/);
    assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+:\d+/, 'no stack trace');
  }));

test('the service never becomes ready: exit code 2 with the timeout sentence', () =>
  fault('never-ready', async (marker) => {
    const r = await runCli(['run', '--config', faultConfig(work, 'never', { args: ['never-ready.js'], readyTimeoutMs: 1500, env: { [MARKER_ENV]: marker } }), '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /The service did not become ready: http:\/\/127\.0\.0\.1:\d+\/health gave HTTP 503 for \d+ s/);
  }));

for (const how of ['exit3', 'sigkill'] as const) {
  test(`the service crashes mid-run (${how === 'exit3' ? 'process.exit(3)' : 'SIGKILL'} after 300 requests): saved with status error, the cause and the data so far`, () =>
    fault(`crash-${how}`, async (marker) => {
      const file = faultConfig(
        work,
        `crash-${how}`,
        { args: ['dies-after.js'], env: { [MARKER_ENV]: marker, FAULT_AFTER: '300', FAULT_HOW: how } },
        { stages: [{ durationSec: 30, connections: 2 }] },
        { profile: { sliceSeconds: 1 } },
      );
      const r = await runCli(['run', '--config', file, '--out', out]);
      assert.equal(r.code, 2, r.stderr);
      const runDir = lastLine(r.stdout);
      const run = readRun(runDir);
      assert.equal(run.status, 'error');
      assert.match(run.error, how === 'exit3' ? /The service exited with code 3 during the run/ : /The service was killed by SIGKILL during the run/);
      assert.match(r.stderr, how === 'exit3' ? /exited with code 3/ : /killed by SIGKILL/, 'the cause is printed too');
      assert.ok(run.load.requests.total > 0 && run.load.requests.total <= 300 + 2, `requests before the crash are kept: ${run.load.requests.total}`);
      assert.ok(run.load.timeline.length > 0, 'load ticks so far are kept');
      // CPU slices arrive every second; a service that dies before the first one leaves none (then there is no profile, and no claim of one).
      const profiled = fs.existsSync(path.join(runDir, 'cpu.cpuprofile'));
      if (profiled) assert.ok(run.cpu.hotFunctions.length > 0, 'the CPU slices taken so far are merged into the record');
      else assert.ok(!run.cpu || !run.cpu.profile, 'no profile is claimed when none was saved');
      if (how === 'exit3') assert.match(fs.readFileSync(path.join(runDir, 'service.log'), 'utf8'), /fatal: lost the database connection after \d+ requests/);
      process.stdout.write(`crash ${how}: ${run.load.requests.total} requests, ${run.load.timeline.length} ticks, CPU profile ${profiled ? `with ${run.cpu.hotFunctions.length} hot functions` : 'none (no slice before the crash)'} kept\n`);
    }));
}

test('the port is taken: a service on a fixed port that another process holds ends in one sentence naming EADDRINUSE and the port', () =>
  fault('port-taken', async (marker) => {
    // Another process's listener: it accepts and hangs up, so it never looks ready.
    const blocker = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const file = faultConfig(work, 'port', { args: ['fixed-port.js'], readyUrl: `http://127.0.0.1:${port}/health`, env: { [MARKER_ENV]: marker, FAULT_PORT: String(port) } }, { target: `http://127.0.0.1:${port}` });
      const r = await runCli(['run', '--config', file, '--out', out]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^hotpath: The service exited with code 1 before it became ready/m);
      assert.match(r.stderr, new RegExp(`port ${port} is already in use by another process \\(EADDRINUSE\\); stop that process`), 'says which port is taken and what to do');
      assert.match(r.stderr, new RegExp(`port: ${port}\\b`), 'and keeps the service’s own lines');
    } finally {
      blocker.close();
    }
  }));

test('the target refuses connections (nobody listens on the load port): one sentence, exit 2, errors kept as connection errors in a run saved as error', () =>
  fault('target-refuses', async (marker) => {
    const port = await deadPort();
    const file = faultConfig(work, 'refuses', { args: ['tree.js'], env: { [MARKER_ENV]: marker } }, { target: `http://127.0.0.1:${port}` });
    const r = await runCli(['run', '--config', file, '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^hotpath: No request was answered: all \\d+ attempts to http://127\\.0\\.0\\.1:${port} could not connect`, 'm'));
    const run = readRun(lastLine(r.stdout));
    assert.equal(run.status, 'error');
    assert.equal(run.load.requests.total, 0);
    assert.ok(run.load.errors.total > 0);
    assert.equal(run.load.errors.connection, run.load.errors.total, 'every error is a connection error');
    assert.equal(run.load.errors.rate, 1);
    assert.match(r.stdout, /errors 100\.00%/);
  }));

test('the service closes its listener mid-run: requests before it kept, the rest counted as connection errors', () =>
  fault('closes-listener', async (marker) => {
    const file = faultConfig(work, 'closes', { args: ['closes-listener.js'], env: { [MARKER_ENV]: marker, FAULT_AFTER: '100' } }, { stages: [{ durationSec: 4, connections: 2 }] });
    const r = await runCli(['run', '--config', file, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const run = readRun(lastLine(r.stdout));
    assert.ok(run.load.requests.total >= 1 && run.load.requests.total <= 102, `about 100 answered: ${run.load.requests.total}`);
    assert.ok(run.load.errors.connection > 0, 'refused connections counted');
  }));

/** Whether chattr +i works here (root on ext4/xfs: mode bits do not stop root, the immutable flag does). */
function immutable(dir: string, on: boolean): boolean {
  try {
    execFileSync('chattr', [on ? '+i' : '-i', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('writing the run directory fails (before and after the load): one sentence, earlier runs intact and listed, nothing that looks like a run', async (t) => {
  const runs = path.join(out, 'immutable');
  const first = await runCli(['run', '--config', faultConfig(work, 'first', { args: ['tree.js'] }, { stages: [{ durationSec: 2, connections: 2 }] }), '--out', runs]);
  assert.equal(first.code, 0, first.stderr);
  const earlier = lastLine(first.stdout);
  const earlierJson = fs.readFileSync(path.join(earlier, 'run.json'), 'utf8');
  if (!immutable(runs, true)) {
    t.skip('chattr +i is not available on this file system');
    return;
  }
  try {
    // 1. The runs folder cannot take a new entry from the start.
    await fault('write-fails-at-start', async (marker) => {
      const r = await runCli(['run', '--config', faultConfig(work, 'blocked', { args: ['tree.js'], env: { [MARKER_ENV]: marker } }), '--out', runs]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^hotpath: Cannot create the run folder in .* \(EPERM\): check that it is writable or pass --out DIR\.$/m);
    });
    immutable(runs, false);
    // 2. It becomes unwritable while the load runs: the move into place fails at the end.
    await fault('write-fails-at-save', async (marker) => {
      let locked = false;
      const r = await runCli(['run', '--config', faultConfig(work, 'late', { args: ['tree.js'], env: { [MARKER_ENV]: marker } }), '--out', runs], {
        onStderr: (text) => {
          if (!locked && /hotpath: Load\b/.test(text)) locked = immutable(runs, true);
        },
      });
      assert.ok(locked, 'the folder was locked mid-run');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^hotpath: Cannot save the run in .* \(EPERM\): check that it is writable or pass --out DIR; what was written so far is in .*\.partial-[^/]+, and earlier runs are untouched\.$/m);
      assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, 'no stack trace');
    });
  } finally {
    immutable(runs, false);
  }
  // Earlier runs intact and listed; the only other entry is a staging folder, never a run.
  assert.equal(fs.readFileSync(path.join(earlier, 'run.json'), 'utf8'), earlierJson, 'the earlier run.json is byte for byte the same');
  const listed = listRuns(runs);
  const whole = listed.filter((l) => l.ok);
  assert.deepEqual(whole.map((l) => l.dir), [earlier], 'the earlier run is the only whole run listed');
  const entries = fs.readdirSync(runs).filter((e) => e !== 'index.json' && e !== path.basename(earlier));
  for (const e of entries) assert.match(e, /^\.partial-/, `${e} is a staging folder, not a run`);
  process.stdout.write(`write failure: ${listed.length} listed, ${whole.length} whole, ${entries.length} staging folder(s) left for inspection\n`);
});
