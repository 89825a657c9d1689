// The probe: preloaded into the service (and, through NODE_OPTIONS, into every
// Node process it starts) with `--require dist/probe.js`. When
// HOTPATH_PROBE_SOCKET names the engine's socket it streams GC pauses,
// memory, event-loop delay and utilisation, and database queries with their
// call stacks and HTTP requests; without it, it does nothing.
//
// Rules: never throw into, block or crash the service. Everything is inside
// try/catch, every timer and the socket are unref'd, and if the engine goes
// away the probe goes quiet (collectors stop, wrappers pass straight through).

import { isMainThread } from 'worker_threads';
import { installDriverHooks } from './driverHooks';
import { now } from './probeClock';
import { PROBE_DISABLE_ENV, PROBE_SOCKET_ENV, type ProbeFeature, type ProbeMessage } from './probeMessages';
import { ProbeTransport } from './probeTransport';
import { QueryRecorder } from './queryRecorder';
import { NO_REQUESTS, startRequestTracking, type RequestTracker } from './requestContext';
import { startRuntimeCollectors } from './runtimeCollectors';

const STARTED = Symbol.for('hotpath.probe.started');

function disabledFeatures(value: string | undefined): Set<ProbeFeature> {
  return new Set((value ?? '').split(',').map((item) => item.trim()).filter(Boolean) as ProbeFeature[]);
}

function start(): void {
  const socketPath = process.env[PROBE_SOCKET_ENV];
  // Worker threads share the process's pid and heap numbers; the main thread speaks for the process.
  if (!socketPath || !isMainThread) return;
  const globals = globalThis as Record<symbol, unknown>;
  if (globals[STARTED]) return;
  globals[STARTED] = true;

  const disabled = disabledFeatures(process.env[PROBE_DISABLE_ENV]);
  const transport = new ProbeTransport(socketPath);
  const send = (message: ProbeMessage): void => transport.send(message);

  transport.sendPinned({ type: 'hello', pid: process.pid, t: now(), ppid: process.ppid, argv: process.argv.slice(), nodeVersion: process.version } satisfies ProbeMessage);

  const collectors = startRuntimeCollectors(send, () => transport.takeDropped(), disabled);
  transport.onClose(() => collectors.stop());

  if (!disabled.has('queries')) {
    let requests: RequestTracker | undefined;
    if (!disabled.has('requests')) {
      try {
        requests = startRequestTracking();
        transport.onClose(() => requests?.stop());
      } catch {
        requests = undefined;
      }
    }
    const recorder = new QueryRecorder(send, requests ?? NO_REQUESTS);
    transport.onClose(() => {
      recorder.enabled = false;
    });
    installDriverHooks(recorder);
  }
}

try {
  start();
} catch {
  // The service runs as if the probe were not there.
}
