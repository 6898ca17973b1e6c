/**
 * A small typed event emitter: `on(type, listener)` returns an unsubscribe function, so callers
 * never keep listener references around. A throwing listener is reported to `onListenerError`
 * and never stops the others (one buggy subscriber must not break the session).
 */

type Listener<T> = (payload: T) => void;

export class TypedEmitter<M extends object> {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();
  private readonly anyListeners = new Set<(type: keyof M, payload: M[keyof M]) => void>();

  constructor(private readonly onListenerError: (err: unknown) => void = defaultListenerError) {}

  on<K extends keyof M>(type: K, listener: Listener<M[K]>): () => void {
    let set = this.listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  once<K extends keyof M>(type: K, listener: Listener<M[K]>): () => void {
    const off = this.on(type, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  /** Every event, in emission order (used to forward domain events over IPC). */
  onAny(listener: (type: keyof M, payload: M[keyof M]) => void): () => void {
    this.anyListeners.add(listener);
    return () => {
      this.anyListeners.delete(listener);
    };
  }

  emit<K extends keyof M>(type: K, payload: M[K]): void {
    const set = this.listeners.get(type);
    if (set !== undefined) {
      for (const l of [...set]) {
        try {
          (l as Listener<M[K]>)(payload);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
    for (const l of [...this.anyListeners]) {
      try {
        l(type, payload);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  listenerCount(type: keyof M): number {
    return this.listeners.get(type)?.size ?? 0;
  }

  removeAll(): void {
    this.listeners.clear();
    this.anyListeners.clear();
  }
}

function defaultListenerError(err: unknown): void {
  // Surfacing is better than swallowing; but never rethrow into the protocol loop.
  queueMicrotask(() => {
    console.error('monarch/msn: an event listener threw', err);
  });
}
