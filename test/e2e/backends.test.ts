// `hotpath run` with profile.backend 0x and Clinic.js on the demo service: the
// real tools (devDependencies), real load, real output imported into run.json.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { isAlive, lastLine, repoRoot, runCli, tempDir, writeConfig } from './cliHarness';
import { schemaErrors, undescribedFields } from '../unit/store/runSchemaCheck';

const demoDir = path.join(repoRoot, 'examples', 'demo');
const out = tempDir('hotpath-backends-');
const written: string[] = [];
after(() => {
  for (const f of written) fs.rmSync(f, { force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

/** Live (non-zombie) processes whose command line mentions `needle`. */
function processesMentioning(needle: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(needle) && !/^\s*\d+\s+Z/.test(l) && !l.includes('ps -eo'));
}

/** `pids` and all their descendants. */
function descendants(pids: number[]): number[] {
  const all = new Set(pids);
  const queue = [...pids];
  while (queue.length) {
    const p = queue.shift()!;
    let children: number[] = [];
    try {
      children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(p)], { encoding: 'utf8' }).split('\n').map((x) => Number(x.trim())).filter((x) => x > 0);
    } catch {
      // no children: ps exits 1
    }
    for (const c of children) if (!all.has(c)) (all.add(c), queue.push(c));
  }
  return [...all];
}

/** The demo's config with a short load, written into the demo folder (so run.json paths are relative to it). */
function demoConfig(backend: string, cpuRouteOnly: boolean, dir = demoDir): string {
  const demo = JSON.parse(fs.readFileSync(path.join(demoDir, 'hotpath.config.json'), 'utf8'));
  delete demo.$schema;
  demo.profile.backend = backend;
  demo.load.stages = [{ durationSec: 4, connections: 6 }];
  if (cpuRouteOnly) demo.load.requests = [{ method: 'GET', path: '/report/cpu', weight: 1 }];
  const file = writeConfig(dir, demo);
  written.push(file);
  return file;
}

async function runBackend(backend: string, cpuRouteOnly: boolean) {
  const r = await runCli(['run', '--config', demoConfig(backend, cpuRouteOnly), '--out', out], { timeoutMs: 150_000 });
  assert.equal(r.code, 0, r.stderr);
  const runDir = lastLine(r.stdout);
  const run = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  assert.equal(run.status, 'passed');
  assert.deepEqual(schemaErrors(run), [], 'run.json matches schema/run.schema.json');
  assert.deepEqual(undescribedFields(run), [], 'every field is described in the schema');
  assert.ok(run.load.requests.total > 20, `requests ${run.load.requests.total}`);
  assert.equal(run.profiler.backend, backend);
  assert.deepEqual(run.profiler.problems, []);
  // The service itself (a child of the tool) loaded the probe; the tool's own node process did not.
  assert.equal(run.processes.length, 1, JSON.stringify(run.processes));
  assert.match(run.processes[0].command, /server\.js/);
  // Nothing survives: not the service (a grandchild of Hotpath), not the tool, not the stop switch.
  assert.equal(isAlive(run.processes[0].pid), false, 'the service is gone');
  assert.deepEqual(processesMentioning(out), [], 'no process of the tool is left');
  assert.deepEqual(processesMentioning('hotpath-stop-'), [], 'no stop switch is left');
  assert.deepEqual(fs.readdirSync(demoDir).filter((n) => /^node_trace\.|^isolate-.*\.log$/.test(n)), [], "no tool's temporary file is left in the service folder");
  for (const f of run.profiler.files) assert.ok(fs.existsSync(path.join(runDir, f)), `listed file ${f} exists`);
  return { run, runDir };
}

function assertComputePriceStatsOnTop(run: { cpu: { hotFunctions: Array<{ name: string; file: string; line: number; category: string }> } }): void {
  const top = run.cpu.hotFunctions[0];
  assert.equal(top.name, 'computePriceStats', JSON.stringify(run.cpu.hotFunctions.slice(0, 5)));
  assert.equal(top.file, 'src/pricing.js');
  assert.equal(top.category, 'user');
  const source = fs.readFileSync(path.join(demoDir, 'src', 'pricing.js'), 'utf8').split('\n');
  assert.match(source[top.line - 1], /function computePriceStats/, 'the reported line is where the function is defined');
}

test('0x: cpu.cpuprofile from its V8 log, computePriceStats on top, its flame graph kept', async () => {
  const { run, runDir } = await runBackend('0x', true);
  assertComputePriceStatsOnTop(run);
  assert.equal(run.cpu.profile, 'cpu.cpuprofile');
  assert.equal(run.cpu.samplingIntervalMicros, 1000);
  const profile = JSON.parse(fs.readFileSync(path.join(runDir, 'cpu.cpuprofile'), 'utf8'));
  assert.equal(profile.samples.length, profile.timeDeltas.length);
  // Only the load: from readiness to the end (about 4 s), not the service's whole life.
  const spanMs = (profile.endTime - profile.startTime) / 1000;
  assert.ok(spanMs > 3000 && spanMs < 6500, `profile spans ${spanMs} ms`);
  assert.equal(run.findings[0].kind, 'hot-path');
  assert.match(fs.readFileSync(path.join(runDir, '0x', 'flamegraph.html'), 'utf8'), /computePriceStats/);
  assert.ok(!fs.readdirSync(path.join(runDir, '0x')).some((n) => n.startsWith('isolate-')), 'the V8 logs are not kept once imported');
  assert.match(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8'), /computePriceStats/);
});

test("clinic-doctor: Doctor's verdict and issues in run.json, a finding, its HTML report kept", async () => {
  const { run, runDir } = await runBackend('clinic-doctor', false);
  assert.equal(run.clinic.tool, 'doctor');
  assert.ok(['gc', 'event-loop', 'io', 'data', 'unknown', 'none'].includes(run.clinic.verdict.category), run.clinic.verdict.category);
  assert.ok(run.clinic.verdict.title.length > 3);
  assert.ok(['performance', 'none', 'data'].includes(run.clinic.issues.delay));
  assert.ok(['performance', 'none', 'data'].includes(run.clinic.issues.cpu));
  const finding = run.findings.find((f: { kind: string }) => f.kind === 'clinic-doctor');
  assert.match(finding.message, /^Clinic Doctor found /);
  assert.match(fs.readFileSync(path.join(runDir, run.clinic.htmlReport), 'utf8'), /id="clinic-data"/);
  assert.ok(fs.statSync(path.join(runDir, run.clinic.data)).isDirectory());
  // No CPU profile from Doctor; the probe's data is still there.
  assert.equal(run.cpu, null);
  assert.ok(run.gc.count > 0 && run.queries.total > 0);
});

test('clinic-flame: its samples as cpu.cpuprofile, computePriceStats on top, its HTML kept', async () => {
  const { run, runDir } = await runBackend('clinic-flame', true);
  assertComputePriceStatsOnTop(run);
  assert.equal(run.clinic.tool, 'flame');
  assert.ok(fs.existsSync(path.join(runDir, run.clinic.htmlReport)));
  assert.ok(fs.existsSync(path.join(runDir, 'cpu.cpuprofile')));
});

test('clinic-heapprofiler: its heap profile as heap.heapprofile, allocation hotspots in run.json', async () => {
  const { run, runDir } = await runBackend('clinic-heapprofiler', false);
  assert.equal(run.heap.profile, 'heap.heapprofile');
  const heap = JSON.parse(fs.readFileSync(path.join(runDir, 'heap.heapprofile'), 'utf8'));
  assert.ok(heap.head && Array.isArray(heap.head.children), 'DevTools sampling heap profile');
  assert.ok(run.clinic.allocationHotspots.length > 0);
  for (const h of run.clinic.allocationHotspots) assert.ok(h.selfBytes > 0 && typeof h.name === 'string');
  assert.ok(fs.existsSync(path.join(runDir, run.clinic.htmlReport)));
});

test('a backend whose tool is not installed: one sentence with the install command, exit 2, nothing started', async () => {
  // A workspace outside this repository (whose node_modules has both tools), PATH with node only.
  // The check comes before anything starts, so the service (not even there) never runs.
  const ws = tempDir('hotpath-no-tools-');
  try {
    const pathOnlyNode = path.dirname(process.execPath);
    for (const [backend, tool] of [
      ['0x', '0x'],
      ['clinic-doctor', 'clinic'],
    ]) {
      const file = demoConfig(backend, true, ws);
      const r = await runCli(['run', '--config', file, '--out', path.join(ws, 'runs')], { env: { PATH: pathOnlyNode } });
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], new RegExp(`^hotpath: profile\\.backend "${backend}" needs .*not installed .* install it with \`npm install --save-dev ${tool}\``));
      assert.equal(fs.existsSync(path.join(ws, 'runs')) && fs.readdirSync(path.join(ws, 'runs')).length > 0, false, 'no run folder');
    }
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});

test('cancelled mid-load under 0x: the run is saved as cancelled and nothing survives', async () => {
  let sent = false;
  let toolPids: number[] = [];
  const r = await runCli(['run', '--config', demoConfig('0x', true), '--out', out], {
    timeoutMs: 150_000,
    onStderr: (text, kill) => {
      if (!sent && /hotpath: Load\b/.test(text)) {
        sent = true;
        setTimeout(() => {
          // Hotpath, 0x, the service and the stop switch, seen while they run.
          toolPids = descendants(processesMentioning(out).map((l) => Number(l.trim().split(/\s+/)[0])));
          kill('SIGINT');
        }, 1500);
      }
    },
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /cancelled/);
  assert.ok(toolPids.length >= 3, `hotpath, 0x and the service were running: ${toolPids}`);
  for (const pid of toolPids) assert.equal(isAlive(pid), false, `pid ${pid} survived`);
  const run = JSON.parse(fs.readFileSync(path.join(lastLine(r.stdout), 'run.json'), 'utf8'));
  assert.equal(run.status, 'cancelled');
  assert.equal(run.cpu.hotFunctions[0].name, 'computePriceStats', 'what was profiled until then is imported');
});
