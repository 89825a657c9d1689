// Shared by the load tests: the echo service from test/fixtures/load, started
// without the probe, and a plain HTTP GET.

import { spawn, type ChildProcess } from 'child_process';
import * as http from 'http';
import * as path from 'path';
import { freePort } from '../../../src/engine/freePort';
import { CancellationSource } from '../../../src/engine/events';
import { LoadRecorder } from '../../../src/engine/load/loadRecorder';
import type { ScenarioContext } from '../../../src/engine/load/scenarios/common';
import type { RequestSpec } from '../../../src/engine/config';

export const repoRoot = process.env.HOTPATH_REPO_ROOT ?? path.resolve(__dirname, '../../../..');
export const loadFixture = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'load', name);

export function httpGet(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.setTimeout(20_000, () => request.destroy(new Error(`GET ${urlPath} timed out`)));
  });
}

export interface EchoService {
  child: ChildProcess;
  port: number;
  target: string;
  stop(): Promise<void>;
}

/** Starts test/fixtures/load/echo-server.js on a free port; resolves once /health answers. */
export async function startEcho(): Promise<EchoService> {
  const port = await freePort();
  const child = spawn(process.execPath, [loadFixture('echo-server.js')], { env: { ...process.env, PORT: String(port), NODE_OPTIONS: '' }, stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await httpGet(port, '/health')).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('the echo service did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    target: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** A scenario context over a fresh recorder whose clock starts now. */
export function context(target: string, requests: RequestSpec[], cpu: () => number | null = () => null): ScenarioContext & { cancel: CancellationSource } {
  const cancel = new CancellationSource();
  const rec = new LoadRecorder(requests, Date.now(), 0);
  return { rec, target, requests, timeoutSec: 10, token: cancel.token, serviceCpuSeconds: cpu, announce: (label) => (rec.stage = label), generatorTotal: 0, stages: [], cancel };
}
