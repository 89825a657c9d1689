// Finding Artillery and k6, the loopback guard over their scenario files and
// k6's own address block list, and the sentences when a tool is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assertScenarioUrlsLoopback, findExecutable, urlsIn, writtenHost } from '../../../src/engine/load/externalTool';
import { K6_MISSING, nonLoopbackCidrs, preflightK6 } from '../../../src/engine/load/k6';
import { ARTILLERY_MISSING, preflightArtillery } from '../../../src/engine/load/artillery';
import { preflightLoad } from '../../../src/engine/load/loadRunner';
import { parseConfig, substitutePort } from '../../../src/engine/config';
import { loadFixture } from './loadHarness';

const loadOf = (load: object) => substitutePort(parseConfig({ service: { command: 'node', readyUrl: 'http://127.0.0.1:${port}/h' }, load }), 4321).load;

test('findExecutable: the workspace node_modules/.bin, a parent one, then PATH', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-exe-'));
  const ws = path.join(dir, 'packages', 'api');
  const pathDir = path.join(dir, 'bin');
  for (const d of [path.join(dir, 'node_modules', '.bin'), ws, pathDir]) fs.mkdirSync(d, { recursive: true });
  const exe = (file: string) => {
    fs.writeFileSync(file, '#!/bin/sh\n');
    fs.chmodSync(file, 0o755);
  };
  exe(path.join(pathDir, 'k6'));
  exe(path.join(dir, 'node_modules', '.bin', 'artillery'));
  fs.writeFileSync(path.join(pathDir, 'notexec'), '');
  assert.equal(findExecutable('artillery', ws, pathDir), path.join(dir, 'node_modules', '.bin', 'artillery'), 'a monorepo root install counts');
  assert.equal(findExecutable('k6', ws, pathDir), path.join(pathDir, 'k6'));
  assert.equal(findExecutable('notexec', ws, pathDir), null, 'not executable');
  assert.equal(findExecutable('nothere', ws, pathDir), null);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('URLs in scenario files, with placeholders kept, and their hosts', () => {
  const text = `target: "http://127.0.0.1:\${port}"\nurl: 'https://api.example.com/v1?x=1'\nhttp.get(\`\${__ENV.TARGET}/items\`)\nfetch("http://{{ host }}:80/x")`;
  assert.deepEqual(urlsIn(text), ['http://127.0.0.1:${port}', 'https://api.example.com/v1?x=1', 'http://{{ host }}:80/x']);
  assert.equal(writtenHost('http://127.0.0.1:${port}/a'), '127.0.0.1');
  assert.equal(writtenHost('http://user:pw@localhost:{{ port }}'), 'localhost');
  assert.equal(writtenHost('http://[::1]:8080/x'), '[::1]');
  assert.equal(writtenHost('https://api.example.com'), 'api.example.com');
  assert.equal(writtenHost('http://${HOST}/x'), '${HOST}');
});

test('loopback guard over scenario files: other hosts and placeholder hosts are refused unless allowed', () => {
  assert.doesNotThrow(() => assertScenarioUrlsLoopback('url: http://localhost:${port}/a\nurl: http://[::1]:80/\nurl: /relative', 'a.yml', false));
  assert.throws(
    () => assertScenarioUrlsLoopback('target: "https://api.example.com"', 'a.yml', false),
    /^HotpathError: Refusing to run a\.yml: it sends requests to https:\/\/api\.example\.com, and Hotpath only loads loopback addresses .* unless load\.allowNonLoopback is true/,
  );
  assert.throws(() => assertScenarioUrlsLoopback('http.get(`http://${__ENV.HOST}/x`)', 's.js', false), /a host Hotpath cannot check before the run/);
  assert.doesNotThrow(() => assertScenarioUrlsLoopback('target: "https://api.example.com"', 'a.yml', true));
});

/** Does the IPv4 or IPv6 CIDR contain the address? */
function contains(cidr: string, address: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const toBig = (a: string): { v: bigint; width: number } | null => {
    if (a.includes('.')) {
      if (net.includes(':')) return null;
      return { v: a.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n), width: 32 };
    }
    if (!net.includes(':')) return null;
    const [head, tail = ''] = a.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = a.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return { v: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n), width: 128 };
  };
  const n = toBig(net);
  const x = toBig(address);
  if (!n || !x) return false;
  const shift = BigInt(n.width - bits);
  return n.v >> shift === x.v >> shift;
}

