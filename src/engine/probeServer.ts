// The engine's end of the probe socket. Every process that loads the probe
// (the service, its children, cluster workers) connects on its own; each
// connection is a stream of NDJSON lines, validated and delivered as typed
// messages. A malformed line is counted and skipped, never thrown.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Emitter, type Disposable } from './events';
import { parseProbeMessage, type ProbeMessage } from './probe/probeMessages';

export interface ProbeServerOptions {
  /** Where to create the socket's private folder; os.tmpdir() when omitted or when the path would be too long. */
  directory?: string;
  /** A line longer than this is discarded as garbage (default 1 MiB). */
  maxLineLength?: number;
}

export interface ProbeServerStats {
  /** Connections accepted since start. */
  connections: number;
  /** Connections open now. */
  openConnections: number;
  /** Valid messages delivered. */
  messages: number;
  /** Lines that were not valid probe messages. */
  garbageLines: number;
}

/**
 * Unix socket paths are limited to 108 bytes on Linux and 104 on macOS
 * (including the terminating NUL); stay well below both.
 */
export const MAX_SOCKET_PATH_LENGTH = 100;
const SOCKET_NAME = 'probe.sock';
const DEFAULT_MAX_LINE = 1024 * 1024;

export class ProbeServer implements Disposable {
  private readonly messageEmitter = new Emitter<ProbeMessage>();
  /** Fires for every valid message from any connected process. */
  readonly onMessage = this.messageEmitter.event;

  private server: net.Server | undefined;
  private folder: string | undefined;
  private path: string | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly counts: ProbeServerStats = { connections: 0, openConnections: 0, messages: 0, garbageLines: 0 };

  constructor(private readonly options: ProbeServerOptions = {}) {}

  /** The socket path to pass to the probe as HOTPATH_PROBE_SOCKET; undefined before start(). */
  get socketPath(): string | undefined {
    return this.path;
  }

  get stats(): ProbeServerStats {
    return { ...this.counts, openConnections: this.sockets.size };
  }

  /** Listens and resolves with the socket path. */
  async start(): Promise<string> {
    if (this.path) return this.path;
    const socketPath = this.allocatePath();
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      this.removeFolder();
      throw error;
    });
    // A failure after listening (rare) must not become an unhandled 'error'.
    server.on('error', () => undefined);
    this.server = server;
    this.path = socketPath;
    return socketPath;
  }

  /** Stops listening, drops every connection and removes the socket file. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.removeFolder();
    this.path = undefined;
  }

  dispose(): void {
    void this.close();
    this.messageEmitter.dispose();
  }

  private allocatePath(): string {
    const suffix = crypto.randomBytes(6).toString('hex');
    if (process.platform === 'win32') return `\\\\.\\pipe\\hotpath-probe-${process.pid}-${suffix}`;
    const candidates = [this.options.directory, os.tmpdir(), '/tmp'].filter((dir): dir is string => !!dir);
    for (const base of candidates) {
      // mkdtemp adds 6 characters to the prefix; the folder is private to this user (0700).
      if (path.join(base, 'hp-XXXXXX', SOCKET_NAME).length > MAX_SOCKET_PATH_LENGTH) continue;
      try {
        this.folder = fs.mkdtempSync(path.join(base, 'hp-'));
        return path.join(this.folder, SOCKET_NAME);
      } catch {
        // Try the next place.
      }
    }
    throw new Error(`Hotpath could not create a socket for the probe: no writable folder with a path shorter than ${MAX_SOCKET_PATH_LENGTH} characters.`);
  }

  private removeFolder(): void {
    if (!this.folder) return;
    fs.rmSync(this.folder, { recursive: true, force: true });
    this.folder = undefined;
  }

  private accept(socket: net.Socket): void {
    this.counts.connections++;
    this.sockets.add(socket);
    const maxLine = this.options.maxLineLength ?? DEFAULT_MAX_LINE;
    let buffered = '';
    let discarding = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      let start = 0;
      let newline = chunk.indexOf('\n');
      while (newline !== -1) {
        const line = buffered + chunk.slice(start, newline);
        buffered = '';
        if (discarding) discarding = false;
        else this.handleLine(line);
        start = newline + 1;
        newline = chunk.indexOf('\n', start);
      }
      if (discarding) return;
      buffered += chunk.slice(start);
      if (buffered.length > maxLine) {
        // Too long to be a probe message: skip up to the next newline.
        buffered = '';
        discarding = true;
        this.counts.garbageLines++;
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (buffered.trim() && !discarding) this.handleLine(buffered);
      buffered = '';
    });
  }

  private handleLine(line: string): void {
    if (!line.trim()) return;
    const message = parseProbeMessage(line);
    if (!message) {
      this.counts.garbageLines++;
      return;
    }
    this.counts.messages++;
    this.messageEmitter.fire(message);
  }
}
