// Records real `.cpuprofile` files with plain `node --cpu-prof` (V8's own
// writer, not Hotpath's) for the CPU tests.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const repoRoot = path.resolve(__dirname, '../../../..');

export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function get(port: number, p: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: p }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
  });
}

/** Runs `script` under `node --cpu-prof` until it exits; returns the profile's path. */
export async function recordScript(script: string, dir: string, args: string[] = [], intervalUs = 200): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${intervalUs}`, script, ...args], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`))));
  });
  return onlyProfile(dir);
}

/** Starts a fixture service under `node --cpu-prof`, sends it `requests` GETs, stops it; returns the profile's path. */
export async function recordService(service: string, dir: string, paths: string[], requests = 200): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250', service], { stdio: 'ignore', env: { ...process.env, PORT: String(port) } });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let tries = 0; (await get(port, '/health')) !== 200; tries++) {
    if (tries > 200) throw new Error(`${service} did not answer /health`);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (let i = 0; i < requests; i++) await get(port, paths[i % paths.length]);
  child.kill('SIGTERM');
  await exited;
  return onlyProfile(dir);
}

function onlyProfile(dir: string): string {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length !== 1) throw new Error(`expected one .cpuprofile in ${dir}, found ${files.length}`);
  return path.join(dir, files[0]);
}
