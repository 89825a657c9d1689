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
  requestIterator?: { currentRequest?: { method?: string; path?: string } };
}

/** The weighted mix as autocannon's request list, one cycle long. */
export function autocannonRequests(requests: RequestSpec[]): autocannon.Request[] {
  return weightedSequence(requests).map((r) => ({
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
  const instance = autocannon(
    {
      url: opts.target,
      connections: opts.connections,
      duration: opts.durationSec,
      requests: autocannonRequests(opts.requests),
      timeout: opts.timeoutSec,
      pipelining: 1,
    } as autocannon.Options,
    () => undefined,
  );
  // @types/autocannon types the listener's `client` too narrowly for the iterator we read.
  (instance as unknown as NodeJS.EventEmitter).on('response', (client: AutocannonClient, statusCode: number, _bytes: number, responseTime: number) => {
    const req = client.requestIterator?.currentRequest;
    rec.response(rec.now(), req?.method ?? 'GET', req?.path ?? '/', statusCode, responseTime);
  });
  instance.on('reqError', (err: Error) => {
    rec.error(rec.now(), /timed out/.test(err.message) ? 'timeout' : 'connection');
  });
  const done = new Promise<number>((resolve) => instance.on('done', (result: autocannon.Result) => resolve(result.requests.total)));
  return { done, stop: () => instance.stop() };
}
