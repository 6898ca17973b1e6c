/**
 * The OIM lock key (MSNP13-18.md §9.2, §14 point 7): the service hands a sender a
 * `LockKeyChallenge` (20 digits, the shape of a `CHL` challenge) and accepts `Store2` only with
 * `lockkey` = the MSNP11 `QRY` answer over that challenge with the `appid` product pair
 * (MSNP.md §3.5.3), checked with the same function that checks the NS's `QRY`. Escargot accepts
 * any non-empty lock key; we check it, as the algorithm is the client's proof of a product key.
 *
 * One challenge per sender, kept until it expires: a client keeps its lock key for the session
 * (libpurple), and two clients of one account answer the same challenge instead of replacing each
 * other's. In memory: after a restart a client is challenged once more and resends.
 */
import { verifyChallengeResponse } from '../../../shared/msnp/index';
import { challengeDigits } from '../../core/random';

interface Issued {
  readonly challenge: string;
  readonly expires: number;
}

/** A day: longer than a sign-in session usually lasts, short enough that a leaked key goes stale. */
export const LOCK_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Senders holding a challenge at once; beyond it expired ones are swept, then the oldest dropped. */
const MAX_ISSUED = 100_000;

export class LockKeys {
  private readonly issued = new Map<string, Issued>();

  constructor(
    private readonly lifetimeMs = LOCK_KEY_LIFETIME_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Is `lockKey` the answer to the challenge `sender` holds, for product `appId`? `dialect` picks
   * the product ids accepted (15 for `Store2`, 13 for `Store`, MSNP13-18.md §12.3).
   */
  verify(sender: string, appId: string, lockKey: string, dialect: number): boolean {
    const issued = this.issued.get(sender);
    if (issued === undefined || issued.expires <= this.now() || !/^[0-9a-fA-F]{32}$/.test(lockKey)) return false;
    return verifyChallengeResponse(dialect, issued.challenge, appId, lockKey);
  }

  /** The challenge `sender` must answer: the one they hold, or a new one. */
  challengeFor(sender: string): string {
    const t = this.now();
    const held = this.issued.get(sender);
    if (held !== undefined && held.expires > t) return held.challenge;
    if (this.issued.size >= MAX_ISSUED) this.sweep(t);
    const challenge = challengeDigits();
    this.issued.set(sender, { challenge, expires: t + this.lifetimeMs });
    return challenge;
  }

  private sweep(t: number): void {
    for (const [k, v] of this.issued) if (v.expires <= t) this.issued.delete(k);
    // Still full: drop the oldest (Map keeps insertion order); those senders are challenged again.
    for (const k of this.issued.keys()) {
      if (this.issued.size < MAX_ISSUED) break;
      this.issued.delete(k);
    }
  }
}
