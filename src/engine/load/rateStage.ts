// An open-model stage: requests are due at a fixed rate whether or not earlier
// ones were answered, like real users arriving. Latency counts from when each
// request was DUE, not from when a free connection finally sent it, so a
// service that stalls cannot hide the queue it built (coordinated omission;
// the correction wrk2 makes). At most `maxInFlight` requests are on the wire;
// the rest wait in a queue in due order, and one that has waited longer than
// the timeout is counted as a timeout without being sent.

import * as http from 'http';
import * as https from 'https';
import { performance } from 'perf_hooks';
import type { RequestSpec } from '../config';
import type { LoadRecorder } from './loadRecorder';
import { weightedSequence } from './requestMix';
import type { RunningLoad } from './autocannonStage';

export interface RateStageOptions {
  target: string;
  requests: RequestSpec[];
  /** Requests per second over all connections. */
  rate: number;
  maxInFlight: number;
  durationSec: number;
  timeoutSec: number;
}

/** How long in-flight requests may finish after the stage's last request was due. */
const DRAIN_MS = 2000;

export function startRateStage(rec: LoadRecorder, opts: RateStageOptions): RunningLoad {
  const base = new URL(opts.target);
  const mod = base.protocol === 'https:' ? https : http;
  const agent = new mod.Agent({ keepAlive: true, maxSockets: opts.maxInFlight });
  const basePath = base.pathname.replace(/\/$/, '');
  const sequence = weightedSequence(opts.requests);
  const endpoints = new Map(opts.requests.map((r) => [r, rec.liveEndpoint(r.method, r.path)]));
  const intervalMs = 1000 / opts.rate;
  const timeoutMs = opts.timeoutSec * 1000;
  // Scheduling and latency use the monotonic high-resolution clock; `rec.now()` only places samples on the run clock.
  const hr = () => performance.now();
  const startT = hr();
  const endT = startT + opts.durationSec * 1000;
  const total = Math.floor(opts.durationSec * opts.rate);

  let next = 0; // index of the next request to become due
  let inFlight = 0;
  let sent = 0;
  const queue: Array<{ due: number; spec: RequestSpec }> = [];
  const live = new Set<http.ClientRequest>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let resolveDone!: (n: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const finish = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    for (const req of live) req.destroy();
    live.clear();
    agent.destroy();
    resolveDone(sent);
  };

  const send = (item: { due: number; spec: RequestSpec }) => {
    const { spec, due } = item;
    inFlight++;
    sent++;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      inFlight--;
      clearTimeout(deadline);
      live.delete(req);
      if (!stopped) fn();
      pump();
    };
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    const headers: Record<string, string | number> = { ...(spec.headers ?? {}) };
    if (body) headers['content-length'] = body.length;
    const req = mod.request(
      { agent, protocol: base.protocol, hostname: base.hostname, port: base.port, method: spec.method, path: basePath + spec.path, headers },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => settle(() => rec.liveResponse(rec.now(), endpoints.get(spec)!, res.statusCode ?? 0, hr() - due)));
        res.on('error', () => settle(() => rec.error(rec.now(), 'connection', spec.method, spec.path)));
      },
    );
    live.add(req);
    // The deadline counts from when the request was due, as its latency does.
    const deadline = setTimeout(() => {
      settle(() => rec.error(rec.now(), 'timeout', spec.method, spec.path));
      req.destroy();
    }, Math.max(0, due + timeoutMs - hr()));
    req.on('error', () => settle(() => rec.error(rec.now(), 'connection', spec.method, spec.path)));
    req.end(body);
  };

  const pump = () => {
    if (stopped) return;
    const now = hr();
    while (next < total && startT + next * intervalMs <= now) {
      queue.push({ due: startT + next * intervalMs, spec: sequence[next % sequence.length] });
      next++;
    }
    // Waited for a connection past the timeout: the user gave up before it was sent.
    while (queue.length && now - queue[0].due >= timeoutMs) {
      const item = queue.shift()!;
      rec.error(rec.now(), 'timeout', item.spec.method, item.spec.path);
    }
    while (queue.length && inFlight < opts.maxInFlight) send(queue.shift()!);
    if (next >= total && queue.length === 0 && inFlight === 0) {
      stopped = true;
      finish();
    }
  };

  const tick = () => {
    pump();
    if (stopped) return;
    const now = hr();
    if (now >= endT + DRAIN_MS) {
      // Stage over: what is still queued or in flight is dropped, not counted.
      stopped = true;
      finish();
      return;
    }
    const nextDue = next < total ? startT + next * intervalMs : endT + DRAIN_MS;
    timer = setTimeout(tick, Math.max(1, Math.min(nextDue - now, 50)));
  };
  tick();

  return {
    done,
    stop: () => {
      if (stopped) return;
      stopped = true;
      finish();
    },
  };
}
