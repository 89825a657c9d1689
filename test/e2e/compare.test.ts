// `hotpath compare` end to end: the built CLI on saved runs, and A/A and A/B
// comparisons of real runs of the tunable fixture service.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lastLine, repoRoot as harnessRoot, runCli, tempDir, writeConfig } from './cliHarness';

const repoRoot = process.env.HOTPATH_REPO_ROOT ?? harnessRoot;
const fixtureRun = path.join(repoRoot, 'test', 'fixtures', 'runs', '20261123-182721-cf6277');
const services = path.join(repoRoot, 'test', 'fixtures', 'services');
const out = tempDir('hotpath-compare-');
const written: string[] = [];
after(() => {
  for (const f of written) fs.rmSync(f, { force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

test('compare a saved run with itself: table, verdict, exit 0; --json is one document', async () => {
  const r = await runCli(['compare', fixtureRun, fixtureRun]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Baseline  20261123-182721-cf6277 /);
  assert.match(r.stdout, /^p50 latency +71\.7 ms +71\.7 ms +\+?0\.0% +no significant change +p = 1\.00/m);
  assert.match(r.stdout, /^computePriceStats +src\/pricing\.js:16 /m, 'CPU self time per function, workspace-relative');
  assert.match(r.stdout, /Verdict: no significant regression\.\n$/);
  const j = await runCli(['compare', fixtureRun, fixtureRun, '--json']);
  assert.equal(j.code, 0);
  const c = JSON.parse(j.stdout);
  assert.deepEqual(c.regressions, []);
  assert.ok(c.metrics.some((m: { metric: string }) => m.metric === 'latency.p95'));
  assert.ok(c.profile.functions.length > 0);
});

test('compare errors are one sentence and exit 2; --help exits 0', async () => {
  const one = await runCli(['compare', fixtureRun]);
  assert.equal(one.code, 2);
  assert.match(one.stderr, /^hotpath: compare needs two run directories, the baseline then the current run \(got 1\): /);
  assert.equal(one.stderr.trim().split('\n').length, 1);
  const missing = await runCli(['compare', '/no/such/run', fixtureRun]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'hotpath: The baseline run folder /no/such/run does not exist: pass a run directory such as .hotpath/runs/<runId>.\n');
  const help = await runCli(['compare', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: hotpath compare BASE_RUN_DIR RUN_DIR \[--json\]/);
});

// A/A and A/B. The service does fixed CPU-bound work per request (no I/O, no
// allocation), the load is a fixed 4 connections for 5 s, so latency is service
// time and queueing. Runs are interleaved A, B, A so a drift of the machine
// between runs falls on both sides. On a machine shared with other work, a
// whole run can land in a busier moment than its neighbour: a round whose A/A
// control shows a significant change measured the machine, not the code, and
// is repeated (at most 3 rounds). The test fails when no round both keeps
// A/A quiet (exit 0) and calls the 25% slower build a regression (exit 1).
//
// A timing test means nothing on an oversubscribed machine: with a load
// average of 6 to 18 on 2 cores (other test suites running), two runs of the
// same code were measured 30–60% apart. So the test watches how many
// processes are runnable (/proc/stat procs_running, sampled every 250 ms)
// while it measures: a round in which, besides this test's own service and
// load generator, more processes wanted a CPU than there are cores is
// inconclusive. The test is skipped, and says why, when no round was quiet
// enough to judge; it fails when a quiet round got it wrong.
const cores = os.cpus().length;
function runnable(): number | null {
  try {
    const m = /^procs_running (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
/** Samples runnable processes until stopped; returns their median. */
function watchContention(): () => number | null {
  const samples: number[] = [];
  const timer = setInterval(() => {
    const n = runnable();
    if (n !== null) samples.push(n);
  }, 250);
  return () => {
    clearInterval(timer);
    if (!samples.length) return null;
    samples.sort((a, b) => a - b);
    return samples[samples.length >> 1];
  };
}
/** This test's own busy processes while a run is going: the service, the CLI (load generator), and the test itself now and then. */
const OWN_RUNNABLE = 3;

// Timing experiments need a quiet machine, so `npm test` leaves this one to
// `npm run test:compare`; the exit codes themselves are proven deterministically
// in compareVerdict.test.ts.
const TIMING = process.env.HOTPATH_TIMING_TESTS === '1';
test('A/A is no significant change; a build 25% slower is a regression on p50 and p95', { timeout: 600_000, skip: TIMING ? false : 'a timing experiment: run it with npm run test:compare on a quiet machine' }, async (t) => {
  const config = writeConfig(services, {
    service: { command: 'node', args: ['tunable.js'], readyUrl: 'http://127.0.0.1:${port}/health' },
    load: { requests: [{ method: 'GET', path: '/work' }], stages: [{ durationSec: 5, connections: 4 }] },
  });
  written.push(config);
  const run = async (scale: number) => {
    const r = await runCli(['run', '--config', config, '--out', out], { env: { TUNABLE_SCALE: String(scale), TUNABLE_UNITS: '1500000' } });
    assert.equal(r.code, 0, r.stderr);
    return lastLine(r.stdout);
  };
  const compare = async (a: string, b: string) => {
    const r = await runCli(['compare', a, b, '--json']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const c = JSON.parse(r.stdout);
    const m = Object.fromEntries(c.metrics.map((x: { metric: string }) => [x.metric, x])) as Record<string, { verdict: string; changePct: number; tests: Array<{ pValue: number }> }>;
    return { code: r.code, m, shift: c.latencyShift, regressions: c.regressions as string[], improvements: c.improvements as string[] };
  };
  const describe = (x: Awaited<ReturnType<typeof compare>>) =>
    `exit ${x.code}; p50 ${x.m['latency.p50'].changePct}% ${x.m['latency.p50'].verdict}, p95 ${x.m['latency.p95'].changePct}% ${x.m['latency.p95'].verdict}; ` +
    `shift ${x.shift?.shiftMs} ms [${x.shift?.ci95Ms}], design effect ${x.shift?.designEffect}; regressions [${x.regressions}], improvements [${x.improvements}]`;
  const rounds: string[] = [];
  let judged = 0;
  for (let round = 1; round <= 3; round++) {
    const stop = watchContention();
    const a1 = await run(1);
    const b = await run(1.25);
    const a2 = await run(1);
    const contention = stop();
    const aa = await compare(a1, a2);
    const ab = await compare(a1, b);
    const crowded = contention !== null && contention > cores + OWN_RUNNABLE;
    rounds.push(`round ${round}: median runnable processes ${contention ?? 'unknown'} on ${cores} cores${crowded ? ' (crowded: inconclusive)' : ''}; A/A ${describe(aa)} | A/B ${describe(ab)}`);
    t.diagnostic(rounds.at(-1)!);
    if (crowded) continue;
    judged++;
    const quiet = aa.code === 0 && ['latency.p50', 'latency.p95'].every((k) => aa.m[k].verdict === 'no significant change');
    if (!quiet) continue; // the two A runs differ: measure again
    if (ab.code === 1 && ab.m['latency.p50'].verdict === 'regression' && ab.m['latency.p95'].verdict === 'regression') {
      assert.ok(ab.m['latency.p50'].changePct > 10, `a 25% slower build moves p50 well past the floor: ${ab.m['latency.p50'].changePct}%`);
      assert.ok(ab.shift.shiftMs > 0 && ab.shift.ci95Ms[0] > 0, 'the typical request is slower, the whole interval above 0');
      return;
    }
  }
  if (!judged) return t.skip(`the machine was too busy for a timing test in every round (more runnable processes than ${cores} cores besides this test's own):\n${rounds.join('\n')}`);
  assert.fail(`no round kept A/A quiet and called the 25% slower build a regression:\n${rounds.join('\n')}`);
});
