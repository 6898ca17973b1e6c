/**
 * When to try again after a session ends (model: xmpp.js `packages/reconnect`). Pure policy:
 * the client asks `decide(error, attempt)` and schedules the attempt itself. Kept apart from the
 * connection on purpose (ARCHITECTURE.md §10).
 */
import type { SignInErrorCode } from '../../../shared/model';

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
