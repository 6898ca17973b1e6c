import { describe, expect, it } from 'vitest';
import { ReconnectPolicy } from './reconnect';

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
