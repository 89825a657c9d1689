// `hotpath compare` exit codes on runs whose difference is known exactly:
// a saved run against an identical copy (0), and against a copy in which
// every latency is 30% longer and throughput 30% lower (1). Deterministic:
// the timing experiment on live runs (A/A and A/B) is `npm run test:compare`,
// because its verdict depends on how quiet the machine is.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as hdr from 'hdr-histogram-js';
import { binsFromHdr } from '../../src/engine/analysis/compareInputs';
import { repoRoot, runCli, tempDir } from './cliHarness';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'runs', '20261123-182721-cf6277');
const dir = tempDir('hotpath-verdict-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function copyRun(name: string, slower: number): string {
  const target = path.join(dir, name);
  fs.cpSync(fixture, target, { recursive: true });
  if (slower === 1) return target;
  const file = path.join(target, 'run.json');
  const run = JSON.parse(fs.readFileSync(file, 'utf8'));
  const scale = (o: Record<string, number>) => {
    for (const k of Object.keys(o)) if (typeof o[k] === 'number') o[k] = Math.round(o[k] * slower * 1000) / 1000;
  };
  scale(run.load.latencyMs);
  for (const e of run.load.endpoints) scale(e.latencyMs);
  run.load.throughputRps.mean = Math.round((run.load.throughputRps.mean / slower) * 10) / 10;
  for (const p of run.load.timeline) {
    for (const k of ['p50', 'p95', 'p99']) p[k] = Math.round(p[k] * slower * 1000) / 1000;
    p.rps = Math.round((p.rps / slower) * 10) / 10;
  }
  fs.writeFileSync(file, JSON.stringify(run, null, 2));
  // Re-record every recorded latency (bins in ms), 30% longer.
  const bins = binsFromHdr(fs.readFileSync(path.join(fixture, 'latency.hdr'), 'utf8'));
  const slowed = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  for (let i = 0; i < bins.values.length; i++) slowed.recordValueWithCount(Math.max(1, Math.round(bins.values[i] * 1000 * slower)), bins.counts[i]);
  fs.writeFileSync(path.join(target, 'latency.hdr'), hdr.encodeIntoCompressedBase64(slowed));
  return target;
}

test('an identical run compares as no significant change (exit 0)', async () => {
  const r = await runCli(['compare', copyRun('base', 1), copyRun('same', 1), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.ok(JSON.stringify(out).includes('no significant change'));
});

test('every latency 30% longer is a regression (exit 1), named on p50 and p95', async () => {
  const r = await runCli(['compare', copyRun('base2', 1), copyRun('slower', 1.3), '--json']);
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  const text = r.stdout;
  assert.match(text, /regression/);
  assert.match(text, /p50/);
  assert.match(text, /p95/);
});
