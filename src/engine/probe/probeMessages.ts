// The messages the probe preload sends to the engine: one JSON object per line
// over a local socket. Every message carries the sending process's `pid` and
// `t`, the epoch time in milliseconds with sub-millisecond precision
// (`performance.timeOrigin + performance.now()`).
//
// The probe bundle imports this file, so it must stay free of dependencies.

/** Environment variable that tells the probe where the engine listens. Unset: the probe does nothing. */
export const PROBE_SOCKET_ENV = 'HOTPATH_PROBE_SOCKET';

/**
 * Optional environment variable: a comma-separated list of collectors to switch
 * off (`gc`, `memory`, `eventLoop`, `queries`, `requests`), so that a config with
 * `"queries": false` costs the service nothing for queries.
 */
export const PROBE_DISABLE_ENV = 'HOTPATH_PROBE_DISABLE';

export type ProbeFeature = 'gc' | 'memory' | 'eventLoop' | 'queries' | 'requests';

interface MessageBase {
  pid: number;
  /** Epoch milliseconds, sub-millisecond precision. */
  t: number;
}

/** First message of every process that loads the probe (service, its children, cluster workers). */
export interface HelloMessage extends MessageBase {
  type: 'hello';
  ppid: number;
  argv: string[];
  nodeVersion: string;
}

export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb';

/** One garbage collection, from a `perf_hooks` `gc` entry. */
export interface GcMessage extends MessageBase {
  type: 'gc';
  kind: GcKind;
  durationMs: number;
  /** Epoch milliseconds at which the collection started. */
  startMs: number;
}

/** `process.memoryUsage()` and `process.cpuUsage()`, every 200 ms. */
export interface MemoryMessage extends MessageBase {
  type: 'memory';
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  /** CPU time the process has used since it started (µs), from process.cpuUsage(). */
  cpuUserUs?: number;
  cpuSystemUs?: number;
  /** Messages the probe dropped since its previous memory message because the socket could not keep up. */
  dropped: number;
}

export interface EventLoopDelay {
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

/** Event-loop health over the interval since the previous report (about 1 s). */
export interface EventLoopMessage extends MessageBase {
  type: 'eventLoop';
  /** Milliseconds by which the loop was late, beyond the monitor's 10 ms resolution. */
  delay: EventLoopDelay;
  /** Event-loop utilisation, 0..1. */
  utilization: number;
}

export type QueryDriver = 'better-sqlite3' | 'pg' | 'mysql2' | 'sqlite3' | 'mongodb';

export interface CallSite {
  /** Absolute path (file URLs are converted). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface RequestRef {
  /** Sequence number of the request within its process: queries of one request share it (N+1 detection). */
  id: number;
  method: string;
  /** The request path without its query string. */
  path: string;
}

/** One database query, timed from the call until its result (or error) was delivered. */
export interface QueryMessage extends MessageBase {
  type: 'query';
  driver: QueryDriver;
  /** Normalised: literals replaced by `?`, IN-lists collapsed to `IN (?)` (see sqlNormalize.ts). For MongoDB, a description such as `db.users.findOne({_id: ?})`. */
  sql: string;
  /** Length of the query text before normalisation. */
  rawLength: number;
  durationMs: number;
  /** Epoch milliseconds at which the query was issued. */
  startMs: number;
  /** JavaScript stack at the call, innermost first, as `file:line:col` (1-based). */
  stack: string[];
  /** First frame outside node_modules, Node internals and the probe; null when there is none. */
  callSite: CallSite | null;
  /** The HTTP request being served when the query was issued, if any. */
  request: RequestRef | null;
  /** Present and true when the query failed. */
  failed?: true;
}

export type ProbeMessage = HelloMessage | GcMessage | MemoryMessage | EventLoopMessage | QueryMessage;
export type ProbeMessageType = ProbeMessage['type'];

const GC_KINDS: ReadonlySet<string> = new Set<GcKind>(['minor', 'major', 'incremental', 'weakcb']);
const DRIVERS: ReadonlySet<string> = new Set<QueryDriver>(['better-sqlite3', 'pg', 'mysql2', 'sqlite3', 'mongodb']);

type Json = Record<string, unknown>;

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const numbers = (object: Json, keys: readonly string[]): boolean => keys.every((key) => isNumber(object[key]));
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function isCallSite(value: unknown): value is CallSite {
  return isObject(value) && isString(value.file) && numbers(value, ['line', 'column']);
}

function isRequestRef(value: unknown): value is RequestRef {
  return isObject(value) && isNumber(value.id) && isString(value.method) && isString(value.path);
}

/**
 * Validates one decoded line from a probe. Returns the message, or undefined
 * when the value is not a well-formed probe message (the caller counts it).
 */
export function toProbeMessage(value: unknown): ProbeMessage | undefined {
  if (!isObject(value) || !numbers(value, ['pid', 't'])) return undefined;
  switch (value.type) {
    case 'hello':
      return isNumber(value.ppid) && Array.isArray(value.argv) && value.argv.every(isString) && isString(value.nodeVersion)
        ? (value as unknown as HelloMessage)
        : undefined;
    case 'gc':
      return isString(value.kind) && GC_KINDS.has(value.kind) && numbers(value, ['durationMs', 'startMs'])
        ? (value as unknown as GcMessage)
        : undefined;
    case 'memory':
      return numbers(value, ['heapUsed', 'heapTotal', 'rss', 'external', 'arrayBuffers', 'dropped'])
        ? (value as unknown as MemoryMessage)
        : undefined;
    case 'eventLoop':
      return isObject(value.delay) && numbers(value.delay, ['min', 'max', 'mean', 'p50', 'p90', 'p99']) && isNumber(value.utilization)
        ? (value as unknown as EventLoopMessage)
        : undefined;
    case 'query':
      return isString(value.driver) &&
        DRIVERS.has(value.driver) &&
        isString(value.sql) &&
        numbers(value, ['rawLength', 'durationMs', 'startMs']) &&
        Array.isArray(value.stack) &&
        value.stack.every(isString) &&
        (value.callSite === null || isCallSite(value.callSite)) &&
        (value.request === null || isRequestRef(value.request)) &&
        (value.failed === undefined || value.failed === true)
        ? (value as unknown as QueryMessage)
        : undefined;
    default:
      return undefined;
  }
}

/** Parses one NDJSON line; undefined for anything that is not a valid probe message. */
export function parseProbeMessage(line: string): ProbeMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return toProbeMessage(value);
}
