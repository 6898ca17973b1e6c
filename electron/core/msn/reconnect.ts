/**
 * Coming back after a session ends (model: xmpp.js `packages/reconnect`), kept apart from the
 * connection on purpose (ARCHITECTURE.md §10): `ReconnectPolicy` decides whether and when (pure),
 * `Reconnector` owns the attempt count, the timer and the retry loop, and calls back into the
 * client to sign in again and to report what it is doing.
 */
import type { SignInError, SignInErrorCode } from '../../../shared/model';
import { Timers, type Clock, type TimerHandle } from './clock';
import { SignInFailure } from './errors';

export interface ReconnectPolicyOptions {
  /** First delay. Default 1 s. */
  readonly initialDelayMs?: number;
  /** Cap. Default 5 min. */
  readonly maxDelayMs?: number;
  /** Multiplier per attempt. Default 2. */
  readonly factor?: number;
  /** ± fraction of random jitter so many clients do not return at once. Default 0.2. */
  readonly jitter?: number;
  /** After `OUT SSD` (maintenance) wait at least this long. Default 60 s. */
  readonly shutdownDelayMs?: number;
  /** Give up after this many attempts in a row (Infinity by default). */
  readonly maxAttempts?: number;
  readonly random?: () => number;
}

export type ReconnectDecision = { readonly retry: false } | { readonly retry: true; readonly delayMs: number };

export class ReconnectPolicy {
  private readonly o: Required<ReconnectPolicyOptions>;

  constructor(options: ReconnectPolicyOptions = {}) {
    this.o = {
      initialDelayMs: options.initialDelayMs ?? 1000,
      maxDelayMs: options.maxDelayMs ?? 5 * 60_000,
      factor: options.factor ?? 2,
      jitter: options.jitter ?? 0.2,
      shutdownDelayMs: options.shutdownDelayMs ?? 60_000,
      maxAttempts: options.maxAttempts ?? Infinity,
      random: options.random ?? Math.random,
    };
  }

  /**
   * `attempt` is 1 for the first retry after a drop. Never after `OUT OTH` (someone else signed
   * in: fighting them would loop), `OUT TOU`, a wrong password or other permanent errors (MSNP.md
   * §5.5). `serverDelayMs` is what the server asked for (`OUT RCT n`): a floor, never shortened by
   * the jitter.
   */
  decide(code: SignInErrorCode, attempt: number, serverDelayMs?: number): ReconnectDecision {
    if (attempt > this.o.maxAttempts) return { retry: false };
    switch (code) {
      case 'signed-in-elsewhere':
      case 'wrong-password':
      case 'unknown-account':
      case 'no-common-version':
      case 'account-restricted':
      case 'cancelled':
        return { retry: false };
      case 'server-shutting-down':
        return { retry: true, delayMs: this.jittered(Math.max(this.o.shutdownDelayMs, this.backoff(attempt)), serverDelayMs) };
      default:
        return { retry: true, delayMs: this.jittered(this.backoff(attempt), serverDelayMs) };
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.o.maxDelayMs, this.o.initialDelayMs * this.o.factor ** Math.max(0, attempt - 1));
  }

  /** `ms` ± jitter; with a server floor, at least the floor plus up to `jitter` of it (spread, never early). */
  private jittered(ms: number, floorMs?: number): number {
    const j = this.o.jitter;
    const r = this.o.random();
    const spread = Math.max(0, Math.round(ms * (1 - j + 2 * j * r)));
    return floorMs === undefined ? spread : Math.max(spread, Math.round(floorMs * (1 + j * r)));
  }
}

export interface ReconnectorOptions {
  /** `undefined`: never reconnect (every drop ends the session). */
  readonly policy: ReconnectPolicy | undefined;
  readonly clock: Clock;
  /** One attempt to sign in again; rejects with a `SignInFailure` (`cancelled` = signed out meanwhile). */
  readonly connect: () => Promise<void>;
  /** An attempt is scheduled: `attempt` (1 = first after the drop) at `retryAt`, after `error`. */
  readonly onWaiting: (attempt: number, retryAt: number, error: SignInError | undefined) => void;
  /** No more attempts: the session is over because of `error`. */
  readonly onGiveUp: (error: SignInError) => void;
}

/** The retry loop: after a drop, attempt after attempt until one signs in or the policy says stop. */
export class Reconnector {
  private readonly timers: Timers;
  private timer: TimerHandle | undefined;
  private attempts = 0;

  constructor(private readonly o: ReconnectorOptions) {
    this.timers = new Timers(o.clock);
  }

  /** Signed in (or starting afresh): the next drop counts from attempt 1 again. */
  reset(): void {
    this.attempts = 0;
  }

  /**
   * The session ended with `error`: try again when the policy says, or give up.
   * `serverDelayMs` is the server's `OUT RCT n` (MSNP.md §5.5), a floor for the delay.
   */
  afterDrop(error: SignInError, serverDelayMs?: number): void {
    const decision = this.o.policy?.decide(error.code, this.attempts + 1, serverDelayMs) ?? { retry: false as const };
    if (!decision.retry) {
      this.o.onGiveUp(error);
      return;
    }
    this.schedule(decision.delayMs, error);
  }

  /** Sign in again at once (`XFR NS` moved us to another server, MSNP.md §1.6). */
  now(): void {
    this.schedule(0, undefined);
  }

  /** Stop waiting (signed out); an attempt already running ends with `cancelled`. */
  cancel(): void {
    this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number, error: SignInError | undefined): void {
    this.attempts += 1;
    this.o.onWaiting(this.attempts, this.o.clock.now() + delayMs, error);
    this.cancel();
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.o.connect().catch((err: unknown) => {
        const failure = err instanceof SignInFailure ? err : new SignInFailure('protocol-error', err instanceof Error ? err.message : String(err));
        if (failure.code === 'cancelled') return; // signed out meanwhile
        this.afterDrop(failure.toModel());
      });
    }, delayMs);
  }
}
