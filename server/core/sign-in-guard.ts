/**
 * Every password check of the server goes through here: the MD5 check of MSNP2–7 (cheap,
 * synchronous) and the Passport check of the Nexus (scrypt). The throttle decides whether an
 * attempt may be checked at all and learns its outcome; scrypt work waits its turn at the hash
 * gate, where addresses that have failed, or that already have a check running, queue behind
 * everyone else (issue 15 item 21). Protocol-free: callers pass the check itself.
 */
import type { HashGate} from './hash-gate';
import { type HashLane } from './hash-gate';
import type { SignInThrottle } from './sign-in-throttle';
import { addressKey } from './sign-in-throttle';

export type SignInOutcome = 'ok' | 'wrong' | 'throttled';

export class SignInGuard {
  /** Password checks running or waiting per address key, to send a second one to the suspect lane. */
  private readonly inFlight = new Map<string, number>();

  constructor(
    readonly throttle: SignInThrottle,
    private readonly gate: HashGate,
  ) {}

  /** A cheap check (MD5): refused at once while throttled, else run and recorded. */
  attempt(address: string, account: string, check: () => boolean): SignInOutcome {
    if (!this.throttle.check(address, account).allowed) return 'throttled';
    return this.record(address, account, check());
  }

  /**
   * A cheap check that reads the store first (MD5: the sealed secret), so it is asynchronous; it
   * does not queue at the hash gate. A check that throws (the store unreachable) is not counted.
   */
  async attemptAsync(address: string, account: string, check: () => Promise<boolean>): Promise<SignInOutcome> {
    if (!this.throttle.check(address, account).allowed) return 'throttled';
    return this.record(address, account, await check());
  }

  /** A slow check (scrypt): refused while throttled or when its lane at the hash gate is full. */
  async attemptHashed(address: string, account: string, check: () => Promise<boolean>): Promise<SignInOutcome> {
    if (!this.throttle.check(address, account).allowed) return 'throttled';
    const key = addressKey(address);
    const busy = this.inFlight.get(key) ?? 0;
    const lane: HashLane = busy > 0 || this.throttle.isSuspect(address) ? 'suspect' : 'clean';
    const run = this.gate.run(lane, async (): Promise<SignInOutcome> => {
      // Failures recorded while this one waited (parallel guesses) count before the hash is paid.
      if (!this.throttle.check(address, account).allowed) return 'throttled';
      return this.record(address, account, await check());
    });
    if (run === undefined) return 'throttled';
    this.inFlight.set(key, busy + 1);
    try {
      return await run;
    } finally {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    }
  }

  private record(address: string, account: string, ok: boolean): SignInOutcome {
    if (ok) this.throttle.succeeded(address);
    else this.throttle.failed(address, account);
    return ok ? 'ok' : 'wrong';
  }
}
