// A soak of a few minutes on the demo service through `hotpath run`: p95 and
// throughput degradation between the first and last windows, and heap growth.
// It takes about four minutes, so `npm test` skips it: run it with
// `npm run test:soak` (or HOTPATH_SOAK=1 with node --test on the compiled file).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { lastLine, repoRoot, runCli, tempDir, writeConfig } from './cliHarness';

const enabled = process.env.npm_lifecycle_event === 'test:soak' || process.env.HOTPATH_SOAK === '1';
const demoDir = path.join(repoRoot, 'examples', 'demo');
const out = tempDir('hotpath-soak-');
const written: string[] = [];
after(() => {
  for (const f of written) fs.rmSync(f, { force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

const SOAK = { durationSec: 210, connections: 4, windowSec: 60, warmupSec: 10 };

test('soak on the demo: degradation between the first and last windows, and heap growth', { skip: enabled ? false : 'takes minutes: run it with npm run test:soak', timeout: 10 * 60_000 }, async () => {
  const demo = JSON.parse(fs.readFileSync(path.join(demoDir, 'hotpath.config.json'), 'utf8'));
  delete demo.$schema;
  delete demo.budgets;
  demo.load = { ...demo.load, scenario: 'soak', soak: SOAK };
  const file = writeConfig(demoDir, demo);
  written.push(file);
  const r = await runCli(['run', '--config', file, '--out', out], { timeoutMs: 9 * 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const runDir = lastLine(r.stdout);
  const record = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  const soak = record.load.soak;
  assert.ok(soak, 'load.soak is there');
  assert.equal(soak.windows.length, 3, '3 windows of 60 s after the warm-up, aligned to the end');
  for (const w of soak.windows) {
    assert.ok(w.requests > 100 && w.rps > 0 && w.p95 > 0, JSON.stringify(w));
    assert.ok(w.endT - w.startT >= 55_000 && w.endT - w.startT <= 65_000, `window ${w.startT}–${w.endT}`);
  }
  assert.ok(Number.isFinite(soak.p95DegradationPct), 'p95 degradation');
  assert.ok(Number.isFinite(soak.throughputDegradationPct), 'throughput degradation');
  assert.equal(typeof soak.heapGrowthPct, 'number', 'heap growth from the probe heap timeline');
  assert.ok(soak.heap.firstTroughBytes > 0 && soak.heap.lastTroughBytes > 0, JSON.stringify(soak.heap));
  assert.ok(record.heap.timeline.length > 50, 'the heap timeline the growth is read from');
  const md = fs.readFileSync(path.join(runDir, 'report.md'), 'utf8');
  assert.match(md, /## Endurance\n\np95 degraded by -?[\d.]+%, throughput by -?[\d.]+%; the heap grew -?[\d.]+%\./);
  // Printed for the record: the figures this run measured.
  process.stdout.write(
    `# soak: ${soak.windows.map((w: any) => `${w.rps} req/s p95 ${w.p95} ms`).join(' | ')}; p95 ${soak.p95DegradationPct}%, throughput ${soak.throughputDegradationPct}%, heap ${soak.heapGrowthPct}% (troughs ${soak.heap.firstTroughBytes} → ${soak.heap.lastTroughBytes} bytes; probe fit over the run ${soak.heap.runGrowthPct}%)\n`,
  );
});
