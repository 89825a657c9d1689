// How Hotpath tells 0x or Clinic that the load is over, so that they stop the
// service themselves and write their data.
//
// Both tools take `--on-port CMD`: once the service listens they run CMD, and
// when CMD exits they close the service in their own way (0x: the service's
// soft-exit channel; Doctor: `beforeExit`, which flushes its samples; Heap
// Profiler: its IPC stop, after which the profile is written). That is the
// only stop that works for every tool and every service: a SIGINT to a service
// that exits on SIGINT loses Heap Profiler's profile, and 0x ignores a SIGINT
// sent to itself alone. CMD here is a tiny node script holding a unix-socket
// connection to the engine: closing the connection ends it. If the engine
// dies, the connection closes too, the tool stops the service, and nothing is
// left running.

import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

const WAITER = `'use strict';
const s = require('net').connect(process.argv[2]);
s.on('error', () => process.exit(0));
s.on('close', () => process.exit(0));
s.resume();
`;

export class StopSwitch {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private dir: string | null = null;
  private socketPath = '';
  private scriptPath = '';
  private everConnected = false;
  private connectedWaiters: Array<() => void> = [];

  /** Listens on a fresh unix socket. */
  async start(): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-stop-'));
    this.socketPath = path.join(this.dir, 's');
    this.scriptPath = path.join(this.dir, 'wait.js');
    fs.writeFileSync(this.scriptPath, WAITER);
    const server = (this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      this.everConnected = true;
      for (const w of this.connectedWaiters.splice(0)) w();
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
      socket.resume();
    }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => resolve());
    });
  }

  /**
   * The `--on-port` command line. The tools pass it through `env-string` (which
   * expands `$NAME`, so every `$` is escaped) and then `/bin/sh -c`.
   */
  command(nodeBinary: string): string {
    return [nodeBinary, this.scriptPath, this.socketPath].map(shellQuote).join(' ');
  }

  /** True for the command line of the switch's own waiter (to tell it apart from the service). */
  isWaiter(argv: string[]): boolean {
    return this.scriptPath !== '' && argv.includes(this.scriptPath);
  }

  /** True once the tool has run the command, i.e. the service listened. */
  get connected(): boolean {
    return this.everConnected;
  }

  /** Resolves when the command has connected, or after `timeoutMs` with false. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.everConnected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.connectedWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Ends the command: the tool stops the service and writes its output. */
  release(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.release();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

/** Single-quotes for /bin/sh, with `$` escaped for env-string (which strips one backslash). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`).replace(/\$(?=[A-Za-z0-9_{])/g, '\\$')}'`;
}
