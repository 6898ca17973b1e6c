/**
 * Automatic Away wired to the backend's state: what the Electron shell (electron/main/idle.ts,
 * `powerMonitor` as the idle source) and the web host (electron/web/activity-idle.ts, the pages'
 * reported activity) share. Only the idle source differs between them; which status counts
 * (`myStatus`), which preferences apply and how a failure is reported are the same, so Automatic
 * Away behaves the same in the desktop app and in the browser client.
 */
import type { AppState } from '../../../shared/ipc';
import type { MyStatus } from '../../../shared/model';
import { IdleAwayController, type IdleSettings, type IdleSource, type IntervalScheduler } from './idle-away';

/** Used until the backend reports the preferences (it does at start-up). */
export const IDLE_OFF: IdleSettings = { enabled: false, minutes: 5, status: 'away' };

/** My status while signed in (online, with my profile known); null otherwise. */
export function myStatus(state: AppState): MyStatus | null {
  return state.session.connection.status === 'online' ? (state.session.self?.status ?? null) : null;
}

export interface AutomaticAwayOptions {
  readonly source: IdleSource;
  /** The backend's current state (snapshot): my status and the `idle` preferences, read on every tick. */
  state(): AppState;
  /** Change my status through the backend, like the user's own choice; rejects when it failed. */
  setStatus(status: MyStatus): Promise<unknown>;
  readonly scheduler?: IntervalScheduler;
  readonly now?: () => number;
  readonly pollMs?: number;
  readonly onError?: (error: unknown) => void;
}

export function createAutomaticAway(options: AutomaticAwayOptions): IdleAwayController {
  return new IdleAwayController({
    source: options.source,
    status: () => myStatus(options.state()),
    // Read live: a change in the settings view applies at the next tick.
    settings: () => options.state().desktop.preferences?.idle ?? IDLE_OFF,
    setStatus: async (status) => {
      await options.setStatus(status);
    },
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    onError: options.onError ?? ((e) => console.error('Automatic away:', (e as Error).message)),
  });
}
