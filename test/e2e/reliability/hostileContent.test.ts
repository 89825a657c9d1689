// Hostile content: a run whose function names, file paths, URLs, queries,
// messages and config values carry HTML and script payloads, rendered by every
// surface that shows a run (the HTML report through the real CLI, the Markdown
// report, the Report view, the live dashboard) and loaded in headless
// Chromium. No payload may run — checked also with the Content-Security-Policy
// removed, so escaping alone must hold — no dialog may open, and the payload
// must be readable as text. A second part parses every webview's HTML and
// checks its policy. Needs `npm run build` (dist/cli.js, dist/webviews) and
// /usr/bin/chromium.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(md: string): string };
import { contentSecurityPolicy, escapeHtml, nonce, renderWebviewHtml } from '../../../src/extension/webviewHtml';
import { reportViewHtml } from '../../../src/extension/reportViewHtml';
import type { RunRecord } from '../../../src/engine/runRecord';
import { repoRoot, runCli, tempDir } from '../cliHarness';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const goodRun = path.join(repoRoot, 'test', 'fixtures', 'runs', '20261123-182721-cf6277');

/** Each sets window.__pwned (or opens a dialog) if it ever runs. */
export const PAYLOADS = [
  '<img src=x onerror=window.__pwned=1>',
  '</script><script>window.__pwned=1</script>',
  'javascript:window.__pwned=1//',
  `"'><svg onload=window.__pwned=1>`,
  '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
  '</style><script>window.__pwned=1</script>',
  '<a href="javascript:alert(1)">click</a>',
  '--><script>window.__pwned=1</script><!--',
  ']]><script>window.__pwned=1</script>',
  '<details open ontoggle=window.__pwned=1>',
  '${alert(1)}{{constructor.constructor("window.__pwned=1")()}}',
];
const p = (i: number) => PAYLOADS[i % PAYLOADS.length];

/** The fixture run with a payload in every string a report or view shows. */
function hostileRecord(): RunRecord {
  const r = JSON.parse(fs.readFileSync(path.join(goodRun, 'run.json'), 'utf8'));
  let i = 0;
  r.name = `shop ${p(i++)}`;
  r.error = `The service said ${p(i++)}`;
  r.environment.cpuModel = `CPU ${p(i++)}`;
  r.environment.gitCommit = p(i++);
  r.service.command = `node${p(i++)}`;
  r.service.args = PAYLOADS.slice();
  for (const e of r.load.endpoints) e.path = `/products?q=${p(i++)}`;
  for (const f of r.cpu.hotFunctions) {
    f.name = `fn ${p(i++)}`;
    f.file = `src/${p(i++)}.js`;
  }
  for (const l of r.cpu.hotLines) l.file = `src/${p(i++)}.ts`;
  for (const f of r.findings) {
    f.message = `finding ${p(i++)}`;
    if (f.location) f.location.file = p(i++);
  }
  if (r.queries) {
    for (const q of r.queries.nPlusOne ?? []) {
      q.query = `select ${p(i++)} from t where id = ?`;
      q.route = `GET /x${p(i++)}`;
      if (q.callSite) q.callSite.file = p(i++);
    }
    for (const s of r.queries.statements ?? []) s.query = `select '${p(i++)}'`;
  }
  for (const proc of r.processes ?? []) proc.command = `node ${p(i++)}`;
  for (const b of r.budgets) b.expression = `${b.expression} ${p(i++)}`;
  return r;
}

/** The fixture's CPU profile with payloads as function names and script URLs (the flame graph's data). */
function hostileProfile(): string {
  const prof = JSON.parse(fs.readFileSync(path.join(goodRun, 'cpu.cpuprofile'), 'utf8'));
  prof.nodes.forEach((n: { callFrame: { functionName: string; url: string } }, i: number) => {
    if (n.callFrame.url) {
      n.callFrame.functionName = `f${i} ${p(i)}`;
      n.callFrame.url = `file:///app/${encodeURIComponent(p(i + 3))}/${p(i + 5)}.js`;
    }
  });
  return JSON.stringify(prof);
}

let browser: Browser;
let scratch: string;
let runDir: string;
const tally = { surfaces: 0, loads: 0, payloads: PAYLOADS.length, ran: 0 };

