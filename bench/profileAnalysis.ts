// Benchmark block `profile-analysis`: time and peak memory to analyse a big
// `.cpuprofile`, Hotpath against 0x and Chrome DevTools' trace engine on the
// same file, each a fresh process measured by /usr/bin/time (wall clock and
// maximum resident set size), rounds interleaved with the order rotated.
// Also one read of a ≥500 MB profile (issue 8: it opens without crashing).

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { seededRandom as random } from '../test/seededRandom';

const root = path.resolve(__dirname, '../..');

export interface GeneratedProfile {
  file: string;
  bytes: number;
  nodes: number;
  samples: number;
}

/**
 * Writes a realistic profile of at least `targetBytes`: a call tree of
 * `nodes` nodes over a few thousand functions in a few hundred files (about a
 * third with position ticks), then samples and time deltas (V8's layout) to
 * fill the size. Written in pieces: never held whole.
 */
export function generateProfile(file: string, targetBytes: number, nodes: number, seed = 1): GeneratedProfile {
  const rnd = random(seed);
  const fd = fs.openSync(file, 'w');
  let pending: string[] = [];
  let pendingLength = 0;
  let written = 0;
  const out = (s: string) => {
    pending.push(s);
    pendingLength += s.length;
    if (pendingLength > 1 << 20) flush();
  };
  const flush = () => {
    const buf = Buffer.from(pending.join(''));
    fs.writeSync(fd, buf);
    written += buf.length;
    pending = [];
    pendingLength = 0;
  };
  const urls = Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? `node:internal/module_${i}` : i % 3 === 0 ? `file:///srv/app/node_modules/lib${i % 40}/index.js` : `file:///srv/app/src/module_${i}.js`));
  const functions = Array.from({ length: 5000 }, (_, i) => ({ name: i % 17 === 0 ? '' : `fn_${i}_${(i * 2654435761) % 9973}`, url: urls[i % urls.length], line: (i * 37) % 2000, column: (i * 13) % 80 }));
  // Parents chosen among recent nodes: bushy trees like a server's, at most
  // 48 frames deep (0x converts the tree recursively and overflows its stack
  // on trees thousands deep, which real profiles do not reach).
  const children: number[][] = Array.from({ length: nodes + 1 }, () => []);
  const parent = new Int32Array(nodes + 1);
  const depth = new Int32Array(nodes + 1);
  for (let id = 2; id <= nodes; id++) {
    let p = id - (1 + Math.floor(rnd() * Math.min(id - 1, 40)));
    while (depth[p] >= 48) for (let k = 0; k < 24 && p > 1; k++) p = parent[p];
    parent[id] = p;
    depth[id] = depth[p] + 1;
    children[p].push(id);
  }
  out('{"nodes":[');
  for (let id = 1; id <= nodes; id++) {
    const f = id === 1 ? { name: '(root)', url: '', line: -1, column: -1 } : id === 2 ? { name: '(idle)', url: '', line: -1, column: -1 } : id === 3 ? { name: '(garbage collector)', url: '', line: -1, column: -1 } : functions[Math.floor(rnd() * functions.length)];
    let node = `${id > 1 ? ',' : ''}{"id":${id},"callFrame":{"functionName":${JSON.stringify(f.name)},"scriptId":"${(id % 400) + 1}","url":${JSON.stringify(f.url)},"lineNumber":${f.line},"columnNumber":${f.column}},"hitCount":${Math.floor(rnd() * 50)}`;
    if (children[id].length) node += `,"children":[${children[id].join(',')}]`;
    if (f.url && rnd() < 0.35) {
      const ticks = [];
      for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) ticks.push(`{"line":${f.line + 1 + Math.floor(rnd() * 30)},"ticks":${1 + Math.floor(rnd() * 40)}}`);
      node += `,"positionTicks":[${ticks.join(',')}]`;
    }
    out(`${node}}`);
  }
  const start = 5_000_000_000;
  flush();
  // About 12 bytes per sample and delta together.
  const samples = Math.max(1000, Math.ceil((targetBytes - written) / 11.5));
  out(`],"startTime":${start},"endTime":${start + samples * 1000 + 500},"samples":[`);
  // Samples come in runs of one stack (1 to 40 ticks, about 10 on average), as
  // a sampling profiler records a function that runs across several ticks;
  // about a tenth of the runs are the hot node 2. A profile whose every sample
  // is a different random stack (this file's layout before) is one no
  // profiler writes, and it is the worst case for a reader that builds a call
  // per change of stack, as DevTools' trace engine does.
  for (let i = 0; i < samples; ) {
    const node = rnd() < 0.1 ? 2 : 3 + Math.floor(rnd() * (nodes - 2));
    const end = Math.min(samples, i + 1 + Math.floor(rnd() * rnd() * 40));
    for (; i < end; i++) out(`${i ? ',' : ''}${node}`);
  }
  out('],"timeDeltas":[');
  for (let i = 0; i < samples; i++) out(`${i ? ',' : ''}${800 + Math.floor(rnd() * 400)}`);
  out(']}');
  flush();
  fs.closeSync(fd);
  return { file, bytes: written, nodes, samples };
}

