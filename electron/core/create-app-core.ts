/**
 * Builds the app's backend with its real parts: the MSN client, the settings file, and the
 * bundled server for "Local server on this computer". Shared by the desktop app and the web host.
 */
import { join } from 'node:path';
import { AppCore, type LocalServerLauncher } from './app-core';
import { createLocalServerLauncher } from './local-server';
import { createMsnClientPort } from './msn-client-adapter';
import { NO_KEYCHAIN, SettingsStore, type Keychain } from './settings';

export interface CreateAppCoreOptions {
  /** The app's data folder: settings.json and the local server's database live here. */
  dataDir: string;
  /** The OS keychain (desktop app); the web host has none. */
  keychain?: Keychain;
  /** Overrides the bundled-server launcher (the web host's tests share one running server). */
  localServer?: LocalServerLauncher | null;
  onWarning?: (message: string) => void;
}

export function createAppCore(options: CreateAppCoreOptions): AppCore {
  const keychain = options.keychain ?? NO_KEYCHAIN;
  const settings = SettingsStore.open(join(options.dataDir, 'settings.json'), {
    keychain,
    onWarning: options.onWarning ?? ((m) => console.warn(m)),
  });
  return new AppCore({
    createClient: (server) => createMsnClientPort(server),
    settings,
    canSavePasswords: keychain.available(),
    localServer:
      options.localServer === undefined ? createLocalServerLauncher({ dataDir: join(options.dataDir, 'local-server') }) : options.localServer,
  });
}
