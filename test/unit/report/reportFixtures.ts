// The run the report tests read: a real `hotpath run` of the demo service
// (6 s of load, one budget broken on purpose; the probe's install path
// rewritten to a user's extension folder), saved under test/fixtures/runs,
// plus variants built from it: hostile strings everywhere a run carries text,
// and a run that never got going.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CpuProfile } from '../../../src/engine/cpu/cpuProfile';
import type { RunRecord } from '../../../src/engine/runRecord';

/** The repository root (tests run from out/test/unit/report). */
export const repoRoot = process.env.HOTPATH_REPO_ROOT ?? path.resolve(__dirname, '../../../..');
export const FIXTURE_RUN_DIR = path.join(repoRoot, 'test', 'fixtures', 'runs', '20261123-182721-cf6277');
export const GOLDEN_DIR = path.join(repoRoot, 'test', 'fixtures', 'reports');
export const resultsDir = path.join(repoRoot, 'test-results');

export function fixtureRun(): RunRecord {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE_RUN_DIR, 'run.json'), 'utf8')) as RunRecord;
}

export function fixtureProfile(): CpuProfile {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE_RUN_DIR, 'cpu.cpuprofile'), 'utf8')) as CpuProfile;
}

export const SCRIPT_PAYLOAD = '<script>window.__pwned=1</script>';
export const ATTR_PAYLOAD = '"><img src=x onerror=window.__pwned=2>';
export const HOSTILE = `${SCRIPT_PAYLOAD}${ATTR_PAYLOAD}`;

/** The fixture with hostile text in every field a service, a config or a profile controls. */
export function hostileRun(): { run: RunRecord; profile: CpuProfile } {
  const run = fixtureRun();
  run.name = `shop ${HOSTILE}`;
  run.error = `boom ${HOSTILE}`;
  run.scenario = `load${ATTR_PAYLOAD}`;
  run.environment.cpuModel = `CPU ${HOSTILE}`;
  run.environment.gitCommit = `abc${SCRIPT_PAYLOAD}`;
  run.service.args = ['server.js', HOSTILE];
  run.load!.endpoints[0].path = `/products/${HOSTILE}`;
  run.budgets[0].expression = `< 500ms ${HOSTILE}`;
  run.cpu!.hotFunctions[0].name = HOSTILE;
  run.cpu!.hotFunctions[0].file = `src/${ATTR_PAYLOAD}.js`;
  run.cpu!.hotLines[0].file = `src/${SCRIPT_PAYLOAD}.js`;
  run.findings.push({ kind: 'n-plus-one', severity: 'warning', message: `N+1 ${HOSTILE}`, location: { file: `src/${HOSTILE}.js`, line: 3, column: 1 } });
  run.queries!.nPlusOne.push({ query: `select * from t where x = '${HOSTILE}'`, count: 25, totalMs: 61, route: `GET /orders${HOSTILE}`, callSite: { file: `src/${HOSTILE}.js`, line: 12, column: 5 }, requests: 200 });
  run.queries!.statements[0].query = `select '${HOSTILE}'`;
  run.queries!.statements[0].callSites[0].file = `src/${ATTR_PAYLOAD}.js`;
  run.queries!.statements[0].routes = [`GET /${SCRIPT_PAYLOAD}`];
  const profile = fixtureProfile();
  for (const n of profile.nodes) {
    if (n.callFrame.functionName === 'computePriceStats') n.callFrame.functionName = HOSTILE;
    if (n.callFrame.url.endsWith('/src/exporter.js')) n.callFrame.url = n.callFrame.url.replace('/src/exporter.js', `/src/${encodeURIComponent(ATTR_PAYLOAD)}.js`);
  }
  return { run, profile };
}

/** A run whose service never became ready: no load, no profile, no budgets. */
export function erroredRun(): RunRecord {
  const run = fixtureRun();
  run.status = 'error';
  run.error = 'The service did not answer http://127.0.0.1:40123/health within 15 s: check service.readyUrl.';
  run.load = null;
  run.cpu = null;
  run.heap = null;
  run.gc = null;
  run.eventLoop = null;
  run.queries = null;
  run.processes = [];
  run.budgets = [];
  run.findings = [];
  return run;
}

export function writeResult(name: string, data: string | Buffer): string {
  const file = path.join(resultsDir, 'reports', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
}
