// Reading the process table from /proc (Linux). Under 0x and Clinic the
// service is not the process Hotpath started but a child of their wrapper, so
// finding it, timing its start and adding up the CPU of the whole group all go
// through here. Elsewhere every function returns null or an empty list.

import * as fs from 'fs';

/** Clock ticks per second of /proc/PID/stat times (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  /** Process name (at most 15 characters). */
  comm: string;
  /** utime + stime, in milliseconds. */
  cpuMs: number;
  /** Start time in clock ticks after boot. */
  startTicks: number;
}

export function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < 0) return null;
  const f = text.slice(close + 2).split(' ');
  // Fields after the name, 0-based: state 0, ppid 1, pgrp 2, … utime 11, stime 12, starttime 19.
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: f[0],
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK,
    startTicks: Number(f[19]),
  };
}

export function listProcesses(): ProcStat[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** Live (not zombie) members of process group `pgid`. */
export function groupMembers(pgid: number): ProcStat[] {
  return listProcesses().filter((p) => p.pgrp === pgid && p.state !== 'Z');
}

/** CPU time (user + system, ms) of every live process in the group, summed. */
export function groupCpuMs(pgid: number): number {
  return groupMembers(pgid).reduce((sum, p) => sum + p.cpuMs, 0);
}

export function cmdline(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Direct children of `pid`, oldest first. */
export function childrenOf(pid: number): ProcStat[] {
  return listProcesses()
    .filter((p) => p.ppid === pid && p.state !== 'Z')
    .sort((a, b) => a.startTicks - b.startTicks);
}

/** Wall-clock time (ms since the epoch) at which `pid` started, from /proc; about 10 ms resolution. */
export function processStartWallMs(pid: number): number | null {
  const s = readStat(pid);
  if (!s) return null;
  let uptimeSec: number;
  try {
    uptimeSec = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
  if (!Number.isFinite(uptimeSec)) return null;
  // /proc/stat's btime is whole seconds; the uptime read now is finer.
  return Date.now() - (uptimeSec * 1000 - (s.startTicks * 1000) / CLK_TCK);
}
