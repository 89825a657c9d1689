// Bad inputs through the real CLI (dist/cli.js): corrupt, truncated, binary,
// UTF-16, hand-edited, hostile and huge profiles, configs and run records from
// test/fixtures/corpus/ plus mutations of a real run made here. Each must end
// with the documented exit code and, when it is refused, one sentence on
// stderr naming the file and the problem: no stack trace, no internal error,
// no hang. The last test prints the tally that RELIABILITY.md quotes.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, describe, test } from 'node:test';
import { listRunSummaries } from '../../../src/engine/store/runListing';
import { repoRoot, runCli, tempDir } from '../cliHarness';

const corpus = path.join(repoRoot, 'test', 'fixtures', 'corpus');
const goodRun = path.join(repoRoot, 'test', 'fixtures', 'runs', '20261123-182721-cf6277');
// Generous: only a hang or a runaway parse reaches it on a busy 2-core machine.
const BOUND_MS = 90_000;

interface Tally {
  inputs: Set<string>;
  invocations: number;
  clearErrors: number;
  accepted: number;
  crashes: string[];
}
const tally: Tally = { inputs: new Set(), invocations: 0, clearErrors: 0, accepted: 0, crashes: [] };
const scratch = tempDir('hotpath-bad-inputs-');
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

type Expect = 'error' | 'ok' | 'either';

