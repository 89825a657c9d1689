// Run directories. A run is assembled in a hidden staging folder and renamed
// into place only once run.json has been written (itself via temp file and
// rename), so a crash never leaves a half-written run that looks whole.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { HotpathError } from '../events';
import type { RunRecord } from '../runRecord';

const STAGING_PREFIX = '.partial-';

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
      return staged;
    } catch (err) {
      throw new HotpathError(`Cannot create the run folder in ${runsDir} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check that it is writable or pass --out DIR.`);
    }
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  writeFile(name: string, data: string | Buffer): void {
    writeAtomic(this.file(name), data);
  }

  /** Writes run.json last and moves the run into place; returns the final directory. */
  commit(record: RunRecord): string {
    writeAtomic(this.file('run.json'), JSON.stringify(record, null, 2) + '\n');
    const finalDir = path.join(this.runsDir, this.id);
    fs.renameSync(this.dir, finalDir);
    return finalDir;
  }

  discard(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export type ListedRun =
  | { ok: true; id: string; dir: string; record: RunRecord }
  | { ok: false; id: string; dir: string; reason: string };

/** Lists runs newest first. A damaged run is listed with its reason; listing never throws on content. */
export function listRuns(runsDir: string): ListedRun[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch {
    return [];
  }
  const out: ListedRun[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const dir = path.join(runsDir, name);
    try {
      if (!fs.statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    out.push(readRun(dir));
  }
  return out.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

export function readRun(dir: string): ListedRun {
  const id = path.basename(dir);
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'run.json'), 'utf8');
  } catch {
    return { ok: false, id, dir, reason: 'run.json is missing (the run did not finish writing)' };
  }
  try {
    const record = JSON.parse(text) as RunRecord;
    if (record?.schemaVersion !== 1 || typeof record.id !== 'string' || typeof record.status !== 'string') {
      return { ok: false, id, dir, reason: 'run.json is not a Hotpath run record (schemaVersion 1)' };
    }
    return { ok: true, id, dir, record };
  } catch (err) {
    return { ok: false, id, dir, reason: `run.json is not valid JSON (${(err as Error).message})` };
  }
}
