// The HTML report as text: self-contained, strict CSP whose hashes match the
// inlined style and script, escaped content, bounded size. The browser test
// (htmlReport.browser.test.ts) checks that it actually renders.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { renderHtml } from '../../../src/engine/report/htmlReport';
import { buildFlameGraph } from '../../../src/engine/report/flameGraphData';
import type { CpuProfile } from '../../../src/engine/cpu/cpuProfile';
import { ATTR_PAYLOAD, erroredRun, fixtureProfile, fixtureRun, hostileRun, SCRIPT_PAYLOAD } from './reportFixtures';

const between = (html: string, open: RegExp, close: string): string[] => {
  const out: string[] = [];
  for (const m of html.matchAll(new RegExp(`${open.source}([\\s\\S]*?)${close}`, 'g'))) out.push(m[1]);
  return out;
};

test('the report references nothing outside itself', () => {
  const html = renderHtml(fixtureRun(), { cpuProfile: fixtureProfile() });
  assert.doesNotMatch(html, /https?:\/\//i, 'no http(s) URL anywhere in the document');
  const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '<script></script>');
  assert.doesNotMatch(markup, /\s(src|href|srcset|action|formaction|poster|data|xlink:href)\s*=/i, 'no element loads or links a resource');
  assert.doesNotMatch(markup, /<(link|iframe|object|embed|img|base|frame|audio|video|source)\b/i);
  assert.doesNotMatch(html, /@import|url\(/i);
  assert.doesNotMatch(html, /\b(fetch|XMLHttpRequest|WebSocket|EventSource|importScripts|sendBeacon)\b|import\(/, 'the script opens no connection');
});

test('a strict CSP allows exactly the inlined style and script, by hash', () => {
  const html = renderHtml(fixtureRun(), { cpuProfile: fixtureProfile() });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, 'CSP meta present');
  const policy = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(policy.get('default-src'), ["'none'"]);
  assert.deepEqual(policy.get('img-src'), ['data:']);
  assert.deepEqual(policy.get('base-uri'), ["'none'"]);
  const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
  const styles = between(html, /<style>/, '</style>');
  const scripts = between(html, /<script>/, '</script>');
  assert.equal(styles.length, 1);
  assert.equal(scripts.length, 1, 'one executable script');
  assert.deepEqual(policy.get('style-src'), [hash(styles[0])]);
  assert.deepEqual(policy.get('script-src'), [hash(scripts[0])]);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
  assert.doesNotMatch(html, /\sstyle\s*=/i, 'no style attributes (the CSP would block them)');
});

test('rendering is deterministic (hashes, not nonces)', () => {
  const run = fixtureRun();
  const profile = fixtureProfile();
  assert.equal(renderHtml(run, { cpuProfile: profile }), renderHtml(run, { cpuProfile: profile }));
});

test('the data block is JSON with every "<" escaped, holding charts and the flame graph', () => {
  const html = renderHtml(fixtureRun(), { cpuProfile: fixtureProfile() });
  const blocks = between(html, /<script type="application\/json" id="hotpath-data">/, '</script>');
  assert.equal(blocks.length, 1);
  assert.ok(!blocks[0].includes('<'));
  const data = JSON.parse(blocks[0]);
  assert.deepEqual(data.charts.map((c: { id: string }) => c.id), ['chart-throughput', 'chart-latency', 'chart-memory', 'chart-event-loop']);
  assert.ok(data.flame.frames.length > 10);
  assert.equal(data.flame.frames[data.flame.root[0]].category, 'root');
});

test('the report holds the Markdown content: verdict, budgets with margin, endpoints, hot functions and lines, findings, environment', () => {
  const run = fixtureRun();
  const html = renderHtml(run, { cpuProfile: fixtureProfile() });
  assert.match(html, /<div class="verdict failed"/);
  assert.match(html, /<code>http\.p99<\/code><\/td><td>&lt; 100ms<\/td><td class="num">154\.5 ms<\/td><td><span class="pill fail">fail<\/span><\/td><td class="num"><span class="over">54\.5% over<\/span>/);
  for (const e of run.load!.endpoints) assert.ok(html.includes(`<code>${e.method} ${e.path}</code>`), e.path);
  assert.ok(html.includes('<code>computePriceStats</code></td><td><code>src/pricing.js:16</code>'));
  assert.ok(html.includes('<code>src/pricing.js:39</code>'));
  assert.ok(html.includes('computePriceStats is the hottest function in your code'));
  assert.ok(html.includes(run.environment.gitCommit!));
  assert.ok(html.includes('<dt>Node.js</dt><dd>v20.20.2</dd>'));
  assert.ok(html.includes('42 collections (minor 36, major 3, incremental 3), 252 ms paused in total, 3.65% of the time observed.'));
  assert.ok(html.includes('6,554 queries captured, 799 ms in total, 12 distinct statements; no N+1 pattern.'));
  assert.ok(html.includes('<code class="sql">SELECT id, name, email, city FROM customers WHERE id = ?</code></td><td class="num">3,675</td>'));
});

test('sections without data say so; a missing profile is explained, not fatal', () => {
  const html = renderHtml(erroredRun(), {});
  assert.match(html, /<div class="verdict error"/);
  assert.ok(html.includes('The service did not answer http://127.0.0.1:40123/health within 15 s'));
  for (const text of [
    'Budgets were not evaluated: the run did not complete.',
    'No load timeline was recorded: no request completed.',
    'No load results: no request completed.',
    'No CPU profile was recorded.',
    'No memory, GC or event-loop data was recorded in this run.',
    'No queries were captured in this run.',
    'No findings.',
  ]) {
    assert.ok(html.includes(text), text);
  }
  const noFlame = renderHtml(fixtureRun(), { cpuProfile: null, cpuProfileProblem: 'cpu.cpuprofile is missing from the run folder (ENOENT)' });
  assert.ok(noFlame.includes('No flame graph: cpu.cpuprofile is missing from the run folder (ENOENT).'));
  assert.ok(!noFlame.includes('id="flame-canvas"'));
});

test('text from the run is escaped everywhere', () => {
  const { run, profile } = hostileRun();
  const html = renderHtml(run, { cpuProfile: profile });
  assert.ok(!html.includes(SCRIPT_PAYLOAD), 'no raw <script> payload');
  assert.ok(!html.includes(ATTR_PAYLOAD), 'no raw attribute-breaking payload');
  assert.ok(!html.includes('<img'), 'no injected element');
  assert.ok(html.includes('&lt;script&gt;window.__pwned=1&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=window.__pwned=2&gt;'));
  assert.equal((html.match(/<script/g) ?? []).length, 2, 'only the data block and the report script');
  const data = between(html, /<script type="application\/json" id="hotpath-data">/, '</script>')[0];
  assert.ok(JSON.parse(data).flame.frames.some((f: { name: string }) => f.name === '<script>window.__pwned=1</script>"><img src=x onerror=window.__pwned=2>'));
});

test('the demo report is far below 1 MB', () => {
  const bytes = Buffer.byteLength(renderHtml(fixtureRun(), { cpuProfile: fixtureProfile() }));
  assert.ok(bytes < 200_000, `${bytes} bytes`);
});

test('flame graph data: busy time only, totals add up, frames under 0.1% folded into their callers', () => {
  const run = fixtureRun();
  const flame = buildFlameGraph(fixtureProfile());
  const busyUs = (run.cpu!.durationMs - run.cpu!.buckets.idle) * 1000;
  assert.ok(Math.abs(flame.totalUs - busyUs) < 2000, `${flame.totalUs} µs vs ${busyUs} µs busy`);
  assert.ok(!flame.frames.some((f) => f.name === '(idle)'));
  const walk = [flame.root];
  let nodes = 0;
  while (walk.length) {
    const [, total, self, children] = walk.pop()!;
    nodes++;
    const sum = self + children.reduce((s, c) => s + c[1], 0);
    assert.ok(Math.abs(sum - total) <= children.length + 1, 'self + children = total (µs rounding)');
    for (const c of children) assert.ok(c[1] >= flame.totalUs * 0.001, 'every kept frame is at least 0.1%');
    walk.push(...children);
  }
  assert.ok(flame.foldedFrames > 0);
  assert.ok(nodes < 200, `${nodes} nodes kept`);
});

test('flame graph data stays bounded on a huge, flat profile', () => {
  // 20,000 distinct functions, each sampled once: all fold into the root.
  const nodes: CpuProfile['nodes'] = [{ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [] }];
  const samples: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    nodes.push({ id: i + 2, callFrame: { functionName: `f${i}`, scriptId: '1', url: 'file:///app/big.js', lineNumber: i, columnNumber: 0 } });
    nodes[0].children!.push(i + 2);
    samples.push(i + 2);
  }
  const profile: CpuProfile = { nodes, startTime: 0, endTime: 20_000_000, samples, timeDeltas: samples.map(() => 1000) };
  const flame = buildFlameGraph(profile);
  assert.equal(flame.root[3].length, 0);
  assert.equal(flame.frames.length, 1);
  assert.equal(flame.foldedFrames, 20_000);
  const html = renderHtml(fixtureRun(), { cpuProfile: profile });
  assert.ok(Buffer.byteLength(html) < 200_000);
});
