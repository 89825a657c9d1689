// `hotpath import-load`: an Artillery report or a k6 file from a run elsewhere
// becomes a saved run with load figures, the source file and the reports.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importLoadRun, readExternalReport } from '../../../src/engine/load/importLoad';
import { spawnSync } from 'child_process';
import { readRun } from '../../../src/engine/store/runStore';
import { loadFixture } from './loadHarness';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-import-'));
after(() => fs.rmSync(out, { recursive: true, force: true }));

/** The CLI's main() from the compiled tree, in a child process (so its stdout is its own). */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const mainJs = path.join(__dirname, '..', '..', '..', 'src', 'cli', 'main.js');
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(mainJs)}).main(process.argv.slice(1)).then((c) => (process.exitCode = c))`, ...argv], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('an Artillery report becomes a run: load on the report clock, the report beside run.json, Markdown and HTML', async () => {
  const { runDir, record } = await importLoadRun({ file: loadFixture('artillery-report.json'), engine: 'artillery', runsDir: out });
  const listed = readRun(runDir);
  assert.ok(listed.ok, 'a valid run directory');
  assert.equal(record.load!.engine, 'artillery');
  assert.equal(record.load!.requests.total, 480);
  assert.equal(record.cpu, null, 'no profile: the service ran elsewhere');
  assert.equal(record.service.command, '(imported from artillery)');
  const raw = JSON.parse(fs.readFileSync(loadFixture('artillery-report.json'), 'utf8'));
  assert.equal(record.startedAt, new Date(raw.aggregate.firstMetricAt).toISOString());
  assert.ok(record.load!.timeline.every((p) => p.t > 0 && p.t <= record.durationMs + 10_000));
  assert.deepEqual(fs.readdirSync(runDir).sort(), ['artillery-report.json', 'report.html', 'report.md', 'run.json']);
  assert.match(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8'), /\/orders/);
});

test('k6: JSON output lines give the full picture, a summary the totals', () => {
  const points = readExternalReport(loadFixture('k6-points.json'), 'k6');
  assert.equal(points.savedAs, 'k6-points.json');
  assert.equal(points.load.endpoints.length, 2);
  assert.equal(points.load.timeline.length, 3);
  assert.equal(points.startedAt, Date.parse('2024-05-09T14:34:45.000+02:00'), 'the first point in the file');
  const summary = readExternalReport(loadFixture('k6-summary-export.json'), 'k6');
  assert.equal(summary.savedAs, 'k6-summary.json');
  assert.equal(summary.load.requests.total, 30);
  assert.deepEqual(summary.load.timeline, []);
});

test('the CLI: the run directory on the last line; bad input is one sentence and exit code 2', async () => {
  const ok = await cli(['import-load', loadFixture('k6-points.json'), '--engine', 'k6', '--out', out, '--name', 'k6-operator run']);
  assert.equal(ok.code, 0, ok.stderr);
  const runDir = ok.stdout.trim().split('\n').at(-1)!;
  assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')).name, 'k6-operator run');
  assert.ok(fs.existsSync(path.join(runDir, 'latency.hdr')), 'raw latencies from the k6 points');
  assert.match(ok.stdout, /^28 requests over [\d.]+ s, [\d.]+ req\/s, p95 [\d.]+ ms, errors 10\.00%$/m);

  const noEngine = await cli(['import-load', loadFixture('k6-points.json')]);
  assert.equal(noEngine.code, 2);
  assert.match(noEngine.stderr, /^hotpath: --engine must be artillery or k6: say which tool wrote .*k6-points\.json\.\n$/);
  const wrong = await cli(['import-load', loadFixture('k6-summary-export.json'), '--engine', 'artillery', '--out', out]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /^hotpath: .*k6-summary-export\.json is not an Artillery JSON report/);
  const missing = await cli(['import-load', path.join(out, 'nope.json'), '--engine', 'k6', '--out', out]);
  assert.match(missing.stderr, /^hotpath: Cannot read .*nope\.json \(ENOENT\)/);
  assert.deepEqual(fs.readdirSync(out).filter((n) => n.startsWith('.')), [], 'no staging folder left behind');
});
