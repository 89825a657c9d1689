// The one object VS Code gives a webview for talking to its host. Outside VS
// Code (a plain page, as the benchmark loads the flame graph) there is no
// `acquireVsCodeApi`, and a no-op stand-in takes its place.

import type { FromFlame } from '../../src/protocol/flame';

export interface HostApi<State> {
  postMessage(message: FromFlame): void;
  getState(): State | undefined;
  setState(state: State): State;
}

declare const acquireVsCodeApi: (<State>() => HostApi<State>) | undefined;

/** May be called only once per page load. */
export function connectToHost<State>(): HostApi<State> {
  if (typeof acquireVsCodeApi === 'function') return acquireVsCodeApi<State>();
  return { postMessage: () => undefined, getState: () => undefined, setState: (s) => s };
}
