/**
 * Automatic Away: when the user has been idle long enough (or the screen is locked) while Online,
 * switch to Idle (or Away, as configured); when they come back, restore the status they had.
 *
 * `idleStep` is the whole policy, pure: state + input → state + action. Time and idle seconds
 * come in as data, so it is tested without clocks. `IdleAwayController` runs it on a timer
 * against an injected idle source (Electron's `powerMonitor` in the shell).
 *
 * Rules
 * - Only Online is ever changed. Busy, Be Right Back, Away, On the Phone, Out to Lunch, Appear
 *   Offline, and an Idle the user did not get from us are the user's choice: never overridden.
 * - A status the user picks while auto-away ends it: we never "restore" over the user's choice.
 * - If the status changes under us (another path, a reconnect that reset it), we let go silently.
 * - Coming back = the idle counter went down (input happened) or is nearly zero, and the screen is
 *   not locked. Changing the idle minutes while away does not count as coming back.
 * - Turning the feature off while auto-away restores the previous status at once.
 */
import type { MyStatus } from '../../../shared/model';

export interface IdleSettings {
  readonly enabled: boolean;
  /** Minutes of inactivity before switching. */
  readonly minutes: number;
  /** What to switch to: `idle` (the protocol's automatic-away state, IDL) or `away`. */
  readonly status: 'idle' | 'away';
}

export type IdleState =
  | { readonly mode: 'active' }
  | {
      readonly mode: 'auto-away';
      /** The status to go back to. */
      readonly restoreTo: MyStatus;
      /** The status we set (to notice someone else changing it). */
      readonly setTo: MyStatus;
      /** Epoch ms when we switched. */
      readonly since: number;
      /** The last idle reading, to see it go down. */
      readonly lastIdleSeconds: number;
    };

export const INITIAL_IDLE_STATE: IdleState = { mode: 'active' };

/** Idle readings at or below this mean the user is here (touched something within the poll). */
export const PRESENT_WITHIN_SECONDS = 5;

export type IdleInput =
  | {
      readonly type: 'sample';
      readonly at: number;
      /** Seconds since the last keyboard or mouse input (system-wide). */
      readonly idleSeconds: number;
      /** The screen is locked (counts as idle at once). */
      readonly locked: boolean;
      /** My current status, or null when signed out. */
      readonly status: MyStatus | null;
      readonly settings: IdleSettings;
    }
  /** The user picked a status themselves (the status menu). */
  | { readonly type: 'user-chose-status'; readonly status: MyStatus }
  | { readonly type: 'signed-out' };

export type IdleAction = { readonly type: 'set-status'; readonly status: MyStatus; readonly reason: 'went-idle' | 'came-back' };

export interface IdleStep {
  readonly state: IdleState;
  readonly action: IdleAction | null;
}

const ACTIVE: IdleState = INITIAL_IDLE_STATE;

export function idleStep(state: IdleState, input: IdleInput): IdleStep {
  switch (input.type) {
    case 'signed-out':
    case 'user-chose-status':
      return { state: ACTIVE, action: null };
    case 'sample':
      return sample(state, input);
  }
}

function sample(state: IdleState, s: Extract<IdleInput, { type: 'sample' }>): IdleStep {
  const idle = Number.isFinite(s.idleSeconds) ? Math.max(0, s.idleSeconds) : 0;
  if (s.status === null) return { state: ACTIVE, action: null };

  if (state.mode === 'active') {
    if (!s.settings.enabled || s.status !== 'online') return { state, action: null };
    const threshold = Math.max(1, s.settings.minutes) * 60;
    if (!s.locked && idle < threshold) return { state, action: null };
    const setTo: MyStatus = s.settings.status;
    return {
      state: { mode: 'auto-away', restoreTo: s.status, setTo, since: s.at, lastIdleSeconds: idle },
      action: { type: 'set-status', status: setTo, reason: 'went-idle' },
    };
  }

  // auto-away
  if (s.status !== state.setTo) return { state: ACTIVE, action: null };
  const cameBack = !s.locked && (idle < state.lastIdleSeconds || idle <= PRESENT_WITHIN_SECONDS);
  if (cameBack || !s.settings.enabled) {
    return { state: ACTIVE, action: { type: 'set-status', status: state.restoreTo, reason: 'came-back' } };
  }
  return { state: { ...state, lastIdleSeconds: idle }, action: null };
}

// ---- Running it ---------------------------------------------------------------------------------

export interface IdleSource {
  /** Electron: `powerMonitor.getSystemIdleTime()`. */
  idleSeconds(): number;
  /** Electron: `powerMonitor.getSystemIdleState(1) === 'locked'`. */
  locked(): boolean;
}

export interface IntervalScheduler {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemScheduler: IntervalScheduler = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

export interface IdleAwayControllerOptions {
  readonly source: IdleSource;
  /** My status now, or null when signed out. */
  readonly status: () => MyStatus | null;
  /** Ask the client to change my status (errors are reported, not thrown). */
  readonly setStatus: (status: MyStatus) => void | Promise<void>;
  readonly settings: () => IdleSettings;
  readonly now?: () => number;
  readonly scheduler?: IntervalScheduler;
  /** Default 10 s: fine enough for a minutes-scale setting, cheap. */
  readonly pollMs?: number;
  readonly onError?: (error: unknown) => void;
}

export class IdleAwayController {
  private state: IdleState = INITIAL_IDLE_STATE;
  private handle: unknown = null;

  constructor(private readonly options: IdleAwayControllerOptions) {}

  start(): void {
    if (this.handle !== null) return;
    const scheduler = this.options.scheduler ?? systemScheduler;
    this.handle = scheduler.setInterval(() => this.tick(), this.options.pollMs ?? 10_000);
  }

  stop(): void {
    if (this.handle === null) return;
    (this.options.scheduler ?? systemScheduler).clearInterval(this.handle);
    this.handle = null;
  }

  /** The user picked a status in the menu: call before (or instead of) setting it. */
  userChoseStatus(status: MyStatus): void {
    this.apply({ type: 'user-chose-status', status });
  }

  signedOut(): void {
    this.apply({ type: 'signed-out' });
  }

  get current(): IdleState {
    return this.state;
  }

  /** One poll (also callable directly, e.g. on `powerMonitor` 'lock-screen' / 'unlock-screen'). */
  tick(): void {
    try {
      this.apply({
        type: 'sample',
        at: (this.options.now ?? Date.now)(),
        idleSeconds: this.options.source.idleSeconds(),
        locked: this.options.source.locked(),
        status: this.options.status(),
        settings: this.options.settings(),
      });
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  private apply(input: IdleInput): void {
    const { state, action } = idleStep(this.state, input);
    this.state = state;
    if (action) {
      Promise.resolve()
        .then(() => this.options.setStatus(action.status))
        .catch((err: unknown) => this.options.onError?.(err));
    }
  }
}
