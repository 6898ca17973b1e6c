/**
 * Throttling of failed sign-ins, per address and per account (issue 15 item 21). Protocol-free:
 * the MD5 path (NS `USR … MD5 S`) and the Passport path (the Nexus) ask the same object.
 *
 * - Per address: `freeFailuresPerAddress` failures are free; each one after that closes the
 *   address for a delay that doubles (`baseDelayMs`, 2×, 4× … up to `maxDelayMs`). While closed,
 *   every attempt from it is refused at once, before any password is checked.
 * - Per account: after `freeFailuresPerAccount` failures on one account (from any addresses), the
 *   account is "under attack" for a delay growing the same way. Meanwhile an attempt on it is
 *   refused only from an address that has itself failed recently; an address with a clean record
 *   is always let through. So a stranger can slow down their own addresses and the addresses that
 *   fail along with them, but never lock the owner out: the owner, from an address that has not
 *   been guessing, signs in as usual.
 * - A success from an address forgets that address's failures (a user who mistyped is not held
 *   back); the account's record is kept, so an attacker who signs in to an account of their own to
 *   clean their address still meets the account's delay after their next wrong guess.
 * - Records with no failure for `forgetAfterMs` are forgotten; at most `maxTrackedAddresses` and
 *   `maxTrackedAccounts` records are kept (the least recently failed go first), so memory is
 *   bounded whatever an attacker sends.
 *
 * IPv6 addresses are counted per /64, the block one subscriber usually holds.
 */
import { isIPv6 } from 'node:net';

export interface SignInThrottleLimits {
  /** Failures an address may make before it is slowed. */
  readonly freeFailuresPerAddress: number;
  /** Failures on one account (from any addresses) before addresses that fail on it are slowed. */
  readonly freeFailuresPerAccount: number;
  /** The first delay after the free failures; it doubles with each further failure. */
  readonly baseDelayMs: number;
  /** The longest delay. */
  readonly maxDelayMs: number;
  /** A record with no failure for this long is forgotten. */
  readonly forgetAfterMs: number;
  readonly maxTrackedAddresses: number;
  readonly maxTrackedAccounts: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleLimits = {
  freeFailuresPerAddress: 5,
  freeFailuresPerAccount: 10,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
  forgetAfterMs: 15 * 60_000,
  maxTrackedAddresses: 10_000,
  maxTrackedAccounts: 10_000,
};

export type ThrottleDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

interface FailureRecord {
  failures: number;
  /** Time of the last failure. */
  last: number;
  /** Attempts are refused until then. */
  until: number;
}

const ALLOWED: ThrottleDecision = { allowed: true };

export class SignInThrottle {
  private readonly addresses: BoundedRecords;
  private readonly accounts: BoundedRecords;

  constructor(
    private readonly limits: SignInThrottleLimits = DEFAULT_SIGN_IN_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {
    this.addresses = new BoundedRecords(limits.maxTrackedAddresses, limits.forgetAfterMs);
    this.accounts = new BoundedRecords(limits.maxTrackedAccounts, limits.forgetAfterMs);
  }

  /** May `address` try a password for `account` now? Ask before checking the password. */
  check(address: string, account: string): ThrottleDecision {
    const t = this.now();
    const a = this.addresses.get(addressKey(address), t);
    if (a !== undefined && t < a.until) return { allowed: false, retryAfterMs: a.until - t };
    const acc = this.accounts.get(account, t);
    if (acc !== undefined && t < acc.until && a !== undefined && a.failures > 0) return { allowed: false, retryAfterMs: acc.until - t };
    return ALLOWED;
  }

  /** True when `address` has failed recently: its password checks go behind clean addresses'. */
  isSuspect(address: string): boolean {
    return this.addresses.get(addressKey(address), this.now()) !== undefined;
  }

  failed(address: string, account: string): void {
    const t = this.now();
    this.bump(this.addresses, addressKey(address), this.limits.freeFailuresPerAddress, t);
    this.bump(this.accounts, account, this.limits.freeFailuresPerAccount, t);
  }

  succeeded(address: string): void {
    this.addresses.delete(addressKey(address));
  }

  /** Records held (for tests and diagnostics). */
  get tracked(): { addresses: number; accounts: number } {
    return { addresses: this.addresses.size, accounts: this.accounts.size };
  }

  private bump(records: BoundedRecords, key: string, free: number, t: number): void {
    const r = records.get(key, t) ?? { failures: 0, last: t, until: 0 };
    r.failures += 1;
    r.last = t;
    const over = r.failures - free;
    if (over > 0) r.until = t + Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** Math.min(over - 1, 30));
    records.set(key, r);
  }
}

/**
 * A map whose entries expire `forgetAfterMs` after their last failure and whose size is capped:
 * insertion order is recency order (an update moves the key to the end), so the first key is the
 * one to drop.
 */
class BoundedRecords {
  private readonly map = new Map<string, FailureRecord>();

  constructor(
    private readonly max: number,
    private readonly forgetAfterMs: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string, t: number): FailureRecord | undefined {
    const r = this.map.get(key);
    if (r === undefined) return undefined;
    if (t - r.last >= this.forgetAfterMs && t >= r.until) {
      this.map.delete(key);
      return undefined;
    }
    return r;
  }

  set(key: string, r: FailureRecord): void {
    this.map.delete(key);
    this.map.set(key, r);
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}

/** IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function addressKey(address: string): string {
  const a = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  if (!isIPv6(a)) return a;
  const [head = '', tail = ''] = a.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = a.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = a.includes('::') ? [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
