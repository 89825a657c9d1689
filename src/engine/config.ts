// hotpath.config.json: loading, validation with JSON-path errors, defaults and
// `${port}` substitution. The schema in schema/hotpath.config.schema.json says
// the same for the editor; this file is what the engine trusts.

import * as fs from 'fs';
import * as path from 'path';
import { HotpathError } from './events';

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
  connections: number;
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
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HotpathError(
      code === 'ENOENT'
        ? `No config file at ${absolute}: create hotpath.config.json (see the README) or pass --config FILE.`
        : `Cannot read the config file ${absolute} (${code ?? String(err)}).`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new HotpathError(`${absolute} is not valid JSON: ${(err as Error).message}.`);
  }
  const root = path.dirname(absolute);
  return { config: parseConfig(raw, absolute), file: absolute, root, explicit: explicitPaths(raw) };
}

/** Validates a parsed config object; errors name the file, the JSON path and what was expected. */
export function parseConfig(raw: unknown, file = 'hotpath.config.json'): HotpathConfig {
  const v = new Validator(file);
  const top = v.object(raw, '$');
  v.onlyKeys(top, '$', ['$schema', 'service', 'load', 'profile', 'budgets']);

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
  v.onlyKeys(l, '$.load', ['engine', 'target', 'requests', 'stages', 'scenario', 'allowNonLoopback', 'scenarioFile']);
  const requests =
    l.requests === undefined
      ? [{ method: 'GET', path: '/', weight: 1 }]
      : v.array(l.requests, '$.load.requests', 1).map((r, i) => parseRequest(v, r, `$.load.requests[${i}]`));
  const stages =
    l.stages === undefined
      ? [{ durationSec: 10, connections: 10 }]
      : v.array(l.stages, '$.load.stages', 1).map((st, i) => {
          const p = `$.load.stages[${i}]`;
          const o = v.object(st, p);
          v.onlyKeys(o, p, ['durationSec', 'connections']);
          return {
            durationSec: v.number(o.durationSec, `${p}.durationSec`, 1, 86400),
            connections: v.integer(o.connections, `${p}.connections`, 1, 10000),
          };
        });
  const load: HotpathConfig['load'] = {
    engine: l.engine === undefined ? 'autocannon' : v.oneOf(l.engine, '$.load.engine', ENGINES),
    target: l.target === undefined ? 'http://127.0.0.1:${port}' : v.url(l.target, '$.load.target'),
    requests,
    stages,
    scenario: l.scenario === undefined ? 'load' : v.oneOf(l.scenario, '$.load.scenario', SCENARIOS),
    allowNonLoopback: l.allowNonLoopback === undefined ? false : v.boolean(l.allowNonLoopback, '$.load.allowNonLoopback'),
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
  return { service, load, profile, budgets };
}

function parseRequest(v: Validator, raw: unknown, p: string): RequestSpec {
  const o = v.object(raw, p);
  v.onlyKeys(o, p, ['method', 'path', 'weight', 'headers', 'body']);
  const reqPath = v.string(o.path, `${p}.path`);
  if (!reqPath.startsWith('/')) v.fail(`${p}.path`, 'a path starting with "/"', reqPath);
  const method = o.method === undefined ? 'GET' : v.string(o.method, `${p}.method`).toUpperCase();
  if (!METHODS.includes(method)) v.fail(`${p}.method`, `one of ${METHODS.join(', ')}`, method);
  return {
    method,
    path: reqPath,
    weight: o.weight === undefined ? 1 : v.integer(o.weight, `${p}.weight`, 1, 1000),
    ...(o.headers === undefined ? {} : { headers: v.stringMap(o.headers, `${p}.headers`) }),
    ...(o.body === undefined
      ? {}
      : { body: typeof o.body === 'string' ? o.body : JSON.stringify(v.object(o.body, `${p}.body`)) }),
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

class Validator {
  constructor(private readonly file: string) {}

  fail(at: string, expected: string, got: unknown): never {
    const shown = typeof got === 'string' ? JSON.stringify(got) : got === undefined ? 'nothing' : JSON.stringify(got);
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
