// Starts a real VS Code (code-server 4.100.3, installed by scripts/install-vscode.sh)
// on a loopback port with throwaway user data, for the integration tests.
//
// code-server's command line refuses --extensionDevelopmentPath and
// --extensionTestsPath (the VS Code server inside it drops them too), so the
// extension under test is handed to the workbench the way VS Code's own
// "Extension Development Host" window does it in a browser: in the `payload`
// query of the workbench URL. The remote extension host then loads it from
// disk as a development extension. `url` below already carries that payload.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const CODE_SERVER_VERSION = '4.100.3';

/** The repository root (the extension itself): this file compiles to out/test/integration/. */
export const repoRoot = process.env.HOTPATH_REPO_ROOT || path.resolve(__dirname, '../../..');

export const testResultsDir = path.join(repoRoot, 'test-results');

export function codeServerInstallDir(): string {
  return (
    process.env.HOTPATH_VSCODE_DIR ||
    path.join(os.homedir(), '.cache', 'hotpath', `code-server-${CODE_SERVER_VERSION}`)
  );
}

/** The code-server entry script, or undefined when no finished install is there. */
export function findCodeServer(): string | undefined {
  const dir = codeServerInstallDir();
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const finished = fs.existsSync(path.join(dir, '.hotpath-install-complete'));
  return finished && fs.existsSync(entry) ? entry : undefined;
}

export interface CodeServerOptions {
  /** Extension folder loaded as a development extension (default: the repository root). */
  extensionDevelopmentPath?: string;
  /** Module whose `run()` the extension host calls once the workbench connects (an in-host test suite). */
  extensionTestsPath?: string;
  /** Default "Default Dark Modern". */
  colorTheme?: string;
  /**
   * Turn workspace trust off altogether ("security.workspace.trust.enabled": false).
   * Off by default: trust stays on and Workbench.open() trusts the folder it opens.
   */
  disableWorkspaceTrust?: boolean;
  /** More user settings, merged over the defaults. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server and the extension host it starts. */
  env?: Record<string, string>;
  /** Names the log file test-results/code-server-NAME.log (default: a timestamp). */
  name?: string;
  startTimeoutMs?: number;
}

export interface CodeServer {
  /** Workbench address with the development extension in its query; Workbench.open() adds the folder. */
  url: string;
  port: number;
  userDataDir: string;
  logFile: string;
  /** Kills the server and every process under it, then removes the temporary folders. */
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const entry = findCodeServer();
  if (!entry) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerInstallDir()}; run scripts/install-vscode.sh`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-vscode-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir);
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings(options), null, 2));
  // An explicit config file stops code-server writing one (with a password) into ~/.config.
  const configFile = path.join(tmp, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\n');

  fs.mkdirSync(testResultsDir, { recursive: true });
  const logFile = path.join(testResultsDir, `code-server-${options.name ?? new Date().toISOString().replace(/[:.]/g, '-')}.log`);

  const args = [
    entry,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--ignore-last-opened',
  ];
  const child = spawn(process.execPath, args, {
    // Its own process group, so stop() can signal the whole tree at once.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // XDG_DATA_HOME: code-server keeps a heartbeat file and logs there; keep them out of $HOME.
    env: { ...process.env, XDG_DATA_HOME: path.join(tmp, 'data'), ...options.env },
  });
  const logStream = fs.createWriteStream(logFile);
  child.stdout!.pipe(logStream, { end: false });
  child.stderr!.pipe(logStream, { end: false });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await killTree(child);
      logStream.end();
      fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
    })());

  let port: number;
  try {
    port = await waitForPort(child, options.startTimeoutMs ?? 60_000, logFile);
  } catch (err) {
    await stop();
    throw err;
  }

  const devPath = options.extensionDevelopmentPath ?? repoRoot;
  const authority = `127.0.0.1:${port}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remoteUri(authority, devPath)]];
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(authority, options.extensionTestsPath)]);
  const url = new URL(`http://${authority}/`);
  url.searchParams.set('payload', JSON.stringify(payload));

  return { url: url.toString(), port, userDataDir, logFile, stop };
}

function userSettings(options: CodeServerOptions): Record<string, unknown> {
  return {
    'security.workspace.trust.startupPrompt': 'never',
    'workbench.startupEditor': 'none',
    'workbench.colorTheme': options.colorTheme ?? 'Default Dark Modern',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    // Hotpath starts services on ports; VS Code would offer to forward each one in a toast.
    'remote.autoForwardPorts': false,
    // Test folders often sit inside this repository; Git would ask in a toast whether to open it.
    'git.openRepositoryInParentFolders': 'never',
    ...(options.disableWorkspaceTrust ? { 'security.workspace.trust.enabled': false } : {}),
    ...options.settings,
  };
}

function remoteUri(authority: string, fsPath: string): string {
  return `vscode-remote://${authority}${path.resolve(fsPath).split(path.sep).map(encodeURIComponent).join('/')}`;
}

function waitForPort(child: ChildProcess, timeoutMs: number, logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const done = (err: Error | undefined, port?: number) => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(port!);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(seen);
      if (m) done(undefined, Number(m[1]));
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`code-server exited (${code ?? signal}) before listening; see ${logFile}:\n${seen.slice(-2000)}`));
    const timer = setTimeout(
      () => done(new Error(`code-server did not start listening within ${timeoutMs} ms; see ${logFile}`)),
      timeoutMs,
    );
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * SIGTERM to the process group and to every descendant (an extension may put
 * its own children in new groups), SIGKILL to whatever is left after 5 s.
 */
async function killTree(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  const pids = [pid, ...descendants(pid)];
  signalAll(pid, pids, 'SIGTERM');
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && pids.some(isAlive)) await sleep(100);
  signalAll(pid, pids.filter(isAlive), 'SIGKILL');
  await Promise.race([exited, sleep(2_000)]);
}

function signalAll(groupLeader: number, pids: number[], signal: NodeJS.Signals): void {
  try {
    process.kill(-groupLeader, signal);
  } catch {
    // the group is already gone
  }
  for (const p of pids) {
    try {
      process.kill(p, signal);
    } catch {
      // already exited
    }
  }
}

/** Every process below `root`, read from /proc (Linux, where these tests run). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces or parentheses: the fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited while we were reading
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** A zombie counts as gone: in a container nobody may ever reap it. */
function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
