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
  // The lines are typed arrays over the distinct URLs: moved, not copied, and
  // no string per line to clone and rebuild on the receiving thread.
  const aggregate = aggregateTable(readProfileTable(job.file, job.limits));
  const { url, line, us } = aggregate.lines;
  parentPort!.postMessage({ ok: true, aggregate }, [url.buffer, line.buffer, us.buffer] as ArrayBuffer[]);
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  parentPort!.postMessage({ ok: false, message: e.message, code: e.code, name: e.name });
}