test("k6's block list covers every address but loopback", () => {
  const cidrs = nonLoopbackCidrs();
  const blocked = (a: string) => cidrs.some((c) => contains(c, a));
  for (const a of ['127.0.0.1', '127.255.255.254', '::1']) assert.ok(!blocked(a), `${a} stays reachable`);
  for (const a of ['0.0.0.0', '10.0.0.1', '126.255.255.255', '128.0.0.0', '192.168.1.1', '255.255.255.255', '::', '::2', '2001:db8::1', 'fe80::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) {
    assert.ok(blocked(a), `${a} is blocked`);
  }
  assert.equal(cidrs.filter((c) => c.includes(':')).length, 128);
});

test('a missing tool is one sentence saying how to install it, before anything starts', () => {
  const oldPath = process.env.PATH;
  process.env.PATH = '';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-notools-'));
  try {
    assert.throws(() => preflightK6(loadOf({ engine: 'k6', scenarioFile: 'script.js' }), root), (err: Error) => err.message === K6_MISSING);
    assert.throws(() => preflightArtillery(loadOf({ engine: 'artillery', scenarioFile: 's.yml' }), root, 1), (err: Error) => err.message === ARTILLERY_MISSING);
  } finally {
    process.env.PATH = oldPath;
    fs.rmSync(root, { recursive: true, force: true });
  }
  assert.match(K6_MISSING, /^k6 is not installed: .*install it as https:\/\/grafana\.com\/docs\/k6\/latest\/set-up\/install-k6\/ says/);
  assert.match(ARTILLERY_MISSING, /^Artillery is not installed: .*PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install -D artillery/);
});

test('preflight: the scenario file must exist, and its URLs and the target must be loopback', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-pre-'));
  const bin = path.join(root, 'node_modules', '.bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const tool of ['artillery', 'k6']) {
    fs.writeFileSync(path.join(bin, tool), '#!/bin/sh\n');
    fs.chmodSync(path.join(bin, tool), 0o755);
  }
  try {
    assert.throws(() => preflightLoad(loadOf({ engine: 'artillery', scenarioFile: 'nope.yml' }), root, 1), /^HotpathError: Cannot read the Artillery scenario file .*nope\.yml given in load\.scenarioFile \(ENOENT\)/);
    fs.copyFileSync(loadFixture('artillery-scenario.yml'), path.join(root, 's.yml'));
    const { text } = preflightArtillery(loadOf({ engine: 'artillery', scenarioFile: 's.yml' }), root, 4321);
    assert.match(text, /target: "http:\/\/127\.0\.0\.1:4321"/, '${port} is filled in');
    fs.writeFileSync(path.join(root, 'remote.js'), "import http from 'k6/http';\nexport default () => http.get('https://shop.example.com/');\n");
    assert.throws(() => preflightLoad(loadOf({ engine: 'k6', scenarioFile: 'remote.js' }), root, 1), /Refusing to run .*remote\.js: it sends requests to https:\/\/shop\.example\.com\//);
    assert.throws(() => preflightLoad(loadOf({ engine: 'artillery', scenarioFile: 's.yml', target: 'http://10.1.2.3:8080' }), root, 1), /Refusing to send load to http:\/\/10\.1\.2\.3:8080/);
    assert.doesNotThrow(() => preflightLoad(loadOf({ engine: 'k6', scenarioFile: 'remote.js', target: 'http://10.1.2.3', allowNonLoopback: true }), root, 1));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
