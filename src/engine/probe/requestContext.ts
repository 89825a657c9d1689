// Which HTTP request is being served. `http.server.request.start` is published
// synchronously just before the server emits 'request', so entering the
// AsyncLocalStorage there puts the request in the context of the handler and
// of everything it starts (promises, timers, driver callbacks). Covers
// node:http and node:https servers and the frameworks built on them.

import { AsyncLocalStorage } from 'async_hooks';
import * as diagnosticsChannel from 'diagnostics_channel';
import type { RequestRef } from './probeMessages';

export interface RequestTracker {
  current(): RequestRef | null;
  stop(): void;
}

export const REQUEST_START_CHANNEL = 'http.server.request.start';

/** The request path without query string or fragment. */
export function requestPath(url: string | undefined): string {
  if (!url) return '/';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

export function startRequestTracking(): RequestTracker {
  const store = new AsyncLocalStorage<RequestRef>();
  const channel = diagnosticsChannel.channel(REQUEST_START_CHANNEL);
  const onRequestStart = (message: unknown): void => {
    try {
      const request = (message as { request?: { method?: string; url?: string } }).request;
      if (request) store.enterWith({ method: request.method ?? 'GET', path: requestPath(request.url) });
    } catch {
      // No context for this request.
    }
  };
  channel.subscribe(onRequestStart);
  return {
    current: () => store.getStore() ?? null,
    stop() {
      channel.unsubscribe(onRequestStart);
      store.disable();
    },
  };
}
