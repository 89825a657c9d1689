// mongodb: command monitoring needs an option on the client, which the probe
// cannot add, so Collection's methods are wrapped instead. A query is
// described as `db.<collection>.<method>(<filter shape>)`, values replaced by
// `?`, so the same call from the same line groups together. Cursor methods
// (find, aggregate) run when the cursor is first read: the query ends at the
// first toArray/next/hasNext/tryNext/forEach to settle.

import { callerFile, type PendingQuery, type QueryRecorder, type StackBoundary } from './queryRecorder';
import { callAsync, wrapMethod } from './wrapUtils';

const DRIVER = 'mongodb';
const MAX_KEYS = 20;
const MAX_DEPTH = 3;

const FILTER_METHODS = [
  'findOne', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany', 'countDocuments',
  'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace',
];
const PLAIN_METHODS = ['insertOne', 'insertMany', 'bulkWrite', 'estimatedDocumentCount', 'distinct'];
const CURSOR_METHODS = ['find', 'aggregate'];
const CURSOR_READS = ['toArray', 'next', 'hasNext', 'tryNext', 'forEach'];

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** The shape of a filter or pipeline: keys and operators kept, values replaced by `?`. */
export function mongoShape(value: unknown, depth = 0): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (depth >= MAX_DEPTH || !value.some(isPlainObject)) return '[?]';
    const shapes = [...new Set(value.map((item) => mongoShape(item, depth + 1)))];
    return `[${shapes.join(', ')}]`;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    if (depth >= MAX_DEPTH) return '{…}';
    const parts = keys.slice(0, MAX_KEYS).map((key) => `${key}: ${mongoShape(value[key], depth + 1)}`);
    if (keys.length > MAX_KEYS) parts.push('…');
    return `{${parts.join(', ')}}`;
  }
  return '?';
}

export function describeMongoCall(collectionName: unknown, method: string, argument: unknown, withArgument: boolean): string {
  const name = typeof collectionName === 'string' ? collectionName : '?';
  let shape = '';
  try {
    shape = withArgument ? mongoShape(argument ?? {}) : '';
  } catch {
    // A filter with throwing getters (a proxy, say) is described without its shape.
    shape = '?';
  }
  return `db.${name}.${method}(${shape})`;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

const skipNoFrames = (): boolean => false;
const isMongodbFile = (file: string): boolean => /\/node_modules\/mongodb\/lib\//.test(file);

/** Starts a query unless the driver called itself (findOne is find + next inside the driver). */
function beginFromUser(recorder: QueryRecorder, text: string, boundary: StackBoundary): PendingQuery | undefined {
  const pending = recorder.begin(DRIVER, text, boundary);
  const caller = pending ? callerFile(pending.stack, skipNoFrames) : undefined;
  if (pending && caller && isMongodbFile(caller)) {
    recorder.cancel(pending);
    return undefined;
  }
  return pending;
}

function endOnFirstRead(cursor: unknown, recorder: QueryRecorder, pending: PendingQuery): void {
  if (!cursor || typeof cursor !== 'object') {
    recorder.end(pending, false);
    return;
  }
  const target = cursor as Record<string, unknown>;
  for (const name of CURSOR_READS) {
    const read = target[name];
    if (typeof read !== 'function') continue;
    // An own property shadows the prototype's method for this cursor only.
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (pending.done) return (read as AnyFunction).apply(this, args);
      return callAsync(recorder, pending, read as AnyFunction, this, args);
    };
  }
}

/** Patches Collection from mongodb/lib/collection.js. */
export function patchMongodb(moduleExports: unknown, recorder: QueryRecorder): void {
  const Collection = (moduleExports as { Collection?: { prototype?: object } } | undefined)?.Collection;
  const proto = Collection?.prototype;
  if (!proto) return;

  for (const method of [...FILTER_METHODS, ...PLAIN_METHODS]) {
    wrapMethod(proto, method, (original) => {
      const wrapper = function (this: unknown, ...args: unknown[]): unknown {
        const collectionName = (this as { collectionName?: unknown } | undefined)?.collectionName;
        const text = describeMongoCall(collectionName, method, args[0], FILTER_METHODS.includes(method));
        return callAsync(recorder, beginFromUser(recorder, text, wrapper), original, this, args);
      };
      return wrapper;
    });
  }

  for (const method of CURSOR_METHODS) {
    wrapMethod(proto, method, (original) => {
      const wrapper = function (this: unknown, ...args: unknown[]): unknown {
        const collectionName = (this as { collectionName?: unknown } | undefined)?.collectionName;
        const pending = beginFromUser(recorder, describeMongoCall(collectionName, method, args[0], true), wrapper);
        if (!pending) return original.apply(this, args);
        let cursor: unknown;
        try {
          cursor = original.apply(this, args);
        } catch (error) {
          recorder.end(pending, true);
          throw error;
        }
        try {
          endOnFirstRead(cursor, recorder, pending);
        } catch {
          recorder.end(pending, false);
        }
        return cursor;
      };
      return wrapper;
    });
  }
}
