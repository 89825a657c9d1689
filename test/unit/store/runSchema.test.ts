// schema/run.schema.json against records: the committed fixture run, records
// shaped like each kind of run, and deliberately broken ones. Records the real
// CLI writes are checked in test/e2e/storeRunSchema.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { recordProblem } from '../../../src/engine/store/recordCheck';
import { record } from './storeFixtures';
import { runSchema, schemaErrors, undescribedFields } from './runSchemaCheck';

const root = path.resolve(__dirname, '../../../..');
const fixtureRun = () => JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'runs', '20261123-182721-cf6277', 'run.json'), 'utf8'));

test('the schema requires exactly the fields CONTRACT.md says must exist', () => {
  assert.equal(runSchema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.deepEqual(
    [...runSchema.required].sort(),
    ['budgets', 'cpu', 'durationMs', 'environment', 'eventLoop', 'findings', 'gc', 'heap', 'id', 'load', 'queries', 'schemaVersion', 'startedAt', 'status'],
  );
});

test('a saved run (the committed fixture) validates, and every field in it is described', () => {
  const run = fixtureRun();
  assert.deepEqual(schemaErrors(run), []);
  assert.deepEqual(undescribedFields(run), []);
});

test('sections a run did not measure may be null; a cancelled run without load validates', () => {
  const run = record('20260101-000000-aaaaaa', { load: false, status: 'cancelled' });
  assert.deepEqual(schemaErrors({ ...run, error: 'Stopped by the user.' }), []);
  assert.deepEqual(schemaErrors({ ...fixtureRun(), cpu: null, heap: null, gc: null, eventLoop: null, queries: null, status: 'error' }), []);
});

test('the scenario sections validate as the engine writes them', () => {
  const run = fixtureRun();
  const window = { startT: 1000, endT: 61000, requests: 6000, rps: 100, p50: 5, p95: 9, p99: 12, errorRate: 0 };
  run.load.stress = {
    question: 'q',
    limits: { maxErrorRate: 0.01, maxP95Ms: 1000 },
    steps: [{ connections: 1, rps: 100, avg: 5, p50: 4, p95: 9, p99: 11, errorRate: 0, cpuPct: 50, rpsPerCore: 200, requests: 1000, startT: 0, endT: 10000, withinLimits: true, reason: null }],
    maxSustainable: { connections: 1, rps: 100, p95: 9, cpuPct: 50, rpsPerCore: 200, heldSec: 30, heldWithinLimits: true },
    breakingPoint: null,
  };
  run.load.spike = { question: 'q', baseConnections: 5, spikeConnections: 25, spikeStartT: 10000, spikeEndT: 20000, baselineP95Ms: 9, baseRps: 100, spikeP95Ms: 90, spikeRps: 120, spikeErrorRate: 0, tolerancePct: 20, thresholdMs: 10.8, recovered: false, recoveryMs: null };
  run.load.soak = { question: 'q', connections: 10, windowSec: 60, windows: [window, window], first: window, last: window, p95DegradationPct: -1.5, throughputDegradationPct: 0.4, heapGrowthPct: null, heap: { firstTroughBytes: 1, lastTroughBytes: 2, runGrowthPct: null } };
  run.load.stages.push({ label: 'hold: 1 connection', kind: 'hold', connections: 1, startT: 10000, endT: 40000, measuredFromT: 11000, requests: 3000, rps: 100, latencyMs: { p50: 4, p90: 8, p95: 9, p99: 11, max: 20, mean: 5, count: 3000 }, errors: 0, errorRate: 0, cpuPct: 50 });
  run.load.external = { tool: 'k6', scenarioFile: 'load.js', files: ['k6-summary.json'] };
  run.profiler = { backend: 'clinic-doctor', tool: 'clinic', version: '13.0.0', command: ['clinic', 'doctor'], files: ['clinic/'], problems: [] };
  run.clinic = { tool: 'doctor', version: '13.0.0', htmlReport: 'clinic/x.html', data: 'clinic/x', verdict: { category: 'io', title: 't', summary: ['s'] }, issues: { delay: 'performance' } };
  run.findings.push({ kind: 'clinic-doctor', severity: 'warning', message: 'm', location: null });
  assert.deepEqual(schemaErrors(run), []);
  assert.deepEqual(undescribedFields(run), []);
});

test('broken records do not validate, each for its own reason', () => {
  const cases: Array<[string, (r: any) => void, RegExp]> = [
    ['no status', (r) => delete r.status, /must have required property 'status'/],
    ['unknown status', (r) => (r.status = 'ok'), /\/status must be equal to one of the allowed values/],
    ['schemaVersion 2', (r) => (r.schemaVersion = 2), /\/schemaVersion must be equal to constant/],
    ['a section left out instead of null', (r) => delete r.gc, /must have required property 'gc'/],
    ['p95 as text', (r) => (r.load.latencyMs.p95 = '12 ms'), /\/load\/latencyMs\/p95 must be number/],
    ['error rate as percent', (r) => (r.load.errors.rate = 12), /\/load\/errors\/rate must be <= 1/],
    ['0-based line', (r) => (r.findings[0].location.line = 0), /\/findings\/0\/location\/line must be >= 1/],
    ['unknown finding kind', (r) => (r.findings[0].kind = 'slow'), /\/findings\/0\/kind must be equal to one of the allowed values/],
    ['budget without verdict', (r) => delete r.budgets[0].passed, /\/budgets\/0 must have required property 'passed'/],
    ['not a date', (r) => (r.startedAt = 'yesterday'), /\/startedAt must match format "date-time"/],
    ['environment without cpus', (r) => delete r.environment.cpus, /\/environment must have required property 'cpus'/],
    ['endpoint without method', (r) => delete r.load.endpoints[0].method, /\/load\/endpoints\/0 must have required property 'method'/],
  ];
  for (const [name, breakIt, expected] of cases) {
    const run = fixtureRun();
    breakIt(run);
    const errors = schemaErrors(run);
    assert.ok(errors.some((e) => expected.test(e)), `${name}: ${errors.join('; ') || 'validated'}`);
  }
  assert.ok(schemaErrors([1, 2, 3]).length > 0);
});

test('what the run-time check rejects, the schema rejects too', () => {
  for (const broken of [{ ...fixtureRun(), budgets: undefined }, { ...fixtureRun(), status: 'great' }, { ...fixtureRun(), load: { engine: 'autocannon' } }, { ...fixtureRun(), schemaVersion: 2 }]) {
    assert.ok(recordProblem(JSON.parse(JSON.stringify(broken))) !== null);
    assert.ok(schemaErrors(JSON.parse(JSON.stringify(broken))).length > 0);
  }
  assert.equal(recordProblem(fixtureRun()), null);
});
