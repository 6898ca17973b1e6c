/** Small rate limiters: a token bucket (commands per connection) and a sliding window (renames, CALs). */

/** Token bucket: `take()` is false once the burst is spent faster than `perSecond` refills it. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** `t`: the current time, when the caller already read the clock (one read per input chunk). */
  take(n = 1, t = this.now()): boolean {
    const elapsed = t - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
      this.last = t;
    }
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /**
   * Take `n` tokens even when they are not there (the balance goes negative) and say how many ms
   * until it is back to zero: for shaping, where the caller then waits that long before reading more.
   */
  borrow(n = 1, t = this.now()): number {
    this.take(0, t);
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.perSecond);
  }
}

/** At most `max` events in any `windowMs`; `hit()` records one and says whether it was allowed. */
export class SlidingWindow {
  private readonly times: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(): boolean {
    const t = this.now();
    while (this.times.length > 0 && (this.times[0] as number) <= t - this.windowMs) this.times.shift();
    if (this.times.length >= this.max) return false;
    this.times.push(t);
    return true;
  }
}
