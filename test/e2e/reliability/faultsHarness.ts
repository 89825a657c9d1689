// Helpers shared by the fault and start/cancel-cycle tests.
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { isAlive, repoRoot } from '../cliHarness';

export const faultFixtures = path.join(repoRoot, 'test', 'fixtures', 'services', 'faults');

/** The variable every process a test's service starts inherits (children copy their environment). */
export const MARKER_ENV = 'HOTPATH_FAULT_MARKER';

/**
 * Live (non-zombie) processes whose environment carries MARKER_ENV=marker:
 * the service and everything it started, whatever their command line.
 */
export function markedProcesses(marker: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    if (environ.split('\0').includes(`${MARKER_ENV}=${marker}`) && isAlive(pid)) found.push(pid);
  }
  return found;
}

/** A loopback port that nothing listens on (bound, then closed). */
export function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Writes a config into `dir` for a fixture in test/fixtures/services/faults. */
export function faultConfig(dir: string, name: string, service: Record<string, unknown>, load: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, `${name}.config.json`);
  const config = {
    service: { command: 'node', cwd: faultFixtures, readyUrl: 'http://127.0.0.1:${port}/health', readyTimeoutMs: 20000, ...service },
    load: { stages: [{ durationSec: 3, connections: 2 }], ...load },
    ...extra,
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
