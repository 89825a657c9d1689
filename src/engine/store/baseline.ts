// The pinned baseline: the run others are compared with. Its id is kept in
// `<runsDir>/baseline` (one line), beside the runs rather than in the index,
// because the index is a cache that is rebuilt from the run folders and a
// choice the user made cannot be rebuilt. Being a file in the runs folder,
// the CLI, CI scripts and the extension all see the same baseline.

import * as fs from 'fs';
import * as path from 'path';
import { HotpathError } from '../events';
import type { RunRecord } from '../runRecord';
import { writeAtomic } from './atomicFile';
import { readRun } from './runStore';

export const BASELINE_FILE = 'baseline';

export type Baseline =
  | { state: 'none' }
  | { state: 'set'; id: string; dir: string; record: RunRecord }
  /** Pinned, but the run was deleted or cannot be read any more: say so, and let the user pick another. */
  | { state: 'gone'; id: string; dir: string; reason: string };

/** Pins run `id` as the baseline; the run must exist and be readable. Returns its folder. */
export function setBaseline(runsDir: string, id: string): string {
  if (!isRunId(id)) throw new HotpathError(`"${id}" is not a run id: pass the name of a run folder in ${runsDir}.`);
  const dir = path.join(runsDir, id);
  const run = readRun(dir);
  if (!run.ok) {
    throw new HotpathError(
      fs.existsSync(dir) ? `Run ${id} cannot be the baseline: ${run.reason}.` : `There is no run ${id} in ${runsDir}: pick one of the saved runs as the baseline.`,
    );
  }
  try {
    writeAtomic(path.join(runsDir, BASELINE_FILE), `${id}\n`);
  } catch (err) {
    throw new HotpathError(`Cannot save the baseline in ${runsDir} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check that the folder is writable.`);
  }
  return dir;
}

/** The pinned run id without reading the run (cheap: for marking it in a list); null when none is pinned. */
export function baselineId(runsDir: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(runsDir, BASELINE_FILE), 'utf8').trim();
  } catch {
    return null;
  }
  return text === '' ? null : text;
}

/** The pinned baseline with its record. Never throws: a deleted or damaged baseline is `gone`, with why. */
export function getBaseline(runsDir: string): Baseline {
  const id = baselineId(runsDir);
  if (id === null) return { state: 'none' };
  if (!isRunId(id)) {
    return { state: 'gone', id, dir: runsDir, reason: `${path.join(runsDir, BASELINE_FILE)} does not hold a run id; pin a run again` };
  }
  const dir = path.join(runsDir, id);
  if (!fs.existsSync(dir)) return { state: 'gone', id, dir, reason: `the baseline run ${id} no longer exists (it was deleted); pin another run` };
  const run = readRun(dir);
  if (!run.ok) return { state: 'gone', id, dir, reason: `the baseline run ${id} cannot be read: ${run.reason}` };
  return { state: 'set', id, dir, record: run.record };
}

export function clearBaseline(runsDir: string): void {
  fs.rmSync(path.join(runsDir, BASELINE_FILE), { force: true });
}

/** A run folder's name: no path separators, not hidden (so never a staging folder), not `.`/`..`. */
export function isRunId(id: string): boolean {
  return id.length > 0 && id.length <= 200 && !id.startsWith('.') && !/[\\/\x00-\x1f]/.test(id);
}