before(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  scratch = tempDir('hotpath-hostile-');
  runDir = path.join(scratch, '20261123-182721-hostile');
  fs.cpSync(goodRun, runDir, { recursive: true });
  fs.writeFileSync(path.join(runDir, 'run.json'), JSON.stringify(hostileRecord(), null, 2));
  fs.writeFileSync(path.join(runDir, 'cpu.cpuprofile'), hostileProfile());
});
after(async () => {
  await browser?.close();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

/** Loads `url` (or sets `html`), moves the mouse over the page, then checks nothing ran. */
async function assertInert(what: string, open: (page: Page) => Promise<void>, expectText: string[]): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const popups: string[] = [];
  page.on('popup', (pp) => popups.push(pp.url()));
  try {
    await open(page);
    // Hover and click where charts, the flame graph and tooltips live, and follow no link.
    for (const y of [100, 300, 500, 700]) for (const x of [100, 400, 700, 1000]) await page.mouse.move(x, y);
    await page.waitForTimeout(200);
    const pwned = await page.evaluate('window.__pwned');
    // No element carries an event-handler attribute (an escaped payload is text, not markup).
    const handlers = (await page.evaluate(`[...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => e.tagName + ' ' + a.name))`)) as string[];
    assert.deepEqual(handlers, [], `${what}: elements with event-handler attributes`);
    if (pwned !== undefined || dialogs.length || popups.length) tally.ran++;
    assert.equal(pwned, undefined, `${what}: a payload ran`);
    assert.deepEqual(dialogs, [], `${what}: a dialog opened`);
    assert.deepEqual(popups, [], `${what}: a window opened`);
    const text = (await page.evaluate('document.body.innerText')) as string;
    for (const t of expectText) assert.ok(text.includes(t), `${what}: "${t}" should be visible as text`);
    tally.loads++;
  } finally {
    await page.close();
  }
}

const withoutCsp = (html: string) => html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/gi, '');

