/**
 * Automatic Away (issue 6): Electron's `powerMonitor` as the idle source of electron/core/policies'
 * IdleAwayController, which decides; the status change goes through the backend like the user's
 * own. Locking the screen counts at once (a tick on `lock-screen`), and so does coming back
 * (`unlock-screen`, `resume`, `user-did-become-active` on macOS).
 */
import type { PowerMonitor } from 'electron';
import type { AppState } from '../../shared/ipc';
import type { MyStatus } from '../../shared/model';
import { IdleAwayController, type IdleSettings, type IntervalScheduler } from '../core/policies';

/** Used until the backend reports the preferences (it does at start-up). */
const IDLE_OFF: IdleSettings = { enabled: false, minutes: 5, status: 'away' };

export type IdlePowerMonitor = Pick<PowerMonitor, 'getSystemIdleTime' | 'getSystemIdleState' | 'on'>;

export interface IdleWatcherOptions {
  powerMonitor: IdlePowerMonitor;
  /** The backend's current state (snapshot). */
  state(): AppState;
  setStatus(status: MyStatus): Promise<unknown>;
  scheduler?: IntervalScheduler;
  now?: () => number;
  pollMs?: number;
  onError?: (error: unknown) => void;
}

/** My status while signed in (online, with my profile known); null otherwise. */
export function myStatus(state: AppState): MyStatus | null {
  return state.session.connection.status === 'online' ? (state.session.self?.status ?? null) : null;
}

export function createIdleWatcher(options: IdleWatcherOptions): IdleAwayController {
  const pm = options.powerMonitor;
  const controller = new IdleAwayController({
    source: {
      idleSeconds: () => pm.getSystemIdleTime(),
      locked: () => pm.getSystemIdleState(1) === 'locked',
    },
    status: () => myStatus(options.state()),
    settings: () => options.state().desktop.preferences?.idle ?? IDLE_OFF,
    setStatus: async (status) => {
      await options.setStatus(status);
    },
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    onError: options.onError ?? ((e) => console.error('Automatic away:', (e as Error).message)),
  });
  const tick = () => controller.tick();
  pm.on('lock-screen', tick);
  pm.on('unlock-screen', tick);
  pm.on('resume', tick);
  if (process.platform === 'darwin') pm.on('user-did-become-active', tick);
  return controller;
}
