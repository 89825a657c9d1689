// hotpath.config.json: loading, validation with JSON-path errors, defaults and
// `${port}` substitution. The schema in schema/hotpath.config.schema.json says
// the same for the editor; this file is what the engine trusts.

import { parseJsonText } from './jsonInput';
import * as fs from 'fs';
import * as path from 'path';
import { HotpathError } from './events';
import { parseBudget } from './analysis/budgets';
import { DEFAULT_GC_PRESSURE } from './analysis/gcPressure';
import { DEFAULT_EVENT_LOOP_BLOCK } from './analysis/eventLoopBlock';
import { DEFAULT_MEMORY_GROWTH } from './analysis/memoryGrowthFinding';

export type LoadEngine = 'autocannon' | 'artillery' | 'k6';
export type Scenario = 'baseline' | 'load' | 'stress' | 'spike' | 'soak';
export type ProfileBackend = 'inspector' | '0x' | 'clinic-doctor' | 'clinic-flame' | 'clinic-heapprofiler';

export interface RequestSpec {
  method: string;
  path: string;
  weight: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface StageSpec {
  durationSec: number;
  /** Connections (closed model), or with `rate` the most requests in flight at once. */
  connections: number;
  /**
   * Target request rate (requests/s over all connections): an open model in
   * which latency is measured from when each request was due, so a slow
   * service cannot hide its queueing (coordinated omission).
   */
  rate?: number;
}

/** `load.stress`: a ladder of rising concurrency until the error rate or p95 crosses a limit. */
export interface StressSpec {
  startConnections: number;
  /** Connections added per step; when absent the connections are multiplied by `factor`. */
  step: number | null;
  factor: number;
  maxConnections: number;
  stepDurationSec: number;
  /** Seconds at the start of each step not counted in its figures (the queue settling after the change). */
  settleSec: number;
  /** Seconds of load before the first step, not counted (JIT warm-up, connection set-up). */
  warmupSec: number;
  /** Error rate (0–1) beyond which a step is past the breaking point. */
  maxErrorRate: number;
  /** p95 in ms beyond which a step is past the breaking point. */
  maxP95Ms: number;
  /**
   * A step whose p95 is more than this many times the first step's is past the
   * breaking point (a limit that follows the machine: a slower machine is slower
   * at every step). Null: only maxP95Ms and maxErrorRate apply.
   */
  maxP95Factor: number | null;
  /**
   * Seconds to hold the maximum sustainable level once the ladder has found it
   * (connections brought back down from the breaking point); its figures are
   * the ones reported. 0: the step's own figures.
   */
  holdSec: number;
}

/** `load.spike`: base load, a jump to `factor`× for a while, then base load again. */
export interface SpikeSpec {
  baseConnections: number;
  factor: number;
  baseDurationSec: number;
  spikeDurationSec: number;
  recoveryDurationSec: number;
  /** Recovered when a one-second p95 is within this many percent of the pre-spike p95. */
  tolerancePct: number;
}

/** `load.soak`: long constant load compared between its first and last windows. */
export interface SoakSpec {
  durationSec: number;
  connections: number;
  windowSec: number;
  warmupSec: number;
}

export interface HotpathConfig {
  service: {
    command: string;
    args: string[];
    cwd: string;
    env: Record<string, string>;
    readyUrl: string;
    readyTimeoutMs: number;
  };
  load: {
    engine: LoadEngine;
    target: string;
    requests: RequestSpec[];
    stages: StageSpec[];
    scenario: Scenario;
    allowNonLoopback: boolean;
    /** Artillery or k6 scenario file, relative to the config file (engines "artillery" and "k6"). */
    scenarioFile: string | null;
    /** Seconds after which a request counts as timed out. */
    timeoutSec: number;
    stress: StressSpec;
    spike: SpikeSpec;
    soak: SoakSpec;
  };
  profile: {
    backend: ProfileBackend;
    cpu: boolean;
    heap: boolean;
    gc: boolean;
    queries: boolean;
    samplingIntervalMicros: number;
    sliceSeconds: number;
  };
  budgets: Record<string, string>;
  analysis: {
    /** Run-time N+1 rule: within one request, this many repeats from one call site costing this much together. */
    nPlusOne: { minRepeats: number; minTotalMs: number };
    /** gc-pressure fires when the share of wall time paused (0–1) or the p99 pause (ms) is above these. */
    gcPressure: { maxPauseShare: number; maxP99Ms: number };
    /** event-loop-block fires when the run's event-loop delay p99 (ms) is above this. */
    eventLoopBlock: { maxP99Ms: number };
    /** memory-growth fires when heap used after GC rises at least this fast with a fit at least this good. */
    memoryGrowth: { minSlopeMBPerMin: number; minR2: number };
  };
  store: {
    /** Runs kept in the runs folder: older ones are removed after each run (never the baseline). Null: all. */
    keepRuns: number | null;
  };
}

export interface LoadedConfig {
  config: HotpathConfig;
  /** Absolute path of the config file. */
  file: string;
  /** Folder of the config file: the workspace root for relative paths in run.json. */
  root: string;
  /** Dotted paths the file set itself (so front-end settings only fill what it left out). */
  explicit: Set<string>;
}

const ENGINES: LoadEngine[] = ['autocannon', 'artillery', 'k6'];
const SCENARIOS: Scenario[] = ['baseline', 'load', 'stress', 'spike', 'soak'];
const BACKENDS: ProfileBackend[] = ['inspector', '0x', 'clinic-doctor', 'clinic-flame', 'clinic-heapprofiler'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Default sampling interval, chosen from the overhead measured in BENCHMARKS.md. */
export const DEFAULT_SAMPLING_INTERVAL_MICROS = 1000;

export function loadConfig(file: string): LoadedConfig {
  const absolute = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HotpathError(
      code === 'ENOENT'
        ? `No config file at ${absolute}: create hotpath.config.json (see the README) or pass --config FILE.`
        : `Cannot read the config file ${absolute} (${code ?? String(err)}).`,
    );
  }
  // Empty, binary, UTF-16 and invalid JSON are each one sentence naming the file.
  const raw = parseJsonText(bytes, absolute, 'a Hotpath config file');
  const root = path.dirname(absolute);
  return { config: parseConfig(raw, absolute), file: absolute, root, explicit: explicitPaths(raw) };
}

/** Validates a parsed config object; errors name the file, the JSON path and what was expected. */
export function parseConfig(raw: unknown, file = 'hotpath.config.json'): HotpathConfig {
  const v = new Validator(file);
  const top = v.object(raw, '$');
  v.onlyKeys(top, '$', ['$schema', 'service', 'load', 'profile', 'budgets', 'analysis', 'store']);

  const s = v.object(top.service, '$.service');
  v.onlyKeys(s, '$.service', ['command', 'args', 'cwd', 'env', 'readyUrl', 'readyTimeoutMs']);
  const service: HotpathConfig['service'] = {
    command: v.string(s.command, '$.service.command'),
    args: s.args === undefined ? [] : v.stringArray(s.args, '$.service.args'),
    cwd: s.cwd === undefined ? '.' : v.string(s.cwd, '$.service.cwd'),
    env: s.env === undefined ? {} : v.stringMap(s.env, '$.service.env'),
    readyUrl: v.url(s.readyUrl, '$.service.readyUrl'),
    readyTimeoutMs: s.readyTimeoutMs === undefined ? 20000 : v.number(s.readyTimeoutMs, '$.service.readyTimeoutMs', 100, 600000),
  };

  const l = top.load === undefined ? {} : v.object(top.load, '$.load');
  v.onlyKeys(l, '$.load', ['engine', 'target', 'requests', 'stages', 'scenario', 'allowNonLoopback', 'scenarioFile', 'timeoutSec', 'stress', 'spike', 'soak']);
  const scenario: Scenario = l.scenario === undefined ? 'load' : v.oneOf(l.scenario, '$.load.scenario', SCENARIOS);
  const requests =
    l.requests === undefined
      ? [{ method: 'GET', path: '/', weight: 1 }]
      : v.array(l.requests, '$.load.requests', 1).map((r, i) => parseRequest(v, r, `$.load.requests[${i}]`));
  const stages: StageSpec[] =
    l.stages === undefined
      ? // A baseline is the service without contention: one connection.
        [{ durationSec: 10, connections: scenario === 'baseline' ? 1 : 10 }]
      : v.array(l.stages, '$.load.stages', 1).map((st, i) => {
          const p = `$.load.stages[${i}]`;
          const o = v.object(st, p);
          v.onlyKeys(o, p, ['durationSec', 'connections', 'rate']);
          if (o.connections === undefined && o.rate === undefined) v.fail(p, 'an object with "connections", "rate" or both', o);
          const rate = o.rate === undefined ? undefined : v.number(o.rate, `${p}.rate`, 0.1, 1_000_000);
          return {
            durationSec: v.number(o.durationSec, `${p}.durationSec`, 1, 86400),
            connections: o.connections === undefined ? DEFAULT_RATE_CONNECTIONS : v.integer(o.connections, `${p}.connections`, 1, 10000),
            ...(rate === undefined ? {} : { rate }),
          };
        });
  const engine: LoadEngine = l.engine === undefined ? 'autocannon' : v.oneOf(l.engine, '$.load.engine', ENGINES);
  const scenarioFile = l.scenarioFile === undefined ? null : v.string(l.scenarioFile, '$.load.scenarioFile');
  if (engine !== 'autocannon' && scenarioFile === null) {
    v.fail('$.load.scenarioFile', `the ${engine} scenario file to run (load.engine is "${engine}")`, undefined);
  }
  if (engine !== 'autocannon' && (scenario === 'stress' || scenario === 'spike' || scenario === 'soak')) {
    throw new HotpathError(
      `${file}: $.load.scenario "${scenario}" is run by the embedded autocannon engine; with load.engine "${engine}" the phases come from the scenario file, so use "load" or "baseline".`,
    );
  }
  const load: HotpathConfig['load'] = {
    engine,
    target: l.target === undefined ? 'http://127.0.0.1:${port}' : v.url(l.target, '$.load.target'),
    requests,
    stages,
    scenario,
    allowNonLoopback: l.allowNonLoopback === undefined ? false : v.boolean(l.allowNonLoopback, '$.load.allowNonLoopback'),
    scenarioFile,
    timeoutSec: l.timeoutSec === undefined ? 10 : v.number(l.timeoutSec, '$.load.timeoutSec', 0.1, 3600),
    stress: parseStress(v, l.stress),
    spike: parseSpike(v, l.spike),
    soak: parseSoak(v, l.soak),
  };

  const pr = top.profile === undefined ? {} : v.object(top.profile, '$.profile');
  v.onlyKeys(pr, '$.profile', ['backend', 'cpu', 'heap', 'gc', 'queries', 'samplingIntervalMicros', 'sliceSeconds']);
  const flag = (key: string): boolean => (pr[key] === undefined ? true : v.boolean(pr[key], `$.profile.${key}`));
  const profile: HotpathConfig['profile'] = {
    backend: pr.backend === undefined ? 'inspector' : v.oneOf(pr.backend, '$.profile.backend', BACKENDS),
    cpu: flag('cpu'),
    heap: flag('heap'),
    gc: flag('gc'),
    queries: flag('queries'),
    samplingIntervalMicros:
      pr.samplingIntervalMicros === undefined
        ? DEFAULT_SAMPLING_INTERVAL_MICROS
        : v.integer(pr.samplingIntervalMicros, '$.profile.samplingIntervalMicros', 50, 100000),
    sliceSeconds: pr.sliceSeconds === undefined ? 2 : v.number(pr.sliceSeconds, '$.profile.sliceSeconds', 0.5, 60),
  };

  const budgets = top.budgets === undefined ? {} : v.stringMap(top.budgets, '$.budgets');
  // The grammar's own sentence (listing what is valid), with the file it came from.
  for (const [metric, expression] of Object.entries(budgets)) {
    try {
      parseBudget(metric, expression);
    } catch (err) {
      if (err instanceof HotpathError) throw new HotpathError(`${file}: ${err.message}`, err.detail);
      throw err;
    }
  }
  const an = top.analysis === undefined ? {} : v.object(top.analysis, '$.analysis');
  v.onlyKeys(an, '$.analysis', ['nPlusOne', 'gcPressure', 'eventLoopBlock', 'memoryGrowth']);
  const n1 = an.nPlusOne === undefined ? {} : v.object(an.nPlusOne, '$.analysis.nPlusOne');
  v.onlyKeys(n1, '$.analysis.nPlusOne', ['minRepeats', 'minTotalMs']);
  const analysis: HotpathConfig['analysis'] = {
    nPlusOne: {
      // Sentry's defaults: 5 repeats, 50 ms together.
      minRepeats: n1.minRepeats === undefined ? 5 : v.integer(n1.minRepeats, '$.analysis.nPlusOne.minRepeats', 2, 10000),
      minTotalMs: n1.minTotalMs === undefined ? 50 : v.number(n1.minTotalMs, '$.analysis.nPlusOne.minTotalMs', 0, 600000),
    },
    ...parseFindingSettings(v, an),
  };
  const st = top.store === undefined ? {} : v.object(top.store, '$.store');
  v.onlyKeys(st, '$.store', ['keepRuns']);
  const store: HotpathConfig['store'] = { keepRuns: st.keepRuns === undefined ? null : v.integer(st.keepRuns, '$.store.keepRuns', 1, 1_000_000) };
  return { service, load, profile, budgets, analysis, store };
}

/** analysis.gcPressure, .eventLoopBlock and .memoryGrowth: each setting left out takes the rule's default. */
function parseFindingSettings(v: Validator, an: Record<string, unknown>): Omit<HotpathConfig['analysis'], 'nPlusOne'> {
  const section = <K extends string>(key: string, keys: K[]): Partial<Record<K, unknown>> => {
    const raw = an[key] === undefined ? {} : v.object(an[key], `$.analysis.${key}`);
    v.onlyKeys(raw, `$.analysis.${key}`, keys);
    return raw as Partial<Record<K, unknown>>;
  };
  const num = (raw: unknown, p: string, fallback: number, min: number, max: number) => (raw === undefined ? fallback : v.number(raw, p, min, max));
  const gc = section('gcPressure', ['maxPauseShare', 'maxP99Ms']);
  const loop = section('eventLoopBlock', ['maxP99Ms']);
  const mem = section('memoryGrowth', ['minSlopeMBPerMin', 'minR2']);
  return {
    gcPressure: {
      maxPauseShare: num(gc.maxPauseShare, '$.analysis.gcPressure.maxPauseShare', DEFAULT_GC_PRESSURE.maxPauseShare, 0, 1),
      maxP99Ms: num(gc.maxP99Ms, '$.analysis.gcPressure.maxP99Ms', DEFAULT_GC_PRESSURE.maxP99Ms, 0, 600000),
    },
    eventLoopBlock: { maxP99Ms: num(loop.maxP99Ms, '$.analysis.eventLoopBlock.maxP99Ms', DEFAULT_EVENT_LOOP_BLOCK.maxP99Ms, 0, 600000) },
    memoryGrowth: {
      minSlopeMBPerMin: num(mem.minSlopeMBPerMin, '$.analysis.memoryGrowth.minSlopeMBPerMin', DEFAULT_MEMORY_GROWTH.minSlopeMBPerMin, 0, 1e6),
      minR2: num(mem.minR2, '$.analysis.memoryGrowth.minR2', DEFAULT_MEMORY_GROWTH.minR2, 0, 1),
    },
  };
}

/** In-flight limit of a rate stage that names no connections. */
export const DEFAULT_RATE_CONNECTIONS = 64;

function parseStress(v: Validator, raw: unknown): StressSpec {
  const p = '$.load.stress';
  const o = raw === undefined ? {} : v.object(raw, p);
  v.onlyKeys(o, p, ['startConnections', 'step', 'factor', 'maxConnections', 'stepDurationSec', 'settleSec', 'warmupSec', 'maxErrorRate', 'maxP95Ms', 'maxP95Factor', 'holdSec']);
  if (o.step !== undefined && o.factor !== undefined) {
    throw new HotpathError(`${v.file}: ${p} sets both "step" and "factor"; use "step" to add connections per step or "factor" to multiply them.`);
  }
  const spec: StressSpec = {
    startConnections: o.startConnections === undefined ? 1 : v.integer(o.startConnections, `${p}.startConnections`, 1, 10000),
    step: o.step === undefined ? null : v.integer(o.step, `${p}.step`, 1, 10000),
    factor: o.factor === undefined ? 2 : v.number(o.factor, `${p}.factor`, 1.1, 100),
    maxConnections: o.maxConnections === undefined ? 512 : v.integer(o.maxConnections, `${p}.maxConnections`, 1, 10000),
    stepDurationSec: o.stepDurationSec === undefined ? 10 : v.number(o.stepDurationSec, `${p}.stepDurationSec`, 1, 3600),
    settleSec: o.settleSec === undefined ? 1 : v.number(o.settleSec, `${p}.settleSec`, 0, 600),
    warmupSec: o.warmupSec === undefined ? 3 : v.number(o.warmupSec, `${p}.warmupSec`, 0, 600),
    maxErrorRate: o.maxErrorRate === undefined ? 0.01 : v.number(o.maxErrorRate, `${p}.maxErrorRate`, 0, 1),
    maxP95Ms: o.maxP95Ms === undefined ? 1000 : v.number(o.maxP95Ms, `${p}.maxP95Ms`, 0.001, 3_600_000),
    maxP95Factor: o.maxP95Factor === undefined ? null : v.number(o.maxP95Factor, `${p}.maxP95Factor`, 1, 1000),
    holdSec: o.holdSec === undefined ? 0 : v.number(o.holdSec, `${p}.holdSec`, 0, 86400),
  };
  if (spec.maxConnections < spec.startConnections) v.fail(`${p}.maxConnections`, `at least startConnections (${spec.startConnections})`, spec.maxConnections);
  if (spec.settleSec >= spec.stepDurationSec) v.fail(`${p}.settleSec`, `less than stepDurationSec (${spec.stepDurationSec})`, spec.settleSec);
  return spec;
}

function parseSpike(v: Validator, raw: unknown): SpikeSpec {
  const p = '$.load.spike';
  const o = raw === undefined ? {} : v.object(raw, p);
  v.onlyKeys(o, p, ['baseConnections', 'factor', 'baseDurationSec', 'spikeDurationSec', 'recoveryDurationSec', 'tolerancePct']);
  return {
    baseConnections: o.baseConnections === undefined ? 5 : v.integer(o.baseConnections, `${p}.baseConnections`, 1, 10000),
    factor: o.factor === undefined ? 5 : v.number(o.factor, `${p}.factor`, 1.1, 1000),
    baseDurationSec: o.baseDurationSec === undefined ? 10 : v.number(o.baseDurationSec, `${p}.baseDurationSec`, 2, 3600),
    spikeDurationSec: o.spikeDurationSec === undefined ? 10 : v.number(o.spikeDurationSec, `${p}.spikeDurationSec`, 1, 3600),
    recoveryDurationSec: o.recoveryDurationSec === undefined ? 20 : v.number(o.recoveryDurationSec, `${p}.recoveryDurationSec`, 2, 3600),
    tolerancePct: o.tolerancePct === undefined ? 20 : v.number(o.tolerancePct, `${p}.tolerancePct`, 0, 1000),
  };
}

function parseSoak(v: Validator, raw: unknown): SoakSpec {
  const p = '$.load.soak';
  const o = raw === undefined ? {} : v.object(raw, p);
  v.onlyKeys(o, p, ['durationSec', 'connections', 'windowSec', 'warmupSec']);
  const spec: SoakSpec = {
    durationSec: o.durationSec === undefined ? 600 : v.number(o.durationSec, `${p}.durationSec`, 10, 7 * 86400),
    connections: o.connections === undefined ? 10 : v.integer(o.connections, `${p}.connections`, 1, 10000),
    windowSec: o.windowSec === undefined ? 60 : v.number(o.windowSec, `${p}.windowSec`, 1, 86400),
    warmupSec: o.warmupSec === undefined ? 5 : v.number(o.warmupSec, `${p}.warmupSec`, 0, 3600),
  };
  if (spec.warmupSec + 2 * spec.windowSec > spec.durationSec) {
    v.fail(`${p}.durationSec`, `at least warmupSec + 2 × windowSec (${spec.warmupSec + 2 * spec.windowSec}) so that a first and a last window can be compared`, spec.durationSec);
  }
  return spec;
}

function parseRequest(v: Validator, raw: unknown, p: string): RequestSpec {
  const o = v.object(raw, p);
  v.onlyKeys(o, p, ['method', 'path', 'weight', 'headers', 'body']);
  const reqPath = v.string(o.path, `${p}.path`);
  if (!reqPath.startsWith('/')) v.fail(`${p}.path`, 'a path starting with "/"', reqPath);
  const method = o.method === undefined ? 'GET' : v.string(o.method, `${p}.method`).toUpperCase();
  if (!METHODS.includes(method)) v.fail(`${p}.method`, `one of ${METHODS.join(', ')}`, method);
  let headers = o.headers === undefined ? undefined : v.stringMap(o.headers, `${p}.headers`);
  let body: string | undefined;
  if (typeof o.body === 'string') body = o.body;
  else if (o.body !== undefined) {
    // A JSON object body is sent as JSON: it says so unless the headers already say otherwise.
    body = JSON.stringify(v.object(o.body, `${p}.body`));
    if (!Object.keys(headers ?? {}).some((h) => h.toLowerCase() === 'content-type')) headers = { ...headers, 'content-type': 'application/json' };
  }
  return {
    method,
    path: reqPath,
    weight: o.weight === undefined ? 1 : v.integer(o.weight, `${p}.weight`, 1, 1000),
    ...(headers === undefined ? {} : { headers }),
    ...(body === undefined ? {} : { body }),
  };
}

function explicitPaths(raw: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      const p = prefix ? `${prefix}.${key}` : key;
      out.add(p);
      explicitPaths(value, p, out);
    }
  }
  return out;
}

