// Small run records and runs folders for the store tests.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RunRecord } from '../../../src/engine/runRecord';
import { StagedRun } from '../../../src/engine/store/runStore';

export function tempRunsDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-store-'));
}

/** A record with every field CONTRACT.md says must exist; `p95` and `rps` make runs tell apart. */
export function record(id: string, opts: { startedAt?: string; p95?: number; rps?: number; status?: RunRecord['status']; load?: boolean } = {}): RunRecord {
  const p95 = opts.p95 ?? 20;
  return {
    schemaVersion: 1,
    id,
    name: 'demo',
    startedAt: opts.startedAt ?? new Date().toISOString(),
    durationMs: 3000,
    status: opts.status ?? 'passed',
    error: null,
    environment: { node: process.version, platform: 'linux', arch: 'x64', cpuModel: 'test', cpus: 2, totalMemBytes: 1, gitCommit: null },
    service: { command: 'node', args: ['server.js'], port: 3000, readyMs: 100 },
    scenario: 'load',
    load:
      opts.load === false
        ? null
        : ({
            engine: 'autocannon',
            durationMs: 3000,
            requests: { total: 300, ok: 297 },
            throughputRps: { mean: opts.rps ?? 100 },
            latencyMs: { p50: p95 / 2, p90: p95 * 0.9, p95, p99: p95 * 1.5, max: p95 * 3, mean: p95 / 2 },
            latencyCorrected: false,
            errors: { total: 3, rate: 0.01, non2xx: 3, timeouts: 0, connection: 0 },
            endpoints: [],
            timeline: [],
            stages: [],
            scenario: 'load',
          } as unknown as RunRecord['load']),
    cpu: null,
    heap: null,
    gc: null,
    eventLoop: null,
    queries: null,
    budgets: [],
    findings: [],
  };
}

/** Commits a run through StagedRun, as the runner does; returns its folder. */
export function commitRun(runsDir: string, id: string, opts: Parameters<typeof record>[1] = {}): string {
  const staged = StagedRun.create(runsDir, id);
  staged.writeFile('cpu.cpuprofile', '{}');
  return staged.commit(record(id, opts));
}

export function readIndexFile(runsDir: string): { hotpathRunIndex: number; runs: Record<string, Record<string, unknown>> } {
  return JSON.parse(fs.readFileSync(path.join(runsDir, 'index.json'), 'utf8'));
}

/** The pid of a process that has exited (for a staging folder whose writer crashed). */
export function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}