export interface Measured {
  ok: boolean;
  wallMs: number;
  maxRssMb: number;
  /** user + system CPU seconds of the process: steadier than wall time on a shared machine */
  cpuS: number;
  note: string;
}

/** Runs a command under /usr/bin/time -v; wall clock and peak RSS of the process (a worker thread included). */
export function measure(command: string[], cwd: string, timeoutMs = 150_000): Measured {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', ...command], { cwd, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (r.error || r.signal) return { ok: false, wallMs: timeoutMs, maxRssMb: NaN, cpuS: NaN, note: `did not finish within ${timeoutMs / 1000} s (killed)` };
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  const lastLines = ((r.stderr ?? '').split('\n').find((l) => /Error/.test(l)) ?? '').trim().slice(0, 200);
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  return { ok: r.status === 0, wallMs, maxRssMb: rss ? Number(rss[1]) / 1024 : NaN, cpuS: Number(user?.[1] ?? NaN) + Number(sys?.[1] ?? NaN), note: r.status === 0 ? '' : `exit ${r.status}: ${lastLines}` };
}

export interface Contender {
  name: string;
  command: (file: string) => string[];
}

const node = process.execPath;
export const contenders: Contender[] = [
  { name: 'Hotpath (`hotpath analyze FILE --json`: streaming reader in a worker thread)', command: (f) => [node, path.join(root, 'dist/cli.js'), 'analyze', f, '--json'] },
  { name: '0x 6 (`0x --visualize-cpu-profile FILE`: flame graph HTML)', command: (f) => [node, '--max-old-space-size=16384', path.join(root, 'node_modules/0x/cmd.js'), '--visualize-cpu-profile', f] },
  { name: 'DevTools trace engine (`@paulirish/trace_engine`, all handlers)', command: (f) => [node, '--max-old-space-size=16384', path.join(root, 'out/bench/profileAnalysisTraceEngine.js'), f] },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export interface AnalysisRow {
  name: string;
  wallMs: number[];
  rssMb: number[];
  cpuS: number[];
  failures: string[];
}

export interface ProfileAnalysisResult {
  profile: GeneratedProfile;
  rows: AnalysisRow[];
  rounds: number;
  loads: number[];
  big: { profile: GeneratedProfile; run: Measured } | null;
}

export function profileAnalysis(rounds: number, bigBytes: number | null): ProfileAnalysisResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-bench-profile-'));
  try {
    process.stderr.write('profile-analysis: writing a 100 MB profile\n');
    const profile = generateProfile(path.join(dir, 'big.cpuprofile'), 100 * 1024 * 1024, 250_000);
    const rows: AnalysisRow[] = contenders.map((c) => ({ name: c.name, wallMs: [], rssMb: [], cpuS: [], failures: [] }));
    const loads: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < contenders.length; k++) {
        const i = (k + r) % contenders.length;
        // A contender that failed once (out of memory, out of time) is not run again.
        if (rows[i].failures.length) continue;
        loads.push(os.loadavg()[0]);
        // 0x writes flamegraph.html next to the profile: each run its own copy of the folder's output.
        const m = measure(contenders[i].command(profile.file), dir);
        process.stderr.write(`  round ${r + 1} ${contenders[i].name.split(' (')[0]}: ${m.wallMs.toFixed(0)} ms, ${m.cpuS.toFixed(1)} s CPU, ${m.maxRssMb.toFixed(0)} MB${m.ok ? '' : ` FAILED ${m.note}`}\n`);
        if (m.ok) {
          rows[i].wallMs.push(m.wallMs);
          rows[i].rssMb.push(m.maxRssMb);
          rows[i].cpuS.push(m.cpuS);
        } else rows[i].failures.push(m.note);
      }
    }
    fs.rmSync(profile.file);
    let big: ProfileAnalysisResult['big'] = null;
    if (bigBytes) {
      process.stderr.write(`profile-analysis: writing a ${Math.round(bigBytes / 1048576)} MB profile\n`);
      const bigProfile = generateProfile(path.join(dir, 'huge.cpuprofile'), bigBytes, 1_000_000, 2);
      loads.push(os.loadavg()[0]);
      big = { profile: bigProfile, run: measure(contenders[0].command(bigProfile.file), dir) };
      process.stderr.write(`  500 MB: ${big.run.wallMs.toFixed(0)} ms, ${big.run.maxRssMb.toFixed(0)} MB ${big.run.note}\n`);
    }
    return { profile, rows, rounds, loads, big };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
