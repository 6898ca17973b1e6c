/**
 * Automatic Away (issue 6): Electron's `powerMonitor` as the idle source of electron/core/policies'
 * automatic Away (shared with the browser client, which uses its pages' activity instead); the
 * status change goes through the backend like the user's own. Locking the screen counts at once (a
 * tick on `lock-screen`), and so does coming back (`unlock-screen`, `resume`,
 * `user-did-become-active` on macOS).
 */
import type { PowerMonitor } from 'electron';
import type { AppState } from '../../shared/ipc';
import type { MyStatus } from '../../shared/model';
import { createAutomaticAway, type IdleAwayController, type IntervalScheduler } from '../core/policies';

export { myStatus } from '../core/policies';

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

export function createIdleWatcher(options: IdleWatcherOptions): IdleAwayController {
  const { powerMonitor: pm, ...rest } = options;
  const controller = createAutomaticAway({
    ...rest,
    source: {
      idleSeconds: () => pm.getSystemIdleTime(),
      locked: () => pm.getSystemIdleState(1) === 'locked',
    },
  });
  const tick = () => controller.tick();
  pm.on('lock-screen', tick);
  pm.on('unlock-screen', tick);
  pm.on('resume', tick);
  if (process.platform === 'darwin') pm.on('user-did-become-active', tick);
  return controller;
}
