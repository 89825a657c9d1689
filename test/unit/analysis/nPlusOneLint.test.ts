import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lintPaths, lintSource } from '../../../src/engine/lint/nPlusOneLint';

const repoRoot = process.env.HOTPATH_REPO_ROOT ?? path.resolve(__dirname, '../../../..');
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'lint');

/** Lines of a file that carry an `// expect:` marker. */
function expectedLines(file: string): number[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((l, i) => (l.includes('// expect:') ? [i + 1] : []));
}

test('every marked line of the positive fixtures is found, and nothing else', () => {
  const result = lintPaths(['positives', 'negatives'], fixtures);
  assert.deepEqual(result.skipped, []);
  assert.equal(result.files, 5);
  for (const name of ['pgLoops.ts', 'ormStyles.ts', 'sqliteSync.js']) {
    const found = result.findings.filter((f) => f.location!.file === `positives/${name}`).map((f) => f.location!.line);
    assert.deepEqual(found, expectedLines(path.join(fixtures, 'positives', name)), name);
  }
  assert.deepEqual(
    result.findings.filter((f) => f.location!.file.startsWith('negatives/')),
    [],
    'no hint for batched IN (…), Promise.all over a fixed set, fetch/sleep/readFile in loops, a query iterated over, seeding in a transaction',
  );
});

test('findings are shaped as run.json findings, pointing at the method name', () => {
  const [f] = lintSource('async function f(pool, ids) {\n  for (const id of ids) {\n    await pool.query("SELECT * FROM t WHERE id = $1", [id]);\n  }\n}\n', 'src/f.js');
  assert.deepEqual(f, {
    kind: 'n-plus-one',
    severity: 'info',
    message: 'pool.query() runs a query on every iteration of the for…of loop at line 2: N items cost N round trips; fetch them with one query (IN (…) or a join) or batch them.',
    location: { file: 'src/f.js', line: 3, column: 16 },
  });
});

test('the demo N+1 in examples/demo/src/orders.js is found at its line', () => {
  const file = path.join(repoRoot, 'examples', 'demo', 'src', 'orders.js');
  const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('N+1: one query per order')) + 1;
  assert.ok(line > 0);
  const findings = lintPaths(['examples/demo'], repoRoot).findings;
  assert.deepEqual(
    findings.map((f) => [f.location!.file, f.location!.line]),
    [['examples/demo/src/orders.js', line]],
    'only the N+1, not the seeding inserts in db.transaction()',
  );
});

test('the knex-over-SQLite TypeScript service and the pg service: their N+1 lines, and only those', () => {
  for (const [dir, file] of [
    ['examples/ts-service', 'examples/ts-service/src/orders.ts'],
    ['examples/pg-service', 'examples/pg-service/src/orders.js'],
  ]) {
    if (!fs.existsSync(path.join(repoRoot, file))) continue;
    const marked = fs
      .readFileSync(path.join(repoRoot, file), 'utf8')
      .split('\n')
      .flatMap((l, i) => (l.includes('N+1: one query per order') ? [i + 1] : []));
    assert.ok(marked.length > 0, file);
    assert.deepEqual(
      lintPaths([dir], repoRoot).findings.map((f) => [f.location!.file, f.location!.line]),
      marked.map((l) => [file, l]),
      dir,
    );
  }
});

test('TypeScript syntax parses: generics, casts, decorators, satisfies, enums, JSX in .tsx', () => {
  const ts = `
    enum Kind { A, B }
    @Entity() class Repo { @Column() name!: string; constructor(private readonly db: Db) {}
      async load<T extends { id: number }>(items: readonly T[]): Promise<void> {
        for (const it of items) await (this.db as unknown as Db).query<T>(\`SELECT 1 WHERE id = \${it.id}\`)!;
      } }
    const cfg = { a: 1 } satisfies Record<string, number>;`;
  assert.equal(lintSource(ts, 'a.ts').length, 1);
  const tsx = `export function List({ ids }: { ids: number[] }) { return <ul>{ids.map((id) => <li key={id}>{id}</li>)}</ul>; }`;
  assert.deepEqual(lintSource(tsx, 'a.tsx'), []);
});

test('node_modules, dist, out and .git are skipped; a file named explicitly is linted', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-lint-'));
  try {
    const n1 = "async function f(db, ids) {\n  for (const id of ids) await db.query('SELECT 1', [id]);\n}\nmodule.exports = f;\n";
    for (const sub of ['node_modules/lib', 'dist', 'out', '.git', 'src']) {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
      fs.writeFileSync(path.join(dir, sub, 'index.js'), n1);
    }
    fs.writeFileSync(path.join(dir, 'src', 'types.d.ts'), 'export declare function q(): Promise<void>;\n');
    assert.deepEqual(lintPaths([], dir).findings.map((f) => f.location!.file), ['src/index.js']);
    assert.deepEqual(lintPaths(['dist/index.js'], dir).findings.map((f) => f.location!.file), ['dist/index.js']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that does not parse is skipped with its reason; the others are linted', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-lint-'));
  try {
    fs.writeFileSync(path.join(dir, 'broken.js'), 'function (\n');
    fs.writeFileSync(path.join(dir, 'ok.js'), "for (const id of ids) db.prepare('SELECT 1').get(id);\n");
    const r = lintPaths(['.'], dir);
    assert.equal(r.findings.length, 1);
    assert.equal(r.skipped.length, 1);
    assert.match(r.skipped[0].reason, /^does not parse \(line 1, column \d+\): /);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a path that does not exist is an error in one sentence', () => {
  assert.throws(() => lintPaths(['no/such/dir'], fixtures), { message: 'no/such/dir does not exist: pass files or folders of TypeScript or JavaScript sources.' });
});
