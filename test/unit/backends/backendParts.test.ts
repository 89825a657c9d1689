import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StopSwitch, shellQuote } from '../../../src/engine/backends/stopSwitch';
import { findTool, requireTool } from '../../../src/engine/backends/toolLocator';
import { readDoctorAnalysis, DOCTOR_TITLES } from '../../../src/engine/backends/clinicBackend';
import { heapHotspots, isHeapProfile } from '../../../src/engine/backends/heapHotspots';
import { createBackend } from '../../../src/engine/backends';
import { childrenOf, groupCpuMs, processStartWallMs, readStat } from '../../../src/engine/backends/processTree';
import { HotpathError } from '../../../src/engine/events';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-backends-'));

/** What 0x and Clinic do with an --on-port command: env-string's $NAME expansion (the package both use), then /bin/sh -c. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const envString: (str: string, env: Record<string, string>) => string = require('env-string');

test("the stop switch's command survives env-string and sh, and ends when the switch is released", async () => {
  const sw = new StopSwitch();
  await sw.start();
  try {
    const cmd = envString(sw.command(process.execPath), { PORT: '1234' });
    const child = spawn('/bin/sh', ['-c', cmd], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    assert.equal(await sw.waitConnected(10_000), true, 'the command connected');
    assert.equal(sw.connected, true);
    let done = false;
    void exited.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(done, false, 'it waits while the switch holds');
    sw.release();
    assert.equal(await exited, 0);
  } finally {
    await sw.close();
  }
});

test('shell quoting keeps quotes and $ literal through env-string and sh', async () => {
  const value = `it's $HOME and \${PORT} and $`;
  const out = await new Promise<string>((resolve) => {
    const child = spawn('/bin/sh', ['-c', `printf %s ${envString(shellQuote(value), { PORT: '1' })}`]);
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('close', () => resolve(text));
  });
  assert.equal(out, value);
});

test('tools are found in node_modules/.bin of the workspace or a folder above it, then on PATH', () => {
  const root = tmp();
  const ws = path.join(root, 'repo', 'packages', 'api');
  fs.mkdirSync(ws, { recursive: true });
  assert.equal(findTool('0x', [ws], ''), null);
  const bin = path.join(root, 'repo', 'node_modules', '.bin');
  fs.mkdirSync(bin, { recursive: true });
  const pkg = path.join(root, 'repo', 'node_modules', '0x');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '0x', version: '6.0.0' }));
  fs.writeFileSync(path.join(pkg, 'cmd.js'), '#!/usr/bin/env node\n', { mode: 0o755 });
  fs.symlinkSync(path.join(pkg, 'cmd.js'), path.join(bin, '0x'));
  assert.deepEqual(findTool('0x', [ws], ''), { tool: '0x', bin: path.join(bin, '0x'), version: '6.0.0' });
  // On PATH only.
  const global = path.join(root, 'global-bin');
  fs.mkdirSync(global);
  fs.writeFileSync(path.join(global, 'clinic'), '#!/bin/sh\n', { mode: 0o755 });
  assert.equal(findTool('clinic', [ws], global)?.bin, path.join(global, 'clinic'));
  // A file that is not executable does not count.
  fs.writeFileSync(path.join(bin, 'clinic'), '', { mode: 0o644 });
  assert.equal(findTool('clinic', [ws], '')?.bin, undefined);
  fs.rmSync(root, { recursive: true, force: true });
});

test('a missing tool is one sentence with the install command', () => {
  const root = tmp();
  assert.throws(
    () => requireTool('clinic', 'clinic-doctor', root, root, ''),
    (err: unknown) =>
      err instanceof HotpathError &&
      /^profile\.backend "clinic-doctor" needs Clinic\.js \(the clinic command\), which is not installed in this workspace's node_modules nor on PATH: install it with `npm install --save-dev clinic` in .+ \(or globally with `npm install -g clinic`\), or use the built-in "inspector" backend\.$/.test(
        err.message,
      ),
  );
  // A service that is not started by node cannot be wrapped.
  assert.throws(() => createBackend('0x')!.check(root, root, 'npm'), /profile\.backend "0x" starts the service with node itself, so service\.command must be "node"/);
  assert.equal(createBackend('inspector'), null);
  fs.rmSync(root, { recursive: true, force: true });
});

test("Doctor's verdict is read from the clinic-data JSON in its report", () => {
  const dir = tmp();
  const file = path.join(dir, '1.clinic-doctor.html');
  const data = { traceEvent: [], processStat: [], analysis: { interval: [1, 2], issues: { delay: 'performance', cpu: 'none', memory: { rss: 'none' }, handles: 'none', loopUtilization: 'performance' }, issueCategory: 'event-loop' } };
  fs.writeFileSync(file, `<!DOCTYPE html><html><head><script>var x = "<\\/script>"</script></head><body><script type="application/json" id="clinic-data">${JSON.stringify(data)}</script></body></html>\n<!-- {"tool":"doctor"} -->\n`);
  assert.deepEqual(readDoctorAnalysis(file), { issues: data.analysis.issues, issueCategory: 'event-loop' });
  assert.equal(DOCTOR_TITLES['event-loop'], 'a potential Event Loop issue');
  fs.writeFileSync(file, '<html>no data</html>');
  assert.equal(readDoctorAnalysis(file), null);
  assert.equal(readDoctorAnalysis(path.join(dir, 'missing.html')), null);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('heap hotspots: bytes per function across the tree, largest first', () => {
  const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '1' });
  const profile = {
    head: {
      callFrame: frame('(root)'),
      selfSize: 0,
      children: [
        { callFrame: frame('exportOrders', 'file:///srv/demo/src/exporter.js', 15), selfSize: 600, children: [{ callFrame: frame('map', '', -1), selfSize: 100, children: [] }] },
        { callFrame: frame('other', 'file:///srv/demo/src/exporter.js', 40), selfSize: 200, children: [{ callFrame: frame('exportOrders', 'file:///srv/demo/src/exporter.js', 15), selfSize: 100, children: [] }] },
      ],
    },
    samples: [],
  };
  assert.equal(isHeapProfile(profile), true);
  assert.equal(isHeapProfile({ nodes: [] }), false);
  const top = heapHotspots(profile, { root: '/srv/demo' });
  assert.deepEqual(top[0], { name: 'exportOrders', file: 'src/exporter.js', line: 16, column: 1, selfBytes: 700, selfPct: 70 });
  assert.deepEqual(
    top.map((h) => h.name),
    ['exportOrders', 'other', 'map'],
  );
});

test('process table: a child, its start time and the CPU of its process group', async () => {
  // The child spins for 300 ms of its own CPU time (not of wall time, which a
  // busy machine stretches) and says when it is done.
  const spawnedAt = Date.now();
  const child = spawn(
    process.execPath,
    ['-e', 'const t = process.cpuUsage(); while (process.cpuUsage(t).user < 300000); console.log("spun"); setTimeout(() => {}, 30000)'],
    { detached: true, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  try {
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    const stat = readStat(child.pid!);
    assert.ok(stat, 'readable from /proc');
    assert.equal(stat!.pgrp, child.pid, 'detached: its own group');
    assert.ok(childrenOf(process.pid).some((c) => c.pid === child.pid));
    const started = processStartWallMs(child.pid!)!;
    assert.ok(Math.abs(started - spawnedAt) < 400, `started ${started - spawnedAt} ms after the spawn call`);
    assert.ok(groupCpuMs(child.pid!) >= 200, `group CPU ${groupCpuMs(child.pid!)} ms`);
  } finally {
    child.kill('SIGKILL');
  }
});
