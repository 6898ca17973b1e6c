import { describe, expect, it } from 'vitest';
import { challengeDigits, md5Challenge, sbCookie, sessionId } from './random';

describe('random tokens', () => {
  it('challenges are 20 decimal digits, never starting with 0, and differ (MSNP.md §3.5)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const c = challengeDigits();
      expect(c).toMatch(/^[1-9]\d{19}$/);
      seen.add(c);
    }
    expect(seen.size).toBe(500);
  });

  it('other tokens keep their reference shapes', () => {
    expect(md5Challenge(1_700_000_000_123)).toMatch(/^1700000000\.\d{9}$/);
    expect(sbCookie()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(sessionId()).toMatch(/^\d{8}$/);
  });
});
