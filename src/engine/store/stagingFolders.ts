// Hidden folders in a runs folder: `.partial-<id>` while a run is being
// written, `.deleting-<id>-…` while a run is being removed.
//
// A staging folder is either a run in progress (hidden from every list) or
// the leftover of a crash (listed as damaged, removed by pruneRuns). Which of
// the two it is:
//   - the writer left a marker with its pid and host: on this host, a pid
//     that no longer exists means a crash, at once; a live pid means the run
//     is still going, however long it takes (a soak runs for hours, maybe
//     without writing anything);
//   - no readable marker, or another host (a shared folder): a crash once
//     nothing in the folder has changed for STALE_AFTER_MS.
// Listing only reads; removing leftovers is pruneRuns' or deleteRun's job, so
// looking at a runs folder never deletes anything.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const STAGING_PREFIX = '.partial-';
export const DELETING_PREFIX = '.deleting-';
export const WRITER_MARKER = '.hotpath-writer.json';
/** A staging folder without a live writer we can check becomes a crash leftover after this long untouched. */
export const STALE_AFTER_MS = 60 * 60 * 1000;

interface WriterMarker {
  pid: number;
  host: string;
  startedAt: string;
}

export function writeWriterMarker(stagingDir: string): void {
  const marker: WriterMarker = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  fs.writeFileSync(path.join(stagingDir, WRITER_MARKER), JSON.stringify(marker) + '\n');
}

export function removeWriterMarker(stagingDir: string): void {
  fs.rmSync(path.join(stagingDir, WRITER_MARKER), { force: true });
}

export type StagingState = { inProgress: true } | { inProgress: false; reason: string };

/** Whether `dir` (a `.partial-*` folder) is a run still being written or a crash leftover, and why. */
export function stagingState(dir: string, now = Date.now()): StagingState {
  const marker = readMarker(dir);
  if (marker && marker.host === os.hostname()) {
    if (processExists(marker.pid)) return { inProgress: true };
    return { inProgress: false, reason: `an unfinished run: the process that was writing it (pid ${marker.pid}) is gone, so it crashed or was killed before run.json was saved` };
  }
  const touched = lastModified(dir);
  if (touched !== null && now - touched < STALE_AFTER_MS) return { inProgress: true };
  const hours = touched === null ? null : Math.floor((now - touched) / 3_600_000);
  return {
    inProgress: false,
    reason: `an unfinished run: nothing in it has changed for ${hours === null ? 'an unknown time' : hours <= 1 ? 'over an hour' : `${hours} hours`} and run.json was never saved`,
  };
}

function readMarker(dir: string): WriterMarker | null {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, WRITER_MARKER), 'utf8')) as Partial<WriterMarker>;
    return Number.isInteger(m.pid) && (m.pid as number) > 0 && typeof m.host === 'string' ? (m as WriterMarker) : null;
  } catch {
    return null;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Newest modification time of the folder and the files directly in it (a log being appended counts). */
function lastModified(dir: string): number | null {
  let newest: number | null = null;
  const consider = (file: string) => {
    try {
      const t = fs.statSync(file).mtimeMs;
      if (newest === null || t > newest) newest = t;
    } catch {
      // vanished meanwhile
    }
  };
  consider(dir);
  try {
    for (const name of fs.readdirSync(dir)) consider(path.join(dir, name));
  } catch {
    // unreadable: judged by the folder's own time
  }
  return newest;
}
