// The one object VS Code gives a webview for talking to its host.

import type { FromDashboard } from '../../src/protocol/dashboard';

export interface VsCodeApi<State> {
  postMessage(message: FromDashboard): void;
  getState(): State | undefined;
  setState(state: State): State;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

/** May be called only once per page load, so main.ts calls it and passes the result on. */
export function connectToHost<State>(): VsCodeApi<State> {
  return acquireVsCodeApi<State>();
}
