// Every CPU export opened in speedscope's own importer: speedscope ships only
// its browser build (no importer module runs under Node), so its index.html is
// loaded from node_modules in headless Chromium, offline, and each file goes in
// through its file input as a user would pick it. speedscope reads speedscope
// JSON, pprof, folded stacks and Chrome .cpuprofile, which covers all four.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { toCollapsed } from '../../../src/engine/export/collapsed';
import { toPprof } from '../../../src/engine/export/pprof';
import { toSpeedscope } from '../../../src/engine/export/speedscope';
import { FIXTURE_RUN_DIR, fixtureProfile, fixtureRun, repoRoot, resultsDir, writeResult } from './reportFixtures';

const speedscopeDir = path.join(repoRoot, 'node_modules', 'speedscope', 'dist', 'release');
let browser: Browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  fs.mkdirSync(path.join(resultsDir, 'screenshots'), { recursive: true });
});
after(async () => {
  await browser?.close();
});

interface Opened {
  title: string;
  importer: string;
  /** The sandwich view's first rows: total, self, symbol. */
  rows: string[][];
}

async function openInSpeedscope(file: string, screenshot?: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, offline: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const outside: string[] = [];
  const logs: string[] = [];
  const errors: string[] = [];
  const ownFiles = pathToFileURL(speedscopeDir).href;
  page.on('request', (r) => {
    if (!r.url().startsWith(ownFiles)) outside.push(r.url());
  });
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(pathToFileURL(path.join(speedscopeDir, 'index.html')).href);
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => (globalThis as any).document.title !== 'speedscope', null, { timeout: 15_000 }); // eslint-disable-line @typescript-eslint/no-explicit-any
    const title = await page.title();
    await page.getByText(/Sandwich$/).click();
    await page.waitForSelector('text=Symbol Name');
    // The sandwich table, sorted by self time; read its first rows as text.
    const text: string = await page.evaluate(() => (globalThis as any).document.body.innerText); // eslint-disable-line @typescript-eslint/no-explicit-any
    const cells = text.slice(text.indexOf('Symbol Name') + 'Symbol Name'.length).split('\n').map((s) => s.trim()).filter(Boolean);
    const rows: string[][] = [];
    for (let i = 0; i + 2 < cells.length && rows.length < 5; i += 3) rows.push(cells.slice(i, i + 3));
    if (screenshot) await page.screenshot({ path: path.join(resultsDir, 'screenshots', screenshot) });
    assert.deepEqual(errors, [], 'no page error');
    assert.deepEqual(outside, [], 'speedscope loaded nothing but its own files');
    return { title, importer: logs.find((l) => l.startsWith('Importing as')) ?? '', rows };
  } finally {
    await context.close();
  }
}

const hot = () => fixtureRun().cpu!.hotFunctions[0];
const seconds = (s: string) => (s.endsWith('ms') ? parseFloat(s) / 1000 : parseFloat(s));

test('speedscope JSON opens in speedscope with its name; the hottest function and its self time match the run', async () => {
  const run = fixtureRun();
  const file = writeResult('cpu.speedscope.json', JSON.stringify(toSpeedscope(fixtureProfile(), { name: `${run.name} ${run.id} (CPU)` })));
  const o = await openInSpeedscope(file, 'speedscope-json.png');
  assert.equal(o.title, `${run.name} ${run.id} (CPU) - speedscope`);
  assert.equal(o.importer, 'Importing as speedscope json file');
  assert.equal(o.rows[0][2], hot().name);
  assert.ok(Math.abs(seconds(o.rows[0][1]) - hot().selfMs / 1000) < 0.01, o.rows[0].join(' | '));
});

test('pprof opens in speedscope through its pprof importer', async () => {
  const run = fixtureRun();
  const file = writeResult('cpu.pb.gz', toPprof(fixtureProfile(), { samplingIntervalMicros: 1000, startedAt: new Date(run.startedAt) }));
  const o = await openInSpeedscope(file);
  assert.equal(o.importer, 'Importing as protobuf encoded pprof file');
  assert.equal(o.rows[0][2], hot().name);
  assert.ok(Math.abs(seconds(o.rows[0][1]) - hot().selfMs / 1000) < 0.01, o.rows[0].join(' | '));
});

test('folded stacks open in speedscope through its collapsed-stack importer', async () => {
  const profile = fixtureProfile();
  const file = writeResult('cpu.collapsed.txt', toCollapsed(profile));
  const o = await openInSpeedscope(file);
  assert.equal(o.importer, 'Importing as collapsed stack format');
  assert.match(o.rows[0][2], new RegExp(`^${hot().name} \\(.*${hot().file.replace(/\./g, '\\.')}:${hot().line}\\)$`));
  const ids = new Set(profile.nodes.filter((n) => n.callFrame.functionName === hot().name).map((n) => n.id));
  assert.equal(Number(o.rows[0][1].replace(/[,\s]|\(.*\)/g, '')), profile.samples.filter((s) => ids.has(s)).length, 'self = samples in the function');
});

test('the .cpuprofile opens in speedscope as a Chrome CPU profile', async () => {
  const o = await openInSpeedscope(path.join(FIXTURE_RUN_DIR, 'cpu.cpuprofile'));
  assert.equal(o.importer, 'Importing as Chrome CPU Profile');
  assert.equal(o.rows[0][2], hot().name);
});
