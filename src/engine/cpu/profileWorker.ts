// Worker entry: reads a `.cpuprofile` with the streaming reader and posts back
// the aggregate (time per function and per line), never the profile itself.
// Bundled as dist/profileWorker.js beside the CLI and extension bundles.

import { parentPort, workerData } from 'worker_threads';
import type { PackedAggregate } from './profileFile';
import { aggregateTable, type ProfileAggregate } from './profileAggregate';
import { readProfileTable, type StreamLimits } from './profileStream';

interface Job {
  file: string;
  limits?: StreamLimits;
}

/**
 * The lines as typed arrays (moved, not copied) and each URL once: posted as
 * objects, every line would carry its own copy of its URL through the
 * structured clone (megabytes and tens of thousands of strings to rebuild on
 * the receiving thread for a big profile).
 */
function pack(a: ProfileAggregate): { packed: PackedAggregate; transfer: ArrayBuffer[] } {
  const urls: string[] = [];
  const urlIds = new Map<string, number>();
  const n = a.lines.length;
  const lineUrl = new Int32Array(n);
  const lineNumber = new Float64Array(n);
  const lineUs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const l = a.lines[i];
    let u = urlIds.get(l.url);
    if (u === undefined) {
      u = urls.length;
      urlIds.set(l.url, u);
      urls.push(l.url);
    }
    lineUrl[i] = u;
    lineNumber[i] = l.line;
    lineUs[i] = l.us;
  }
  return { packed: { sampleCount: a.sampleCount, functions: a.functions, urls, lineUrl, lineNumber, lineUs }, transfer: [lineUrl.buffer, lineNumber.buffer, lineUs.buffer] };
}

const job = workerData as Job;
try {
  const { packed, transfer } = pack(aggregateTable(readProfileTable(job.file, job.limits)));
  parentPort!.postMessage({ ok: true, packed }, transfer);
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  parentPort!.postMessage({ ok: false, message: e.message, code: e.code, name: e.name });
}
