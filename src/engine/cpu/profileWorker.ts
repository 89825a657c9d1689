// Worker entry: reads a `.cpuprofile` with the streaming reader and posts back
// the aggregate (time per function and per line), never the profile itself.
// Bundled as dist/profileWorker.js beside the CLI and extension bundles.

import { parentPort, workerData } from 'worker_threads';
import { aggregateTable } from './profileAggregate';
import { readProfileTable, type StreamLimits } from './profileStream';

interface Job {
  file: string;
  limits?: StreamLimits;
}

const job = workerData as Job;
try {
  const aggregate = aggregateTable(readProfileTable(job.file, job.limits));
  parentPort!.postMessage({ ok: true, aggregate });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  parentPort!.postMessage({ ok: false, message: e.message, code: e.code, name: e.name });
}
