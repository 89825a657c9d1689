// Turns one driver call into one `query` message: the stack is captured
// synchronously at the call (before any await loses the caller), the request
// comes from the AsyncLocalStorage, the duration runs until the driver
// delivers the result. Never throws: every failure here means "no message".

import * as path from 'path';
import { fileURLToPath } from 'url';
import { performance } from 'perf_hooks';
import { now } from './probeClock';
import type { CallSite, QueryDriver, QueryMessage, RequestRef } from './probeMessages';
import type { RequestSource } from './requestContext';
import { normalizeSql } from './sqlNormalize';
import { firstUserFrame, isLibraryFile, parseFrame } from './stackFrames';

/**
 * Frames captured first: enough to reach the user's frame through a driver
 * (and most ORMs). Only when none of them is the user's code is the stack
 * captured again, STACK_LIMIT deep. Capturing 50 frames and formatting them
 * cost about 4 times as much CPU as 10 (bench/probe-overhead).
 */
export const SHORT_STACK_LIMIT = 10;
export const STACK_LIMIT = 50;
/** Frames kept beyond the user's frame (the stack sent is context, the call site is what is used). */
const OUTER_FRAMES = 4;
const FRAME_CACHE_SIZE = 5_000;
/** Longer query text is cut before normalising (bulk inserts can be megabytes). */
const MAX_SQL_CHARS = 16_384;
const NORMALIZED_CACHE_SIZE = 2_000;

export interface PendingQuery {
  readonly driver: QueryDriver;
  readonly sql: string;
  readonly stack: string[];
  /** The first frame of the user's code (resolved at the call). */
  readonly callSite?: CallSite | null;
  readonly request: RequestRef | null;
  readonly startMs: number;
  readonly startPerf: number;
  done: boolean;
}

/** The wrapper the user called: the recorded stack starts at its caller. */
export type StackBoundary = Function;

/** The probe's own files: the bundle, or this folder when running from compiled sources. */
function isProbeFile(file: string): boolean {
  return file === __filename || (path.basename(__dirname) === 'probe' && file.startsWith(__dirname + path.sep));
}

function toFrame(site: NodeJS.CallSite): string | undefined {
  let file = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!file || !line || !column) return undefined;
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  if (isProbeFile(file)) return undefined;
  return `${file}:${line}:${column}`;
}

interface ResolvedFrame {
  readonly frame: string;
  /** Set for the user's own code (not a library, not Node, not the probe). */
  readonly site: CallSite | null;
}

/**
 * Formatted frames by script and source position: resolving a line and column
 * and building the string is most of the cost of a frame, and a service issues
 * its queries from a handful of places, so each place is formatted once.
 */
const frameCache = new Map<string, ResolvedFrame | null>();

function resolveFrame(site: NodeJS.CallSite): ResolvedFrame | null {
  const name = site.getFileName();
  if (!name) return null;
  const position = (site as { getPosition?: () => number }).getPosition?.();
  const key = position === undefined ? undefined : `${position} ${name}`;
  if (key !== undefined) {
    const cached = frameCache.get(key);
    if (cached !== undefined) return cached;
  }
  const frame = toFrame(site);
  let resolved: ResolvedFrame | null = null;
  if (frame) {
    const parsed = parseFrame(frame);
    resolved = { frame, site: parsed && !isLibraryFile(parsed.file) ? parsed : null };
  }
  if (key !== undefined) {
    if (frameCache.size >= FRAME_CACHE_SIZE) frameCache.clear();
    frameCache.set(key, resolved);
  }
  return resolved;
}

function structuredStack(boundary: StackBoundary, limit: number): NodeJS.CallSite[] {
  const previousLimit = Error.stackTraceLimit;
  const previousPrepare = Error.prepareStackTrace;
  const holder: { stack?: unknown } = {};
  try {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.captureStackTrace(holder, boundary);
    return Array.isArray(holder.stack) ? (holder.stack as NodeJS.CallSite[]) : [];
  } catch {
    return [];
  } finally {
    Error.stackTraceLimit = previousLimit;
    Error.prepareStackTrace = previousPrepare;
  }
}

function framesOf(sites: readonly NodeJS.CallSite[]): { frames: string[]; callSite: CallSite | null } {
  const frames: string[] = [];
  let callSite: CallSite | null = null;
  let outer = 0;
  for (const site of sites) {
    let resolved: ResolvedFrame | null = null;
    try {
      resolved = resolveFrame(site);
    } catch {
      // A call site that cannot describe itself is left out.
    }
    if (!resolved) continue;
    frames.push(resolved.frame);
    if (callSite) {
      if (++outer >= OUTER_FRAMES) break;
    } else if (resolved.site) {
      callSite = resolved.site;
    }
  }
  return { frames, callSite };
}

