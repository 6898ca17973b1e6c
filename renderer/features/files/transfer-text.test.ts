import { describe, expect, it } from 'vitest';
import { endText, formatDuration, formatSize, speedOf } from './transfer-text';

describe('transfer words', () => {
  it('sizes', () => {
    expect(formatSize(0)).toBe('0 bytes');
    expect(formatSize(1)).toBe('1 byte');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(1.2 * 1024 * 1024)).toBe('1.2 MB');
    expect(formatSize(20 * 1024 * 1024)).toBe('20 MB');
    expect(formatSize(500 * 1024 * 1024)).toBe('500 MB');
  });

  it('speed and time left from when bytes started moving', () => {
    expect(speedOf({ bytes: 0, size: 10, startedAt: 0, progressAt: 1000 })).toBeNull();
    expect(speedOf({ bytes: 5, size: 10, startedAt: null, progressAt: 1000 })).toBeNull();
    expect(speedOf({ bytes: 1_000_000, size: 3_000_000, startedAt: 1000, progressAt: 3000 })).toEqual({ perSecond: 500_000, secondsLeft: 4 });
    expect(formatDuration(4)).toBe('4 s');
    expect(formatDuration(150)).toBe('3 min');
    expect(formatDuration(3900)).toBe('1 h 5 min');
  });

  it('why it ended, in words', () => {
    expect(endText({ state: 'declined', reason: 'declined', detail: null, direction: 'outgoing' }, 'Bob')).toBe('was declined by Bob');
    expect(endText({ state: 'cancelled', reason: 'cancelled-by-peer', detail: null, direction: 'incoming' }, 'Bob')).toBe('was cancelled by Bob');
    expect(endText({ state: 'failed', reason: 'write-failed', detail: 'The disk is full.', direction: 'incoming' }, 'Bob')).toBe(
      'failed: the file could not be saved (The disk is full.)',
    );
    expect(endText({ state: 'declined', reason: 'too-large', detail: 'Larger than the 1 MB you accept.', direction: 'incoming' }, 'Bob')).toMatch(/larger than the maximum/);
  });
});
