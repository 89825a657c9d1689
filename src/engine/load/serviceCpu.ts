// CPU time of the service under test, read from /proc: user + system time of
// the process and its descendants (cluster workers, a child behind `npm start`).
// Read at the boundaries of a stress step, the difference over the step's wall
// time is the service's CPU %, whatever the load generator itself spends.

import { execFileSync } from 'child_process';
import * as fs from 'fs';

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // Linux's USER_HZ almost everywhere
    }
  }
  return ticksPerSecond;
}

/** utime + stime of one process, in clock ticks; null when it cannot be read. */
function ownTicks(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after the name and state.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
  } catch {
    return null;
  }
}

function children(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // No /proc/…/children (kernel without CONFIG_PROC_CHILDREN, or the process is gone): the process alone.
  }
  return out;
}

/** CPU seconds used so far by `pid` and its live descendants; null off Linux or when the process is gone. */
export function processTreeCpuSeconds(pid: number | null | undefined): number | null {
  if (!pid || process.platform !== 'linux') return null;
  const root = ownTicks(pid);
  if (root === null) return null;
  let ticks = root;
  const seen = new Set([pid]);
  const stack = children(pid);
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    ticks += ownTicks(p) ?? 0;
    stack.push(...children(p));
  }
  return ticks / clockTicks();
}
