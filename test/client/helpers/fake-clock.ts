/** A manual clock for the client's injectable timers: `advance(ms)` fires what is due, in order. */
import type { Clock, TimerHandle } from '../../../electron/core/msn/clock';

interface Entry {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

export class FakeClock implements Clock {
  private t = 1_000_000;
  private seq = 0;
  private entries: Entry[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.entries.push({ id, at: this.t + Math.max(0, ms), fn });
    return id as unknown as TimerHandle;
  }

  clearTimeout(h: TimerHandle | undefined): void {
    this.entries = this.entries.filter((e) => e.id !== (h as unknown as number));
  }

  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.entries.filter((e) => e.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.entries = this.entries.filter((e) => e !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }

  get pending(): number {
    return this.entries.length;
  }
}
