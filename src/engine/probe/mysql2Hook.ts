// mysql2: Connection#query/#execute and Pool#query/#execute are wrapped.
// A pooled query reaches the connection after an asynchronous getConnection,
// when the caller's stack is gone, so the pool reports it and the
// connection-level record is dropped when the pool is its direct caller.
// Pool#getConnection's callback is bound to the caller's request: a queued
// checkout is completed by whichever request releases a connection.
//
// Recent mysql2 versions (3.2x) also publish diagnostics_channel tracing
// channels (`mysql2:query`, `mysql2:execute`). They are not used: their
// `start` for a pooled query fires after getConnection (caller's stack gone),
// and result callbacks run in the socket's async context, not the caller's;
// putting the request back needs the callback wrapped. Both needs mean
// wrapping anyway, and one code path serves every version.

import { callerFile, type PendingQuery, type QueryRecorder } from './queryRecorder';
import { bindCheckoutCallback, callAsync, ownerOf, wrapMethod } from './wrapUtils';

const DRIVER = 'mysql2';

/** Query text from a string or an options object ({ sql }). */
export function mysqlQueryText(query: unknown): string | undefined {
  if (typeof query === 'string') return query;
  try {
    const sql = query && typeof query === 'object' ? (query as { sql?: unknown }).sql : undefined;
    return typeof sql === 'string' ? sql : undefined;
  } catch {
    return undefined;
  }
}

/** mysql2's own query path (connection, tracing helper, promise wrappers). */
const isConnectionInternal = (file: string): boolean =>
  /\/node_modules\/mysql2\/lib\/(?:base\/connection|connection|tracing|promise\/[a-z_]+)\.js$/.test(file);
const isPoolFile = (file: string): boolean => /\/node_modules\/mysql2\/lib\/(?:base\/)?pool\.js$/.test(file);

function dropIfPooled(recorder: QueryRecorder, pending: PendingQuery | undefined): PendingQuery | undefined {
  const caller = pending ? callerFile(pending.stack, isConnectionInternal) : undefined;
  if (pending && caller && isPoolFile(caller)) {
    recorder.cancel(pending);
    return undefined;
  }
  return pending;
}

function wrapQueryMethods(proto: object | undefined, recorder: QueryRecorder, skipPooled: boolean): void {
  for (const name of ['query', 'execute']) {
    wrapMethod(ownerOf(proto, name), name, (original) => {
      const wrapper = function (this: unknown, ...args: unknown[]): unknown {
        let pending = recorder.begin(DRIVER, mysqlQueryText(args[0]), wrapper);
        if (skipPooled) pending = dropIfPooled(recorder, pending);
        return callAsync(recorder, pending, original, this, args);
      };
      return wrapper;
    });
  }
}

/** Patches the connection class from mysql2/lib/base/connection.js (or lib/connection.js in older versions). */
export function patchMysql2Connection(Connection: unknown, recorder: QueryRecorder): void {
  const proto = typeof Connection === 'function' ? (Connection as { prototype?: object }).prototype : undefined;
  if (!proto || !ownerOf(proto, 'query')) return;
  wrapQueryMethods(proto, recorder, true);
}

/** Patches the pool class from mysql2/lib/base/pool.js (or lib/pool.js in older versions). */
export function patchMysql2Pool(Pool: unknown, recorder: QueryRecorder): void {
  const proto = typeof Pool === 'function' ? (Pool as { prototype?: object }).prototype : undefined;
  if (!proto || !ownerOf(proto, 'query')) return;
  wrapQueryMethods(proto, recorder, false);
  bindCheckoutCallback(proto, 'getConnection', recorder);
}
