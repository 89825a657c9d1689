// load.engine "artillery": runs the user's Artillery scenario with the artillery
// CLI (workspace node_modules/.bin, a parent's, or PATH) against the service
// Hotpath started, streams each of Artillery's 10-second reports to subscribers
// as it prints it, and imports its JSON report into `load`.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { HotpathConfig } from '../config';
import { CancellationToken, CancelledError, HotpathError } from '../events';
import { ArtilleryConsoleParser, artilleryMethods, blockToPoint, importArtilleryReport, parseArtilleryReport } from './artilleryReport';
import { assertScenarioUrlsLoopback, findExecutable, readScenarioFile, waitForTool } from './externalTool';
import type { LoadResult, LoadTickDetail } from './loadResult';
import { assertLoopbackTarget } from './loopbackGuard';

export const ARTILLERY_MISSING =
  'Artillery is not installed: load.engine "artillery" runs the artillery CLI from the workspace\'s node_modules/.bin or PATH; install it with `PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install -D artillery` (about 460–590 MB) or globally with `npm install -g artillery`, then run again.';

export const ARTILLERY_REPORT = 'artillery-report.json';
export const ARTILLERY_LOG = 'artillery.log';

export interface ExternalRunOptions {
  load: HotpathConfig['load'];
  /** The config file's folder: the scenario file and node_modules/.bin are found from it. */
  root: string;
  port: number;
  clockStart: number;
  token: CancellationToken;
  /** Folder for the tool's report files (the run directory being assembled); a temporary one when absent. */
  artifactDir?: string;
  onTick: (tick: LoadTickDetail) => void;
  /** Lines the tool printed, for the run's log. */
  onLog?: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** Checks what can be checked before the service starts: the CLI, the file, the URLs in it. */
export function preflightArtillery(load: HotpathConfig['load'], root: string, port: number): { exe: string; file: string; text: string } {
  const exe = findExecutable('artillery', root);
  if (!exe) throw new HotpathError(ARTILLERY_MISSING);
  const { file, text } = readScenarioFile(load.scenarioFile!, root, 'Artillery');
  const substituted = text.split('${port}').join(String(port));
  assertLoopbackTarget(load.target, load.allowNonLoopback);
  assertScenarioUrlsLoopback(substituted, file, load.allowNonLoopback);
  return { exe, file, text: substituted };
}

export async function runArtillery(opts: ExternalRunOptions): Promise<LoadResult> {
  const { exe, file, text } = preflightArtillery(opts.load, opts.root, opts.port);
  const artifactDir = opts.artifactDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-artillery-'));
  const reportPath = path.join(artifactDir, ARTILLERY_REPORT);
  // ${port} filled in: a copy beside the original, so that its processor and payload paths still resolve.
  let scenarioPath = file;
  let copy: string | null = null;
  if (text !== fs.readFileSync(file, 'utf8')) {
    copy = path.join(path.dirname(file), `.hotpath-${process.pid}-${Date.now()}-${path.basename(file)}`);
    try {
      fs.writeFileSync(copy, text);
    } catch {
      copy = path.join(artifactDir, path.basename(file));
      fs.writeFileSync(copy, text);
    }
    scenarioPath = copy;
  }

  // What Artillery printed goes into the run directory beside its report.
  const log = opts.artifactDir ? fs.createWriteStream(path.join(artifactDir, ARTILLERY_LOG)) : null;
  const parser = new ArtilleryConsoleParser();
  let requestsTotal = 0;
  const emit = (blocks: ReturnType<ArtilleryConsoleParser['push']>) => {
    for (const b of blocks) {
      const point = blockToPoint(b, Date.now() - opts.clockStart);
      requestsTotal += b.counters['http.responses'] ?? 0;
      opts.onTick({ ...point, requestsTotal, stage: 'artillery' });
    }
  };

  const args = ['run', '--output', reportPath, '--target', opts.load.target, scenarioPath];
  const child = spawn(exe, args, {
    cwd: path.dirname(file),
    env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const stderrTail: string[] = [];
  let idle: NodeJS.Timeout | null = null;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    log?.write(chunk);
    emit(parser.push(chunk));
    for (const line of chunk.split('\n')) if (line.trim()) opts.onLog?.('stdout', line);
    // Artillery prints a whole block at once: a pause in the output completes it.
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => {
      const b = parser.flush();
      if (b) emit([b]);
    }, 300);
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    log?.write(chunk);
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      opts.onLog?.('stderr', line);
    }
  });

  const exit = await waitForTool(child, opts.token);
  const { spawnError } = exit;
  if (idle) clearTimeout(idle);
  exit.kill('SIGKILL'); // workers it may have left behind
  if (copy) fs.rmSync(copy, { force: true });
  await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));

  if (opts.token.isCancelled()) throw new CancelledError(opts.token.reason());
  if (spawnError) throw new HotpathError(`Could not start ${exe} (${(spawnError as Error).message}): check that Artillery is installed and runnable.`);
  if (!fs.existsSync(reportPath)) {
    throw new HotpathError(
      `Artillery ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`} without writing its report for ${file}: see its output below.`,
      stderrTail.length ? `\n${stderrTail.join('\n')}` : undefined,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(reportPath, 'utf8'));
  } catch (err) {
    throw new HotpathError(`Artillery's report ${reportPath} is not valid JSON (${(err as Error).message}).`);
  }
  const report = parseArtilleryReport(raw, reportPath);
  return importArtilleryReport(report, {
    clockStart: opts.clockStart,
    methods: artilleryMethods(text),
    scenarioFile: opts.load.scenarioFile!,
    files: opts.artifactDir ? [ARTILLERY_REPORT, ARTILLERY_LOG] : [],
  });
}
