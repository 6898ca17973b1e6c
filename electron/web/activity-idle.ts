/**
 * Automatic Away in the browser client. A browser page cannot read the system idle time that the
 * desktop app gets from `powerMonitor`, so the web host builds the idle source itself, from what
 * its pages report (the `reportActivity` command: pointer, keys, wheel, touch, focus, sent by the
 * page at most every 15 s while active, at once after a quiet spell; renderer/bridge/activity.ts):
 *
 * - idle time = time since the most recent activity reported by any page (several tabs may be
 *   open: whichever the user touched last counts);
 * - no page connected at all = nobody can be looking at Monarch: idle at once, like a locked screen
 *   on the desktop, after a short grace so that reloading a page does not flicker to Away;
 * - the rest is the desktop's policy, unchanged (electron/core/policies: only Online is changed,
 *   the status the user picks wins, the `idle` preferences apply live).
 */
import { ok, type AppState, type Backend, type CommandHandlers, type Result } from '../../shared/ipc';
import { createAutomaticAway, type IdleAwayController, type IdleSource, type IntervalScheduler } from '../core/policies';

/** A minute of the `idle.minutes` preference in real time. Only tests shorten it. */
export const MINUTE_MS = 60_000;
/** How long no page may be connected before that counts as idle (a reload takes far less). */
export const NO_PAGE_GRACE_MS = 5_000;

export interface PageActivityOptions {
  readonly now?: () => number;
  readonly minuteMs?: number;
  readonly noPageGraceMs?: number;
}

/** The idle source: the pages' reported activity and whether any page is connected. */
export class PageActivity implements IdleSource {
  private readonly now: () => number;
  private readonly minuteMs: number;
  private readonly graceMs: number;
  private pages = 0;
  /** Until a page reports anything, idle time counts from the host's start. */
  private lastActivity: number;
  private lastPageClosed: number;

  constructor(options: PageActivityOptions = {}) {
    this.now = options.now ?? Date.now;
    this.minuteMs = options.minuteMs ?? MINUTE_MS;
    this.graceMs = options.noPageGraceMs ?? NO_PAGE_GRACE_MS;
    if (!(this.minuteMs > 0)) throw new RangeError(`minuteMs must be positive: ${this.minuteMs}`);
    this.lastActivity = this.now();
    this.lastPageClosed = this.lastActivity;
  }

  /** A page connected; call the returned function (once; more calls do nothing) when it leaves. */
  pageOpened(): () => void {
    this.pages += 1;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.pages -= 1;
      if (this.pages === 0) this.lastPageClosed = this.now();
    };
  }

  report(): void {
    this.lastActivity = this.now();
  }

  get connectedPages(): number {
    return this.pages;
  }

  /** In the policy's unit (seconds, against `minutes × 60`), so a shortened minute scales it. */
  idleSeconds(): number {
    return (Math.max(0, this.now() - this.lastActivity) / this.minuteMs) * 60;
  }

  locked(): boolean {
    return this.pages === 0 && this.now() - this.lastPageClosed >= this.graceMs;
  }
}

export interface WebAutomaticAwayOptions {
  readonly backend: Backend;
  /** The backend's current state (app-core's `snapshot().state`). */
  state(): AppState;
  /** How often the idle time is checked; the policy's default (10 s) when absent. */
  readonly pollMs?: number;
  /** Tests only: how long a minute of the idle setting lasts (default one real minute). */
  readonly minuteMs?: number;
  /** Tests only: how long no page may be connected before that counts (default 5 s). */
  readonly noPageGraceMs?: number;
  readonly now?: () => number;
  readonly scheduler?: IntervalScheduler;
  readonly onError?: (error: unknown) => void;
}

/** The contract commands the web host answers itself, before the backend. */
export type AutomaticAwayCommands = Pick<CommandHandlers, 'reportActivity' | 'setStatus'>;

export interface WebAutomaticAway {
  /** A page's WebSocket connected; call the returned function when it closes. */
  pageOpened(): () => void;
  readonly commands: AutomaticAwayCommands;
  readonly controller: IdleAwayController;
  readonly activity: PageActivity;
  stop(): void;
}

export function startWebAutomaticAway(options: WebAutomaticAwayOptions): WebAutomaticAway {
  const { backend } = options;
  const activity = new PageActivity({ now: options.now, minuteMs: options.minuteMs, noPageGraceMs: options.noPageGraceMs });
  const controller = createAutomaticAway({
    source: activity,
    state: options.state,
    setStatus: async (status) => {
      const r = await backend.execute({ name: 'setStatus', input: { status } });
      if (!r.ok) throw new Error(r.error.message);
    },
    scheduler: options.scheduler,
    now: options.now,
    pollMs: options.pollMs,
    onError: options.onError,
  });
  // As the desktop shell does: a sign-out forgets the status to restore.
  const unsubscribe = backend.subscribe(({ event }) => {
    if (event.type === 'connection.changed' && event.state.status === 'signed-out') controller.signedOut();
  });
  controller.start();

  return {
    pageOpened: () => activity.pageOpened(),
    commands: {
      reportActivity: async () => {
        activity.report();
        // Coming back shows at once (like `unlock-screen` on the desktop), not at the next poll.
        if (controller.current.mode === 'auto-away') controller.tick();
        return ok(null);
      },
      // The user's own choice (the status menu): automatic Away lets go of it, as in the desktop
      // shell, and never restores over it.
      setStatus: async (input) => {
        controller.userChoseStatus(input.status);
        return (await backend.execute({ name: 'setStatus', input })) as Result<null>;
      },
    },
    controller,
    activity,
    stop: () => {
      controller.stop();
      unsubscribe();
    },
  };
}
