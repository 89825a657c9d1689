// Is this call a database query? Judged from its shape alone, without types:
// the call names and chains of the common drivers and ORMs. Generic names
// (`find`, `create`, `count`, `.execute()`) count only when the call is
// awaited (or handed back from a `map` callback to `Promise.all`), since a
// query is asynchronous; better-sqlite3 and node:sqlite are synchronous and
// count by their `prepare(...)` chains.

/** The parts of a Babel AST node this module reads. */
export interface AstNode {
  type: string;
  loc?: { start: { line: number; column: number } } | null;
  [key: string]: unknown;
}

export interface QueryShape {
  /** What the call looks like, for the message: "`db.query()`". */
  label: string;
  /** Where to point: the method name of a member call (as V8 stack frames do), else the call. */
  at: AstNode;
}

export interface QueryContext {
  /** The call is awaited, or its promise is returned from a per-item callback. */
  awaited: boolean;
  /** Names bound to `x.prepare(...)` in this file: prepared statements. */
  preparedStatements: ReadonlySet<string>;
  /**
   * Inside a `db.transaction(fn)` callback. Writes with better-sqlite3 or
   * node:sqlite there are its documented bulk-insert idiom (in-process, no
   * round trips), so `.run()` is not a hint; reads still are.
   */
  inTransaction?: boolean;
}

const SQL_TEXT = /^\s*(select|insert|update|delete|with|replace|upsert|merge)\b/i;
const KNEX_TERMINALS = new Set(['first', 'select', 'where', 'whereIn', 'whereNot', 'andWhere', 'orWhere', 'pluck', 'insert', 'update', 'del', 'delete', 'returning', 'orderBy', 'limit', 'count', 'sum', 'max', 'min', 'join', 'leftJoin']);
const PRISMA_READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany']);
const PRISMA_WRITES = new Set(['create', 'createMany', 'update', 'updateMany', 'upsert', 'delete', 'deleteMany', 'count', 'aggregate', 'groupBy']);
const ORM_STATICS = new Set(['findOne', 'findByPk', 'findById', 'findAll', 'findOneBy', 'findBy', 'findAndCountAll', 'findOneOrFail', 'findOneAndUpdate', 'findOneAndDelete', 'countDocuments', 'findByIdAndUpdate']);
const MONGO_WRITES = new Set(['insertOne', 'updateOne', 'deleteOne', 'replaceOne', 'updateMany', 'deleteMany', 'bulkWrite']);
const SQLITE_STEPS = new Set(['get', 'all', 'run', 'iterate', 'each']);

/** Strips parentheses' stand-ins and TypeScript-only wrappers: `(x as T)!`. */
export function unwrap(node: AstNode): AstNode {
  let n = node;
  while (n && ['TSAsExpression', 'TSNonNullExpression', 'TSSatisfiesExpression', 'TSTypeAssertion', 'ParenthesizedExpression'].includes(n.type)) n = n.expression as AstNode;
  return n;
}

