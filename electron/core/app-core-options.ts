/**
 * What the backend is built from (electron/core/create-app-core.ts passes the real parts; tests
 * pass fakes): the MSN client factory, the settings, the bundled-server launcher, the history, the
 * protocol console.
 */
import type { ContactListView, InstallationPreferences, PreferencesPatch, ServerPreset, ServerProfile } from '../../shared/ipc';
import type { MyStatus } from '../../shared/model';
import type { ClientFactory, ServerAddress } from './client-port';
import type { ProtocolConsole } from './console';
import type { HistoryStore } from './history';
import type { MyPictureStore } from './pictures/my-picture-store';
import type { FileShellPort } from './files/session-transfers';
import type { MyEmoticonStore } from './emoticons/my-emoticon-store';

/** What app-core needs from the settings (electron/core/settings' SettingsStore provides it). */
export interface SignInSettings {
  /** The account the sign-in screen shows. */
  remembered(): { handle: string; server: ServerProfile; status: MyStatus } | null;
  accounts(): readonly { handle: string; passwordSaved: boolean; signInAutomatically: boolean }[];
  /** Keeps the account, and the password only when given (sealed by the keychain). */
  rememberAccount(input: {
    handle: string;
    server: ServerProfile;
    status: MyStatus;
    password?: string | null;
    signInAutomatically?: boolean;
  }): { stored: true } | { stored: false; reason: string; message: string };
  /** The saved password, or null. */
  password(handle: string): string | null;
  /** The account to sign in at start-up, with its password. */
  autoSignIn(): { handle: string; server: ServerProfile; status: MyStatus; password: string } | null;
  forget(handle: string): void;
  serverPresets(): readonly ServerPreset[];
}

/** The preferences sections of the settings (electron/core/settings' SettingsStore provides it). */
export interface PreferenceSettings {
  /** The sections kept for the whole installation. */
  get(): Readonly<InstallationPreferences>;
  /** Validates strictly; throws (and changes nothing) on a bad value or a failed write. */
  updatePreferences(patch: Omit<PreferencesPatch, 'contactList'>): Readonly<InstallationPreferences>;
  /** An account's contact list view (kept per account). */
  contactListView(handle: string): ContactListView;
  /** Validates strictly; throws (and changes nothing) on a bad value or a failed write. */
  updateContactListView(handle: string, patch: Partial<ContactListView>): ContactListView;
}

/** Starts the bundled server on loopback when the user picks "Local server on this computer". */
export interface LocalServerLauncher {
  /** Starts it once; later calls return the same address. */
  ensure(): Promise<ServerAddress>;
  /**
   * The local server is the user's own: "Create this account on the local server" creates the
   * account with that password (an existing account keeps its password and is checked as usual).
   */
  prepareAccount(handle: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

export interface AppCoreOptions {
  createClient: ClientFactory;
  settings: SignInSettings;
  /** Null where the bundled server cannot run. */
  localServer: LocalServerLauncher | null;
  /** Whether the settings can keep passwords (an OS keychain is there). */
  canSavePasswords?: boolean;
  /** The preferences (notifications, sounds, history logging, idle, appearance). */
  preferences: PreferenceSettings;
  /** The conversation logs; null = no history (the store could not open). */
  history?: HistoryStore | null;
  /** The protocol console's buffer (masked traffic), fed by the client's traffic tap. */
  protocolConsole?: ProtocolConsole | null;
  /** My display picture per account (issue 10); absent = pictures cannot be set. */
  myPictures?: Pick<MyPictureStore, 'load' | 'save'> | null;
  /** File transfer (issue 11): where received files go, and what only the desktop shell can do. */
  files?: {
    /** The user's Downloads folder (the default download folder is `<downloads>/Monarch`). */
    readonly downloadsDir?: string;
    /** Desktop only: Save As, Open, Show in folder. Absent (web mode): download links instead. */
    readonly shell?: FileShellPort | null;
    /** Where the web mode's upload staging folder is made (default: the OS temporary folder). */
    readonly stagingParent?: string;
  } | null;
  /** My custom emoticons per account (issue 10); absent = emoticons cannot be defined. */
  myEmoticons?: Pick<MyEmoticonStore, 'load' | 'save'> | null;
  /** Where contacts' emoticons are cached by SHA1D; absent = fetched again every session. */
  emoticonCacheDir?: string | null;
  /** The local server's demo account, prefilled on the sign-in screen when nothing is remembered. */
  demoAccount?: { handle: string; password: string } | null;
  /** The data folder's lock (server/store/data-dir-lock.ts), let go of last when the backend is disposed. */
  dataDirLock?: { release(): void } | null;
  now?: () => number;
}
