// Property tests (fast-check, fixed seed, bounded runs) over what reads user
// input: config validation over arbitrary JSON values and mutated valid
// configs, and the CPU profile model over mutated valid profiles. Each either
// accepts the input or refuses it with a HotpathError / a clear clause, never
// anything else, never a hang.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseConfig } from '../../../src/engine/config';
import { analyzeCpuProfile } from '../../../src/engine/cpu/cpuProfileModel';
import type { CpuProfile } from '../../../src/engine/cpu/cpuProfile';
import { HotpathError } from '../../../src/engine/events';
import { propertyRuns, tallyProperty } from './propertyTally';

const SEED = 8_2026;

const VALID_CONFIG = {
  service: { command: 'node', args: ['server.js'], env: { NODE_ENV: 'production' }, readyUrl: 'http://127.0.0.1:${port}/health' },
  load: { target: 'http://127.0.0.1:${port}', requests: [{ method: 'GET', path: '/a', weight: 2 }], stages: [{ durationSec: 5, connections: 4 }] },
  profile: { samplingIntervalMicros: 1000 },
  budgets: { 'http.p95': '< 200ms' },
};

/** Every path (as keys) to a value inside a JSON value. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

/** A deep copy of `value` with the value at `at` replaced (or, with `remove`, deleted). */
function mutate(value: unknown, at: Array<string | number>, replacement: unknown, remove: boolean): unknown {
  const copy = structuredClone(value);
  if (at.length === 0) return replacement;
  let parent: any = copy;
  for (const k of at.slice(0, -1)) parent = parent[k];
  const last = at[at.length - 1];
  if (remove && Array.isArray(parent)) parent.splice(last as number, 1);
  else if (remove) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

function configAcceptsOrExplains(raw: unknown): void {
  try {
    const c = parseConfig(raw, 'hotpath.config.json');
    assert.equal(typeof c.service.command, 'string');
  } catch (err) {
    if (!(err instanceof HotpathError)) throw err;
    assert.match(err.message, /^hotpath\.config\.json: /, err.message);
    assert.doesNotMatch(err.message, /\n/);
    assert.ok(err.message.length < 2000, `a ${err.message.length}-character message`);
  }
}

test('config validation over arbitrary JSON values', () => {
  const runs = propertyRuns(1500);
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), configAcceptsOrExplains), { seed: SEED, numRuns: runs });
  tallyProperty('config validation: arbitrary JSON', runs);
});

test('config validation over valid configs with one value replaced or removed', () => {
  const all = paths(VALID_CONFIG);
  const runs = propertyRuns(3000);
  fc.assert(
    fc.property(fc.constantFrom(...all), fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(-1, 0, 1e308, -1e308, 0.5, '', '__proto__', [], {}, null)), fc.boolean(), (at, replacement, remove) => {
      configAcceptsOrExplains(mutate(VALID_CONFIG, at, replacement, remove));
    }),
    { seed: SEED, numRuns: runs },
  );
  tallyProperty('config validation: mutated valid configs', runs);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
});

/** A small valid profile: a root, a few functions, children, samples, position ticks. */
function validProfile(): CpuProfile {
  const frame = (id: number, name: string, line: number) => ({ functionName: name, scriptId: String(id), url: name.startsWith('(') ? '' : `file:///app/${name}.js`, lineNumber: line, columnNumber: 2 });
  return {
    nodes: [
      { id: 1, callFrame: frame(1, '(root)', -1), children: [2, 3, 6] },
      { id: 2, callFrame: frame(2, 'main', 3), children: [4], hitCount: 1 },
      { id: 3, callFrame: frame(3, '(idle)', -1), hitCount: 2 },
      { id: 4, callFrame: frame(4, 'work', 10), children: [5], positionTicks: [{ line: 11, ticks: 3 }, { line: 12, ticks: 1 }] },
      { id: 5, callFrame: frame(5, 'work', 10), positionTicks: [{ line: 12, ticks: 2 }] },
      { id: 6, callFrame: frame(6, '(garbage collector)', -1) },
    ],
    startTime: 1000,
    endTime: 9000,
    samples: [2, 4, 5, 3, 4, 6, 5, 3],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  };
}

test('the CPU profile model over mutated valid profiles: a valid summary or a clear refusal', () => {
  const base = validProfile();
  const all = paths(base);
  const runs = propertyRuns(4000);
  let refused = 0;
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...all), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.integer({ min: -3, max: 8 }), fc.constantFrom(null, -1, 1e308, 0.5, '', [], [1], [2, 1], {})), fc.boolean()), { minLength: 1, maxLength: 4 }),
      (edits) => {
        let profile: unknown = base;
        for (const [at, replacement, remove] of edits) {
          // Paths into parts an earlier edit replaced may be gone: skip those.
          try {
            profile = mutate(profile, at, replacement, remove);
          } catch {
            continue;
          }
        }
        let summary;
        try {
          summary = analyzeCpuProfile(profile as CpuProfile);
        } catch (err) {
          assert.ok(err instanceof Error && !(err instanceof TypeError) && !(err instanceof RangeError), `threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
          assert.match(err.message, /^not (a|a valid) CPU profile/, err.message);
          refused++;
          return;
        }
        for (const v of [summary.durationMs, summary.busyMs, ...Object.values(summary.buckets)]) assert.ok(Number.isFinite(v), `a figure is ${v}`);
        for (const f of summary.hotFunctions) for (const v of [f.selfMs, f.selfPct, f.totalMs, f.totalPct, f.line]) assert.ok(Number.isFinite(v), `${f.name}: a figure is ${v}`);
        for (const l of summary.hotLines) assert.ok(Number.isFinite(l.selfMs) && Number.isFinite(l.line), 'a hot line figure is not finite');
      },
    ),
    { seed: SEED, numRuns: runs },
  );
  tallyProperty(`CPU profile model: mutated valid profiles (${refused} refused, ${runs - refused} analysed)`, runs);
});
