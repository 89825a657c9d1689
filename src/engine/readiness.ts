import * as http from 'http';
import * as https from 'https';
import { CancellationToken, CancelledError, HotpathError } from './events';
import { delay, describeFailure, ServiceProcess } from './serviceProcess';

/**
 * Polls `url` until it answers 2xx. Fails with one sentence when the service
 * exits first, when the deadline passes, or when the run is cancelled.
 */
export async function waitUntilReady(
  url: string,
  timeoutMs: number,
  service: ServiceProcess,
  token: CancellationToken,
): Promise<number> {
  const started = Date.now();
  let lastProblem = 'no answer yet';
  let interval = 50;
  while (Date.now() - started < timeoutMs) {
    if (token.isCancelled()) throw new CancelledError(token.reason());
    if (service.exit) {
      const how = service.exit.signal ? `was killed by ${service.exit.signal}` : `exited with code ${service.exit.code}`;
      const taken = portInUse(service.lastLines());
      if (taken) {
        throw describeFailure(
          `The service ${how} before it became ready at ${url}: ${taken} is already in use by another process (EADDRINUSE); stop that process, or let Hotpath choose a free port (\${port} in service.args or service.env, or read PORT).`,
          service,
        );
      }
      throw describeFailure(`The service ${how} before it became ready at ${url}: check the command and the log below.`, service);
    }
    const status = await probe(url).catch((err: NodeJS.ErrnoException) => {
      lastProblem = err.code ?? err.message;
      return 0;
    });
    if (status >= 200 && status < 300) return Date.now() - started;
    if (status) lastProblem = `HTTP ${status}`;
    await Promise.race([delay(interval), service.waitForExit()]);
    interval = Math.min(interval * 1.5, 500);
  }
  throw describeFailure(
    `The service did not become ready: ${url} gave ${lastProblem} for ${Math.round(timeoutMs / 1000)} s; check readyUrl and that the service listens on the PORT it is given, or raise service.readyTimeoutMs.`,
    service,
  );
}

/** "port 3000" (or "address …") from Node's EADDRINUSE error in the service's last lines, or null. */
export function portInUse(lines: string[]): string | null {
  const text = lines.join('\n');
  if (!/EADDRINUSE/.test(text)) return null;
  const where = /EADDRINUSE[^\n]*?(?:address already in use\s+)?(\S*?):(\d+)\s*$/m.exec(text) ?? /\bport:\s*(\d+)/.exec(text);
  if (!where) return 'its address';
  return `port ${where[2] ?? where[1]}`;
}

function probe(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { timeout: 2000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
  });
}

export { HotpathError };
