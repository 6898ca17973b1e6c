/**
 * Admission for slow password hashing (scrypt, tens of milliseconds of a libuv thread each):
 * at most `concurrency` run at once, the rest wait in one of two lanes, and clean requests always
 * go before suspect ones (an address that has failed recently). So a flood of guesses queues
 * behind itself, never in front of a real user's sign-in, and libuv's small thread pool keeps
 * room for the rest of the server's work (issue 15 item 21). Each lane holds at most `maxQueued`
 * waiting tasks; beyond that a request is refused at once instead of growing the queue.
 */
import { availableParallelism } from 'node:os';

export type HashLane = 'clean' | 'suspect';

export interface HashGateLimits {
  /** Hashes computed at once (node's thread pool has 4 threads by default). */
  readonly concurrency: number;
  /** Waiting hashes per lane; beyond this a request is refused. */
  readonly maxQueued: number;
}

/** scrypt is CPU work: more at once than cores (or than node's 4 pool threads) gains nothing. */
export const DEFAULT_HASH_GATE: HashGateLimits = { concurrency: Math.max(1, Math.min(4, availableParallelism())), maxQueued: 64 };

export class HashGate {
  private running = 0;
  private readonly clean: Array<() => void> = [];
  private readonly suspect: Array<() => void> = [];

  constructor(private readonly limits: HashGateLimits = DEFAULT_HASH_GATE) {}

  /** Runs `task` when a slot is free; undefined (task not run) when its lane is full. */
  run<T>(lane: HashLane, task: () => Promise<T>): Promise<T> | undefined {
    if (this.running < this.limits.concurrency) return this.start(task);
    const queue = lane === 'clean' ? this.clean : this.suspect;
    if (queue.length >= this.limits.maxQueued) return undefined;
    return new Promise<T>((resolve, reject) => {
      queue.push(() => {
        this.start(task).then(resolve, reject);
      });
    });
  }

  get waiting(): number {
    return this.clean.length + this.suspect.length;
  }

  private start<T>(task: () => Promise<T>): Promise<T> {
    this.running += 1;
    let p: Promise<T>;
    try {
      p = task();
    } catch (err) {
      p = Promise.reject(err as Error);
    }
    return p.finally(() => {
      this.running -= 1;
      const next = this.clean.shift() ?? this.suspect.shift();
      next?.();
    });
  }
}
