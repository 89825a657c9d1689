// Removing runs: one on request (deleteRun), or the oldest beyond a count
// (pruneRuns, which the runner calls after each commit when the config sets
// `store.keepRuns`).
//
// What pruneRuns keeps, and why:
//   - the newest `keep` readable runs by start time. No age grace: `keep` is
//     the number of runs the user sees, and keep >= 1 always keeps the newest
//     run. The caller also names the run it has just committed (`protect`),
//     so a run started earlier but finished later than another can never be
//     pruned by its own commit.
//   - the pinned baseline, whatever its age, in addition to the `keep`.
//   - damaged runs: never pruned and not counted. They may be a newer
//     Hotpath's runs (a schemaVersion this one cannot read) or evidence worth
//     a look; deleteRun removes them on request.
//   - runs still being written (staging folders with a live writer): never
//     touched.
// What it removes besides old runs: staging folders whose writer crashed
// (listed as damaged until then; see stagingFolders.ts) and `.deleting-*`
// folders left by a removal that was interrupted.
//
// A run is removed by renaming it to a hidden `.deleting-*` folder first, so
// it leaves every list at once and an interrupted removal never leaves a
// half-deleted run that looks whole.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { HotpathError } from '../events';
import { baselineId, clearBaseline, isRunId } from './baseline';
import { readIndex, updateIndex, writeIndex } from './runIndex';
import { listRunSummaries } from './runListing';
import { scanRunsFolder } from './runsFolder';
import { DELETING_PREFIX, STAGING_PREFIX, stagingState } from './stagingFolders';

export interface PruneOptions {
  /** How many of the newest runs to keep (at least 1). */
  keep: number;
  /** Runs never removed, e.g. the one just committed. */
  protect?: string[];
}

export interface PruneResult {
  /** Run ids removed (oldest first), then crash leftovers removed. */
  removed: string[];
  /** Runs that could not be removed, with why. */
  failed: Array<{ id: string; reason: string }>;
}

/** Removes the oldest runs beyond `keep` (see above for what is always kept). Never throws on the folder's content. */
export function pruneRuns(runsDir: string, options: PruneOptions): PruneResult {
  if (!Number.isInteger(options.keep) || options.keep < 1) throw new HotpathError(`keep must be a whole number of at least 1, not ${options.keep}.`);
  const result: PruneResult = { removed: [], failed: [] };
  const pinned = baselineId(runsDir);
  const protect = new Set([...(options.protect ?? []), ...(pinned ? [pinned] : [])]);
  const runs = listRunSummaries(runsDir).flatMap((r) => (r.ok ? [r.summary] : []));
  // Newest first by start time; the id breaks ties (and orders runs with an unparsable time).
  runs.sort((a, b) => startTime(b.startedAt) - startTime(a.startedAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const doomed = runs.slice(options.keep).filter((r) => !protect.has(r.id)).reverse();
  for (const run of doomed) {
    const problem = removeFolder(runsDir, run.id);
    if (problem) result.failed.push({ id: run.id, reason: problem });
    else result.removed.push(run.id);
  }
  for (const leftover of scanRunsFolder(runsDir).leftovers) {
    const problem = removeFolder(runsDir, leftover.id);
    if (problem) result.failed.push({ id: leftover.id, reason: problem });
    else result.removed.push(leftover.id);
  }
  removeInterruptedDeletions(runsDir);
  if (result.removed.length) {
    try {
      const entries = readIndex(runsDir);
      if (entries) {
        for (const id of result.removed) entries.delete(id);
        writeIndex(runsDir, entries);
      }
    } catch {
      // The next listing repairs the index.
    }
  }
  return result;
}

/**
 * Deletes one run folder: a committed run (readable or damaged) or the
 * leftover of a crashed run (`.partial-*` whose writer is gone). Returns
 * false when there is no such folder. Deleting the pinned baseline unpins
 * it; a baseline deleted any other way shows as `gone` in getBaseline.
 */
export function deleteRun(runsDir: string, id: string): boolean {
  const isLeftover = id.startsWith(STAGING_PREFIX) && !/[\\/]/.test(id);
  if (!isRunId(id) && !isLeftover) throw new HotpathError(`"${id}" is not a run id: pass the name of a run folder in ${runsDir}.`);
  const dir = path.join(runsDir, id);
  if (!fs.existsSync(dir)) return false;
  if (isLeftover && stagingState(dir).inProgress) throw new HotpathError(`Run ${id.slice(STAGING_PREFIX.length)} is still being written: stop it first, then delete it.`);
  const problem = removeFolder(runsDir, id);
  if (problem) throw new HotpathError(`Cannot delete run ${id}: ${problem}.`);
  updateIndex(runsDir, id, null);
  if (baselineId(runsDir) === id) clearBaseline(runsDir);
  return true;
}

/** Null when removed (or already gone); otherwise why not. */
function removeFolder(runsDir: string, id: string): string | null {
  const doomed = path.join(runsDir, `${DELETING_PREFIX}${id}-${crypto.randomBytes(3).toString('hex')}`);
  try {
    fs.renameSync(path.join(runsDir, id), doomed);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? null : `it could not be moved aside (${code ?? String(err)})`;
  }
  try {
    fs.rmSync(doomed, { recursive: true, force: true });
  } catch {
    // Out of every list already; the next prune finishes it.
  }
  return null;
}

function removeInterruptedDeletions(runsDir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(DELETING_PREFIX)) continue;
    try {
      fs.rmSync(path.join(runsDir, name), { recursive: true, force: true });
    } catch {
      // tried again next time
    }
  }
}

function startTime(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}
