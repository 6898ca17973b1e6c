import { describe, expect, it } from 'vitest';
import { HashGate } from './hash-gate';
import { SignInGuard } from './sign-in-guard';
import { addressKey, DEFAULT_SIGN_IN_THROTTLE, SignInThrottle } from './sign-in-throttle';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('SignInThrottle', () => {
  it('free failures, then delays that double up to the maximum, then forgets', () => {
    const c = clock();
    const th = new SignInThrottle({ ...DEFAULT_SIGN_IN_THROTTLE, freeFailuresPerAccount: 1000, maxDelayMs: 8000 }, c.now);
    for (let i = 0; i < 5; i++) {
      expect(th.check('10.0.0.1', 'a').allowed).toBe(true);
      th.failed('10.0.0.1', 'a');
    }
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      th.failed('10.0.0.1', 'a');
      const d = th.check('10.0.0.1', 'a');
      delays.push(d.allowed ? 0 : d.retryAfterMs);
      c.advance(delays.at(-1) as number);
      expect(th.check('10.0.0.1', 'a').allowed).toBe(true);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    c.advance(DEFAULT_SIGN_IN_THROTTLE.forgetAfterMs);
    expect(th.isSuspect('10.0.0.1')).toBe(false);
    expect(th.tracked.addresses).toBe(0);
  });

  it('a success clears its address but not the account; an attacked account still admits clean addresses', () => {
    const c = clock();
    const th = new SignInThrottle({ ...DEFAULT_SIGN_IN_THROTTLE, freeFailuresPerAccount: 2 }, c.now);
    th.failed('10.0.0.1', 'victim');
    th.failed('10.0.0.2', 'victim');
    th.failed('10.0.0.3', 'victim');
    expect(th.check('10.0.0.3', 'victim').allowed).toBe(false);
    expect(th.check('10.0.0.9', 'victim').allowed).toBe(true);
    th.succeeded('10.0.0.3');
    expect(th.check('10.0.0.3', 'victim').allowed).toBe(true);
  });

  it('holds at most the configured number of records', () => {
    const th = new SignInThrottle({ ...DEFAULT_SIGN_IN_THROTTLE, maxTrackedAddresses: 100, maxTrackedAccounts: 50 });
    for (let i = 0; i < 10_000; i++) th.failed(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, `u${i}`);
    expect(th.tracked).toEqual({ addresses: 100, accounts: 50 });
  });

  it('counts IPv6 per /64 and IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:0db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('HashGate and SignInGuard', () => {
  it('clean work runs before suspect work, and a full lane refuses at once', async () => {
    const gate = new HashGate({ concurrency: 1, maxQueued: 2 });
    const order: string[] = [];
    let release: () => void = () => {};
    const first = gate.run('clean', () => new Promise<void>((r) => (release = r)));
    const task = (name: string) => async () => void order.push(name);
    const s1 = gate.run('suspect', task('s1'));
    const s2 = gate.run('suspect', task('s2'));
    expect(gate.run('suspect', task('s3'))).toBeUndefined();
    const c1 = gate.run('clean', task('c1'));
    release();
    await Promise.all([first, s1, s2, c1]);
    expect(order).toEqual(['c1', 's1', 's2']);
  });

  it('a second check from an address already checking waits in the suspect lane', async () => {
    const gate = new HashGate({ concurrency: 1, maxQueued: 10 });
    const guard = new SignInGuard(new SignInThrottle(), gate);
    const order: string[] = [];
    let release: (ok: boolean) => void = () => {};
    const a1 = guard.attemptHashed('10.0.0.1', 'a', () => new Promise<boolean>((r) => (release = r)));
    const a2 = guard.attemptHashed('10.0.0.1', 'a', async () => (order.push('attacker'), false));
    const b = guard.attemptHashed('10.0.0.2', 'b', async () => (order.push('user'), true));
    release(false);
    expect(await Promise.all([a1, a2, b])).toEqual(['wrong', 'wrong', 'ok']);
    expect(order).toEqual(['user', 'attacker']);
  });
});
