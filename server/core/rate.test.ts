import { describe, expect, it } from 'vitest';
import { SlidingWindow, TokenBucket } from './rate';

describe('rate limiters', () => {
  it('TokenBucket allows the burst, then the refill rate', () => {
    let now = 0;
    const b = new TokenBucket(10, 3, () => now);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    now = 100;
    expect([b.take(), b.take()]).toEqual([true, false]);
  });

  it('TokenBucket.take accepts a clock reading from the caller', () => {
    const b = new TokenBucket(10, 1, () => 0);
    expect([b.take(1, 0), b.take(1, 50), b.take(1, 100)]).toEqual([true, false, true]);
  });

  it('TokenBucket.borrow goes into debt and says how long until it is repaid', () => {
    let t = 0;
    const b = new TokenBucket(100, 2, () => t);
    expect(b.borrow(1)).toBe(0);
    expect(b.borrow(1)).toBe(0);
    expect(b.borrow(1)).toBe(10); // 1 token short at 100/s
    expect(b.borrow(2)).toBe(30);
    t = 30;
    expect(b.take()).toBe(false);
    t = 40;
    expect(b.take()).toBe(true);
  });

  it('SlidingWindow allows max events per window', () => {
    let now = 0;
    const w = new SlidingWindow(2, 1000, () => now);
    expect([w.hit(), w.hit(), w.hit()]).toEqual([true, true, false]);
    now = 1001;
    expect(w.hit()).toBe(true);
  });
});
