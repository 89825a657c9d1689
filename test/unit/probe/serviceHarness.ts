// Shared by the probe tests: start a fixture service with the built probe
// preloaded, talk HTTP to it, wait for conditions, stop it.

import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { freePort } from '../../../src/engine/freePort';

export const repoRoot = process.env.HOTPATH_REPO_ROOT ?? path.resolve(__dirname, '../../../..');
export const probeBundle = path.join(repoRoot, 'dist', 'probe.js');
export const demoServer = path.join(repoRoot, 'examples', 'demo', 'server.js');
export const fixture = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'services', name);

export function requireProbeBundle(): void {
  if (!fs.existsSync(probeBundle)) {
    throw new Error(`${probeBundle} is missing: run \`npm run build\` (or \`npx webpack --config-name probe\`) before these tests.`);
  }
}

export interface RunningService {
  child: ChildProcess;
  port: number;
  stderr(): string;
  stop(): Promise<void>;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(20);
  }
}

export function httpGet(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.setTimeout(10_000, () => request.destroy(new Error(`GET ${urlPath} timed out`)));
  });
}

/** Starts `script` with PORT set and the probe preloaded; resolves once /health answers 200. */
export async function startService(script: string, env: Record<string, string>): Promise<RunningService> {
  requireProbeBundle();
  const port = await freePort();
  const child = spawn(process.execPath, [script], {
    cwd: path.dirname(script),
    env: { ...process.env, ...env, PORT: String(port), NODE_OPTIONS: `--require ${probeBundle}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr += chunk));
  let exited = false;
  child.on('exit', () => (exited = true));

  const stop = async (): Promise<void> => {
    if (exited) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  };

  // Generous: the demo seeds ~10k rows under the probe, on a shared and sometimes very loaded machine.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${path.basename(script)} exited before it was ready:\n${stderr}`);
    const status = await httpGet(port, '/health').then((r) => r.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${path.basename(script)} was not ready within 60 s:\n${stderr}`);
    }
    await delay(50);
  }
  return { child, port, stderr: () => stderr, stop };
}
