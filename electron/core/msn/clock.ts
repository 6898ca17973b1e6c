/**
 * Time as a dependency: keep-alive, request timeouts, typing rate limits and reconnect backoff all
 * take a Clock, so tests can drive time (or use short real timers) and nothing is left running.
 */

export interface TimerHandle {
  /** Opaque. */
  readonly __timer: unique symbol;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => {
    if (h !== undefined) clearTimeout(h as unknown as ReturnType<typeof setTimeout>);
  },
};

/**
 * A group of timers owned by one object: `clearAll()` on close guarantees nothing fires later.
 */
export class Timers {
  private readonly live = new Set<TimerHandle>();

  constructor(readonly clock: Clock) {}

  set(fn: () => void, ms: number): TimerHandle {
    const h = this.clock.setTimeout(() => {
      this.live.delete(h);
      fn();
    }, ms);
    this.live.add(h);
    return h;
  }

  clear(h: TimerHandle | undefined): void {
    if (h === undefined) return;
    this.live.delete(h);
    this.clock.clearTimeout(h);
  }

  clearAll(): void {
    for (const h of this.live) this.clock.clearTimeout(h);
    this.live.clear();
  }

  get size(): number {
    return this.live.size;
  }
}
