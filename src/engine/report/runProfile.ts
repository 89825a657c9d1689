// Reads a saved run's CPU profile for reports and exports. A missing or
// damaged profile is an answer (with its reason), never a crash: the report
// still renders, saying why there is no flame graph.

import * as fs from 'fs';
import * as path from 'path';
import type { CpuProfile } from '../cpu/cpuProfile';
import type { RunRecord } from '../runRecord';
import { cpuProfileProblem } from '../cpu/cpuProfileCheck';
import { cleanMessage } from '../jsonInput';

export type RunProfile = { ok: true; file: string; profile: CpuProfile } | { ok: false; file: string | null; reason: string };

export function readRunCpuProfile(dir: string, run: RunRecord): RunProfile {
  if (!run.cpu?.profile) return { ok: false, file: null, reason: 'this run recorded no CPU profile' };
  // The record names a file inside the run folder; never follow it elsewhere.
  const name = path.basename(run.cpu.profile);
  const file = path.join(dir, name);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, file, reason: `${name} is missing from the run folder (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})` };
  }
  try {
    const profile = JSON.parse(text) as CpuProfile;
    // Checked whole: a cycle in "children" would make the flame graph and the diff walk forever.
    const problem = cpuProfileProblem(profile);
    if (problem) return { ok: false, file, reason: `${name} is ${problem}` };
    return { ok: true, file, profile };
  } catch (err) {
    return { ok: false, file, reason: `${name} is not valid JSON (${cleanMessage((err as Error).message)})` };
  }
}