/** Runs the CLI and checks the outcome; `names` must appear in the error sentence (the file or folder). */
async function check(input: string, args: string[], expect: Expect, names: string): Promise<void> {
  tally.inputs.add(input);
  tally.invocations++;
  const r = await runCli(args, { timeoutMs: BOUND_MS });
  const where = `hotpath ${args.join(' ')}`;
  const crashed = r.code === null || /unexpected internal error|\n\s+at .+:\d+:\d+/.test(r.stderr) || (r.code !== 0 && r.code !== 2);
  if (crashed) tally.crashes.push(`${where}: exit ${r.code}, ${r.stderr.slice(0, 300)}`);
  assert.ok(r.code !== null, `${where} did not finish within ${BOUND_MS} ms`);
  assert.doesNotMatch(r.stderr, /unexpected internal error/, `${where} crashed: ${r.stderr.slice(0, 500)}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, `${where} printed a stack trace`);
  if (r.code === 0) {
    assert.notEqual(expect, 'error', `${where} should have been refused; stdout ${r.stdout.slice(0, 200)}`);
    tally.accepted++;
    return;
  }
  assert.notEqual(expect, 'ok', `${where} should have been accepted: ${r.stderr.slice(0, 300)}`);
  assert.equal(r.code, 2, `${where}: exit code ${r.code}, documented is 2 for an error`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `${where}: stderr should be one sentence, got ${lines.length} lines: ${r.stderr.slice(0, 400)}`);
  assert.match(lines[0], /^hotpath: .+[.?]$/, `${where}: ${lines[0].slice(0, 300)}`);
  assert.ok(lines[0].includes(names), `${where}: the error should name ${names}: ${lines[0].slice(0, 300)}`);
  assert.ok(lines[0].length < 1000, `${where}: the sentence is ${lines[0].length} characters long`);
  // No raw control characters from the input reach the terminal.
  assert.doesNotMatch(lines[0], /[\u0000-\u0008\u000b-\u001f\u007f]/, `${where}: control characters in the message`);
  tally.clearErrors++;
}

function files(kind: string): string[] {
  return fs
    .readdirSync(path.join(corpus, kind))
    .sort()
    .map((n) => path.join(corpus, kind, n));
}

// Inputs in the corpus that are odd but valid: analysed, not refused.
const VALID = new Set(['bom.cpuprofile', 'proto-pollution.cpuprofile']);

describe('bad inputs through the real CLI', { timeout: 20 * 60_000 }, () => {
  test('CPU and heap profiles: hotpath analyze', async () => {
    for (const kind of ['cpuprofile', 'heapprofile']) {
      for (const file of files(kind)) {
        const base = path.basename(file);
        await check(`${kind}/${base}`, ['analyze', file], VALID.has(base) ? 'ok' : 'error', file);
        if (!VALID.has(base)) await check(`${kind}/${base}`, ['analyze', file, '--json'], 'error', file);
      }
    }
  });

  test('huge profiles made here: a 40 MB function name, 40 MB of garbage, an unterminated 40 MB string, 200,000 nodes deep', async () => {
    const big = 40 * 1024 * 1024;
    const longName = path.join(scratch, 'long-name.cpuprofile');
    const name = 'x'.repeat(big);
    fs.writeFileSync(
      longName,
      JSON.stringify({
        nodes: [
          { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [2] },
          { id: 2, callFrame: { functionName: name, scriptId: '1', url: 'file:///app/a.js', lineNumber: 0, columnNumber: 0 } },
        ],
        startTime: 0,
        endTime: 2000,
        samples: [2, 2],
        timeDeltas: [1000, 1000],
      }),
    );
    await check('generated/long-name.cpuprofile', ['analyze', longName, '--json'], 'ok', longName);

    const garbage = path.join(scratch, 'garbage.cpuprofile');
    const bytes = Buffer.alloc(big);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    fs.writeFileSync(garbage, bytes);
    await check('generated/garbage.cpuprofile', ['analyze', garbage], 'error', garbage);

    const unterminated = path.join(scratch, 'unterminated.cpuprofile');
    fs.writeFileSync(unterminated, `{"nodes":"${'\u00e9<script>'.repeat(big / 10)}`);
    await check('generated/unterminated.cpuprofile', ['analyze', unterminated], 'error', unterminated);

    // A chain 200,000 nodes deep: the model walks it without recursion.
    const deep = path.join(scratch, 'deep-chain.cpuprofile');
    const n = 200_000;
    const nodes = [];
    for (let i = 1; i <= n; i++) nodes.push({ id: i, callFrame: { functionName: `f${i % 50}`, scriptId: '1', url: 'file:///app/a.js', lineNumber: i % 100, columnNumber: 0 }, children: i < n ? [i + 1] : [] });
    fs.writeFileSync(deep, JSON.stringify({ nodes, startTime: 0, endTime: 3000, samples: [n, n - 1, n], timeDeltas: [1000, 1000, 1000] }));
    await check('generated/deep-chain.cpuprofile', ['analyze', deep, '--json'], 'ok', deep);

    // A cycle 100,000 nodes long below the root.
    const cycle = path.join(scratch, 'long-cycle.cpuprofile');
    nodes[n - 1].children = [2];
    nodes[0].children = [2];
    nodes.push({ id: n + 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [] });
    fs.writeFileSync(cycle, JSON.stringify({ nodes, startTime: 0, endTime: 3000, samples: [n], timeDeltas: [1000] }));
    await check('generated/long-cycle.cpuprofile', ['analyze', cycle], 'error', cycle);
  });

  test('configs: hotpath run --config (refused before anything starts)', async () => {
    for (const file of files('config')) {
      const out = path.join(scratch, 'runs');
      // The loopback refusal names the setting that would allow it rather than the file.
      const names = path.basename(file) === 'non-loopback-target.config.json' ? 'load.allowNonLoopback' : path.basename(file);
      await check(`config/${path.basename(file)}`, ['run', '--config', file, '--out', out], 'error', names);
      // Nothing was started, so nothing was saved.
      assert.ok(!fs.existsSync(out) || fs.readdirSync(out).filter((n) => !n.startsWith('.') && n !== 'index.json').length === 0, `${file} left a run behind`);
    }
    const missing = path.join(scratch, 'no-such.config.json');
    await check('config/missing', ['run', '--config', missing], 'error', missing);
  });

  test('run folders: hotpath report, hotpath compare and the run listing', async () => {
    const runsDir = path.join(scratch, 'listed-runs');
    fs.mkdirSync(runsDir, { recursive: true });
    const dirs: string[] = [];
    for (const dir of files('run')) {
      const copy = path.join(runsDir, `20260101-000000-${path.basename(dir)}`);
      fs.cpSync(dir, copy, { recursive: true });
      dirs.push(copy);
    }
    for (const [name, mutate] of MUTATIONS) {
      const copy = path.join(runsDir, `20260102-000000-${name}`);
      fs.cpSync(goodRun, copy, { recursive: true });
      const record = JSON.parse(fs.readFileSync(path.join(copy, 'run.json'), 'utf8'));
      mutate(record, copy);
      fs.writeFileSync(path.join(copy, 'run.json'), JSON.stringify(record));
      dirs.push(copy);
    }
    for (const dir of dirs) {
      const name = `run/${path.basename(dir)}`;
      const hand = dir.includes('20260101-');
      for (const format of ['md', 'html', 'json', 'junit']) {
        await check(name, ['report', dir, '--format', format, '--out', path.join(scratch, `out.${format}`)], hand ? 'error' : 'either', dir);
      }
      await check(name, ['compare', goodRun, dir], hand ? 'error' : 'either', dir);
    }
    // The listing (Runs view, index) names every damaged run with its reason and never throws.
    const listed = listRunSummaries(runsDir);
    assert.equal(listed.length, dirs.length);
    for (const l of listed) {
      if (l.dir.includes('20260101-')) {
        assert.equal(l.ok, false, `${l.dir} should be listed as damaged`);
        if (!l.ok) assert.match(l.reason, /run\.json/, l.reason);
      }
    }
  });

  test('tally', () => {
    const line = `corpus: ${tally.inputs.size} inputs, ${tally.invocations} CLI runs, ${tally.clearErrors} clear errors, ${tally.accepted} accepted as valid, ${tally.crashes.length} crashes`;
    console.log(line);
    assert.deepEqual(tally.crashes, []);
  });
});

