// A closed-model stage: `connections` connections, each sending its next request
// when the previous one is answered, with autocannon. Latencies go into our own
// histograms (LoadRecorder); autocannon's are whole milliseconds.

import { HotpathError } from '../events';
import autocannon from 'autocannon';
import type { RequestSpec } from '../config';
import type { LoadRecorder } from './loadRecorder';
import { weightedSequence } from './requestMix';

export interface RunningLoad {
  /** Resolves when the stage ends (its duration, or stop()) with the requests the generator counted. */
  readonly done: Promise<number>;
  stop(): void;
}

interface AutocannonClient {
  /** With pipelining 1, the request just answered ('response' fires before the next one is taken). */
  requestIterator?: { currentRequestIndex?: number; currentRequest?: { method?: string; path?: string } };
}

/**
 * Each time a connection wraps around its request list, autocannon deep-clones
 * the request context (lodash.clonedeep, microseconds each); with a one-request
 * mix that was once per request. The cycle is therefore repeated up to this
 * length, which leaves the mix as it was.
 */
export const MIN_REQUEST_LIST = 100;

/** The weighted mix as autocannon's request list: whole cycles, at least MIN_REQUEST_LIST requests. */
export function autocannonRequests(requests: RequestSpec[]): autocannon.Request[] {
  const cycle = weightedSequence(requests);
  const list: RequestSpec[] = [];
  while (cycle.length && list.length < MIN_REQUEST_LIST) list.push(...cycle);
  return list.map((r) => ({
    method: r.method as autocannon.Request['method'],
    path: r.path,
    ...(r.headers ? { headers: r.headers } : {}),
    ...(r.body !== undefined ? { body: r.body } : {}),
  }));
}

export function startAutocannon(
  rec: LoadRecorder,
  opts: { target: string; requests: RequestSpec[]; connections: number; durationSec: number; timeoutSec: number },
): RunningLoad {
  // autocannon refuses a timeout under 1 s without emitting 'done', which would leave the stage running forever.
  if (!(opts.timeoutSec >= 1)) {
    throw new HotpathError(`load.timeoutSec is ${opts.timeoutSec}: autocannon's connection stages need at least 1 second (a stage with a "rate" accepts less); raise it in the config.`);
  }
  const requests = autocannonRequests(opts.requests);
  // One accumulator per position in autocannon's request list, so a response costs no key building or map lookup.
  const endpoints = requests.map((r) => rec.liveEndpoint(r.method ?? 'GET', r.path ?? '/'));
  const instance = autocannon(
    {
      url: opts.target,
      connections: opts.connections,
      duration: opts.durationSec,
      requests,
      timeout: opts.timeoutSec,
      pipelining: 1,
    } as autocannon.Options,
    () => undefined,
  );
  // @types/autocannon types the listener's `client` too narrowly for the iterator we read.
  (instance as unknown as NodeJS.EventEmitter).on('response', (client: AutocannonClient, statusCode: number, _bytes: number, responseTime: number) => {
    const it = client.requestIterator;
    const i = it?.currentRequestIndex;
    let ep = i !== undefined ? endpoints[i] : undefined;
    if (!ep) ep = rec.liveEndpoint(it?.currentRequest?.method ?? 'GET', it?.currentRequest?.path ?? '/');
    rec.liveResponse(rec.now(), ep, statusCode, responseTime);
  });
  instance.on('reqError', (err: Error) => {
    rec.error(rec.now(), /timed out/.test(err.message) ? 'timeout' : 'connection');
  });
  const done = new Promise<number>((resolve) => instance.on('done', (result: autocannon.Result) => resolve(result.requests.total)));
  return { done, stop: () => instance.stop() };
}
