// load.engine "k6": runs the user's k6 script with the k6 binary on PATH,
// reads its JSON output while it is written (each request's duration, so the
// timeline streams once a second like autocannon's) and imports its
// end-of-test summary beside it. The script gets the target as __ENV.TARGET
// (and __ENV.HOTPATH_TARGET, __ENV.PORT). Unless load.allowNonLoopback is set,
// k6 itself is told to refuse every non-loopback address (--blacklist-ip), on
// top of the check of the URLs written in the script.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { HotpathConfig } from '../config';
import { CancelledError, HotpathError } from '../events';
import type { ExternalRunOptions } from './artillery';
import { assertScenarioUrlsLoopback, findExecutable, readScenarioFile, waitForTool } from './externalTool';
import { finishK6, importK6Summary, K6PointReader } from './k6Import';
import { LoadRecorder } from './loadRecorder';
import type { LoadResult } from './loadResult';
import { assertLoopbackTarget } from './loopbackGuard';

export const K6_MISSING =
  'k6 is not installed: load.engine "k6" runs the k6 binary from PATH, which npm does not provide; install it as https://grafana.com/docs/k6/latest/set-up/install-k6/ says (for example `brew install k6`, `winget install k6`, Grafana\'s apt or rpm repository, or a release binary from https://github.com/grafana/k6/releases put on PATH), then run again.';

export const K6_SUMMARY = 'k6-summary.json';
export const K6_POINTS = 'k6-points.json';
export const K6_LOG = 'k6.log';

/** Every IPv4 network but 127.0.0.0/8 and every IPv6 address but ::1, as CIDRs for k6's --blacklist-ip. */
export function nonLoopbackCidrs(): string[] {
  const v4 = ['0.0.0.0/2', '64.0.0.0/3', '96.0.0.0/4', '112.0.0.0/5', '120.0.0.0/6', '124.0.0.0/7', '126.0.0.0/8', '128.0.0.0/1'];
  const v6: string[] = [];
  const loopback = 1n;
  for (let i = 0; i < 128; i++) {
    // The addresses that share ::1's first i bits and differ at bit i.
    const bit = 127n - BigInt(i);
    const prefix = ((loopback >> bit) ^ 1n) << bit;
    const groups = Array.from({ length: 8 }, (_, g) => ((prefix >> BigInt((7 - g) * 16)) & 0xffffn).toString(16));
    v6.push(`${groups.join(':')}/${i + 1}`);
  }
  return [...v4, ...v6];
}

export function preflightK6(load: HotpathConfig['load'], root: string): { exe: string; file: string; text: string } {
  const exe = findExecutable('k6', root);
  if (!exe) throw new HotpathError(K6_MISSING);
  const { file, text } = readScenarioFile(load.scenarioFile!, root, 'k6');
  assertLoopbackTarget(load.target, load.allowNonLoopback);
  assertScenarioUrlsLoopback(text, file, load.allowNonLoopback);
  return { exe, file, text };
}

export async function runK6(opts: ExternalRunOptions): Promise<LoadResult> {
  const { exe, file } = preflightK6(opts.load, opts.root);
  const dir = opts.artifactDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-k6-'));
  const pointsPath = path.join(dir, K6_POINTS);
  const summaryPath = path.join(dir, K6_SUMMARY);
  fs.writeFileSync(pointsPath, '');
  const args = [
    'run',
    '--no-usage-report',
    `--out=json=${pointsPath}`,
    `--summary-export=${summaryPath}`,
    '--summary-trend-stats=avg,min,med,max,p(90),p(95),p(99)',
    '-e', `TARGET=${opts.load.target}`,
    '-e', `HOTPATH_TARGET=${opts.load.target}`,
    '-e', `PORT=${opts.port}`,
    ...(opts.load.allowNonLoopback ? [] : [`--blacklist-ip=${nonLoopbackCidrs().join(',')}`]),
    file,
  ];
  const rec = new LoadRecorder([], opts.clockStart);
  rec.stage = 'k6';
  rec.onTick.event(opts.onTick);
  const reader = new K6PointReader(rec);
  let offset = 0;
  const poll = () => {
    try {
      const size = fs.statSync(pointsPath).size;
      if (size <= offset) return;
      const fd = fs.openSync(pointsPath, 'r');
      const buf = Buffer.alloc(size - offset);
      fs.readSync(fd, buf, 0, buf.length, offset);
      fs.closeSync(fd);
      offset = size;
      reader.push(buf.toString('utf8'));
      // k6 writes samples a little after they happen: windows are published one second behind the newest.
      if (reader.lastT !== null) rec.publishUpTo(reader.lastT - 1000);
    } catch {
      // not written yet
    }
  };
  const poller = setInterval(poll, 500);

  const child = spawn(exe, args, {
    cwd: path.dirname(file),
    env: { ...process.env, K6_NO_USAGE_REPORT: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  // What k6 printed goes into the run directory beside its summary.
  const log = opts.artifactDir ? fs.createWriteStream(path.join(dir, K6_LOG)) : null;
  const tail: string[] = [];
  for (const [stream, name] of [[child.stdout, 'stdout'], [child.stderr, 'stderr']] as const) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      log?.write(chunk);
      for (const line of chunk.split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        opts.onLog?.(name, line);
      }
    });
  }
  const exit = await waitForTool(child, opts.token);
  const { spawnError } = exit;
  clearInterval(poller);
  await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
  poll();
  reader.end();
  if (opts.token.isCancelled()) throw new CancelledError(opts.token.reason());
  if (spawnError) throw new HotpathError(`Could not start ${exe} (${(spawnError as Error).message}): check that k6 is installed and runnable.`);
  // k6 exits 99 when a threshold fails and still writes everything; other codes without samples are errors.
  if (reader.lastT === null) {
    throw new HotpathError(
      `k6 ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`} without measuring any HTTP request for ${file}: see its output below.`,
      tail.length ? `\n${tail.join('\n')}` : undefined,
    );
  }
  const files = opts.artifactDir ? [K6_SUMMARY, K6_LOG] : [];
  const result = finishK6(rec, reader, { scenarioFile: opts.load.scenarioFile!, files });
  // The per-request points are folded into latency.hdr, the timeline and the endpoint table; the file itself can run to gigabytes.
  fs.rmSync(pointsPath, { force: true });
  if (fs.existsSync(summaryPath)) {
    try {
      const summary = importK6Summary(JSON.parse(fs.readFileSync(summaryPath, 'utf8')), { file: summaryPath, scenarioFile: opts.load.scenarioFile!, files });
      // k6's own count, kept to cross-check ours.
      result.generatorTotal = summary.generatorTotal;
    } catch {
      // The samples are what the figures come from; a damaged summary only loses the cross-check.
    }
  }
  return result;
}
