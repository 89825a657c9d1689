// The budget grammar over arbitrary input (fast-check, fixed seed): any metric
// and expression either parse or give a HotpathError whose one sentence says
// what is valid; generated valid budgets parse to the operator and value they
// were written with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BUDGET_METRICS, parseBudget } from '../../../src/engine/analysis/budgets';
import { HotpathError } from '../../../src/engine/events';
import { propertyRuns, tallyProperty } from './propertyTally';

const SEED = 20261123;

function parsesOrExplains(metric: string, expression: string): boolean {
  try {
    const b = parseBudget(metric, expression);
    return ['<', '<=', '>', '>='].includes(b.op) && Number.isFinite(b.value);
  } catch (err) {
    if (!(err instanceof HotpathError)) throw err;
    // One sentence that names what is valid: metrics, an example or the allowed operators.
    assert.match(err.message, /valid metrics:|e\.g\.|use <, <=, > or >=|p\(N\)|it has |cannot be evaluated/, err.message);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  }
}

test('any expression on a known metric parses or says what is valid', () => {
  const runs = propertyRuns(2000);
  fc.assert(
    fc.property(fc.constantFrom(...BUDGET_METRICS), fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^\s*(<=|>=|<|>|==|!=)?\s*-?[0-9.e]*\s*(ms|s|us|µs|%|rps|req\/s|mb|kb|gb|x)?\s*$/), fc.stringMatching(/^(avg|med|min|max|count|rate|value|p\([0-9.a-z]*\))\s*(<|<=|>|>=|==|!=)\s*-?[0-9.e-]*$/)), (metric, expression) => parsesOrExplains(metric, expression)),
    { seed: SEED, numRuns: runs },
  );
  tallyProperty('budget grammar: known metric, any expression', runs);
});

test('any metric name parses or lists the valid metrics', () => {
  const runs = propertyRuns(500);
  fc.assert(fc.property(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'http_req_duration', 'http.p95 ')), fc.string(), (m, e) => parsesOrExplains(m, e)), { seed: SEED, numRuns: runs });
  tallyProperty('budget grammar: any metric', runs);
});

test('generated friendly and k6 budgets round-trip to their operator and value', () => {
  const runs = propertyRuns(1000);
  const latency = BUDGET_METRICS.filter((m) => /^http\.(p50|p90|p95|p99|max|mean)$/.test(m));
  fc.assert(
    fc.property(
      fc.constantFrom(...latency),
      fc.constantFrom('<', '<=', '>', '>='),
      fc.integer({ min: 0, max: 100000 }),
      fc.constantFrom(['ms', 1], ['s', 1000], ['', 1]),
      fc.constantFrom('', ' ', '  '),
      (metric, op, n, [unit, factor], space) => {
        const b = parseBudget(metric, `${op}${space}${n}${space}${unit}`);
        assert.equal(b.op, op);
        assert.equal(b.value, n * (factor as number));
        const k = parseBudget('http_req_duration', `p(95)${space}${op}${space}${n}`);
        assert.equal(k.op, op);
        assert.equal(k.value, n);
      },
    ),
    { seed: SEED, numRuns: runs },
  );
  tallyProperty('budget grammar: round-trips', runs);
});
