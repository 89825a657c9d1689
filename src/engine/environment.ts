import { execFile } from 'child_process';
import * as os from 'os';
import type { Environment } from './runRecord';

export async function captureEnvironment(cwd: string): Promise<Environment> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cpus: cpus.length,
    totalMemBytes: os.totalmem(),
    gitCommit: await gitCommit(cwd),
  };
}

function gitCommit(cwd: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, timeout: 3000, windowsHide: true }, (err, stdout) => {
      const sha = String(stdout).trim();
      resolve(!err && /^[0-9a-f]{40}$/.test(sha) ? sha : null);
    });
  });
}
