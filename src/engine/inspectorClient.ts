// A minimal Chrome DevTools Protocol client over the V8 inspector's WebSocket.

import WebSocket from 'ws';
import { Emitter, HotpathError } from './events';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  method: string;
}

export class InspectorClient {
  readonly onEvent = new Emitter<{ method: string; params: unknown }>();
  readonly onClose = new Emitter<void>();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.receive(String(data)));
    socket.on('close', () => this.shutdown('the inspector connection closed'));
    socket.on('error', () => this.shutdown('the inspector connection failed'));
  }

  static connect(url: string, timeoutMs = 5000): Promise<InspectorClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 2 * 1024 * 1024 * 1024 });
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new HotpathError(`Could not connect to the service's inspector at ${url} within ${timeoutMs} ms.`));
      }, timeoutMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve(new InspectorClient(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new HotpathError(`Could not connect to the service's inspector at ${url}: ${err.message}.`));
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send<T = unknown>(method: string, params?: object): Promise<T> {
    if (this.closed) return Promise.reject(new HotpathError(`Inspector call ${method} failed: the service is gone.`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      this.socket.send(JSON.stringify({ id, method, params: params ?? {} }));
    });
  }

  close(): void {
    if (this.closed) return;
    this.socket.close();
    this.shutdown('the inspector connection was closed');
  }

  private receive(text: string): void {
    let msg: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new HotpathError(`Inspector call ${p.method} failed: ${msg.error.message}.`));
      else p.resolve(msg.result);
    } else if (msg.method) {
      this.onEvent.fire({ method: msg.method, params: msg.params });
    }
  }

  private shutdown(why: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new HotpathError(`Inspector call ${p.method} failed: ${why}.`));
    this.pending.clear();
    this.onClose.fire();
  }
}
