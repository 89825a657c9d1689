// The SQL normaliser (fast-check, fixed seed): normalising twice changes
// nothing; literal values never survive; any input, even binary, gives a
// string without throwing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { normalizeSql } from '../../../src/engine/probe/sqlNormalize';
import { propertyRuns, tallyProperty } from './propertyTally';

const SEED = 5_2026;

const ident = fc.constantFrom('users', 'orders', 'id', 'name', 'price', 'created_at', '"Quoted Col"', '`tick`');
/** A literal carrying a marker that must not survive normalisation. */
const literal = fc.oneof(
  fc.integer({ min: 100000, max: 999999 }).map((n) => ({ sql: String(n), marker: String(n) })),
  fc.integer({ min: 100000, max: 999999 }).map((n) => ({ sql: `-${n}.5`, marker: String(n) })),
  fc.integer({ min: 100000, max: 999999 }).map((n) => ({ sql: `'zq${n}'`, marker: `zq${n}` })),
  fc.integer({ min: 100000, max: 999999 }).map((n) => ({ sql: `'it''s zq${n}'`, marker: `zq${n}` })),
  fc.integer({ min: 100000, max: 999999 }).map((n) => ({ sql: `E'zq${n}\\''`, marker: `zq${n}` })),
  fc.integer({ min: 100000, max: 999999 }).map((n) => ({ sql: `$$zq${n}$$`, marker: `zq${n}` })),
  fc.integer({ min: 100000, max: 999999 }).map((n) => ({ sql: `0x${n}ab`, marker: `${n}ab` })),
  fc.integer({ min: 100000, max: 999999 }).map((n) => ({ sql: `${n}e3`, marker: String(n) })),
);

const query = fc
  .tuple(ident, ident, fc.array(literal, { minLength: 1, maxLength: 5 }), fc.constantFrom('select * from', 'delete from', 'update'), fc.boolean())
  .map(([table, col, lits, verb, inList]) => {
    const cond = inList ? `${col} in (${lits.map((l) => l.sql).join(', ')})` : lits.map((l, i) => `${col}${i} = ${l.sql}`).join(' and ');
    const sql = verb === 'update' ? `update ${table} set ${col} = ${lits[0].sql} where ${cond}` : `${verb} ${table} where ${cond} -- comment zq0\n;`;
    return { sql, markers: lits.map((l) => l.marker) };
  });

test('normalising is idempotent on any text', () => {
  const runs = propertyRuns(3000);
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), query.map((q) => q.sql), fc.stringMatching(/^[\s\w'"`$?:@(),.;=<>*+\-/\\]*$/)), (sql) => {
      const once = normalizeSql(sql);
      assert.equal(typeof once, 'string');
      assert.equal(normalizeSql(once), once);
    }),
    { seed: SEED, numRuns: runs },
  );
  tallyProperty('SQL normaliser: idempotence', runs);
});

test('literal values never survive normalisation; identifiers do', () => {
  const runs = propertyRuns(3000);
  fc.assert(
    fc.property(query, ({ sql, markers }) => {
      const out = normalizeSql(sql);
      for (const m of markers) assert.ok(!out.includes(m), `${m} survived in ${out} (from ${sql})`);
      assert.ok(!out.includes('zq0'), `the comment survived in ${out}`);
      assert.match(out, /\?/);
    }),
    { seed: SEED, numRuns: runs },
  );
  tallyProperty('SQL normaliser: literal removal', runs);
});
