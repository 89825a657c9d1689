// What a runs folder holds, from its directory listing alone: committed run
// folders, and staging folders left by crashed runs. Files (index.json,
// baseline, temporary files) and runs still being written are not runs.

import * as fs from 'fs';
import * as path from 'path';
import { STAGING_PREFIX, stagingState } from './stagingFolders';

export interface RunsFolder {
  /** Committed run folders (they may still turn out damaged when read). */
  runs: Array<{ id: string; dir: string }>;
  /** `.partial-*` folders whose writer crashed: listed as damaged, with why. */
  leftovers: Array<{ id: string; dir: string; reason: string }>;
}

export function scanRunsFolder(runsDir: string, now = Date.now()): RunsFolder {
  const found: RunsFolder = { runs: [], leftovers: [] };
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(runsDir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    const dir = path.join(runsDir, e.name);
    if (!isDirectory(e, dir)) continue;
    if (e.name.startsWith(STAGING_PREFIX)) {
      const state = stagingState(dir, now);
      if (!state.inProgress) found.leftovers.push({ id: e.name, dir, reason: state.reason });
    } else if (!e.name.startsWith('.')) {
      found.runs.push({ id: e.name, dir });
    }
  }
  return found;
}

function isDirectory(e: fs.Dirent, full: string): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return fs.statSync(full).isDirectory();
  } catch {
    return false;
  }
}

/** Newest first by id (ids start with the local start time), the order every list uses. */
export function newestFirst<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
