/** The browser client's activity reports: the rate limit, with a fake clock and timers. */
import { describe, expect, it } from 'vitest';
import { ActivityReporter, REPORT_EVERY_MS } from './activity';

function fake() {
  let t = 0;
  let timer: { fn: () => void; at: number } | null = null;
  const sent: number[] = [];
  const reporter = new ActivityReporter(() => sent.push(t), {
    now: () => t,
    setTimeout: (fn, ms) => {
      timer = { fn, at: t + ms };
      return timer;
    },
    clearTimeout: (h) => {
      if (h === timer) timer = null;
    },
  });
  /** Move the clock, firing the timer when it is due. */
  const advance = (ms: number) => {
    const end = t + ms;
    while (timer && timer.at <= end) {
      const due = timer;
      timer = null;
      t = due.at;
      due.fn();
    }
    t = end;
  };
  return { reporter, sent, advance, pending: () => timer !== null };
}

describe('ActivityReporter', () => {
  it('sends the first activity at once, then at most one report per interval while active', () => {
    const f = fake();
    f.reporter.activity();
    expect(f.sent).toEqual([0]);
    // A minute of constant mouse movement, every 100 ms.
    for (let i = 0; i < 600; i++) {
      f.advance(100);
      f.reporter.activity();
    }
    expect(f.sent).toEqual([0, REPORT_EVERY_MS, 2 * REPORT_EVERY_MS, 3 * REPORT_EVERY_MS, 4 * REPORT_EVERY_MS]);
  });

  it('reports activity inside the interval at its end (late, never early), and only once', () => {
    const f = fake();
    f.reporter.activity();
    f.advance(1000);
    f.reporter.activity();
    f.reporter.activity();
    expect(f.sent).toEqual([0]);
    f.advance(60_000);
    expect(f.sent).toEqual([0, REPORT_EVERY_MS]);
    expect(f.pending()).toBe(false);
  });

  it('sends at once after a quiet spell', () => {
    const f = fake();
    f.reporter.activity();
    f.advance(40_000);
    f.reporter.activity();
    expect(f.sent).toEqual([0, 40_000]);
  });

  it('sends at once when the host waits for the user to come back, then limits again', () => {
    const f = fake();
    f.reporter.activity();
    f.advance(2000);
    f.reporter.expectReturn();
    f.advance(1000);
    f.reporter.activity();
    expect(f.sent).toEqual([0, 3000]);
    expect(f.pending()).toBe(false);
    f.advance(1000);
    f.reporter.activity();
    expect(f.sent).toEqual([0, 3000]);
    f.advance(60_000);
    expect(f.sent).toEqual([0, 3000, 3000 + REPORT_EVERY_MS]);
  });

  it('sends nothing after it is disposed', () => {
    const f = fake();
    f.reporter.activity();
    f.advance(10);
    f.reporter.activity();
    f.reporter.dispose();
    f.advance(60_000);
    expect(f.sent).toEqual([0]);
  });
});
