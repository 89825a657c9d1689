// The baseline comparison end to end: two real demo runs through dist/cli.js,
// the first pinned with `hotpath baseline` in between, and the reports of the
// second holding the comparison with both runs' figures.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { lastLine, repoRoot, runCli, tempDir, writeConfig } from './cliHarness';

const demoDir = path.join(repoRoot, 'examples', 'demo');
const out = tempDir('hotpath-compare-report-');
const written: string[] = [];
after(() => {
  for (const f of written) fs.rmSync(f, { force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

const fmtRps = (n: number) => `${n.toLocaleString('en-US', { maximumFractionDigits: 1 })} req/s`;

test('two demo runs with the first pinned: run.json, report.md and hotpath report hold the comparison', async () => {
  const demo = JSON.parse(fs.readFileSync(path.join(demoDir, 'hotpath.config.json'), 'utf8'));
  demo.load.stages = [{ durationSec: 5, connections: 8 }];
  delete demo.$schema;
  // The error budget only: a busy machine can take the demo's p95 past its 500 ms budget.
  demo.budgets = { 'http.errorRate': '< 1%' };
  const file = writeConfig(demoDir, demo);
  written.push(file);

  const first = await runCli(['run', '--config', file, '--out', out]);
  assert.equal(first.code, 0, first.stderr);
  const baseDir = lastLine(first.stdout);
  const base = JSON.parse(fs.readFileSync(path.join(baseDir, 'run.json'), 'utf8'));
  assert.equal(base.comparison, undefined, 'nothing pinned yet: no comparison');
  assert.match(fs.readFileSync(path.join(baseDir, 'report.md'), 'utf8'), /## Compared with baseline\n\n_No baseline was pinned/);

  const pin = await runCli(['baseline', baseDir, '--json']);
  assert.equal(pin.code, 0, pin.stderr);
  assert.deepEqual(JSON.parse(pin.stdout), { id: base.id, dir: baseDir });

  const second = await runCli(['run', '--config', file, '--out', out]);
  assert.equal(second.code, 0, second.stderr);
  const runDir = lastLine(second.stdout);
  const run = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  assert.equal(run.comparison?.baseline.id, base.id, 'the run compared itself with the pinned baseline');
  assert.match(second.stdout, new RegExp(`compared with baseline ${base.id}: (No significant regression|Significant regression in)[^\\n]*\\nmetric +baseline +current +change +verdict +significance\\n`), 'hotpath run ends with the comparison table');
  const rps = run.comparison.metrics.find((m: { metric: string }) => m.metric === 'throughput');
  assert.deepEqual([rps.baseline, rps.current], [base.load.throughputRps.mean, run.load.throughputRps.mean]);
  assert.ok(['regression', 'improvement', 'no significant change'].includes(rps.verdict), rps.verdict);

  const md = await runCli(['report', runDir, '--format', 'md']);
  assert.equal(md.code, 0, md.stderr);
  const section = md.stdout.slice(md.stdout.indexOf('## Compared with baseline'), md.stdout.indexOf('## Load'));
  assert.ok(section.includes(`Baseline run ${base.id}`), section);
  assert.ok(section.includes(`| throughput | ${fmtRps(base.load.throughputRps.mean)} | ${fmtRps(run.load.throughputRps.mean)} |`), section);
  for (const label of ['p50 latency', 'p95 latency', 'p99 latency', 'error rate', 'service CPU per request', 'GC pause share', 'peak heap used']) {
    assert.match(section, new RegExp(`\\| ${label} \\| [^|]+ \\| [^|]+ \\| [^|]+ \\| (🔴 |🟢 )?(significant regression|significant improvement|no significant change|not tested) \\|`), label);
  }
  assert.match(section, /\*\*CPU self time: largest changes\*\*[^\n]*\n\n\| Function \| Location \| Baseline \| Current \| Change \|\n[^\n]+\n\| `[^`]+` \| [^|]+ \| [\d.]+% \| [\d.]+% \| [+−±][\d.]+ pp \|/, 'per-function self-time changes');
  assert.equal(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8').includes(section), true, 'report.md written at run time holds the same section');

  const html = await runCli(['report', runDir, '--format', 'html']);
  assert.equal(html.code, 0, html.stderr);
  assert.match(html.stdout, /<section class="card" id="comparison"[\s\S]*?<table>[\s\S]*?throughput/);

  // The baseline's own report says it is the baseline; --baseline compares it the other way round.
  const own = await runCli(['report', baseDir, '--format', 'md']);
  assert.match(own.stdout, /This run is the pinned baseline/);
  const reverse = await runCli(['report', baseDir, '--format', 'md', '--baseline', run.id]);
  assert.equal(reverse.code, 0, reverse.stderr);
  assert.ok(reverse.stdout.includes(`Baseline run ${run.id}`));
  const missing = await runCli(['report', runDir, '--format', 'md', '--baseline', 'no-such-run']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /does not exist/);
});
