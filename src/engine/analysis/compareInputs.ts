// What `compare` reads from a run directory besides run.json: every 2xx latency
// (latency.hdr) as bins, and the CPU profile.

import * as fs from 'fs';
import * as path from 'path';
import * as hdr from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js';
import type { CpuProfile } from '../cpu/cpuProfile';
import { cpuProfileProblem } from '../cpu/cpuProfileCheck';
import type { Bins } from './compareStats';

/**
 * Latencies in milliseconds, one bin per HdrHistogram bucket. A bucket's value
 * is its highest equivalent value, the one HdrHistogram's own percentiles
 * report, so percentiles read from the bins equal those in run.json.
 */
export function binsFromHdr(base64: string): Bins {
  const h = hdr.decodeFromCompressedBase64(base64.trim(), 32, false) as unknown as JsHistogram;
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < h.countsArrayLength; i++) {
    const c = h.getCountAtIndex(i);
    if (!c) continue;
    values.push(h.highestEquivalentValue(h.valueFromIndex(i)) / 1000);
    counts.push(c);
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), total: h.totalCount };
}

/** latency.hdr of a run, or null when the run has none (a run without load, or from an older version). */
export function readLatencyBins(runDir: string): Bins | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(runDir, 'latency.hdr'), 'utf8');
  } catch {
    return null;
  }
  try {
    const bins = binsFromHdr(text);
    return bins.total ? bins : null;
  } catch {
    return null;
  }
}

export function readCpuProfile(runDir: string, name: string | undefined): CpuProfile | null {
  if (!name) return null;
  try {
    // The record names a file inside the run folder; never follow it elsewhere.
    const profile = JSON.parse(fs.readFileSync(path.join(runDir, path.basename(name)), 'utf8')) as CpuProfile;
    return cpuProfileProblem(profile) === null ? profile : null;
  } catch {
    return null;
  }
}
