// Run directories. A run is assembled in a hidden staging folder and renamed
// into place only once run.json has been written (itself via temp file and
// rename), so a crash never leaves a half-written run that looks whole.
// Committing also records the run in the index (runIndex.ts); the folders
// stay the truth and the index is repaired from them when it is behind.

import { cleanMessage } from '../jsonInput';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { HotpathError } from '../events';
import type { RunRecord } from '../runRecord';
import { writeAtomic } from './atomicFile';
import { recordProblem } from './recordCheck';
import { IndexEntry, readIndex, runJsonSignature, sameSignature, summarize, updateIndex, writeIndex } from './runIndex';
import { newestFirst, scanRunsFolder } from './runsFolder';
import { removeWriterMarker, STAGING_PREFIX, stagingState, writeWriterMarker } from './stagingFolders';

// Kept here too for the callers that import it from the store.
export { writeAtomic };

export function newRunId(date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
  return `${stamp}-${crypto.randomBytes(3).toString('hex')}`;
}

export class StagedRun {
  readonly dir: string;

  constructor(readonly runsDir: string, readonly id: string) {
    this.dir = path.join(runsDir, `${STAGING_PREFIX}${id}`);
  }

  static create(runsDir: string, id = newRunId()): StagedRun {
    try {
      fs.mkdirSync(runsDir, { recursive: true });
      const staged = new StagedRun(runsDir, id);
      fs.mkdirSync(staged.dir);
      // Lets a listing tell this run in progress from the leftover of a crash.
      writeWriterMarker(staged.dir);
      return staged;
    } catch (err) {
      throw new HotpathError(`Cannot create the run folder in ${runsDir} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check that it is writable or pass --out DIR.`);
    }
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  writeFile(name: string, data: string | Buffer): void {
    try {
      writeAtomic(this.file(name), data);
    } catch (err) {
      throw this.saveError(err);
    }
  }

  /** A failed write or move while saving: one sentence, never a stack trace; the staging folder stays for inspection. */
  private saveError(err: unknown): HotpathError {
    return new HotpathError(`Cannot save the run in ${this.runsDir} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check that it is writable or pass --out DIR; what was written so far is in ${this.dir}, and earlier runs are untouched.`);
  }

  /** Writes run.json last and moves the run into place; returns the final directory. */
  commit(record: RunRecord): string {
    const finalDir = path.join(this.runsDir, this.id);
    try {
      writeAtomic(this.file('run.json'), JSON.stringify(record, null, 2) + '\n');
      removeWriterMarker(this.dir);
      fs.renameSync(this.dir, finalDir);
    } catch (err) {
      throw this.saveError(err);
    }
    // The run is in place: nothing after this may fail the commit (the index repairs itself on listing).
    try {
      const runJson = runJsonSignature(finalDir);
      if (runJson) updateIndex(this.runsDir, this.id, { summary: summarize(this.id, record), runJson });
    } catch {
      // see above
    }
    return finalDir;
  }

  discard(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export type ListedRun =
  | { ok: true; id: string; dir: string; record: RunRecord }
  | { ok: false; id: string; dir: string; reason: string };

/**
 * Lists runs newest first with their full records (every run.json is read;
 * listRunSummaries in runListing.ts is the fast list). A damaged run, and the
 * staging folder of a run that crashed, is listed with its reason; listing
 * never throws on content and never deletes anything. Brings the index up
 * to date on the way, since it has read every record anyway.
 */
export function listRuns(runsDir: string): ListedRun[] {
  const folder = scanRunsFolder(runsDir);
  const out: ListedRun[] = [];
  const before = readIndex(runsDir);
  const entries = new Map<string, IndexEntry>();
  let changed = before === null;
  for (const { id, dir } of folder.runs) {
    const runJson = runJsonSignature(dir);
    const run = readRun(dir);
    out.push(run);
    if (!run.ok || !runJson) continue;
    const entry = { summary: summarize(id, run.record), runJson };
    const old = before?.get(id);
    if (!old || !sameSignature(old.runJson, runJson)) changed = true;
    entries.set(id, entry);
  }
  if (before && [...before.keys()].some((id) => !entries.has(id))) changed = true;
  if (changed && folder.runs.length + (before?.size ?? 0) > 0) {
    try {
      writeIndex(runsDir, entries);
    } catch {
      // A read-only runs folder still lists.
    }
  }
  for (const l of folder.leftovers) out.push({ ok: false, ...l });
  return out.sort(newestFirst);
}

/** Reads one run folder; never throws. A damaged run comes back with the reason as a clause. */
export function readRun(dir: string): ListedRun {
  const id = path.basename(path.resolve(dir));
  if (id.startsWith(STAGING_PREFIX)) {
    const state = stagingState(dir);
    const reason = state.inProgress ? 'it is the staging folder of a run that is still being written (it is moved into place when the run ends)' : `it is ${state.reason}`;
    return { ok: false, id, dir, reason };
  }
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'run.json'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, id, dir, reason: 'run.json is missing (the run did not finish writing)' };
    return { ok: false, id, dir, reason: `run.json cannot be read (${code ?? String(err)})` };
  }
  if (text.trim() === '') return { ok: false, id, dir, reason: 'run.json is empty (the run did not finish writing)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // V8's message quotes the file's text: keep it to one short line.
    const detail = cleanMessage((err as Error).message);
    return { ok: false, id, dir, reason: `run.json is not valid JSON: it is cut short or corrupt (${detail})` };
  }
  const problem = recordProblem(parsed);
  if (problem) return { ok: false, id, dir, reason: problem };
  return { ok: true, id, dir, record: parsed as RunRecord };
}