type Mutation = [string, (r: Record<string, any>, dir: string) => void];

/** Records that pass the shallow check but are damaged deeper down, or hostile. */
const MUTATIONS: Mutation[] = [
  ['endpoints-null', (r) => (r.load.endpoints = [null, 7, 'x'])],
  ['timeline-strings', (r) => (r.load.timeline = [{ t: 'x', rps: '1' }, null])],
  ['hot-functions-string', (r) => (r.cpu.hotFunctions = 'x')],
  ['hot-lines-null-items', (r) => (r.cpu.hotLines = [null, { file: 7 }])],
  ['budgets-null-items', (r) => (r.budgets = [null, { metric: 5 }])],
  ['findings-numbers', (r) => (r.findings = [1, 2, { kind: 'hot-path', location: 'x' }])],
  ['environment-empty', (r) => (r.environment = {})],
  ['queries-wrong', (r) => (r.queries = { total: 'x', nPlusOne: 'x', statements: 5 })],
  ['heap-timeline-object', (r) => r.heap && (r.heap.timeline = { t: 1 })],
  ['gc-wrong', (r) => (r.gc = { count: -1, pauseMs: null, byKind: 'x' })],
  ['negative-latency', (r) => Object.assign(r.load.latencyMs, { p50: -1, p95: -1e308, p99: 1e308 })],
  ['profile-path-traversal', (r) => (r.cpu.profile = '../../../../../../etc/passwd')],
  ['profile-absolute-path', (r) => (r.cpu.profile = '/proc/self/environ')],
  ['processes-wrong', (r) => (r.processes = 'x')],
  ['name-5mb', (r) => (r.name = 'n'.repeat(5 * 1024 * 1024))],
  ['started-at-garbage', (r) => (r.startedAt = 'yesterday')],
  // The files beside run.json: a profile with a cycle, truncated, binary; a corrupt latency histogram.
  ['profile-cycle', (_r, dir) => fs.copyFileSync(path.join(corpus, 'cpuprofile', 'cycle-two-nodes.cpuprofile'), path.join(dir, 'cpu.cpuprofile'))],
  ['profile-truncated', (_r, dir) => fs.copyFileSync(path.join(corpus, 'cpuprofile', 'truncated.cpuprofile'), path.join(dir, 'cpu.cpuprofile'))],
  ['profile-binary', (_r, dir) => fs.copyFileSync(path.join(corpus, 'cpuprofile', 'binary-garbage.cpuprofile'), path.join(dir, 'cpu.cpuprofile'))],
  ['profile-unknown-samples', (_r, dir) => fs.copyFileSync(path.join(corpus, 'cpuprofile', 'sample-unknown-id.cpuprofile'), path.join(dir, 'cpu.cpuprofile'))],
  ['latency-hdr-garbage', (_r, dir) => fs.writeFileSync(path.join(dir, 'latency.hdr'), 'HISTFAAAACR4nJNpmSzMwMDAxQABzFCaEUzOWNJ////////AAAAAA==\n')],
  ['latency-hdr-binary', (_r, dir) => fs.writeFileSync(path.join(dir, 'latency.hdr'), Buffer.from([0, 1, 2, 255, 254, 0, 0, 0]))],
];
