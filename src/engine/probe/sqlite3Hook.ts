// sqlite3 (node-sqlite3): callback API. Database#run/get/all/each/exec and
// Statement#run/get/all/each are wrapped; Database's shortcuts create a
// Statement and call it synchronously, so statement calls made inside a
// Database call are not counted twice. Completion is the last callback
// (for `each`, the completion callback after the row callback); a call
// without one is recorded with the time of the call itself.

import type { QueryRecorder } from './queryRecorder';
import { callAsync, wrapMethod } from './wrapUtils';

const DRIVER = 'sqlite3';

/** Arguments for which only the synchronous part of the call can be timed. */
function withoutCompletion(name: string, args: unknown[]): boolean {
  const functions = args.filter((arg) => typeof arg === 'function').length;
  if (name === 'each') return functions < 2 || typeof args[args.length - 1] !== 'function';
  return typeof args[args.length - 1] !== 'function';
}

export function patchSqlite3(moduleExports: unknown, recorder: QueryRecorder): void {
  const sqlite3 = moduleExports as { Database?: { prototype?: object }; Statement?: { prototype?: object } } | undefined;
  let insideDatabaseCall = 0;

  const wrapAll = (proto: object | undefined, names: string[], sqlOf: (self: unknown, args: unknown[]) => unknown, fromDatabase: boolean): void => {
    for (const name of names) {
      wrapMethod(proto, name, (original) => {
        const wrapper = function (this: unknown, ...args: unknown[]): unknown {
          if (!fromDatabase && insideDatabaseCall > 0) return original.apply(this, args);
          const pending = recorder.begin(DRIVER, sqlOf(this, args), wrapper);
          if (!pending) return original.apply(this, args);
          const syncOnly = withoutCompletion(name, args);
          if (fromDatabase) insideDatabaseCall++;
          try {
            if (!syncOnly) return callAsync(recorder, pending, original, this, args);
            let failed = true;
            try {
              const result = original.apply(this, args);
              failed = false;
              return result;
            } finally {
              recorder.end(pending, failed);
            }
          } finally {
            if (fromDatabase) insideDatabaseCall--;
          }
        };
        return wrapper;
      });
    }
  };

  wrapAll(sqlite3?.Database?.prototype, ['run', 'get', 'all', 'each', 'exec'], (_self, args) => args[0], true);
  wrapAll(sqlite3?.Statement?.prototype, ['run', 'get', 'all', 'each'], (self) => (self as { sql?: unknown } | undefined)?.sql, false);
}
