// The 0x and Clinic importers (src/engine/backends) over damaged input
// (fast-check, fixed seed): a preprocessed V8 log or a list of tick stacks
// becomes a CPU profile that passes the profile check, or is refused with an
// Error; Clinic Doctor's report is read or ignored (null), never a crash.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import fc from 'fast-check';
import { cpuProfileFromTickStacks, cpuProfileFromV8Log, type V8LogJson } from '../../../src/engine/backends/v8LogProfile';
import { readDoctorAnalysis } from '../../../src/engine/backends/clinicBackend';
import { heapHotspots, heapProfileProblem } from '../../../src/engine/backends/heapHotspots';
import { cpuProfileProblem } from '../../../src/engine/cpu/cpuProfileCheck';
import { propertyRuns, tallyProperty } from './propertyTally';

const SEED = 0x2026;

const codeEntry = fc.oneof(
  fc.record({ name: fc.oneof(fc.constantFrom('work /app/a.js:3:5', ' /app/b.js:1:1', 'node:internal/x.js:9:2', '<img src=x onerror=1> /app/c.js:2:2', 'v8::Function', ''), fc.string()), type: fc.constantFrom('JS', 'CPP', 'SHARED_LIB', 'CODE', ''), kind: fc.option(fc.constantFrom('Builtin', 'Opt', 'Unopt', 'Sparkplug')) }),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const tick = fc.oneof(
  fc.record({ tm: fc.oneof(fc.integer({ min: -10, max: 100000 }), fc.double(), fc.constant(1e308)), vm: fc.integer({ min: -1, max: 10 }), s: fc.array(fc.oneof(fc.integer({ min: -2, max: 12 }), fc.string(), fc.constant(null)), { maxLength: 12 }) }),
  fc.jsonValue({ maxDepth: 2 }),
);

function profileOrError(make: () => unknown): 'profile' | 'refused' {
  let profile: unknown;
  try {
    profile = make();
  } catch (err) {
    assert.ok(err instanceof Error && !(err instanceof TypeError) && !(err instanceof RangeError), `threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
    return 'refused';
  }
  assert.equal(cpuProfileProblem(profile), null, 'the imported profile passes the profile check');
  return 'profile';
}

test('0x: a damaged preprocessed V8 log imports to a valid profile or is refused', () => {
  const runs = propertyRuns(1500);
  fc.assert(
    fc.property(fc.oneof(fc.record({ code: fc.array(codeEntry, { maxLength: 12 }), ticks: fc.array(tick, { maxLength: 30 }) }), fc.jsonValue({ maxDepth: 3 })), (log) => {
      profileOrError(() => cpuProfileFromV8Log(log as unknown as V8LogJson, { fromMicros: 0, toMicros: 50000 }));
      profileOrError(() => cpuProfileFromV8Log(log as unknown as V8LogJson));
    }),
    { seed: SEED, numRuns: runs },
  );
  tallyProperty('0x importer: damaged V8 logs', runs);
});

test('Clinic Flame: damaged tick stacks import to a valid profile or are refused', () => {
  const runs = propertyRuns(1500);
  fc.assert(
    fc.property(fc.oneof(fc.array(fc.oneof(fc.array(codeEntry, { maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })), { maxLength: 20 }), fc.jsonValue({ maxDepth: 2 })), (ticks) => {
      profileOrError(() => cpuProfileFromTickStacks(ticks as never));
    }),
    { seed: SEED, numRuns: runs },
  );
  tallyProperty('Clinic Flame importer: damaged tick stacks', runs);
});

test('heap profiles: arbitrary JSON is checked before the hotspots are read', () => {
  const runs = propertyRuns(1500);
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 5 }), (x) => {
      const problem = heapProfileProblem(x);
      if (problem === null) assert.ok(Array.isArray(heapHotspots(x as never)));
      else assert.match(problem, /^not a (valid )?heap profile/);
    }),
    { seed: SEED, numRuns: runs },
  );
  tallyProperty('heap profile check: arbitrary JSON', runs);
});

test("Clinic Doctor: a damaged, truncated, hostile or missing report is read or ignored, never a crash", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-doctor-'));
  try {
    const cases: Record<string, string | Buffer> = {
      empty: '',
      'no-data': '<html><body>no data</body></html>',
      truncated: '<script type="application/json" id="clinic-data">{"analysis": {"issueCategory": "io", "iss',
      'bad-json': '<script type="application/json" id="clinic-data">{analysis: nope}</script>',
      'wrong-types': '<script type="application/json" id="clinic-data">{"analysis": {"issueCategory": 5, "issues": "x"}}</script>',
      proto: '<script type="application/json" id="clinic-data">{"__proto__": {"analysis": 1}, "analysis": {"issueCategory": "none", "issues": {"__proto__": {"x": 1}}}}</script>',
      binary: Buffer.from([0, 1, 2, 255, 254, 60, 115, 99]),
      huge: `<script type="application/json" id="clinic-data">${'['.repeat(200000)}</script>`,
      valid: '<script type="application/json" id="clinic-data">{"analysis": {"issueCategory": "performance", "issues": {"delay": true}}}</script>',
    };
    let read = 0;
    for (const [name, body] of Object.entries(cases)) {
      const file = path.join(dir, `${name}.clinic-doctor.html`);
      fs.writeFileSync(file, body);
      const a = readDoctorAnalysis(file);
      if (a) {
        read++;
        assert.equal(typeof a.issueCategory, 'string', name);
      }
    }
    assert.equal(read, 2, 'the valid report and the one with __proto__ keys are read; the rest are ignored');
    assert.equal(readDoctorAnalysis(path.join(dir, 'missing.html')), null);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'x'), false);
    console.log(`property: Clinic Doctor reader: ${Object.keys(cases).length + 1} damaged or hostile reports, 0 crashes`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
