// Helpers for wrapping driver methods without changing what they do: the
// wrapper has the original's descriptor, calls it with the same `this` and
// arguments, returns what it returns and throws what it throws. A method is
// wrapped at most once, even when two copies of the probe load.

import type { PendingQuery, QueryRecorder } from './queryRecorder';

const ORIGINAL = Symbol.for('hotpath.probe.original');

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && ORIGINAL in fn;
}

/** Replaces `target[name]` with `makeWrapper(original)`; false when absent or already wrapped. */
export function wrapMethod(target: object | null | undefined, name: string, makeWrapper: (original: AnyFunction) => AnyFunction): boolean {
  if (!target) return false;
  const descriptor = Object.getOwnPropertyDescriptor(target, name);
  if (!descriptor || typeof descriptor.value !== 'function' || isWrapped(descriptor.value)) return false;
  const original = descriptor.value as AnyFunction;
  const wrapper = makeWrapper(original);
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  Object.defineProperty(wrapper, 'length', { value: original.length });
  Object.defineProperty(target, name, { ...descriptor, value: wrapper });
  return true;
}

/** The object on the prototype chain of `start` that owns `name` (classes often inherit their query method). */
export function ownerOf(start: object | null | undefined, name: string): object | undefined {
  for (let target = start; target && target !== Object.prototype; target = Object.getPrototypeOf(target)) {
    if (Object.prototype.hasOwnProperty.call(target, name)) return target;
  }
  return undefined;
}

/**
 * When the last argument is a callback, replaces it with one that ends the
 * query first (an error-first first argument marks a failure) and then calls
 * the original with the same `this` and arguments, in the query's request.
 */
export function wrapLastCallback(args: unknown[], recorder: QueryRecorder, pending: PendingQuery): boolean {
  const index = args.length - 1;
  const callback = args[index];
  if (typeof callback !== 'function') return false;
  args[index] = function (this: unknown, ...callbackArgs: unknown[]) {
    recorder.end(pending, callbackArgs[0] instanceof Error);
    return recorder.inRequestOf(pending, () => (callback as AnyFunction).apply(this, callbackArgs));
  };
  return true;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** Runs a synchronous driver call and times it. */
export function callSync(recorder: QueryRecorder, pending: PendingQuery | undefined, original: AnyFunction, self: unknown, args: unknown[]): unknown {
  if (!pending) return original.apply(self, args);
  let failed = true;
  try {
    const result = original.apply(self, args);
    failed = false;
    return result;
  } finally {
    recorder.end(pending, failed);
  }
}

/**
 * Runs an asynchronous driver call and ends the query when its result is
 * delivered: through the callback if one was passed, else when the returned
 * promise settles (the caller gets a promise of the same kind that settles the
 * same way), else on the returned emitter's 'end' (no 'error' listener is
 * added, so unhandled errors stay unhandled), else at once.
 */
export function callAsync(recorder: QueryRecorder, pending: PendingQuery | undefined, original: AnyFunction, self: unknown, args: unknown[]): unknown {
  if (!pending) return original.apply(self, args);
  const viaCallback = wrapLastCallback(args, recorder, pending);
  let result: unknown;
  try {
    result = original.apply(self, args);
  } catch (error) {
    recorder.end(pending, true);
    throw error;
  }
  if (viaCallback) return result;
  if (isThenable(result)) {
    return result.then(
      (value) => {
        recorder.end(pending, false);
        return value;
      },
      (error: unknown) => {
        recorder.end(pending, true);
        throw error;
      },
    );
  }
  const emitter = result as { once?: (event: string, listener: () => void) => unknown } | null | undefined;
  if (emitter && typeof emitter.once === 'function') {
    emitter.once('end', () => recorder.end(pending, false));
    return result;
  }
  recorder.end(pending, false);
  return result;
}

/** Wraps a checkout method (pool.connect(cb), pool.getConnection(cb)) so that its callback runs in the caller's request. */
export function bindCheckoutCallback(proto: object | undefined, name: string, recorder: QueryRecorder): void {
  wrapMethod(ownerOf(proto, name), name, (original) =>
    function checkout(this: unknown, ...args: unknown[]): unknown {
      const last = args.length - 1;
      if (typeof args[last] === 'function') {
        try {
          args[last] = recorder.bindToCurrentRequest(args[last] as AnyFunction);
        } catch {
          // Unbound: the callback runs as it would without the probe.
        }
      }
      return original.apply(this, args);
    },
  );
}
