// Which HTTP request is being served. `http.server.request.start` is published
// synchronously just before the server emits 'request', so entering the
// AsyncLocalStorage there puts the request in the context of the handler and
// of everything it starts (promises, timers, driver callbacks). Covers
// node:http and node:https servers and the frameworks built on them.

import { AsyncLocalStorage } from 'async_hooks';
import * as diagnosticsChannel from 'diagnostics_channel';
import type { RequestRef } from './probeMessages';

export interface RequestSource {
  current(): RequestRef | null;
  /** Runs `fn` with `request` as the current request (for callbacks a native driver calls without context). */
  run<T>(request: RequestRef | null, fn: () => T): T;
}

export interface RequestTracker extends RequestSource {
  stop(): void;
}

/** For when request tracking is off. */
export const NO_REQUESTS: RequestSource = { current: () => null, run: (_request, fn) => fn() };

export const REQUEST_START_CHANNEL = 'http.server.request.start';

/** The request path without query string or fragment. */
export function requestPath(url: string | undefined): string {
  if (!url) return '/';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

export function startRequestTracking(): RequestTracker {
  const store = new AsyncLocalStorage<RequestRef>();
  let sequence = 0;
  const channel = diagnosticsChannel.channel(REQUEST_START_CHANNEL);
  const onRequestStart = (message: unknown): void => {
    try {
      const request = (message as { request?: { method?: string; url?: string } }).request;
      if (request) store.enterWith({ id: ++sequence, method: request.method ?? 'GET', path: requestPath(request.url) });
    } catch {
      // No context for this request.
    }
  };
  channel.subscribe(onRequestStart);
  return {
    current: () => store.getStore() ?? null,
    run: (request, fn) => (request ? store.run(request, fn) : store.exit(fn)),
    stop() {
      channel.unsubscribe(onRequestStart);
      store.disable();
    },
  };
}