const isCall = (n: AstNode | undefined): boolean => !!n && (n.type === 'CallExpression' || n.type === 'OptionalCallExpression');
const isMember = (n: AstNode | undefined): boolean => !!n && (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression');

/** The property name of `a.b` (not computed `a[b]`). */
function propName(member: AstNode): string | null {
  const p = member.property as AstNode;
  if (member.computed) return p.type === 'StringLiteral' ? (p.value as string) : null;
  return p.type === 'Identifier' ? (p.name as string) : null;
}

function stringText(n: AstNode | undefined): string | null {
  if (!n) return null;
  const u = unwrap(n);
  if (u.type === 'StringLiteral') return u.value as string;
  if (u.type === 'TemplateLiteral') return ((u.quasis as AstNode[]).map((q) => (q.value as { cooked?: string; raw: string }).cooked ?? '').join('?'));
  return null;
}

const looksLikeSql = (n: AstNode | undefined) => SQL_TEXT.test(stringText(n) ?? '');

/** `a.b.c(...)` → the chain of receivers down to the root: [c-call's object, ...]. */
function rootOf(n: AstNode): AstNode {
  let cur = unwrap(n);
  for (;;) {
    if (isMember(cur)) cur = unwrap(cur.object as AstNode);
    else if (isCall(cur)) cur = unwrap(cur.callee as AstNode);
    else return cur;
  }
}

/** Any call in the receiver chain satisfying `test`. */
function chainHas(n: AstNode, test: (call: AstNode, name: string | null) => boolean): boolean {
  let cur = unwrap(n);
  for (;;) {
    if (isMember(cur)) cur = unwrap(cur.object as AstNode);
    else if (isCall(cur)) {
      const callee = unwrap(cur.callee as AstNode);
      if (test(cur, isMember(callee) ? propName(callee) : callee.type === 'Identifier' ? (callee.name as string) : null)) return true;
      cur = callee;
    } else return false;
  }
}

const identName = (n: AstNode) => (n.type === 'Identifier' ? (n.name as string) : n.type === 'ThisExpression' ? 'this' : null);

export function queryShape(node: AstNode, ctx: QueryContext): QueryShape | null {
  if (node.type === 'TaggedTemplateExpression') {
    const tag = unwrap(node.tag as AstNode);
    const name = isMember(tag) ? propName(tag) : identName(tag);
    return ctx.awaited && name === 'sql' ? { label: 'sql`…`', at: node } : null;
  }
  if (!isCall(node)) return null;
  const callee = unwrap(node.callee as AstNode);
  const args = node.arguments as AstNode[];
  if (!isMember(callee)) return null;
  const method = propName(callee);
  if (!method) return null;
  const receiver = unwrap(callee.object as AstNode);
  const at = callee.property as AstNode;
  const label = (text: string) => ({ label: text, at });
  const receiverName = identName(receiver) ?? (isMember(receiver) ? propName(receiver) : null);

  // pg, mysql2, mssql, … : `pool.query(sql)`, `conn.execute(sql)`
  if ((method === 'query' || method === 'execute') && args.length > 0 && (ctx.awaited || looksLikeSql(args[0]))) {
    return label(`${receiverName ?? '…'}.${method}()`);
  }
  // better-sqlite3, node:sqlite: `db.prepare(sql).get(id)`, or a prepared statement `stmt.get(id)`
  if (SQLITE_STEPS.has(method) && !(method === 'run' && ctx.inTransaction)) {
    if (isCall(receiver) && isMember(unwrap(receiver.callee as AstNode)) && propName(unwrap(receiver.callee as AstNode)) === 'prepare') return label(`prepare(…).${method}()`);
    if (receiver.type === 'Identifier' && ctx.preparedStatements.has(receiver.name as string)) return label(`${receiver.name}.${method}()`);
    // sqlite3: `db.get(sql, …)`
    if (looksLikeSql(args[0])) return label(`${receiverName ?? '…'}.${method}()`);
  }
  // Prisma: `prisma.user.findUnique(…)`
  if (PRISMA_READS.has(method) && isMember(receiver)) return label(`${propName(receiver) ?? '…'}.${method}()`);
  if (PRISMA_WRITES.has(method) && isMember(receiver)) {
    const root = rootOf(receiver);
    if (root.type === 'Identifier' && /prisma|^tx$/i.test(root.name as string)) return label(`${propName(receiver) ?? '…'}.${method}()`);
  }
  if (!ctx.awaited) return null;
  // Sequelize, Mongoose, TypeORM: `User.findOne(…)`, `Order.findByPk(id)`, `repo.findOneBy(…)`
  if (ORM_STATICS.has(method)) return label(`${receiverName ?? '…'}.${method}()`);
  if (method === 'find' && receiver.type === 'Identifier' && /^[A-Z]/.test(receiver.name as string)) return label(`${receiver.name}.find()`);
  // MongoDB driver: `coll.find(q).toArray()`, `coll.updateOne(…)`
  if (method === 'toArray' && chainHas(receiver, (_c, name) => name === 'find' || name === 'aggregate')) return label('find(…).toArray()');
  if (MONGO_WRITES.has(method) && receiverName !== null) return label(`${receiverName}.${method}()`);
  // knex: `await knex('users').where({ id }).first()`; the chain starts at a table: `db('t')`, `.from('t')`, `.table('t')`
  if (KNEX_TERMINALS.has(method) && knexChain(receiver)) return label(`knex ….${method}()`);
  return null;
}

function knexChain(receiver: AstNode): boolean {
  return chainHas(receiver, (call, name) => {
    const first = (call.arguments as AstNode[])[0];
    if (name && ['from', 'table', 'into'].includes(name)) return stringText(first) !== null;
    const callee = unwrap(call.callee as AstNode);
    // The chain's head, a call of a plain name with a table name: `knex('users')`, `trx('orders')`
    return callee.type === 'Identifier' && stringText(first) !== null && !SQL_TEXT.test(stringText(first)!);
  });
}
