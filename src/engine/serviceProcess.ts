// Starts the service under test, without a shell, in its own process group so
// that the whole tree (npm → sh → node, forked workers) can be killed at once.

import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Emitter, HotpathError } from './events';

export interface ServiceSpec {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where stdout and stderr are saved, line by line. */
  logFile?: string;
}

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const INSPECTOR_LINE = /Debugger listening on (ws:\/\/\S+)/;
const TAIL_LINES = 20;

export class ServiceProcess {
  readonly onLine = new Emitter<{ stream: 'stdout' | 'stderr'; line: string }>();
  readonly onInspectorUrl = new Emitter<string>();
  readonly onExit = new Emitter<ServiceExit>();
  /** Inspector URLs announced so far, oldest first (one per node process that opened one). */
  readonly inspectorUrls: string[] = [];
  exit: ServiceExit | null = null;

  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly log: fs.WriteStream | null;
  private readonly exited: Promise<ServiceExit>;

  constructor(spec: ServiceSpec) {
    this.log = spec.logFile ? fs.createWriteStream(spec.logFile, { flags: 'a' }) : null;
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      shell: false,
      detached: true, // own process group: kill(-pid) reaches every descendant
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.exited = new Promise((resolve) => {
      const finish = (exit: ServiceExit) => {
        if (this.exit) return;
        this.exit = exit;
        this.log?.end();
        this.onExit.fire(exit);
        resolve(exit);
      };
      this.child.on('error', (err) => {
        const e = err as NodeJS.ErrnoException;
        this.pushLine('stderr', e.code === 'ENOENT' ? `${spec.command}: command not found` : String(err));
        finish({ code: -1, signal: null });
      });
      this.child.on('exit', (code, signal) => finish({ code, signal }));
    });
    this.readLines(this.child.stdout!, 'stdout');
    this.readLines(this.child.stderr!, 'stderr');
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The service's last output lines, for error messages. */
  lastLines(n = 8): string[] {
    return this.tail.filter((l) => !isInspectorChatter(l)).slice(-n);
  }

  waitForExit(): Promise<ServiceExit> {
    return this.exited;
  }

  /**
   * Stops the whole process group: SIGTERM, then SIGKILL after `graceMs`.
   * Resolves when the leader has exited and the group is gone.
   */
  async stop(graceMs = 3000): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      delay(graceMs).then(() => true),
    ]);
    if (timedOut) signalGroup(pid, 'SIGKILL');
    await this.exited;
    // Descendants may outlive the leader (a worker that ignores SIGTERM): finish the group.
    if (groupAlive(pid)) {
      await delay(Math.min(graceMs, 500));
      signalGroup(pid, 'SIGKILL');
    }
  }

  private readLines(stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr'): void {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        this.pushLine(name, pending.slice(0, nl).replace(/\r$/, ''));
        pending = pending.slice(nl + 1);
      }
      if (pending.length > 64 * 1024) {
        this.pushLine(name, pending);
        pending = '';
      }
    });
    stream.on('end', () => {
      if (pending) this.pushLine(name, pending);
    });
  }

  private pushLine(stream: 'stdout' | 'stderr', line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    this.log?.write(`[${stream}] ${line}\n`);
    const match = stream === 'stderr' ? INSPECTOR_LINE.exec(line) : null;
    if (match) {
      this.inspectorUrls.push(match[1]);
      this.onInspectorUrl.fire(match[1]);
    }
    this.onLine.fire({ stream, line });
  }
}

function isInspectorChatter(line: string): boolean {
  return (
    INSPECTOR_LINE.test(line) ||
    line.startsWith('For help, see: https://nodejs.org/en/docs/inspector') ||
    line === 'Debugger attached.' ||
    line === 'Waiting for the debugger to disconnect...'
  );
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves the command the way a user expects: relative to cwd when it looks like a path. */
export function resolveCommand(command: string, cwd: string): string {
  return command.includes('/') || command.includes(path.sep) ? path.resolve(cwd, command) : command;
}

/** Builds the "service failed" sentence with the service's last output. */
export function describeFailure(what: string, service: ServiceProcess): HotpathError {
  const lines = service.lastLines();
  const detail = lines.length ? `\nLast output of the service:\n  ${lines.join('\n  ')}` : '';
  return new HotpathError(`${what}${detail ? '' : ' The service printed nothing.'}`, detail || undefined);
}