describe('hostile content is shown as text and never runs', { timeout: 300_000 }, () => {
  test('HTML report (hotpath report --format html), with and without its CSP', async () => {
    const out = path.join(scratch, 'report.html');
    const r = await runCli(['report', runDir, '--format', 'html', '--out', out], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const html = fs.readFileSync(out, 'utf8');
    for (const payload of PAYLOADS) assert.ok(!html.includes(payload.replace(/^[^<]*/, '')) || !/[<>]/.test(payload), `the raw payload ${payload} is in report.html`);
    const bare = path.join(scratch, 'report-no-csp.html');
    fs.writeFileSync(bare, withoutCsp(html));
    const visible = [`shop ${PAYLOADS[0]}`, `The service said ${PAYLOADS[1]}`];
    await assertInert('HTML report', (page) => page.goto(`file://${out}`).then(() => undefined), visible);
    await assertInert('HTML report without CSP', (page) => page.goto(`file://${bare}`).then(() => undefined), visible);
    tally.surfaces++;
  });

  test('Markdown report: no raw HTML, and rendered with HTML enabled it runs nothing', async () => {
    const out = path.join(scratch, 'report.md');
    const r = await runCli(['report', runDir, '--format', 'md', '--out', out], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const md = fs.readFileSync(out, 'utf8');
    // GitHub renders (sanitised) HTML in Markdown; other renderers do not sanitise. No tag may get through.
    const rendered = new MarkdownIt({ html: true, linkify: true }).render(md);
    const tags = rendered.match(/<(script|img|svg|iframe|details|style)\b[^>]*>/gi) ?? [];
    assert.deepEqual(tags, [], 'tags from the run in the rendered Markdown');
    assert.doesNotMatch(rendered, /href="javascript:/i, 'a javascript: link in the rendered Markdown');
    const page = path.join(scratch, 'report-md.html');
    fs.writeFileSync(page, `<!DOCTYPE html><meta charset="utf-8"><body>${rendered}</body>`);
    await assertInert('Markdown report rendered', (pg) => pg.goto(`file://${page}`).then(() => undefined), ['shop']);
    tally.surfaces++;
  });

  test('Report view (side bar), with and without its CSP', async () => {
    const record = hostileRecord();
    const html = reportViewHtml('http://127.0.0.1:1', 'http://127.0.0.1:1/media/reportView.css', record, 'hotpath.openSource');
    const visible = [`The service said ${PAYLOADS[1]}`];
    await assertInert('Report view', (page) => page.setContent(html), visible);
    await assertInert('Report view without CSP', (page) => page.setContent(withoutCsp(html)), visible);
    tally.surfaces++;
  });

  test('live dashboard (real bundle): a hostile title, phase message and run id', async () => {
    const bundle = path.join(repoRoot, 'dist', 'webviews', 'dashboard.js');
    const css = path.join(repoRoot, 'media', 'dashboard.css');
    const pages = new Map<string, string>();
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = url.pathname === '/dashboard.js' ? fs.readFileSync(bundle) : url.pathname === '/dashboard.css' ? fs.readFileSync(css) : pages.get(url.pathname);
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': url.pathname.endsWith('.js') ? 'text/javascript' : url.pathname.endsWith('.css') ? 'text/css' : 'text/html; charset=utf-8' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const csp of [true, false]) {
        const n = nonce();
        const stub = `<script nonce="${escapeHtml(n)}">window.acquireVsCodeApi = () => ({ postMessage() {}, getState: () => undefined, setState: (s) => s });</script>
    <main id="dashboard" class="dashboard"><p class="dashboard-loading">Loading</p></main>`;
        let html = renderWebviewHtml({ cspSource: origin, nonce: n, scriptUri: `${origin}/dashboard.js`, styleUris: [`${origin}/dashboard.css`], title: 'Hotpath: Live Dashboard', bodyHtml: stub });
        if (!csp) html = withoutCsp(html);
        pages.set(`/d-${csp}.html`, html);
        const title = `Run ${PAYLOADS[0]} ${PAYLOADS[3]}`;
        const message = `Starting ${PAYLOADS[1]}`;
        await assertInert(
          `dashboard${csp ? '' : ' without CSP'}`,
          async (page) => {
            await page.goto(`${origin}/d-${csp}.html`);
            const snapshot = { type: 'snapshot', state: { runId: PAYLOADS[4], title, phase: 'loading', message, ticks: [{ t: 1000, rps: 5, p50: 1, p95: 2, p99: 3, errors: 0, requestsTotal: 5 }], samples: [] } };
            await page.evaluate(`window.postMessage(${JSON.stringify(snapshot)}, '*'); window.postMessage(${JSON.stringify({ type: 'phase', phase: 'loading', message })}, '*');`);
            await page.waitForFunction(`document.body.innerText.includes(${JSON.stringify(message)})`, undefined, { timeout: 30_000 });
          },
          [message],
        );
      }
    } finally {
      server.close();
    }
    tally.surfaces++;
  });

  test('flame graph webview (real bundle): hostile frames, URLs and title', async () => {
    const bundle = path.join(repoRoot, 'dist', 'webviews', 'flameGraph.js');
    const css = path.join(repoRoot, 'media', 'flame.css');
    assert.ok(fs.existsSync(bundle), `${bundle} is missing: run npm run build`);
    const pages = new Map<string, string>();
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = url.pathname === '/flameGraph.js' ? fs.readFileSync(bundle) : url.pathname === '/flame.css' ? fs.readFileSync(css) : pages.get(url.pathname);
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': url.pathname.endsWith('.js') ? 'text/javascript' : url.pathname.endsWith('.css') ? 'text/css' : 'text/html; charset=utf-8' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const profile = JSON.parse(hostileProfile());
    try {
      for (const csp of [true, false]) {
        const n = nonce();
        const stub = `<script nonce="${escapeHtml(n)}">window.acquireVsCodeApi = () => ({ postMessage() {}, getState: () => undefined, setState: (s) => s });</script>
    <main id="flame"><p>Loading the flame graph</p></main>`;
        let html = renderWebviewHtml({ cspSource: origin, nonce: n, scriptUri: `${origin}/flameGraph.js`, styleUris: [`${origin}/flame.css`], title: 'Hotpath: Flame Graph', bodyHtml: stub });
        if (!csp) html = withoutCsp(html);
        pages.set(`/f-${csp}.html`, html);
        const title = `Run ${PAYLOADS[0]} ${PAYLOADS[1]}`;
        await assertInert(
          `flame graph${csp ? '' : ' without CSP'}`,
          async (page) => {
            await page.goto(`${origin}/f-${csp}.html`);
            await page.evaluate(`window.postMessage(${JSON.stringify({ type: 'showProfile', profile, title, baseline: profile, baselineTitle: PAYLOADS[3] }).replace(/</g, '\\u003c')}, '*')`);
            await page.waitForFunction(`document.body.innerText.includes(${JSON.stringify(PAYLOADS[0])})`, undefined, { timeout: 30_000 });
          },
          [PAYLOADS[0]],
        );
      }
    } finally {
      server.close();
    }
    tally.surfaces++;
  });

  test('tally', () => {
    const line = `hostile: ${tally.payloads} payloads, ${tally.surfaces} surfaces, ${tally.loads} page loads in Chromium, ${tally.ran} ran`;
    console.log(line);
    assert.equal(tally.ran, 0);
  });
});

/** The directives of a CSP string. */
function directives(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/i.exec(html);
  assert.ok(m, 'the document has a Content-Security-Policy meta tag');
  return m[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** `hashes`: a static file (the HTML report) may allow its inline scripts by hash instead of nonce. */
function assertStrict(what: string, html: string, hashes = false): void {
  const csp = directives(cspOf(html));
  assert.deepEqual(csp.get('default-src'), ["'none'"], `${what}: default-src 'none'`);
  for (const [name, values] of csp) {
    for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'http:', 'https:', "'unsafe-hashes'"]) assert.ok(!values.includes(bad), `${what}: ${name} allows ${bad}`);
  }
  const scripts = [...html.matchAll(/<script\b([^>]*)>/gi)];
  const scriptSrc = csp.get('script-src');
  if (scripts.length) {
    const source = hashes ? /^'(nonce-[A-Za-z0-9+/=]{16,}|sha(256|384|512)-[A-Za-z0-9+/=]{40,})'$/ : /^'nonce-[A-Za-z0-9+/=]{16,}'$/;
    assert.ok(scriptSrc && scriptSrc.length > 0 && scriptSrc.every((v) => source.test(v)), `${what}: scripts only by ${hashes ? 'nonce or hash' : 'nonce'}, got ${scriptSrc}`);
    const nonces = scriptSrc.filter((v) => v.startsWith("'nonce-")).map((v) => v.slice(7, -1));
    if (!hashes) for (const s of scripts) assert.ok(nonces.some((n) => s[1].includes(`nonce="${n}"`)), `${what}: a <script> without the nonce: ${s[0]}`);
  } else {
    assert.ok(!scriptSrc, `${what}: runs no script, so it allows none`);
  }
}

describe('every webview and the HTML report have a strict CSP', () => {
  test('dashboard shell (renderWebviewHtml): default-src none, script by nonce, no unsafe-inline', () => {
    const n = nonce();
    const html = renderWebviewHtml({ cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce: n, scriptUri: 'https://x/dashboard.js', styleUris: ['https://x/d.css'], title: PAYLOADS[1], bodyHtml: '<main></main>' });
    assertStrict('dashboard', html);
    assert.ok(!html.includes(PAYLOADS[1]), 'the title is escaped');
    assert.notEqual(nonce(), n, 'a fresh nonce for every document');
    assert.match(contentSecurityPolicy('vscode-resource:', n), /^default-src 'none'/);
  });

  test('Report view: default-src none and no script at all', () => {
    assertStrict('Report view', reportViewHtml('https://file+.vscode-resource.vscode-cdn.net', 'https://x/r.css', hostileRecord(), 'hotpath.openSource'));
    assertStrict('Report view (empty)', reportViewHtml('https://file+.vscode-resource.vscode-cdn.net', 'https://x/r.css', null, 'hotpath.openSource'));
  });

  test('HTML report: default-src none, scripts by nonce', async () => {
    const out = path.join(scratch, 'csp-report.html');
    const r = await runCli(['report', runDir, '--format', 'html', '--out', out], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assertStrict('HTML report', fs.readFileSync(out, 'utf8'), true);
  });

  test('every webview the extension creates is one of those checked here', () => {
    const dir = path.join(repoRoot, 'src', 'extension');
    const assigners = fs
      .readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /\.html\s*=/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
    for (const f of assigners) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const lines = text.split('\n').filter((l) => /\.html\s*=/.test(l));
      for (const l of lines) assert.match(l, /=\s*(reportViewHtml|dashboardHtml|renderWebviewHtml|\w+Html)\(/, `${f}: a webview's HTML not built by a checked function: ${l.trim()}`);
    }
    assert.ok(assigners.length >= 2, `found ${assigners.length} webview hosts`);
  });
});
