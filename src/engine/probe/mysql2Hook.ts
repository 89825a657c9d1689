// mysql2. Versions that publish diagnostics_channel tracing channels
// (`mysql2:query`, `mysql2:execute`; they ship lib/tracing.js) are observed
// through them; older versions get Connection#query/#execute wrapped. Either
// way Pool#query/#execute are wrapped as well, because a pooled query reaches
// the connection after an asynchronous getConnection, when the caller's stack
// is gone: the pool reports it, and the connection-level record is dropped
// when the pool is its direct caller.

import * as diagnosticsChannel from 'diagnostics_channel';
import * as fs from 'fs';
import * as path from 'path';
import { callerFile, type PendingQuery, type QueryRecorder } from './queryRecorder';
import { callAsync, ownerOf, wrapMethod } from './wrapUtils';

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

let channelsSubscribed = false;

function subscribeTracingChannels(recorder: QueryRecorder): boolean {
  if (channelsSubscribed) return true;
  const tracingChannel = (diagnosticsChannel as { tracingChannel?: (name: string) => { subscribe(handlers: object): void } }).tracingChannel;
  if (typeof tracingChannel !== 'function') return false;
  const pendingByContext = new WeakMap<object, PendingQuery>();
  for (const name of ['mysql2:query', 'mysql2:execute']) {
    const start = (context: { query?: unknown }): void => {
      const pending = dropIfPooled(recorder, recorder.begin(DRIVER, context?.query, start));
      if (pending) pendingByContext.set(context, pending);
    };
    const finish = (context: object, failed: boolean): void => {
      const pending = pendingByContext.get(context);
      if (!pending) return;
      pendingByContext.delete(context);
      recorder.end(pending, failed);
    };
    tracingChannel(name).subscribe({
      start,
      // A synchronous throw ends with `error` and `end` and no async phase.
      end: (context: { error?: unknown }) => {
        if (context?.error !== undefined) finish(context, true);
      },
      asyncStart: () => undefined,
      asyncEnd: (context: { error?: unknown }) => finish(context, context?.error !== undefined),
      error: () => undefined,
    });
  }
  channelsSubscribed = true;
  return true;
}

/** Patches the connection class from mysql2/lib/base/connection.js (or lib/connection.js in older versions). */
export function patchMysql2Connection(Connection: unknown, filename: string, recorder: QueryRecorder): void {
  const proto = typeof Connection === 'function' ? (Connection as { prototype?: object }).prototype : undefined;
  if (!proto || !ownerOf(proto, 'query')) return;
  const libDir = filename.slice(0, filename.replace(/\\/g, '/').lastIndexOf('/mysql2/lib/') + '/mysql2/lib/'.length);
  const publishesChannels = fs.existsSync(path.join(libDir, 'tracing.js'));
  if (publishesChannels && subscribeTracingChannels(recorder)) return;
  wrapQueryMethods(proto, recorder, true);
}

/** Patches the pool class from mysql2/lib/base/pool.js (or lib/pool.js in older versions). */
export function patchMysql2Pool(Pool: unknown, recorder: QueryRecorder): void {
  const proto = typeof Pool === 'function' ? (Pool as { prototype?: object }).prototype : undefined;
  if (!proto || !ownerOf(proto, 'query')) return;
  wrapQueryMethods(proto, recorder, false);
}
