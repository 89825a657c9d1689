// The run-time check a parsed `.cpuprofile` must pass before the model reads
// it. A profile comes from a file anyone can hand-edit or truncate, so every
// field the analysis touches is checked for its kind, and the node graph for
// being a tree (a cycle in `children` would walk forever). The answer is a
// clause that reads after "FILE is …", so a caller can name the file.

const MAX_REPORTED = 60;
/** About 30 years in microseconds. */
const MAX_TIME_US = 1e15;
/** More ticks than a profile sampled at 1 µs for 30 years. */
const MAX_TICKS = 1e15;

/** Null when `x` can be analysed as a CPU profile; otherwise why not, as a clause ("not a valid CPU profile: …"). */
export function cpuProfileProblem(x: unknown): string | null {
  if (!isObject(x) || !Array.isArray(x.nodes) || !Array.isArray(x.samples) || !Array.isArray(x.timeDeltas)) {
    return 'not a CPU profile (expected "nodes", "samples" and "timeDeltas" arrays)';
  }
  const bad = (what: string) => `not a valid CPU profile: ${what}`;
  if (x.startTime !== undefined && !isFiniteNumber(x.startTime)) return bad(`"startTime" is ${describe(x.startTime)}, not a number`);
  if (x.endTime !== undefined && !isFiniteNumber(x.endTime)) return bad(`"endTime" is ${describe(x.endTime)}, not a number`);
  const ids = new Set<number>();
  for (let i = 0; i < x.nodes.length; i++) {
    const n: unknown = x.nodes[i];
    if (!isObject(n)) return bad(`nodes[${i}] is ${describe(n)}, not an object`);
    if (!Number.isSafeInteger(n.id)) return bad(`nodes[${i}].id is ${describe(n.id)}, not an integer`);
    if (ids.has(n.id as number)) return bad(`node id ${n.id} appears twice`);
    ids.add(n.id as number);
    const f = n.callFrame;
    if (!isObject(f)) return bad(`nodes[${i}].callFrame is ${describe(f)}, not an object`);
    if (typeof f.functionName !== 'string') return bad(`nodes[${i}].callFrame.functionName is ${describe(f.functionName)}, not a string`);
    if (typeof f.url !== 'string') return bad(`nodes[${i}].callFrame.url is ${describe(f.url)}, not a string`);
    for (const k of ['lineNumber', 'columnNumber'] as const) {
      if (!isFiniteNumber(f[k])) return bad(`nodes[${i}].callFrame.${k} is ${describe(f[k])}, not a number`);
    }
    if (n.children !== undefined && (!Array.isArray(n.children) || !n.children.every((c) => Number.isSafeInteger(c)))) {
      return bad(`nodes[${i}].children is not an array of node ids`);
    }
    if (n.positionTicks !== undefined) {
      if (!Array.isArray(n.positionTicks)) return bad(`nodes[${i}].positionTicks is ${describe(n.positionTicks)}, not an array`);
      const ticks = n.positionTicks as unknown[];
      for (let j = 0; j < ticks.length; j++) {
        const t = ticks[j];
        if (!isObject(t) || !isFiniteNumber(t.line) || !isFiniteNumber(t.ticks) || t.ticks < 0 || t.ticks > MAX_TICKS) {
          return bad(`nodes[${i}].positionTicks[${j}] is not {line, ticks} with a line number and a count of ticks from 0 to 1e15`);
        }
      }
    }
  }
  // Every child must be a node with exactly one parent, and no node its own ancestor.
  const parentOf = new Map<number, number>();
  for (const n of x.nodes as Array<{ id: number; children?: number[] }>) {
    for (const c of n.children ?? []) {
      if (!ids.has(c)) return bad(`node ${n.id} lists child ${c}, which is not a node`);
      if (c === n.id) return bad(`node ${n.id} lists itself as its child (a cycle)`);
      if (parentOf.has(c)) return bad(`node ${c} is the child of both node ${parentOf.get(c)} and node ${n.id}`);
      parentOf.set(c, n.id);
    }
  }
  // With one parent each, a cycle is a set of nodes that never reaches a root.
  const reachesRoot = new Map<number, boolean>();
  for (const id of ids) {
    const path: number[] = [];
    let cur: number | undefined = id;
    const seen = new Set<number>();
    while (cur !== undefined && !reachesRoot.has(cur)) {
      if (seen.has(cur)) return bad(`node ${cur} is its own ancestor (a cycle in "children")`);
      seen.add(cur);
      path.push(cur);
      cur = parentOf.get(cur);
    }
    for (const p of path) reachesRoot.set(p, true);
  }
  for (let i = 0; i < x.samples.length; i++) {
    const s: unknown = x.samples[i];
    if (!Number.isSafeInteger(s)) return bad(`samples[${i}] is ${describe(s)}, not a node id`);
    if (!ids.has(s as number)) return bad(`samples[${i}] is ${s}, which is not a node id`);
  }
  // Times are microseconds: beyond these bounds no real profile goes, and sums of them stop being finite.
  for (const k of ['startTime', 'endTime'] as const) {
    if (isFiniteNumber(x[k]) && Math.abs(x[k] as number) > MAX_TIME_US) return bad(`"${k}" is ${x[k]} µs, beyond any real profile`);
  }
  let span = 0;
  for (let i = 0; i < x.timeDeltas.length; i++) {
    const d: unknown = x.timeDeltas[i];
    if (!isFiniteNumber(d)) return bad(`timeDeltas[${i}] is ${describe(d)}, not a number`);
    span += Math.abs(d);
    if (span > MAX_TIME_US) return bad(`timeDeltas[${i}] is ${d} µs, beyond any real profile`);
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A short, single-line description of a value for an error message. */
function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') {
    const s = v.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
    return JSON.stringify(s.length > MAX_REPORTED ? `${s.slice(0, MAX_REPORTED)}…` : s);
  }
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/**
 * Null when every figure of an analysed profile is finite; otherwise the
 * clause to refuse it with. For readers that build the summary without
 * cpuProfileProblem (the streaming reader): a time such as 1e400 parses as
 * Infinity and would otherwise print as a figure.
 */
export function summaryProblem(summary: { durationMs: number; busyMs: number; hotFunctions: Array<{ selfMs: number; totalMs: number }> }): string | null {
  const figures = [summary.durationMs, summary.busyMs, ...summary.hotFunctions.flatMap((f) => [f.selfMs, f.totalMs])];
  return figures.every((v) => Number.isFinite(v) && Math.abs(v) <= MAX_TIME_US / 1000) ? null : 'not a valid CPU profile: its times add up to more than any real profile (a start, end or time delta out of range)';
}
