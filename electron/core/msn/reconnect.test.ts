import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/client/helpers/fake-clock';
import { SignInFailure } from './errors';
import { ReconnectPolicy, Reconnector } from './reconnect';

describe('ReconnectPolicy', () => {
  const p = new ReconnectPolicy({ initialDelayMs: 1000, maxDelayMs: 8000, jitter: 0, shutdownDelayMs: 30_000 });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => p.decide('connection-lost', a))).toEqual([
      { retry: true, delayMs: 1000 },
      { retry: true, delayMs: 2000 },
      { retry: true, delayMs: 4000 },
      { retry: true, delayMs: 8000 },
      { retry: true, delayMs: 8000 },
      { retry: true, delayMs: 8000 },
    ]);
  });

  it('never retries after OUT OTH or a permanent error; waits longer after OUT SSD', () => {
    for (const code of ['signed-in-elsewhere', 'wrong-password', 'unknown-account', 'no-common-version', 'cancelled'] as const) {
      expect(p.decide(code, 1)).toEqual({ retry: false });
    }
    expect(p.decide('server-shutting-down', 1)).toEqual({ retry: true, delayMs: 30_000 });
    expect(p.decide('server-shutting-down', 1, 120_000)).toEqual({ retry: true, delayMs: 120_000 });
  });

  it('jitters within bounds and stops after maxAttempts', () => {
    const j = new ReconnectPolicy({ initialDelayMs: 1000, jitter: 0.5, random: () => 1, maxAttempts: 2 });
    expect(j.decide('timeout', 1)).toEqual({ retry: true, delayMs: 1500 });
    expect(j.decide('timeout', 3)).toEqual({ retry: false });
  });

  it("never comes back before the server's OUT RCT delay, whatever the jitter (MSNP.md §5.5)", () => {
    const early = new ReconnectPolicy({ initialDelayMs: 1000, jitter: 0.2, random: () => 0 });
    const late = new ReconnectPolicy({ initialDelayMs: 1000, jitter: 0.2, random: () => 1 });
    // random 0 would take 20 % off; the server's 6 minutes are a floor.
    expect(early.decide('server-busy', 1, 6 * 60_000)).toEqual({ retry: true, delayMs: 6 * 60_000 });
    expect(late.decide('server-busy', 1, 6 * 60_000)).toEqual({ retry: true, delayMs: 6 * 60_000 * 1.2 });
    expect(early.decide('server-busy', 1)).toEqual({ retry: true, delayMs: 800 });
  });
});

describe('Reconnector', () => {
  function harness(outcomes: (SignInFailure | undefined)[], withPolicy = true) {
    const clock = new FakeClock();
    const log: string[] = [];
    const r = new Reconnector({
      policy: withPolicy ? new ReconnectPolicy({ initialDelayMs: 1000, jitter: 0 }) : undefined,
      clock,
      connect: () => {
        log.push(`connect@${clock.now()}`);
        const outcome = outcomes.shift();
        return outcome === undefined ? Promise.resolve() : Promise.reject(outcome);
      },
      onWaiting: (attempt, retryAt, error) => log.push(`waiting ${attempt} until ${retryAt}${error ? ` after ${error.code}` : ''}`),
      onGiveUp: (error) => log.push(`gave up: ${error.code}`),
    });
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    return { clock, log, r, settle, t0: clock.now() };
  }

  it('counts attempts, backs off after each failed one and stops counting when one signs in', async () => {
    const { clock, log, r, settle, t0 } = harness([new SignInFailure('server-unreachable', 'down'), undefined]);
    r.afterDrop({ code: 'connection-lost', message: 'gone' });
    clock.advance(1000);
    await settle();
    clock.advance(2000);
    await settle();
    expect(log).toEqual([
      `waiting 1 until ${t0 + 1000} after connection-lost`,
      `connect@${t0 + 1000}`,
      `waiting 2 until ${t0 + 3000} after server-unreachable`,
      `connect@${t0 + 3000}`,
    ]);
    r.reset();
    r.afterDrop({ code: 'connection-lost', message: 'again' });
    expect(log.at(-1)).toBe(`waiting 1 until ${t0 + 4000} after connection-lost`);
    expect(clock.pending).toBe(1);
    r.cancel();
    expect(clock.pending).toBe(0);
  });

  it('gives up on a permanent error, without a policy, and stays quiet when an attempt was cancelled', async () => {
    const a = harness([new SignInFailure('wrong-password', 'no')]);
    a.r.afterDrop({ code: 'timeout', message: 'silent' });
    a.clock.advance(1000);
    await a.settle();
    expect(a.log.slice(1)).toEqual([`connect@${a.t0 + 1000}`, 'gave up: wrong-password']);

    const b = harness([], false);
    b.r.afterDrop({ code: 'connection-lost', message: 'gone' });
    expect(b.log).toEqual(['gave up: connection-lost']);

    const c = harness([new SignInFailure('cancelled', 'signed out')]);
    c.r.now();
    c.clock.advance(0);
    await c.settle();
    expect(c.log).toEqual([`waiting 1 until ${c.t0}`, `connect@${c.t0}`]);
    expect(c.clock.pending).toBe(0);
  });
});
