// `<runsDir>/index.json`: a summary of every committed run, so the Runs list
// reads one small file instead of every run.json.
//
// The index is a cache, never the truth: each entry keeps the size and mtime
// of the run.json it was made from, and listing checks them against the
// folder (one stat per run). A run missing from the index, an entry whose
// folder is gone or whose run.json changed, and an unreadable index are all
// repaired from the run folders themselves. That is also why there is no
// lock: two processes updating it at once can at worst drop an entry, which
// the next listing restores. Writes are atomic, so a reader never sees half
// an index.

import * as fs from 'fs';
import * as path from 'path';
import type { RunRecord, RunStatus } from '../runRecord';
import { writeAtomic } from './atomicFile';

export const INDEX_FILE = 'index.json';
const INDEX_VERSION = 1;

/** What the Runs list shows for a run: read from the index, or from run.json when the index is behind. */
export interface RunSummary {
  id: string;
  name: string;
  status: RunStatus;
  startedAt: string;
  durationMs: number;
  scenario: string | null;
  /** Why an `error` or `cancelled` run ended. */
  error: string | null;
  /** Load figures; null when the run measured no load (it ended before the load started). */
  requests: number | null;
  p95Ms: number | null;
  rps: number | null;
  /** 0–1. */
  errorRate: number | null;
}

/** Identifies the run.json a summary was made from; a different one means the summary is stale. */
export interface RunJsonSignature {
  size: number;
  mtimeMs: number;
}

export interface IndexEntry {
  summary: RunSummary;
  runJson: RunJsonSignature;
}

interface IndexFile {
  hotpathRunIndex: number;
  runs: Record<string, Omit<RunSummary, 'id'> & { runJson: RunJsonSignature }>;
}

export function summarize(id: string, record: RunRecord): RunSummary {
  const load = record.load;
  return {
    id,
    name: typeof record.name === 'string' ? record.name : id,
    status: record.status,
    startedAt: record.startedAt,
    durationMs: record.durationMs,
    scenario: typeof record.scenario === 'string' ? record.scenario : null,
    error: typeof record.error === 'string' ? record.error : null,
    requests: load ? load.requests.total : null,
    p95Ms: load ? load.latencyMs.p95 : null,
    rps: load ? load.throughputRps.mean : null,
    errorRate: load ? load.errors.rate : null,
  };
}

export function runJsonSignature(runDir: string): RunJsonSignature | null {
  try {
    const st = fs.statSync(path.join(runDir, 'run.json'));
    return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
  } catch {
    return null;
  }
}

export function sameSignature(a: RunJsonSignature, b: RunJsonSignature): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** The index's entries by run id; null when there is no index or it cannot be read (then it is rebuilt). */
export function readIndex(runsDir: string): Map<string, IndexEntry> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(runsDir, INDEX_FILE), 'utf8'));
  } catch {
    return null;
  }
  const file = parsed as Partial<IndexFile> | null;
  if (!file || typeof file !== 'object' || file.hotpathRunIndex !== INDEX_VERSION || typeof file.runs !== 'object' || file.runs === null) return null;
  const entries = new Map<string, IndexEntry>();
  for (const [id, raw] of Object.entries(file.runs)) {
    // A malformed entry is dropped, so the listing re-reads that run's run.json.
    const entry = validEntry(id, raw);
    if (entry) entries.set(id, entry);
  }
  return entries;
}

export function writeIndex(runsDir: string, entries: Map<string, IndexEntry>): void {
  const runs: IndexFile['runs'] = {};
  for (const id of [...entries.keys()].sort()) {
    const { summary, runJson } = entries.get(id)!;
    const { id: _id, ...rest } = summary;
    runs[id] = { ...rest, runJson };
  }
  const file: IndexFile = { hotpathRunIndex: INDEX_VERSION, runs };
  writeAtomic(path.join(runsDir, INDEX_FILE), JSON.stringify(file) + '\n');
}

/**
 * Adds, replaces (entry) or removes (null) one run. Best effort: the run
 * folders stay the truth, so a failure here only costs the next listing a
 * re-read, and it is never allowed to fail a commit or a delete.
 */
export function updateIndex(runsDir: string, id: string, entry: IndexEntry | null): void {
  try {
    const entries = readIndex(runsDir) ?? new Map<string, IndexEntry>();
    if (entry) entries.set(id, entry);
    else if (!entries.delete(id)) return;
    writeIndex(runsDir, entries);
  } catch {
    // see above
  }
}

function validEntry(id: string, raw: unknown): IndexEntry | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const sig = r.runJson as Record<string, unknown> | undefined;
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const numOrNull = (v: unknown) => v === null || num(v);
  const strOrNull = (v: unknown) => v === null || typeof v === 'string';
  const ok =
    typeof r.name === 'string' &&
    typeof r.status === 'string' &&
    ['passed', 'failed', 'error', 'cancelled'].includes(r.status) &&
    typeof r.startedAt === 'string' &&
    num(r.durationMs) &&
    strOrNull(r.scenario) &&
    strOrNull(r.error) &&
    numOrNull(r.requests) &&
    numOrNull(r.p95Ms) &&
    numOrNull(r.rps) &&
    numOrNull(r.errorRate) &&
    !!sig &&
    typeof sig === 'object' &&
    num(sig.size) &&
    num(sig.mtimeMs);
  if (!ok) return null;
  return {
    summary: {
      id,
      name: r.name as string,
      status: r.status as RunStatus,
      startedAt: r.startedAt as string,
      durationMs: r.durationMs as number,
      scenario: r.scenario as string | null,
      error: r.error as string | null,
      requests: r.requests as number | null,
      p95Ms: r.p95Ms as number | null,
      rps: r.rps as number | null,
      errorRate: r.errorRate as number | null,
    },
    runJson: { size: sig!.size as number, mtimeMs: sig!.mtimeMs as number },
  };
}
