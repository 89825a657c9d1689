// Helpers for tests that run the real `hotpath` CLI (dist/cli.js) against real services.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const repoRoot = path.resolve(__dirname, '../../..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; onStderr?: (text: string, kill: (sig: NodeJS.Signals) => void) => void; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    if (!fs.existsSync(cliPath)) return reject(new Error(`${cliPath} is missing: run npm run build first.`));
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, CI: 'true', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      options.onStderr?.(stderr, (sig) => child.kill(sig));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Writes a config into `dir` (so run.json paths are relative to it) and returns its path. */
export function writeConfig(dir: string, config: object): string {
  const file = path.join(dir, `hotpath.test-${process.pid}-${Math.random().toString(36).slice(2, 8)}.config.json`);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * True while the process exists and is not a zombie. Orphans killed with their
 * group are re-parented to PID 1, which on some machines never reaps them: a
 * zombie runs nothing and holds no port, so it counts as gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
