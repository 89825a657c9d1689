// Analyses a `.cpuprofile` file without loading it: the streaming reader builds
// a typed-array table (memory in proportion to nodes and samples), and for
// files of PROFILE_WORKER_BYTES or more this happens in a worker thread, so
// the extension host or CLI stays responsive; only the small aggregate comes
// back, and categories and source maps are applied on the caller's thread.
//
// Below the threshold the read takes a few milliseconds and a worker's start
// (about 30–60 ms here) would cost more than it saves.

import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { AnalyzeOptions, CpuSummary } from './cpuProfileModel';
import { aggregateTable, type ProfileAggregate } from './profileAggregate';
import { ProfileFormatError, readProfileTable, type StreamLimits } from './profileStream';
import { summarizeAggregate } from './profileSummary';

export const PROFILE_WORKER_BYTES = 4 * 1024 * 1024;

export interface FileAnalyzeOptions extends AnalyzeOptions {
  /** true: always a worker; false: never; default: from PROFILE_WORKER_BYTES on. */
  worker?: boolean;
  limits?: StreamLimits;
}

/** The worker script: beside this module (out/…/cpu) or beside the bundle (dist/). */
export function profileWorkerScript(): string {
  return path.join(__dirname, 'profileWorker.js');
}

export async function analyzeCpuProfileFile(file: string, options: FileAnalyzeOptions = {}): Promise<CpuSummary> {
  const size = fs.statSync(file).size;
  const inWorker = options.worker ?? size >= PROFILE_WORKER_BYTES;
  const aggregate = inWorker ? await aggregateInWorker(file, options.limits) : aggregateTable(readProfileTable(file, options.limits));
  return summarizeAggregate(aggregate, options);
}

export function aggregateInWorker(file: string, limits?: StreamLimits): Promise<ProfileAggregate> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(profileWorkerScript(), { workerData: { file, limits } });
    let settled = false;
    worker.once('message', (m: { ok: true; aggregate: ProfileAggregate } | { ok: false; message: string; code?: string; name?: string }) => {
      settled = true;
      if (m.ok) resolve(m.aggregate);
      else {
        const err: NodeJS.ErrnoException = m.name === 'ProfileFormatError' ? new ProfileFormatError(m.message, -1) : new Error(m.message);
        if (m.code) err.code = m.code;
        reject(err);
      }
    });
    worker.once('error', (err) => {
      settled = true;
      reject(new Error(`reading ${file} failed in its worker thread (${err.message})`));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`reading ${file} stopped: its worker thread exited with code ${code}`));
    });
  });
}