const fmt = (xs: number[], digits = 0) => (xs.length ? `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})` : 'failed');

export function profileAnalysisBlock(r: ProfileAnalysisResult, environment: string): string {
  const base = r.rows[0];
  const ratio = (row: AnalysisRow, key: 'wallMs' | 'rssMb' | 'cpuS') => (row[key].length && base[key].length ? (median(row[key]) / median(base[key])).toFixed(2) : '–');
  const p = r.profile;
  const lines = [
    environment,
    '',
    `Profile: generated, deterministic, ${mb(p.bytes)} (${p.bytes} bytes), ${p.nodes.toLocaleString('en')} nodes over 5,000 functions in 400 files, about a third with position ticks, ${p.samples.toLocaleString('en')} samples in runs of one stack (1–40 ticks, about 10 on average); V8's layout (nodes, then samples and time deltas). Each run is a fresh process, timed from spawn to exit, peak memory is its maximum resident set size (\`/usr/bin/time -v\`); ${r.rounds} rounds, the order rotated each round; machine load average ${Math.min(...r.loads).toFixed(1)}–${Math.max(...r.loads).toFixed(1)} during the session. 0x and the trace engine get \`--max-old-space-size=16384\` so that they are not stopped by V8's default heap limit.`,
    '',
    '| Analyser | wall ms median (min–max) | ratio | CPU s (user + sys) median (min–max) | ratio | peak RSS MB median (min–max) | ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.rows.map((row) => `| ${row.name} | ${fmt(row.wallMs)} | ${ratio(row, 'wallMs')} | ${fmt(row.cpuS, 1)} | ${ratio(row, 'cpuS')} | ${fmt(row.rssMb)} | ${ratio(row, 'rssMb')} |${row.failures.length ? ` failed ${row.failures.length}×: ${row.failures[0]}` : ''}`),
  ];
  if (r.big) {
    const b = r.big;
    lines.push(
      '',
      `Issue 8's big input: a generated profile of ${mb(b.profile.bytes)} (${b.profile.nodes.toLocaleString('en')} nodes, ${b.profile.samples.toLocaleString('en')} samples) through \`hotpath analyze FILE --json\`, once: ${b.run.ok ? `opened without crashing in ${(b.run.wallMs / 1000).toFixed(1)} s (${b.run.cpuS.toFixed(1)} s of CPU) with a peak RSS of ${b.run.maxRssMb.toFixed(0)} MB` : `FAILED (${b.run.note})`}.`,
    );
  }
  lines.push('', 'Reproduce: `HOTPATH_BENCH_ONLY=profile-analysis HOTPATH_BENCH_ROUNDS=5 npm run bench` (the ≥500 MB read runs unless `HOTPATH_BENCH_BIG_PROFILE=0`).');
  return lines.join('\n');
}

/** bench/results/big-profile.md: the ≥500 MB read on its own, for the reliability notes to cite. */
export function writeBigProfileNote(rootDir: string, r: ProfileAnalysisResult, started: Date): void {
  if (!r.big) return;
  const b = r.big;
  const dir = path.join(rootDir, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const text = [
    '# A ≥500 MB `.cpuprofile` through `hotpath analyze`',
    '',
    `Measured ${started.toISOString().slice(0, 10)} by the \`profile-analysis\` block of \`npm run bench\` (Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 1073741824)} GB of memory, load average ${os.loadavg()[0].toFixed(1)} at the end).`,
    '',
    `- Input: a generated, deterministic profile of ${mb(b.profile.bytes)} (${b.profile.bytes} bytes): ${b.profile.nodes.toLocaleString('en')} nodes, ${b.profile.samples.toLocaleString('en')} samples and time deltas, position ticks on about a third of the nodes.`,
    `- Command: \`hotpath analyze FILE --json\` (the streaming reader in a worker thread), one run under \`/usr/bin/time -v\`.`,
    `- Result: ${b.run.ok ? `exit 0, ${(b.run.wallMs / 1000).toFixed(1)} s wall clock, ${b.run.cpuS.toFixed(1)} s of CPU (user + system), peak resident set ${b.run.maxRssMb.toFixed(0)} MB` : `FAILED: ${b.run.note}`}.`,
    '',
    'Reproduce: `HOTPATH_BENCH_ONLY=profile-analysis npm run bench` (also measures the 100 MB comparison; see BENCHMARKS.md).',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'big-profile.md'), text);
}
