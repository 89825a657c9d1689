// Benchmark: listing a runs folder of 500 runs (the Runs view on a busy
// project). Three ways, interleaved repetition by repetition:
//   - listRunSummaries: index.json checked against the folder (one stat per run);
//   - listRuns: every run.json read, parsed and checked (full records);
//   - a bare scan: readdir, then read and JSON.parse every run.json, nothing
//     else — the least any listing that reads the records can cost.
// Plus, once per repetition, listRunSummaries with the index deleted (the
// one-time rebuild after a corrupt or missing index).
// Every run is a copy of the committed fixture run (a real demo run.json,
// about 54 KB), committed through StagedRun as the runner does. The files sit
// in the page cache after the first pass, so this measures CPU and system
// calls, not the disk.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RunRecord } from '../src/engine/runRecord';
import { listRunSummaries } from '../src/engine/store/runListing';
import { listRuns, StagedRun } from '../src/engine/store/runStore';

export interface ListingRow {
  method: string;
  ms: { median: number; min: number; max: number };
  /** Median of this method over the median of listRunSummaries. */
  ratio: number;
}

export interface ListingResult {
  runs: number;
  repetitions: number;
  runJsonBytes: number;
  rows: ListingRow[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function time(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function bareScan(runsDir: string): number {
  let n = 0;
  for (const name of fs.readdirSync(runsDir)) {
    if (name.startsWith('.') || name === 'index.json') continue;
    const record = JSON.parse(fs.readFileSync(path.join(runsDir, name, 'run.json'), 'utf8')) as RunRecord;
    if (record.load) n++;
  }
  return n;
}

export function runListing(root: string, runs = 500, repetitions = 15): ListingResult {
  const template = JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'runs', '20261123-182721-cf6277', 'run.json'), 'utf8')) as RunRecord;
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-bench-runs-'));
  try {
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < runs; i++) {
      const id = `2026${String(Math.floor(i / 60) + 101).padStart(4, '0')}-0000${String(i % 60).padStart(2, '0')}-${String(i).padStart(6, '0')}`;
      const staged = StagedRun.create(runsDir, id);
      staged.commit({ ...template, id, startedAt: new Date(start + i * 60_000).toISOString() });
    }
    const ids = listRunSummaries(runsDir).map((r) => r.id);
    if (ids.length !== runs) throw new Error(`expected ${runs} runs, listed ${ids.length}`);

    const samples: Record<string, number[]> = { summaries: [], rebuild: [], listRuns: [], bare: [] };
    for (let rep = 0; rep < repetitions + 1; rep++) {
      const round = {
        summaries: time(() => listRunSummaries(runsDir)),
        listRuns: time(() => listRuns(runsDir)),
        bare: time(() => bareScan(runsDir)),
        rebuild: time(() => {
          fs.rmSync(path.join(runsDir, 'index.json'));
          listRunSummaries(runsDir);
        }),
      };
      // The first round warms the page cache and the JIT.
      if (rep === 0) continue;
      for (const [k, v] of Object.entries(round)) samples[k].push(v);
    }
    const base = median(samples.summaries);
    const row = (method: string, xs: number[]): ListingRow => ({
      method,
      ms: { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) },
      ratio: median(xs) / base,
    });
    return {
      runs,
      repetitions,
      runJsonBytes: fs.statSync(path.join(runsDir, ids[0], 'run.json')).size,
      rows: [
        row('`listRunSummaries` (index.json, one stat per run)', samples.summaries),
        row('`listRuns` (every run.json read, parsed and checked)', samples.listRuns),
        row('bare scan (readdir + read + `JSON.parse` of every run.json)', samples.bare),
        row('`listRunSummaries` with index.json deleted (one-time rebuild)', samples.rebuild),
      ],
    };
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
}

/** The BENCHMARKS.md block: what was measured, the table, and the ratio in words. */
export function runListingBlock(r: ListingResult, environment: string): string {
  const f = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
  const [fast, full, bare] = r.rows;
  return [
    '## Listing saved runs: index.json against reading every run.json',
    '',
    `Question: how long does the Runs view take to list ${r.runs} saved runs? Each run is a copy of a real demo run.json (${Math.round(r.runJsonBytes / 1024)} KB), committed as the runner does; ${r.repetitions} repetitions of the four ways below, interleaved, after one warm-up round, files in the page cache.`,
    '',
    environment,
    '',
    '| Method | ms median (min–max) | ratio |',
    '| --- | ---: | ---: |',
    ...r.rows.map((row) => `| ${row.method} | ${f(row.ms.median)} (${f(row.ms.min)}–${f(row.ms.max)}) | ${row.ratio.toFixed(1)} |`),
    '',
    `Reading: with the index, listing ${r.runs} runs takes ${f(fast.ms.median)} ms. Reading every run.json takes ${f(full.ms.median)} ms through \`listRuns\` (${full.ratio.toFixed(0)} times as long; it also keeps every record in memory) and ${f(bare.ms.median)} ms even as a bare scan (${bare.ratio.toFixed(0)} times). The index is still checked against the folder (a stat of every run.json), so a run added, removed or changed behind Hotpath's back is picked up; rebuilding a lost index costs one full scan, once. \`listRunSummaries\` is the call for the Runs view.`,
  ].join('\n');
}
