// better-sqlite3: synchronous, so a query's duration is the call itself.
// Database#prepare is wrapped only to reach the native Statement prototype
// (its run/get/all/iterate are the queries); Database#exec runs SQL directly.
// Statements made internally (transactions, pragmas) share the prototype, so
// their BEGIN/COMMIT/PRAGMA show up as queries too, as they are.

import type { QueryRecorder } from './queryRecorder';
import { callSync, wrapMethod } from './wrapUtils';

const DRIVER = 'better-sqlite3';

type Statement = { source?: unknown } | undefined;
type Iterator = { next: (...args: unknown[]) => IteratorResult<unknown>; return?: (...args: unknown[]) => IteratorResult<unknown> };

function patchStatementPrototype(proto: object, recorder: QueryRecorder): void {
  for (const name of ['run', 'get', 'all']) {
    wrapMethod(proto, name, (original) => {
      const wrapper = function (this: unknown, ...args: unknown[]): unknown {
        return callSync(recorder, recorder.begin(DRIVER, (this as Statement)?.source, wrapper), original, this, args);
      };
      return wrapper;
    });
  }

  // iterate() returns a lazy iterator: the query lasts until it is exhausted or closed.
  wrapMethod(proto, 'iterate', (original) => {
    const iterate = function (this: unknown, ...args: unknown[]): unknown {
      const pending = recorder.begin(DRIVER, (this as Statement)?.source, iterate);
      if (!pending) return original.apply(this, args);
      let iterator: Iterator;
      try {
        iterator = original.apply(this, args) as Iterator;
      } catch (error) {
        recorder.end(pending, true);
        throw error;
      }
      try {
        const next = iterator.next;
        const close = iterator.return;
        iterator.next = function (this: unknown, ...nextArgs: unknown[]) {
          try {
            const step = next.apply(this, nextArgs);
            if (step?.done) recorder.end(pending, false);
            return step;
          } catch (error) {
            recorder.end(pending, true);
            throw error;
          }
        };
        if (typeof close === 'function') {
          iterator.return = function (this: unknown, ...returnArgs: unknown[]) {
            recorder.end(pending, false);
            return close.apply(this, returnArgs);
          };
        }
      } catch {
        recorder.end(pending, false);
      }
      return iterator;
    };
    return iterate;
  });
}

/** Patches the Database class exported by better-sqlite3's lib/database.js. */
export function patchBetterSqlite3(Database: unknown, recorder: QueryRecorder): void {
  if (typeof Database !== 'function') return;
  const proto = (Database as { prototype?: object }).prototype;
  if (!proto) return;
  const patchedStatements = new WeakSet<object>();

  wrapMethod(proto, 'prepare', (original) =>
    function prepare(this: unknown, ...args: unknown[]): unknown {
      const statement = original.apply(this, args);
      try {
        const statementProto = statement ? Object.getPrototypeOf(statement) : null;
        if (statementProto && !patchedStatements.has(statementProto)) {
          patchedStatements.add(statementProto);
          patchStatementPrototype(statementProto, recorder);
        }
      } catch {
        // Unpatched statements simply go unrecorded.
      }
      return statement;
    },
  );

  wrapMethod(proto, 'exec', (original) => {
    const exec = function (this: unknown, ...args: unknown[]): unknown {
      return callSync(recorder, recorder.begin(DRIVER, args[0], exec), original, this, args);
    };
    return exec;
  });
}
