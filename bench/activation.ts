// Extension activation time in a real VS Code (code-server + Chromium), as VS
// Code itself records it: code loading (the bundle's require) plus the
// activate() call, shown per extension by "Developer: Show Running
// Extensions". The demo folder activates Hotpath at startup
// (workspaceContains:hotpath.config.json); each round reloads the window.
//   HOTPATH_ACTIVATION_ROUNDS (default 7)

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startCodeServer } from '../test/integration/codeServer';
import { Workbench } from '../test/integration/workbench';

export interface ActivationResult {
  /** Milliseconds per window load: code loading + activate call. */
  times: number[];
  median: number;
  min: number;
  max: number;
  /** Wall time of require('dist/extension.js') in fresh Node processes (no VS Code API behind it), median ms. */
  requireMedian: number;
}

export async function measureActivation(root: string, rounds: number): Promise<ActivationResult> {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-activation-runs-'));
  const server = await startCodeServer({ name: 'bench-activation', settings: { 'hotpath.runsDirectory': runsDir } });
  const times: number[] = [];
  let wb: Workbench | undefined;
  try {
    wb = await Workbench.launch({ name: 'bench-activation' });
    await wb.open(server.url, path.join(root, 'examples', 'demo'));
    for (let i = 0; i < rounds; i++) {
      if (i > 0) {
        await wb.page.reload();
        await wb.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
        await wb.page.waitForFunction(() => performance.getEntriesByName('code/didLoadExtensions').length > 0, undefined, { timeout: 60_000 });
      }
      times.push(await readActivation(wb));
      process.stderr.write(`activation round ${i + 1}/${rounds}: ${times[times.length - 1]} ms\n`);
    }
  } finally {
    await wb?.close();
    await server.stop();
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { times, median: median(sorted), min: sorted[0], max: sorted[sorted.length - 1], requireMedian: requireTime(root, rounds) };
}

/** "Startup Activation: 23ms" in the Running Extensions editor's Hotpath row. */
async function readActivation(wb: Workbench): Promise<number> {
  await wb.runCommand('Developer: Show Running Extensions');
  const row = wb.page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: 'Hotpath' }).first();
  const label = row.locator('.activation-time');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = (await label.textContent({ timeout: 60_000 }).catch(() => '')) ?? '';
    const m = /Activation: (\d+)\s*ms/.exec(text);
    if (m) return Number(m[1]);
    if (Date.now() > deadline) throw new Error(`no activation time for Hotpath in Running Extensions (saw "${text}")`);
    await wb.page.waitForTimeout(250);
  }
}

/** The bundle's load cost alone: require() in fresh processes, `vscode` answered by an inert stub. */
function requireTime(root: string, rounds: number): number {
  const bundle = path.join(root, 'dist', 'extension.js');
  const script = `
    const Module = require('module');
    const stub = new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? {} : stub), apply: () => stub, construct: () => ({}) });
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (req, ...rest) { return req === 'vscode' ? 'vscode' : resolve.call(this, req, ...rest); };
    require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub };
    const t0 = process.hrtime.bigint();
    require(${JSON.stringify(bundle)});
    process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6));`;
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const r = require('child_process').spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`requiring the bundle failed: ${r.stderr}`);
    out.push(Number(r.stdout));
  }
  return median(out.sort((a, b) => a - b));
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function activationBlock(r: ActivationResult, environment: string): string {
  return [
    environment,
    '',
    '| Measure | median | min–max | target |',
    '| --- | ---: | ---: | ---: |',
    `| Activation in VS Code (code loading + activate(), Running Extensions), ${r.times.length} window loads | ${r.median} ms | ${r.min}–${r.max} ms | ≤ 50 ms |`,
    `| require of dist/extension.js alone (fresh Node process, VS Code API stubbed) | ${r.requireMedian.toFixed(1)} ms | | |`,
    '',
    `Rounds: ${r.times.join(', ')} ms.`,
  ].join('\n');
}

if (require.main === module) {
  const root = path.resolve(__dirname, '../..');
  measureActivation(root, Number(process.env.HOTPATH_ACTIVATION_ROUNDS ?? 7))
    .then((r) => process.stdout.write(`${activationBlock(r, '')}\n`))
    .catch((err) => {
      process.stderr.write(`activation bench failed: ${err?.stack ?? err}\n`);
      process.exit(1);
    });
}
