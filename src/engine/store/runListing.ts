// The fast list of runs: summaries from index.json, checked against the runs
// folder so the index is never trusted blindly (see runIndex.ts). Costs one
// directory listing, one small file and one stat per run; a run.json is read
// only for runs the index does not know or knows in an older state.

import { readRun } from './runStore';
import { IndexEntry, readIndex, runJsonSignature, RunSummary, sameSignature, summarize, writeIndex } from './runIndex';
import { newestFirst, scanRunsFolder } from './runsFolder';

export type ListedSummary =
  | { ok: true; id: string; dir: string; summary: RunSummary }
  | { ok: false; id: string; dir: string; reason: string };

/**
 * Every run newest first, as summaries (status, start, name, duration, p95,
 * req/s, error rate). Damaged runs and crash leftovers are listed with their
 * reason. Repairs the index when it is missing, unreadable or behind the
 * folder; never throws on content and never deletes anything.
 */
export function listRunSummaries(runsDir: string): ListedSummary[] {
  const folder = scanRunsFolder(runsDir);
  const index = readIndex(runsDir);
  const next = new Map<string, IndexEntry>();
  const out: ListedSummary[] = [];
  let changed = index === null;
  for (const { id, dir } of folder.runs) {
    const runJson = runJsonSignature(dir);
    const known = index?.get(id);
    if (known && runJson && sameSignature(known.runJson, runJson)) {
      next.set(id, known);
      out.push({ ok: true, id, dir, summary: known.summary });
      continue;
    }
    const run = readRun(dir);
    if (!run.ok) {
      if (known) changed = true;
      out.push(run);
      continue;
    }
    changed = true;
    const summary = summarize(id, run.record);
    if (runJson) next.set(id, { summary, runJson });
    out.push({ ok: true, id, dir, summary });
  }
  // Entries whose folder is gone.
  if (index && [...index.keys()].some((id) => !next.has(id))) changed = true;
  if (changed && folder.runs.length + (index?.size ?? 0) > 0) {
    try {
      writeIndex(runsDir, next);
    } catch {
      // A read-only runs folder still lists.
    }
  }
  for (const l of folder.leftovers) out.push({ ok: false, ...l });
  return out.sort(newestFirst);
}
