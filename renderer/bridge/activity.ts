/**
 * The browser client's part of automatic Away: a page cannot read the system idle time, so it tells
 * the web host when the user touches it (`reportActivity`), and the host's idle source is "time
 * since the last report of any page" (electron/web/activity-idle.ts). The desktop app does not
 * send these: the system idle time is better there.
 *
 * Rate: at most one report every 15 s while the user is active, the first one at once. Activity
 * inside the 15 s is sent at the end of it (so the host's idea of the last activity is late by at
 * most 15 s, never early: nobody is switched to Away while still typing). A return from Away has
 * to show quickly; it always does, since Away takes at least a minute without reports (the
 * setting's minimum), longer than the 15 s. And once my status has gone Idle or Away, the next
 * activity is sent at once regardless, since that is exactly what the host is waiting for.
 */
import type { MonarchApi } from '../../shared/ipc';
import type { AppStore } from '../store';

export const REPORT_EVERY_MS = 15_000;

export interface ReporterTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserTimers: ReporterTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** The rate limit, without the DOM (unit-tested with fake timers). */
export class ActivityReporter {
  private lastSent = Number.NEGATIVE_INFINITY;
  private trailing: unknown = null;
  private returnAwaited = false;

  constructor(
    private readonly send: () => void,
    private readonly timers: ReporterTimers = browserTimers,
    private readonly everyMs = REPORT_EVERY_MS,
  ) {}

  /** The user did something. */
  activity(): void {
    const now = this.timers.now();
    if (this.returnAwaited || now - this.lastSent >= this.everyMs) {
      this.flush();
      return;
    }
    if (this.trailing === null) {
      this.trailing = this.timers.setTimeout(() => {
        this.trailing = null;
        this.flush();
      }, this.lastSent + this.everyMs - now);
    }
  }

  /** My status went Idle or Away: the host waits for a sign of life, send the next one at once. */
  expectReturn(): void {
    this.returnAwaited = true;
  }

  dispose(): void {
    if (this.trailing !== null) this.timers.clearTimeout(this.trailing);
    this.trailing = null;
  }

  private flush(): void {
    this.dispose();
    this.returnAwaited = false;
    this.lastSent = this.timers.now();
    this.send();
  }
}

/** Input the user makes on the page; caught in the capture phase so no handler can hide it. */
const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/** Reports the user's activity on this page to the web host. Returns the function that stops it. */
export function reportActivity(api: MonarchApi, store: AppStore): () => void {
  const reporter = new ActivityReporter(() => void api.reportActivity({}));
  // Only the user's own input: events the page dispatches itself are not a sign of life.
  const onInput = (e: Event) => {
    if (e.isTrusted) reporter.activity();
  };
  // The window coming to the front (not an element taking focus, which the app may do on its own).
  const onFocus = (e: FocusEvent) => {
    if (e.isTrusted && e.target === window) reporter.activity();
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') reporter.activity();
  };
  const options = { capture: true, passive: true } as const;
  for (const type of INPUT_EVENTS) window.addEventListener(type, onInput, options);
  window.addEventListener('focus', onFocus);
  document.addEventListener('visibilitychange', onVisibility);
  const unsubscribe = store.subscribe((s, prev) => {
    const status = s.session.self?.status;
    if (status !== prev.session.self?.status && (status === 'idle' || status === 'away')) reporter.expectReturn();
  });
  // Opening (or reloading) the page in front of the user is their doing.
  if (document.visibilityState === 'visible' && document.hasFocus()) reporter.activity();

  return () => {
    for (const type of INPUT_EVENTS) window.removeEventListener(type, onInput, options);
    window.removeEventListener('focus', onFocus);
    document.removeEventListener('visibilitychange', onVisibility);
    unsubscribe();
    reporter.dispose();
  };
}
