// The probe's side of the socket: NDJSON out, through a bounded queue. The
// service must never wait for, or be harmed by, the engine: the socket is
// unref'd, a slow or absent reader costs at most the queue's bound (oldest
// messages are dropped and counted), and any error or close makes the
// transport go quiet for good.

import * as net from 'net';

export interface TransportLimits {
  maxMessages: number;
  maxBytes: number;
}

export const DEFAULT_LIMITS: TransportLimits = { maxMessages: 10_000, maxBytes: 4 * 1024 * 1024 };

/** Bytes per socket write; a burst is sent as a few large writes, not many small ones. */
const WRITE_CHUNK_BYTES = 256 * 1024;

export class ProbeTransport {
  private readonly queue: string[] = [];
  /** Messages that are never dropped and go out first (the process's hello). */
  private pinned = '';
  private head = 0;
  private queuedBytes = 0;
  private dropped = 0;
  private socket: net.Socket | undefined;
  private connected = false;
  private blocked = false;
  private flushScheduled = false;
  private closed = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    socketPath: string,
    private readonly limits: TransportLimits = DEFAULT_LIMITS,
  ) {
    const socket = net.connect(socketPath);
    this.socket = socket;
    socket.unref();
    socket.on('connect', () => {
      this.connected = true;
      this.flush();
    });
    socket.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
    socket.on('error', () => this.shutdown());
    socket.on('close', () => this.shutdown());
    // The engine never writes to the probe; reading keeps the socket healthy.
    socket.on('data', () => undefined);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues one message; never throws, never blocks. */
  send(message: object): void {
    if (this.closed) return;
    let line: string;
    try {
      line = JSON.stringify(message) + '\n';
    } catch {
      return;
    }
    this.queue.push(line);
    this.queuedBytes += line.length;
    while (this.queue.length - this.head > this.limits.maxMessages || this.queuedBytes > this.limits.maxBytes) {
      this.queuedBytes -= this.queue[this.head].length;
      this.head++;
      this.dropped++;
    }
    this.compact();
    this.scheduleFlush();
  }

  /**
   * Queues a message that must arrive whatever follows it: a service that
   * issues thousands of queries before the socket connects (seeding a
   * database at start) would otherwise push its own hello out of the queue.
   */
  sendPinned(message: object): void {
    if (this.closed) return;
    try {
      this.pinned += JSON.stringify(message) + '\n';
    } catch {
      return;
    }
    this.scheduleFlush();
  }

  /** Messages dropped since the previous call. */
  takeDropped(): number {
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Stops sending and releases the socket. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.head = 0;
    this.queuedBytes = 0;
    const socket = this.socket;
    this.socket = undefined;
    try {
      socket?.destroy();
    } catch {
      // Already gone.
    }
    for (const listener of this.closeListeners.splice(0)) {
      try {
        listener();
      } catch {
        // A collector that fails to stop must not stop the others.
      }
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.connected || this.blocked) return;
    this.flushScheduled = true;
    // One write per turn of the event loop, however many messages the turn produced.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    }).unref();
  }

  private flush(): void {
    const socket = this.socket;
    if (!socket || this.closed || !this.connected) return;
    try {
      if (this.pinned) {
        const pinned = this.pinned;
        this.pinned = '';
        if (!socket.write(pinned)) this.blocked = true;
      }
      while (!this.blocked && this.head < this.queue.length) {
        let chunk = '';
        while (this.head < this.queue.length && (chunk.length === 0 || chunk.length + this.queue[this.head].length <= WRITE_CHUNK_BYTES)) {
          chunk += this.queue[this.head];
          this.queuedBytes -= this.queue[this.head].length;
          this.head++;
        }
        if (!socket.write(chunk)) this.blocked = true;
      }
      this.compact();
    } catch {
      this.shutdown();
    }
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
