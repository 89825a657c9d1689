// `hotpath report` through the built CLI (dist/cli.js, as users run it): every
// format on the fixture run, --out, and the errors: one sentence on stderr and
// exit code 2, never a stack trace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { XMLValidator } from 'fast-xml-parser';
import { Profile } from 'pprof-format';
import { main } from '../../../src/cli/main';
import { renderMarkdown } from '../../../src/engine/report/markdownReport';
import { FIXTURE_RUN_DIR, fixtureProfile, fixtureRun, repoRoot } from './reportFixtures';

const cli = path.join(repoRoot, 'dist', 'cli.js');

function hotpath(...args: string[]): { code: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: 'true' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** One sentence for the user: "hotpath: …." on one line, no stack. */
function assertOneSentence(stderr: string, mentions: RegExp): void {
  assert.match(stderr, /^hotpath: [^\n]+\.\n$/, JSON.stringify(stderr));
  assert.match(stderr, mentions);
  assert.doesNotMatch(stderr, /\n\s+at |Error:/);
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-report-test-'));
}

/** A copy of the fixture run to damage. */
function copyRun(): string {
  const dir = path.join(tempDir(), path.basename(FIXTURE_RUN_DIR));
  fs.cpSync(FIXTURE_RUN_DIR, dir, { recursive: true });
  return dir;
}

test('md and json: the Markdown report and the run record', () => {
  const md = hotpath('report', FIXTURE_RUN_DIR, '--format', 'md');
  assert.equal(md.code, 0, md.stderr);
  assert.equal(md.stdout.toString('utf8'), renderMarkdown(fixtureRun()));
  const dflt = hotpath('report', FIXTURE_RUN_DIR);
  assert.equal(dflt.code, 0);
  assert.equal(dflt.stdout.toString('utf8'), md.stdout.toString('utf8'), 'md is the default');
  const json = hotpath('report', FIXTURE_RUN_DIR, '--format', 'json');
  assert.equal(json.code, 0);
  assert.deepEqual(JSON.parse(json.stdout.toString('utf8')), fixtureRun());
});

test('html and junit', () => {
  const html = hotpath('report', FIXTURE_RUN_DIR, '--format', 'html');
  assert.equal(html.code, 0, html.stderr);
  const text = html.stdout.toString('utf8');
  assert.match(text, /^<!DOCTYPE html>/);
  assert.match(text, /<canvas id="flame-canvas"/);
  assert.doesNotMatch(text, /https?:\/\//);
  assert.ok(Buffer.byteLength(text) < 1_000_000);
  const junit = hotpath('report', FIXTURE_RUN_DIR, '--format', 'junit');
  assert.equal(junit.code, 0);
  assert.equal(XMLValidator.validate(junit.stdout.toString('utf8')), true);
  assert.match(junit.stdout.toString('utf8'), /<testsuite name="hotpath: hotpath-demo"[^>]* tests="4" failures="1" errors="0"/);
});

test('profile exports: speedscope, collapsed, cpuprofile to stdout; pprof to a pipe and to --out', () => {
  const profile = fixtureProfile();
  const ss = hotpath('report', FIXTURE_RUN_DIR, '--format', 'speedscope');
  assert.equal(ss.code, 0, ss.stderr);
  const file = JSON.parse(ss.stdout.toString('utf8'));
  assert.equal(file.profiles[0].name, 'hotpath-demo 20261123-182721-cf6277 (CPU)');
  const folded = hotpath('report', FIXTURE_RUN_DIR, '--format', 'collapsed');
  assert.equal(folded.code, 0);
  const total = folded.stdout.toString('utf8').trimEnd().split('\n').reduce((s, l) => s + Number(/ (\d+)$/.exec(l)![1]), 0);
  assert.equal(total, profile.samples.length);
  const copy = hotpath('report', FIXTURE_RUN_DIR, '--format', 'cpuprofile');
  assert.equal(copy.code, 0);
  assert.ok(copy.stdout.equals(fs.readFileSync(path.join(FIXTURE_RUN_DIR, 'cpu.cpuprofile'))), 'the saved profile, byte for byte');

  const piped = hotpath('report', FIXTURE_RUN_DIR, '--format', 'pprof');
  assert.equal(piped.code, 0, 'stdout is a pipe, not a terminal');
  assert.equal(Profile.decode(gunzipSync(piped.stdout)).sample.length > 0, true);
  const out = path.join(tempDir(), 'cpu.pb.gz');
  const written = hotpath('report', FIXTURE_RUN_DIR, '--format', 'pprof', '--out', out);
  assert.equal(written.code, 0);
  assert.equal(written.stdout.length, 0, 'nothing on stdout with --out');
  assert.ok(fs.readFileSync(out).equals(piped.stdout));
});

test('--out writes each format to its file', () => {
  const dir = tempDir();
  for (const format of ['md', 'html', 'json', 'junit', 'speedscope', 'collapsed', 'cpuprofile']) {
    const out = path.join(dir, `report.${format}`);
    const r = hotpath('report', FIXTURE_RUN_DIR, `--format=${format}`, '--out', out);
    assert.equal(r.code, 0, `${format}: ${r.stderr}`);
    assert.ok(fs.statSync(out).size > 100, format);
  }
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp files left behind');
});

test('pprof refuses to write binary to a terminal', async () => {
  const stdout = process.stdout as { isTTY?: boolean };
  const wasTTY = stdout.isTTY;
  const writeErr = process.stderr.write;
  const writeOut = process.stdout.write;
  let err = '';
  let out = 0;
  stdout.isTTY = true;
  process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
  process.stdout.write = ((chunk: Buffer | string) => ((out += chunk.length), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await main(['report', FIXTURE_RUN_DIR, '--format', 'pprof']);
  } finally {
    stdout.isTTY = wasTTY;
    process.stderr.write = writeErr;
    process.stdout.write = writeOut;
  }
  assert.equal(code, 2);
  assert.equal(out, 0, 'no bytes reached the terminal');
  assertOneSentence(err, /binary.*--out FILE/);
});

test('errors: exit 2 with one sentence', () => {
  const missing = path.join(tempDir(), 'no-such-run');
  let r = hotpath('report', missing, '--format', 'md');
  assert.equal(r.code, 2);
  assertOneSentence(r.stderr, /no-such-run does not exist/);

  r = hotpath('report', path.join(FIXTURE_RUN_DIR, 'run.json'), '--format', 'md');
  assert.equal(r.code, 2);
  assertOneSentence(r.stderr, /is a file, not a run folder/);

  const empty = tempDir();
  r = hotpath('report', empty, '--format', 'html');
  assert.equal(r.code, 2);
  assertOneSentence(r.stderr, /is not a readable run: run\.json is missing/);

  const corrupt = copyRun();
  fs.writeFileSync(path.join(corrupt, 'run.json'), '{"schemaVersion": 1, "id": ');
  r = hotpath('report', corrupt, '--format', 'junit');
  assert.equal(r.code, 2);
  assertOneSentence(r.stderr, /run\.json is not valid JSON/);

  r = hotpath('report', FIXTURE_RUN_DIR, '--format', 'pdf');
  assert.equal(r.code, 2);
  assertOneSentence(r.stderr, /--format must be one of md, html, json, junit, speedscope, pprof, collapsed, cpuprofile, not "pdf"/);

  r = hotpath('report');
  assert.equal(r.code, 2);
  assertOneSentence(r.stderr, /needs a RUN_DIR/);

  r = hotpath('report', FIXTURE_RUN_DIR, '--format', 'md', '--out', path.join(missing, 'deeper', 'r.md'));
  assert.equal(r.code, 2);
  assertOneSentence(r.stderr, /Cannot write .*r\.md \(ENOENT\)/);
});

test('a run whose profile is gone: the HTML report says why, exports refuse with one sentence', () => {
  const dir = copyRun();
  fs.rmSync(path.join(dir, 'cpu.cpuprofile'));
  const html = hotpath('report', dir, '--format', 'html');
  assert.equal(html.code, 0, html.stderr);
  assert.ok(html.stdout.toString('utf8').includes('No flame graph: cpu.cpuprofile is missing from the run folder (ENOENT).'));
  for (const format of ['speedscope', 'pprof', 'collapsed', 'cpuprofile']) {
    const r = hotpath('report', dir, '--format', format, '--out', path.join(dir, 'x'));
    assert.equal(r.code, 2, format);
    assertOneSentence(r.stderr, new RegExp(`Cannot export ${format} from .*: cpu\\.cpuprofile is missing from the run folder`));
  }
  fs.writeFileSync(path.join(dir, 'cpu.cpuprofile'), '{"nodes": 3}');
  const damaged = hotpath('report', dir, '--format', 'html');
  assert.equal(damaged.code, 0);
  assert.ok(damaged.stdout.toString('utf8').includes('No flame graph: cpu.cpuprofile is not a CPU profile'));
});

test('--help lists every format and exits 0', () => {
  const r = hotpath('report', '--help');
  assert.equal(r.code, 0);
  const help = r.stdout.toString('utf8');
  for (const f of ['md', 'html', 'json', 'junit', 'speedscope', 'pprof', 'collapsed', 'cpuprofile']) assert.match(help, new RegExp(`^  ${f} `, 'm'));
});
