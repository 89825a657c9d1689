// The engine's own event and cancellation primitives. Both front ends (CLI and
// VS Code) subscribe to these; the engine never sees a front-end type.

export type Listener<T> = (value: T) => void;

export interface Disposable {
  dispose(): void;
}

/** A tiny typed event emitter: `emitter.event(fn)` subscribes, `fire` publishes. */
export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // A subscriber's bug must never break the run that feeds it.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** Cancellation shared by every stage of a run. */
export class CancellationSource {
  private cancelled = false;
  private reason = '';
  private readonly onCancel = new Emitter<string>();

  readonly token: CancellationToken = {
    isCancelled: () => this.cancelled,
    reason: () => this.reason,
    onCancelled: (listener) => {
      if (this.cancelled) {
        listener(this.reason);
        return { dispose() {} };
      }
      return this.onCancel.event(listener);
    },
  };

  cancel(reason = 'The run was cancelled.'): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.reason = reason;
    this.onCancel.fire(reason);
  }
}

export interface CancellationToken {
  isCancelled(): boolean;
  reason(): string;
  onCancelled(listener: Listener<string>): Disposable;
}

/** Thrown when a run stops because its token was cancelled. */
export class CancelledError extends Error {
  constructor(message = 'The run was cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** An error whose message is one sentence meant for the user (what, where, what to do). */
export class HotpathError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message);
    this.name = 'HotpathError';
  }
}