/** Replaces `${port}` everywhere CONTRACT.md says it may appear. */
export function substitutePort(config: HotpathConfig, port: number): HotpathConfig {
  const sub = (s: string) => s.split('${port}').join(String(port));
  return {
    ...config,
    service: {
      ...config.service,
      args: config.service.args.map(sub),
      env: Object.fromEntries(Object.entries(config.service.env).map(([k, val]) => [k, sub(val)])),
      readyUrl: sub(config.service.readyUrl),
    },
    load: { ...config.load, target: sub(config.load.target) },
  };
}

type Obj = Record<string, unknown>;

/** A value as JSON for an error message: one line, at most 80 characters, never throwing (deep or huge values). */
function shortJson(x: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(x) ?? String(x);
  } catch {
    text = Array.isArray(x) ? 'an array nested too deep to show' : 'an object nested too deep to show';
  }
  text = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

class Validator {
  constructor(readonly file: string) {}

  fail(at: string, expected: string, got: unknown): never {
    const shown = got === undefined ? 'nothing' : shortJson(got);
    throw new HotpathError(`${this.file}: ${at} should be ${expected}, but is ${shown}.`);
  }

  object(x: unknown, at: string): Obj {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) this.fail(at, 'an object', x);
    return x as Obj;
  }

  onlyKeys(o: Obj, at: string, allowed: string[]): void {
    for (const key of Object.keys(o)) {
      if (!allowed.includes(key)) {
        throw new HotpathError(`${this.file}: ${at} has an unknown property "${key}"; allowed: ${allowed.join(', ')}.`);
      }
    }
  }

  string(x: unknown, at: string): string {
    if (typeof x !== 'string' || x.length === 0) this.fail(at, 'a non-empty string', x);
    return x as string;
  }

  url(x: unknown, at: string): string {
    const s = this.string(x, at);
    if (!/^https?:\/\//.test(s)) this.fail(at, 'an http:// or https:// URL', s);
    return s;
  }

  number(x: unknown, at: string, min: number, max: number): number {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) this.fail(at, `a number from ${min} to ${max}`, x);
    return x as number;
  }

  integer(x: unknown, at: string, min: number, max: number): number {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) this.fail(at, `a whole number from ${min} to ${max}`, x);
    return x as number;
  }

  boolean(x: unknown, at: string): boolean {
    if (typeof x !== 'boolean') this.fail(at, 'true or false', x);
    return x as boolean;
  }

  oneOf<T extends string>(x: unknown, at: string, options: readonly T[]): T {
    if (typeof x !== 'string' || !options.includes(x as T)) this.fail(at, `one of ${options.map((o) => `"${o}"`).join(', ')}`, x);
    return x as T;
  }

  array(x: unknown, at: string, minItems = 0): unknown[] {
    if (!Array.isArray(x) || x.length < minItems) this.fail(at, minItems ? `an array with at least ${minItems} item(s)` : 'an array', x);
    return x as unknown[];
  }

  stringArray(x: unknown, at: string): string[] {
    return this.array(x, at).map((item, i) => {
      if (typeof item !== 'string') this.fail(`${at}[${i}]`, 'a string', item);
      return item as string;
    });
  }

  stringMap(x: unknown, at: string): Record<string, string> {
    const o = this.object(x, at);
    for (const [key, val] of Object.entries(o)) {
      if (typeof val !== 'string') this.fail(`${at}.${key}`, 'a string', val);
    }
    return o as Record<string, string>;
  }
}
