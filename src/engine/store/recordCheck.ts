// The run-time check a run.json must pass before anything renders it: the
// fields CONTRACT.md says must exist, with their kinds. It is deliberately
// shallower than schema/run.schema.json (which tests hold every written
// record to): it guards what the lists, reports and comparisons read, so a
// hand-edited or foreign file is reported as damaged instead of crashing them.

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'object|null' | 'string|null' | 'array|undefined' | 'object|undefined';

const STATUSES = ['passed', 'failed', 'error', 'cancelled'];

const TOP: Array<[string, Kind]> = [
  ['id', 'string'],
  ['startedAt', 'string'],
  ['durationMs', 'number'],
  ['status', 'string'],
  ['environment', 'object'],
  ['load', 'object|null'],
  ['cpu', 'object|null'],
  ['heap', 'object|null'],
  ['gc', 'object|null'],
  ['eventLoop', 'object|null'],
  ['queries', 'object|null'],
  ['budgets', 'array'],
  ['findings', 'array'],
];

const LOAD: Array<[string, Kind]> = [
  ['requests', 'object'],
  ['requests.total', 'number'],
  ['throughputRps', 'object'],
  ['throughputRps.mean', 'number'],
  ['latencyMs', 'object'],
  ['latencyMs.p50', 'number'],
  ['latencyMs.p95', 'number'],
  ['latencyMs.p99', 'number'],
  ['errors', 'object'],
  ['errors.total', 'number'],
  ['errors.rate', 'number'],
  ['endpoints', 'array'],
  ['timeline', 'array'],
];

// The lists the reports, comparisons and views walk: each item must be an
// object with these fields (a hand-edited `[null]` would otherwise crash them).
const ITEMS: Array<[string, Array<[string, Kind]>]> = [
  ['load.endpoints', [['method', 'string'], ['path', 'string'], ['requests', 'number'], ['throughputRps', 'number'], ['latencyMs', 'object'], ['latencyMs.p50', 'number'], ['latencyMs.p95', 'number'], ['latencyMs.p99', 'number'], ['errorRate', 'number']]],
  ['load.timeline', [['t', 'number'], ['rps', 'number']]],
  ['cpu.hotFunctions', [['name', 'string'], ['file', 'string'], ['line', 'number'], ['selfMs', 'number'], ['selfPct', 'number'], ['totalMs', 'number'], ['totalPct', 'number']]],
  ['cpu.hotLines', [['file', 'string'], ['line', 'number'], ['selfMs', 'number'], ['selfPct', 'number']]],
  ['heap.timeline', [['t', 'number'], ['heapUsed', 'number']]],
  ['queries.nPlusOne', [['query', 'string'], ['count', 'number'], ['totalMs', 'number']]],
  ['budgets', [['metric', 'string'], ['expression', 'string'], ['passed', 'boolean']]],
  ['findings', [['kind', 'string'], ['severity', 'string'], ['message', 'string'], ['location', 'object|undefined']]],
];

// Objects whose fields the reports read directly, when the object is there.
const SECTIONS: Array<[string, Array<[string, Kind]>]> = [
  ['environment', [['node', 'string'], ['platform', 'string']]],
  ['cpu', [['hotFunctions', 'array'], ['hotLines', 'array']]],
  ['heap', [['timeline', 'array|undefined']]],
  ['gc', [['count', 'number'], ['totalPauseMs', 'number'], ['pauseMs', 'object']]],
  ['eventLoop', [['delayMs', 'object']]],
  ['queries', [['total', 'number'], ['nPlusOne', 'array|undefined']]],
];

/** Null when `x` can be read as a schemaVersion 1 run record; otherwise why not, as a clause. */
export function recordProblem(x: unknown): string | null {
  if (!isObject(x) || !('schemaVersion' in x)) return 'run.json is not a Hotpath run record (schemaVersion 1)';
  if (x.schemaVersion !== 1) {
    return typeof x.schemaVersion === 'number' && x.schemaVersion > 1
      ? `run.json has schemaVersion ${x.schemaVersion}, which this version of Hotpath cannot read (update Hotpath)`
      : 'run.json is not a Hotpath run record (schemaVersion 1)';
  }
  const problem = firstMismatch(x, TOP, '') ?? (isObject(x.load) ? firstMismatch(x.load, LOAD, 'load.') : null);
  if (problem) return `run.json is not a complete Hotpath run record (${problem})`;
  const deeper = sectionsProblem(x);
  if (deeper) return `run.json is not a complete Hotpath run record (${deeper})`;
  if (!STATUSES.includes(x.status as string)) return `run.json is not a complete Hotpath run record ("status" is "${String(x.status).slice(0, 40)}", not one of ${STATUSES.join(', ')})`;
  return null;
}

function sectionsProblem(x: Record<string, unknown>): string | null {
  for (const [name, fields] of SECTIONS) {
    const section = x[name];
    if (!isObject(section)) continue;
    const problem = firstMismatch(section, fields, `${name}.`);
    if (problem) return problem;
  }
  if (x.processes !== undefined && !Array.isArray(x.processes)) return '"processes" should be an array';
  for (const [list, fields] of ITEMS) {
    const items = list.split('.').reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), x);
    if (!Array.isArray(items)) continue;
    for (let i = 0; i < items.length; i++) {
      const item: unknown = items[i];
      if (!isObject(item)) return `"${list}[${i}]" should be an object, but is ${item === null ? 'null' : Array.isArray(item) ? 'an array' : typeof item}`;
      const problem = firstMismatch(item, fields, `${list}[${i}].`);
      if (problem) return problem;
    }
  }
  return null;
}

function firstMismatch(o: Record<string, unknown>, fields: Array<[string, Kind]>, prefix: string): string | null {
  for (const [field, kind] of fields) {
    const value = field.split('.').reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), o);
    if (!matches(value, kind)) {
      const what = value === undefined ? 'missing' : `${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
      return `"${prefix}${field}" should be ${describe(kind)}, but is ${what}`;
    }
  }
  return null;
}

function matches(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'string|null':
      return v === null || typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'object':
      return isObject(v);
    case 'object|null':
      return v === null || isObject(v);
    case 'object|undefined':
      return v === undefined || v === null || isObject(v);
    case 'array|undefined':
      return v === undefined || Array.isArray(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
  }
}

function describe(kind: Kind): string {
  if (kind === 'object|undefined') return 'an object, null or absent';
  if (kind === 'array|undefined') return 'an array or absent';
  return kind === 'object|null' ? 'an object or null' : kind === 'string|null' ? 'a string or null' : kind === 'array' ? 'an array' : kind === 'object' ? 'an object' : `a ${kind}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
