/**
 * Builds the app's backend with its real parts: the MSN client, the settings file, and the
 * bundled server for "Local server on this computer". Shared by the desktop app and the web host.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppCore, type AppCoreOptions, type LocalServerLauncher } from './app-core';
import { ProtocolConsole } from './console';
import { DEMO_USER } from './demo';
import { openHistoryStore, type HistoryStore } from './history';
import { loadInstallationId } from './installation-id';
import { SqliteListCache } from './list-cache';
import { createLocalServerLauncher, lockDataDir } from './local-server';
import { createMsnClientPort } from './msn-client-adapter';
import { MyPictureStore } from './pictures/my-picture-store';
import { MyEmoticonStore } from './emoticons/my-emoticon-store';
import { NO_KEYCHAIN, SettingsStore, type Keychain } from './settings';

export interface CreateAppCoreOptions {
  /** The app's data folder: settings.json and the local server's database live here. */
  dataDir: string;
  /** The OS keychain (desktop app); the web host has none. */
  keychain?: Keychain;
  /** Overrides the bundled-server launcher (the web host's tests share one running server). */
  localServer?: LocalServerLauncher | null;
  onWarning?: (message: string) => void;
  /**
   * The scripted demo contacts on the local server (on by default). `timingScale` shrinks every
   * demo delay: for tests only.
   */
  demo?: boolean | { timingScale?: number };
  /** The bundled server's ports: the usual MSN ones (default), or OS-chosen ones (tests). */
  localServerPorts?: 'standard' | 'any';
  /** Who is using the data folder, named to another process that finds it taken ("the web host"). */
  holder?: string;
  /**
   * File transfer (issue 11): the user's Downloads folder (default: `XDG_DOWNLOAD_DIR` or
   * `~/Downloads`) and, in the desktop app, the native dialogs; the web host has none.
   */
  files?: AppCoreOptions['files'];
}

/**
 * Throws `DataDirInUseError` (server/store/data-dir-lock.ts) when another live Monarch uses `dataDir`; the
 * folder is this backend's until `dispose()`.
 */
export function createAppCore(options: CreateAppCoreOptions): AppCore {
  const lock = lockDataDir(options.dataDir, options.holder ?? 'Monarch');
  try {
    return assemble(options, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

function assemble(options: CreateAppCoreOptions, dataDirLock: { release(): void }): AppCore {
  const keychain = options.keychain ?? NO_KEYCHAIN;
  const settings = SettingsStore.open(join(options.dataDir, 'settings.json'), {
    keychain,
    onWarning: options.onWarning ?? ((m) => console.warn(m)),
  });
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  let history: HistoryStore | null = null;
  try {
    mkdirSync(options.dataDir, { recursive: true });
    history = openHistoryStore(join(options.dataDir, 'history.sqlite'), {
      onRecovered: (movedTo) => warn(`The history file was damaged; it was kept as ${movedTo} and a new one started.`),
    });
  } catch (e) {
    warn(`History is not available: ${(e as Error).message}`);
  }
  // Contact lists between sessions, so an unchanged list is not downloaded again (MSNP.md §4.3).
  let listCache: SqliteListCache | null = null;
  try {
    listCache = SqliteListCache.open(join(options.dataDir, 'contact-lists.sqlite'), { onReset: warn });
  } catch (e) {
    warn(`The contact-list cache is not available (every sign-in downloads the whole list): ${(e as Error).message}`);
  }
  try {
    // My pictures and contacts' cached ones: readable by their owner only, like the databases.
    mkdirSync(join(options.dataDir, 'pictures'), { recursive: true, mode: 0o700 });
  } catch (e) {
    warn(`Display pictures cannot be kept: ${(e as Error).message}`);
  }
  try {
    // My emoticons and contacts' cached ones, likewise.
    mkdirSync(join(options.dataDir, 'emoticons'), { recursive: true, mode: 0o700 });
  } catch (e) {
    warn(`Custom emoticons cannot be kept: ${(e as Error).message}`);
  }
  // Each account's MSNP13+ machine GUID is derived from it (msn/machine-guid.ts).
  const installationId = loadInstallationId(options.dataDir);
  const demo = options.demo ?? true;
  // One console per app run; the password of the sign-in in progress is masked wherever it shows.
  let core: AppCore | null = null;
  const protocolConsole = new ProtocolConsole({ secrets: () => core?.secrets() ?? [] });
  core = new AppCore({
    // Contacts' pictures are cached content-addressed by SHA1D (the client core verifies them).
    createClient: (server) =>
      createMsnClientPort(server, {
        tap: protocolConsole.tap,
        pictureCacheDir: join(options.dataDir, 'pictures', 'cache'),
        ...(listCache ? { listCache } : {}),
        ...(installationId !== undefined ? { installationId } : {}),
      }),
    myPictures: new MyPictureStore(join(options.dataDir, 'pictures', 'mine')),
    myEmoticons: new MyEmoticonStore(join(options.dataDir, 'emoticons', 'mine')),
    emoticonCacheDir: join(options.dataDir, 'emoticons', 'cache'),
    settings,
    preferences: settings,
    history,
    protocolConsole,
    files: options.files ?? null,
    demoAccount: demo ? { handle: DEMO_USER.handle, password: DEMO_USER.password } : null,
    canSavePasswords: keychain.available(),
    dataDirLock,
    localServer:
      options.localServer === undefined
        ? createLocalServerLauncher({ dataDir: join(options.dataDir, 'local-server'), demo, ...(options.localServerPorts ? { ports: options.localServerPorts } : {}) })
        : options.localServer,
  });
  return core;
}
