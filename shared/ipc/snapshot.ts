/**
 * The state a window starts from (ARCHITECTURE.md §5): the projection of every event so far, and
 * the sequence number of the last one it includes. A window subscribes to events first, takes the
 * snapshot, then drops the events it already reflects.
 */
import type { MyStatus } from '../model';
import type { ServerProfile } from './contract';
import type { AppState } from './projection';

export interface AppSnapshot {
  readonly seq: number;
  readonly state: AppState;
}

/** What the sign-in screen offers before anyone signs in. */
export interface SignInDefaults {
  /** The account saved with "Remember me", if any (never its password, only whether one is kept). */
  readonly remembered: RememberedAccount | null;
  /** Can this host keep passwords safely (an OS keychain)? The browser client cannot. */
  readonly canSavePasswords: boolean;
  /** Ready-made choices for the server chooser, besides the local server and "Custom...". */
  readonly presets: readonly ServerPreset[];
  /** Can this host run the bundled server (the desktop app and the web host can). */
  readonly localServerAvailable: boolean;
  /**
   * The demo account of the local server (a documented password that exists only on this
   * computer's loopback server): prefilled when nothing is remembered. Null where there is none.
   */
  readonly demoAccount: { readonly handle: string; readonly password: string } | null;
}

export interface RememberedAccount {
  readonly handle: string;
  readonly server: ServerProfile;
  readonly status: MyStatus;
  readonly passwordSaved: boolean;
  readonly signInAutomatically: boolean;
}

export interface ServerPreset {
  readonly id: string;
  readonly label: string;
  readonly server: ServerProfile;
}
