// Run-time N+1 detection (the rule Sentry's detector uses): within one HTTP
// request, the same normalised statement issued at least `minRepeats` times
// from the same call site, costing at least `minTotalMs` together. Findings are
// aggregated over every request that showed the pattern.

import type { CallSite } from '../probe/probeMessages';
import { round } from './stats';

export interface NPlusOneOptions {
  minRepeats: number;
  minTotalMs: number;
}

export const DEFAULT_N_PLUS_ONE: NPlusOneOptions = { minRepeats: 5, minTotalMs: 50 };

export interface CapturedQuery {
  sql: string;
  durationMs: number;
  callSite: CallSite | null;
  /** `${pid}:${requestId}`; null when issued outside any request. */
  requestKey: string | null;
  route: string | null;
}

export interface NPlusOne {
  query: string;
  route: string;
  callSite: CallSite;
  /** Median number of repeats in one affected request. */
  count: number;
  /** Mean time the repeats cost one affected request. */
  totalMs: number;
  /** Requests that showed the pattern. */
  requests: number;
}

interface Group {
  count: number;
  totalMs: number;
  sql: string;
  callSite: CallSite;
  route: string;
}

/** A request with no query for this long is taken as finished and closed. */
export const REQUEST_IDLE_MS = 10_000;

/**
 * Streams queries in; keeps per-request groups only for requests still open.
 * The probe sends no end-of-request message, so a request is closed once it has
 * issued no query for REQUEST_IDLE_MS (and the least recently active first when
 * there are too many): a long run holds the last few seconds of requests, not
 * every request it saw (a 30-minute soak grew the engine's heap steadily when
 * requests were only closed at 20,000 open).
 */
export class NPlusOneDetector {
  /** Least recently active first: a request is moved to the end on each query. */
  private readonly open = new Map<string, { groups: Map<string, Group>; lastMs: number }>();
  private readonly found = new Map<string, { sql: string; route: string; callSite: CallSite; counts: number[]; totalMs: number }>();

  constructor(
    private readonly options: NPlusOneOptions = DEFAULT_N_PLUS_ONE,
    private readonly maxOpenRequests = 20_000,
    private readonly now: () => number = Date.now,
    private readonly idleMs = REQUEST_IDLE_MS,
  ) {}

  /** Requests whose groups are held now. */
  get openRequests(): number {
    return this.open.size;
  }

  add(q: CapturedQuery): void {
    if (!q.requestKey || !q.callSite) return;
    const now = this.now();
    for (const [key, entry] of this.open) {
      if (now - entry.lastMs < this.idleMs && this.open.size < this.maxOpenRequests) break;
      if (key === q.requestKey) break;
      this.close(key);
    }
    let entry = this.open.get(q.requestKey);
    if (entry) this.open.delete(q.requestKey);
    else entry = { groups: new Map(), lastMs: now };
    entry.lastMs = now;
    this.open.set(q.requestKey, entry);
    const groups = entry.groups;
    const key = `${q.sql}\u0000${q.callSite.file}:${q.callSite.line}:${q.callSite.column}`;
    const g = groups.get(key);
    if (g) {
      g.count++;
      g.totalMs += q.durationMs;
    } else {
      groups.set(key, { count: 1, totalMs: q.durationMs, sql: q.sql, callSite: q.callSite, route: q.route ?? '' });
    }
  }

  private close(requestKey: string): void {
    const groups = this.open.get(requestKey)?.groups;
    this.open.delete(requestKey);
    if (!groups) return;
    for (const g of groups.values()) {
      if (g.count < this.options.minRepeats || g.totalMs < this.options.minTotalMs) continue;
      const key = `${g.route}\u0000${g.sql}\u0000${g.callSite.file}:${g.callSite.line}`;
      let f = this.found.get(key);
      if (!f) this.found.set(key, (f = { sql: g.sql, route: g.route, callSite: g.callSite, counts: [], totalMs: 0 }));
      f.counts.push(g.count);
      f.totalMs += g.totalMs;
    }
  }

  /** Closes every open request and returns the findings, worst first. */
  finish(): NPlusOne[] {
    for (const key of [...this.open.keys()]) this.close(key);
    return [...this.found.values()]
      .map((f) => {
        const sorted = [...f.counts].sort((a, b) => a - b);
        return {
          query: f.sql,
          route: f.route,
          callSite: f.callSite,
          count: sorted[Math.floor(sorted.length / 2)],
          totalMs: round(f.totalMs / f.counts.length),
          requests: f.counts.length,
        };
      })
      .sort((a, b) => b.totalMs * b.requests - a.totalMs * a.requests);
  }
}
