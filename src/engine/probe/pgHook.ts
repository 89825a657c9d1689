// pg (node-postgres). Client#query is the one place every query passes, but
// Pool#query reaches it only after an asynchronous connect, when the caller's
// stack is gone. So Pool#query is wrapped too and reports the pooled query
// itself (stack at the call, duration including the wait for a client), and
// Client#query stays silent when pg-pool is its direct caller. The callback
// of pool.connect(cb) is bound to the caller's request, because a queued
// checkout is completed by whichever request releases a client.

import { bindCheckoutCallback, callAsync, wrapMethod } from './wrapUtils';
import { callerFile, type QueryRecorder } from './queryRecorder';

const DRIVER = 'pg';

/** Query text from the first argument: a string, a config object or a Submittable (Query, Cursor). */
export function pgQueryText(config: unknown): string | undefined {
  if (typeof config === 'string') return config;
  try {
    const text = config && typeof config === 'object' ? (config as { text?: unknown; sql?: unknown }).text ?? (config as { sql?: unknown }).sql : undefined;
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}

const isPgInternal = (file: string): boolean => /\/node_modules\/pg\/lib\//.test(file);
const isPgPool = (file: string): boolean => /\/node_modules\/pg-pool\//.test(file);

/** Patches Client from pg/lib/client.js or pg/lib/native/client.js. */
export function patchPgClient(Client: unknown, recorder: QueryRecorder): void {
  const proto = typeof Client === 'function' ? (Client as { prototype?: object }).prototype : undefined;
  wrapMethod(proto, 'query', (original) => {
    const query = function (this: unknown, ...args: unknown[]): unknown {
      const pending = recorder.begin(DRIVER, pgQueryText(args[0]), query);
      const caller = pending ? callerFile(pending.stack, isPgInternal) : undefined;
      if (pending && caller && isPgPool(caller)) {
        recorder.cancel(pending);
        return original.apply(this, args);
      }
      return callAsync(recorder, pending, original, this, args);
    };
    return query;
  });
}

/** Patches Pool from pg-pool/index.js. */
export function patchPgPool(Pool: unknown, recorder: QueryRecorder): void {
  const proto = typeof Pool === 'function' ? (Pool as { prototype?: object }).prototype : undefined;
  wrapMethod(proto, 'query', (original) => {
    const query = function (this: unknown, ...args: unknown[]): unknown {
      // pool.query(fn) is an error pg-pool reports itself.
      if (typeof args[0] === 'function') return original.apply(this, args);
      return callAsync(recorder, recorder.begin(DRIVER, pgQueryText(args[0]), query), original, this, args);
    };
    return query;
  });
  bindCheckoutCallback(proto, 'connect', recorder);
}