/**
 * The JavaScript stack at the call as `file:line:col` frames, innermost first,
 * starting below `boundary`, down to the first frame of the user's code and a
 * few frames beyond it; with that frame as `callSite`. Uses structured call
 * sites, so a service's own Error.prepareStackTrace (source-map-support and
 * the like) is neither run nor disturbed. A short stack is captured first and
 * a deep one only when the short one holds no frame of the user's code.
 */
export function captureCall(boundary: StackBoundary): { frames: string[]; callSite: CallSite | null } {
  const short = structuredStack(boundary, SHORT_STACK_LIMIT);
  const first = framesOf(short);
  if (first.callSite || short.length < SHORT_STACK_LIMIT) return first;
  const deep = framesOf(structuredStack(boundary, STACK_LIMIT));
  return deep.frames.length >= first.frames.length ? deep : first;
}

/** The frames of captureCall (kept for the drivers' own call-path checks and the tests). */
export function captureStack(boundary: StackBoundary): string[] {
  return captureCall(boundary).frames;
}

/** The file of the first frame that is not matched by `isInternal` (the driver's own call path). */
export function callerFile(stack: readonly string[], isInternal: (file: string) => boolean): string | undefined {
  for (const frame of stack) {
    const site = parseFrame(frame);
    if (site && !site.file.startsWith('node:') && !isInternal(site.file.replace(/\\/g, '/'))) return site.file.replace(/\\/g, '/');
  }
  return undefined;
}

export class QueryRecorder {
  private readonly normalized = new Map<string, string>();
  enabled = true;

  constructor(
    private readonly emit: (message: QueryMessage) => void,
    private readonly requests: RequestSource,
  ) {}

  /** Starts timing a query; undefined when capture is off or the call cannot be described. */
  begin(driver: QueryDriver, sql: unknown, boundary: StackBoundary): PendingQuery | undefined {
    if (!this.enabled || typeof sql !== 'string') return undefined;
    try {
      const call = captureCall(boundary);
      return {
        driver,
        sql,
        stack: call.frames,
        callSite: call.callSite,
        request: this.requests.current(),
        startMs: now(),
        startPerf: performance.now(),
        done: false,
      };
    } catch {
      return undefined;
    }
  }

  /** Finishes a query and emits its message; a second call for the same query does nothing. */
  end(pending: PendingQuery | undefined, failed = false): void {
    if (!pending || pending.done) return;
    pending.done = true;
    if (!this.enabled) return;
    try {
      const durationMs = performance.now() - pending.startPerf;
      const message: QueryMessage = {
        type: 'query',
        pid: process.pid,
        t: now(),
        driver: pending.driver,
        // MongoDB descriptions are built already normalised (and `$in` is not a parameter).
        sql: pending.driver === 'mongodb' ? pending.sql : this.normalize(pending.sql),
        rawLength: pending.sql.length,
        durationMs: Math.round(durationMs * 1000) / 1000,
        startMs: Math.round(pending.startMs * 1000) / 1000,
        stack: pending.stack,
        callSite: pending.callSite !== undefined ? pending.callSite : firstUserFrame(pending.stack),
        request: pending.request,
      };
      if (failed) message.failed = true;
      this.emit(message);
    } catch {
      // No message for this query.
    }
  }

  /**
   * Calls a driver's result callback in the request the query was issued in.
   * Native drivers (sqlite3, for one) call back without the caller's async
   * context, which would leave the queries issued from the callback without
   * their request.
   */
  inRequestOf<T>(pending: PendingQuery, fn: () => T): T {
    if (!this.enabled || this.requests.current() === pending.request) return fn();
    return this.requests.run(pending.request, fn);
  }

  /**
   * Wraps a callback so that it runs in the request current now. For pool
   * checkouts: a waiting checkout is completed by whichever request releases
   * a connection, in that request's context.
   */
  bindToCurrentRequest<F extends (this: unknown, ...args: unknown[]) => unknown>(callback: F): F {
    if (!this.enabled) return callback;
    const request = this.requests.current();
    const requests = this.requests;
    return function (this: unknown, ...args: unknown[]) {
      if (requests.current() === request) return callback.apply(this, args);
      return requests.run(request, () => callback.apply(this, args));
    } as F;
  }

  /** Drops a query without a message (another layer reports it). */
  cancel(pending: PendingQuery | undefined): void {
    if (pending) pending.done = true;
  }

  private normalize(sql: string): string {
    const cached = this.normalized.get(sql);
    if (cached !== undefined) return cached;
    const text = normalizeSql(sql.length > MAX_SQL_CHARS ? sql.slice(0, MAX_SQL_CHARS) : sql);
    if (sql.length <= MAX_SQL_CHARS) {
      if (this.normalized.size >= NORMALIZED_CACHE_SIZE) this.normalized.clear();
      this.normalized.set(sql, text);
    }
    return text;
  }
}
