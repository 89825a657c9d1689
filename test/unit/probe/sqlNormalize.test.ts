import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeSql } from '../../../src/engine/probe/sqlNormalize';

const cases: Array<[string, string, string]> = [
  ['numbers', 'SELECT * FROM t WHERE id = 42 AND price > 3.50 AND ratio < .5 AND big = 1e10', 'SELECT * FROM t WHERE id = ? AND price > ? AND ratio < ? AND big = ?'],
  ['negative numbers', 'SELECT * FROM t WHERE a = -5 AND b IN (-1, +2) AND c > - 3.5', 'SELECT * FROM t WHERE a = ? AND b IN (?) AND c > ?'],
  ['subtraction stays', 'SELECT a - 5, b-1, (c) - 2 FROM t', 'SELECT a - ?, b-?, (c) - ? FROM t'],
  ['sign after keywords', 'SELECT -1 WHERE x BETWEEN -2 AND -3 LIMIT -1', 'SELECT ? WHERE x BETWEEN ? AND ? LIMIT ?'],
  ['digits inside identifiers', 'SELECT col1, t2.x_3 FROM table9', 'SELECT col1, t2.x_3 FROM table9'],
  ['hex', 'SELECT * FROM t WHERE flags = 0xFF', 'SELECT * FROM t WHERE flags = ?'],
  ['strings', "SELECT * FROM users WHERE name = 'Ada' AND city = 'Osaka'", 'SELECT * FROM users WHERE name = ? AND city = ?'],
  ['doubled quote escape', "SELECT * FROM t WHERE s = 'it''s' AND u = 'x'", 'SELECT * FROM t WHERE s = ? AND u = ?'],
  ['backslash escape', "SELECT * FROM t WHERE s = 'it\\'s' AND u = 1", 'SELECT * FROM t WHERE s = ? AND u = ?'],
  ['backslash that ends a standard string', "SELECT * FROM t WHERE p = 'C:\\' AND q = 2", 'SELECT * FROM t WHERE p = ? AND q = ?'],
  ['prefixed strings', "SELECT E'a\\nb', N'name', X'0F'", 'SELECT ?, ?, ?'],
  ['dollar quoting', 'SELECT $$a \'quoted\' $1$$, $tag$body$tag$', 'SELECT ?, ?'],
  ['quoted identifiers kept', 'SELECT "Name", `order` FROM "My Table" WHERE "id" = 7', 'SELECT "Name", `order` FROM "My Table" WHERE "id" = ?'],
  ['dollar placeholders', 'SELECT * FROM t WHERE a = $1 AND b = $12', 'SELECT * FROM t WHERE a = ? AND b = ?'],
  ['numbered and named placeholders', 'UPDATE t SET a = ?1, b = :name, c = @val, d = $id WHERE e = ?', 'UPDATE t SET a = ?, b = ?, c = ?, d = ? WHERE e = ?'],
  ['casts and system variables kept', 'SELECT a::int, @@version FROM t', 'SELECT a::int, @@version FROM t'],
  ['IN lists', 'SELECT * FROM t WHERE id IN (1, 2, 3) OR id in ($1,$2) OR s IN (\'a\',\'b\')', 'SELECT * FROM t WHERE id IN (?) OR id in (?) OR s IN (?)'],
  ['IN of placeholders', 'SELECT * FROM t WHERE id IN (?, ?, ?, ?)', 'SELECT * FROM t WHERE id IN (?)'],
  ['IN list of one stays one', 'SELECT * FROM t WHERE id IN(5)', 'SELECT * FROM t WHERE id IN (?)'],
  ['IN subquery kept', 'SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE x = 1)', 'SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE x = ?)'],
  ['VALUES tuples collapse', 'INSERT INTO t (a, b) VALUES (1, \'x\'), (2, \'y\'), (3, \'z\')', 'INSERT INTO t (a, b) VALUES (?, ?)'],
  ['line comments', 'SELECT a -- the id\nFROM t -- trailing', 'SELECT a FROM t'],
  ['block comments', 'SELECT /* hint */ a FROM /* multi\nline */ t', 'SELECT a FROM t'],
  ['whitespace', '  SELECT\n\ta ,\n   b\r\nFROM    t  ;  ', 'SELECT a , b FROM t'],
  ['comment markers inside strings', "SELECT '-- not a comment', '/* nor this */' FROM t", 'SELECT ?, ? FROM t'],
  ['unterminated string', "SELECT * FROM t WHERE a = 'oops", 'SELECT * FROM t WHERE a = ?'],
  ['keyword case kept', 'select id from t where id = 1', 'select id from t where id = ?'],
];

for (const [name, input, expected] of cases) {
  test(`normalizeSql: ${name}`, () => {
    assert.equal(normalizeSql(input), expected);
  });
}

test('normalizeSql: the same statement with different values has one fingerprint', () => {
  const a = normalizeSql("SELECT * FROM orders WHERE customer_id = 17 AND status = 'paid'");
  const b = normalizeSql("SELECT * FROM orders WHERE customer_id = 4 AND status = 'refunded'");
  assert.equal(a, b);
});

test('normalizeSql: empty and comment-only input', () => {
  assert.equal(normalizeSql(''), '');
  assert.equal(normalizeSql('-- nothing'), '');
});
