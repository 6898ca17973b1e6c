/**
 * The settings store: one JSON file (`<userData>/settings.json`), validated on every read and
 * write, written atomically, migrated from older versions, and the only keeper of remembered
 * passwords — sealed by the injected OS keychain, never in plain text. When no keychain is
 * available the password is not stored at all, and the caller is told so.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { z } from 'zod';
import { MY_STATUSES, type MyStatus } from '../../../shared/model';
import { contactListViewSchema, DEFAULT_CONTACT_LIST_VIEW, type ContactListView } from '../../../shared/ipc/preferences';
import { nodeFs, writeFileAtomic, type AtomicFs } from './atomic-file';
import type { Keychain } from './keychain';
import {
  SETTINGS_VERSION,
  defaultSettings,
  migrateRaw,
  parseSettings,
  preferenceSections,
  serverPresetSchema,
  serverSchema,
  versionOf,
  type Preferences,
  type PreferencesPatch,
  type Server,
  type ServerPreset,
  type Settings,
  type StoredAccount,
} from './schema';

/** Built-in server choices (not stored; ids reserved). */
export const BUILT_IN_SERVER_PRESETS: readonly ServerPreset[] = [
  { id: 'local', label: 'Local server on this computer', server: { kind: 'local' } },
  // The Escargot revival network's MSN front: its dispatch server on the standard port (MSNP.md §1.1).
  { id: 'escargot', label: 'Escargot', server: { kind: 'custom', host: 'm1.escargot.chat', port: 1863 } },
];

/** What the UI may know about an account: never the password, only whether one is kept. */
export interface AccountSummary {
  readonly handle: string;
  readonly server: Server;
  readonly status: MyStatus;
  readonly signInAutomatically: boolean;
  readonly passwordSaved: boolean;
  readonly lastSignInAt: number | null;
}

export type PasswordOutcome =
  | { readonly stored: true }
  | { readonly stored: false; readonly reason: 'not-requested' | 'keychain-unavailable' | 'keychain-failed'; readonly message: string };

export interface RememberInput {
  readonly handle: string;
  readonly server: Server;
  readonly status: MyStatus;
  /** The password to keep in the keychain ("Remember me"); omit or null to keep none. */
  readonly password?: string | null;
  readonly signInAutomatically?: boolean;
  readonly at?: number;
}

export interface AutoSignIn {
  readonly handle: string;
  readonly server: Server;
  readonly status: MyStatus;
  readonly password: string;
}

export class SettingsValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsValidationError';
  }
}

export interface OpenSettingsOptions {
  readonly keychain: Keychain;
  /** Something about the file needs the user's attention (it was reset, a value was dropped). */
  readonly onWarning?: (message: string) => void;
  /** For tests: the file operations used to write. */
  readonly fs?: AtomicFs;
  readonly now?: () => number;
}

export type SettingsListener = (settings: Readonly<Settings>) => void;

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

const rememberSchema = z.object({
  handle: z.email().max(129).transform((s) => s.toLowerCase()),
  server: serverSchema,
  status: z.enum(MY_STATUSES),
  password: z.string().min(1).max(256).nullable().optional(),
  signInAutomatically: z.boolean().optional(),
  at: z.number().optional(),
});

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
}

export class SettingsStore {
  private current: Settings;
  private readonly listeners = new Set<SettingsListener>();
  private readonly fs: AtomicFs;
  private readonly now: () => number;

  private constructor(
    private readonly file: string,
    initial: Settings,
    private readonly options: OpenSettingsOptions,
  ) {
    this.current = deepFreeze(initial);
    this.fs = options.fs ?? nodeFs;
    this.now = options.now ?? Date.now;
  }

  /**
   * Load (or create) the settings at `file`. Never throws for bad content: an unreadable file is
   * moved aside (`settings.json.corrupt-<ms>`) and defaults are used; a file from a newer Monarch
   * is copied aside (`settings.json.v<N>.bak`) before this version rewrites what it understands.
   */
  static open(file: string, options: OpenSettingsOptions): SettingsStore {
    const warn = (m: string) => options.onWarning?.(m);
    if (!existsSync(file)) return new SettingsStore(file, defaultSettings(), options);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('not a JSON object');
    } catch (err) {
      const aside = `${file}.corrupt-${(options.now ?? Date.now)()}`;
      renameSync(file, aside);
      warn(`The settings file could not be read (${(err as Error).message}); it was kept as ${aside} and defaults are used.`);
      return new SettingsStore(file, defaultSettings(), options);
    }
    const obj = raw as Record<string, unknown>;
    const version = versionOf(obj);
    if (version > SETTINGS_VERSION) {
      const backup = `${file}.v${version}.bak`;
      writeFileAtomic(backup, readFileSync(file, 'utf8'), options.fs ?? nodeFs);
      warn(`The settings were written by a newer Monarch (version ${version}); a copy was kept as ${backup}.`);
      const { settings, warnings } = parseSettings({ ...obj, version: SETTINGS_VERSION });
      warnings.forEach(warn);
      return new SettingsStore(file, settings, options);
    }
    let migrated: Record<string, unknown>;
    try {
      migrated = migrateRaw(obj).data;
    } catch (err) {
      warn(`The settings could not be upgraded (${(err as Error).message}); defaults are used.`);
      migrated = {};
    }
    const { settings, warnings } = parseSettings(migrated);
    warnings.forEach(warn);
    const store = new SettingsStore(file, settings, options);
    // Persist the upgrade so the old shape is read once.
    if (version < SETTINGS_VERSION) store.write(settings);
    return store;
  }

  /** The current settings (frozen). */
  get(): Readonly<Settings> {
    return this.current;
  }

  subscribe(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Change preferences (notifications, sounds, history, idle, appearance). Validated strictly: an
   * unknown section or field, or a bad value, throws `SettingsValidationError` and changes nothing.
   */
  updatePreferences(patch: PreferencesPatch): Readonly<Settings> {
    if (patch === null || typeof patch !== 'object') throw new SettingsValidationError('Expected an object of settings sections.');
    const next: Settings = { ...this.current } as Settings;
    for (const [key, value] of Object.entries(patch)) {
      if (!Object.prototype.hasOwnProperty.call(preferenceSections, key)) {
        throw new SettingsValidationError(`Unknown settings section "${key}".`);
      }
      const section = key as keyof Preferences;
      const merged = { ...this.current[section], ...(value as object) };
      const r = preferenceSections[section].safeParse(merged);
      if (!r.success) throw new SettingsValidationError(`Invalid ${section} settings: ${describeIssues(r.error)}`);
      (next as unknown as Record<string, unknown>)[section] = r.data;
    }
    return this.commit(next);
  }

  // ---- Each account's contact list view ----------------------------------------------------

  /** The account's contact list view (the default for an account that never changed it). */
  contactListView(handle: string): ContactListView {
    return this.current.contactListViews[handle.toLowerCase()] ?? DEFAULT_CONTACT_LIST_VIEW;
  }

  /** Change some fields of the account's view. Strict: a bad handle or value throws and changes nothing. */
  updateContactListView(handle: string, patch: Partial<ContactListView>): ContactListView {
    const key = z.email().max(129).safeParse(handle);
    if (!key.success) throw new SettingsValidationError(`Invalid account: ${describeIssues(key.error)}`);
    const h = key.data.toLowerCase();
    const r = contactListViewSchema.safeParse({ ...this.contactListView(h), ...(patch as object) });
    if (!r.success) throw new SettingsValidationError(`Invalid contactList settings: ${describeIssues(r.error)}`);
    this.commit({ ...this.current, contactListViews: { ...this.current.contactListViews, [h]: r.data } });
    return r.data;
  }

  // ---- Accounts ----------------------------------------------------------------------------

  accounts(): AccountSummary[] {
    return this.current.accounts.map((a) => ({
      handle: a.handle,
      server: a.server,
      status: a.status,
      signInAutomatically: a.signInAutomatically && a.password !== null,
      passwordSaved: a.password !== null,
      lastSignInAt: a.lastSignInAt,
    }));
  }

  /**
   * "Remember me": keep the account (first in the list) and, when given, its password sealed by
   * the keychain. Without a keychain the account is kept, the password is not, and the outcome
   * says why (the UI should tell the user that they will be asked for it next time).
   * "Sign me in automatically" is only kept together with a stored password.
   */
  rememberAccount(input: RememberInput): PasswordOutcome {
    const parsed = rememberSchema.safeParse(input);
    if (!parsed.success) throw new SettingsValidationError(`Invalid account: ${describeIssues(parsed.error)}`);
    const { handle, server, status } = parsed.data;
    const password = parsed.data.password ?? null;
    const existing = this.current.accounts.find((a) => a.handle === handle);
    let sealed: StoredAccount['password'] = null;
    let outcome: PasswordOutcome;
    if (password === null) {
      outcome = { stored: false, reason: 'not-requested', message: 'No password was given to remember.' };
    } else if (!this.options.keychain.available()) {
      outcome = {
        stored: false,
        reason: 'keychain-unavailable',
        message: 'This system has no secure keychain, so the password was not saved. You will be asked for it when you sign in.',
      };
    } else {
      try {
        sealed = { keychain: 'safe-storage', data: Buffer.from(this.options.keychain.encrypt(password)).toString('base64') };
        outcome = { stored: true };
      } catch (err) {
        outcome = { stored: false, reason: 'keychain-failed', message: `The keychain could not save the password: ${(err as Error).message}` };
      }
    }
    const account: StoredAccount = {
      handle,
      server,
      status,
      password: sealed,
      signInAutomatically: sealed !== null && (parsed.data.signInAutomatically ?? existing?.signInAutomatically ?? false),
      lastSignInAt: Math.trunc(parsed.data.at ?? this.now()),
    };
    // Only one account signs in automatically.
    const others = this.current.accounts
      .filter((a) => a.handle !== handle)
      .map((a) => (account.signInAutomatically && a.signInAutomatically ? { ...a, signInAutomatically: false } : a));
    this.commit({ ...this.current, accounts: [account, ...others], lastAccount: handle });
    return outcome;
  }

  /** Forget an account and its password. */
  forgetAccount(handle: string): boolean {
    const h = handle.toLowerCase();
    if (!this.current.accounts.some((a) => a.handle === h)) return false;
    const accounts = this.current.accounts.filter((a) => a.handle !== h);
    // Forgetting an account forgets everything kept for it here.
    const { [h]: _view, ...contactListViews } = this.current.contactListViews;
    this.commit({ ...this.current, accounts, contactListViews, lastAccount: this.current.lastAccount === h ? (accounts[0]?.handle ?? null) : this.current.lastAccount });
    return true;
  }

  /** Keep the account but drop its saved password (and with it automatic sign-in). */
  forgetPassword(handle: string): boolean {
    const h = handle.toLowerCase();
    const a = this.current.accounts.find((x) => x.handle === h);
    if (!a || a.password === null) return false;
    this.replaceAccount({ ...a, password: null, signInAutomatically: false });
    return true;
  }

  /** Turn "Sign me in automatically" on or off; on requires a saved password. */
  setSignInAutomatically(handle: string, on: boolean): boolean {
    const h = handle.toLowerCase();
    const a = this.current.accounts.find((x) => x.handle === h);
    if (!a) return false;
    if (on && a.password === null) return false;
    const accounts = this.current.accounts.map((x) =>
      x.handle === h ? { ...x, signInAutomatically: on } : on ? { ...x, signInAutomatically: false } : x,
    );
    this.commit({ ...this.current, accounts });
    return true;
  }

  /**
   * The saved password, unsealed by the keychain; null when none is saved or it can no longer be
   * unsealed (another machine or OS user, keychain reset): then it is dropped and `onWarning` says so.
   */
  password(handle: string): string | null {
    const a = this.current.accounts.find((x) => x.handle === handle.toLowerCase());
    if (!a?.password) return null;
    if (!this.options.keychain.available()) return null;
    try {
      return this.options.keychain.decrypt(Buffer.from(a.password.data, 'base64'));
    } catch (err) {
      this.options.onWarning?.(`The saved password for ${a.handle} could not be read (${(err as Error).message}); it was forgotten.`);
      this.forgetPassword(a.handle);
      return null;
    }
  }

  /** The account to sign in at start-up, with its password, or null. */
  autoSignIn(): AutoSignIn | null {
    const a = this.current.accounts.find((x) => x.signInAutomatically && x.password !== null);
    if (!a) return null;
    const password = this.password(a.handle);
    return password === null ? null : { handle: a.handle, server: a.server, status: a.status, password };
  }

  // ---- The app-core SettingsStore interface (sign-in screen) --------------------------------

  /** The account the sign-in screen shows (never its password). */
  remembered(): { handle: string; server: Server; status: MyStatus } | null {
    const a = this.current.accounts.find((x) => x.handle === this.current.lastAccount) ?? this.current.accounts[0];
    return a ? { handle: a.handle, server: a.server, status: a.status } : null;
  }

  /** Remember an account without a password (keeps a password already saved for it). */
  remember(account: { handle: string; server: Server; status: MyStatus }): void {
    const existing = this.current.accounts.find((a) => a.handle === account.handle.toLowerCase());
    if (existing) {
      this.replaceAccount({ ...existing, server: account.server, status: account.status, lastSignInAt: this.now() }, true);
    } else {
      this.rememberAccount({ ...account, password: null });
    }
  }

  forget(handle: string): void {
    this.forgetAccount(handle);
  }

  // ---- Server profiles ----------------------------------------------------------------------

  serverPresets(): ServerPreset[] {
    return [...BUILT_IN_SERVER_PRESETS, ...this.current.serverPresets];
  }

  saveServerPreset(profile: ServerPreset): ServerPreset {
    const r = serverPresetSchema.safeParse(profile);
    if (!r.success) throw new SettingsValidationError(`Invalid server preset: ${describeIssues(r.error)}`);
    if (BUILT_IN_SERVER_PRESETS.some((p) => p.id === r.data.id)) {
      throw new SettingsValidationError(`"${r.data.id}" is a built-in server preset and cannot be changed.`);
    }
    const others = this.current.serverPresets.filter((p) => p.id !== r.data.id);
    this.commit({ ...this.current, serverPresets: [...others, r.data] });
    return r.data;
  }

  removeServerPreset(id: string): boolean {
    if (!this.current.serverPresets.some((p) => p.id === id)) return false;
    this.commit({ ...this.current, serverPresets: this.current.serverPresets.filter((p) => p.id !== id) });
    return true;
  }

  // ---- Internals ----------------------------------------------------------------------------

  private replaceAccount(account: StoredAccount, moveToFront = false): void {
    const others = this.current.accounts.filter((a) => a.handle !== account.handle);
    const accounts = moveToFront
      ? [account, ...others]
      : this.current.accounts.map((a) => (a.handle === account.handle ? account : a));
    this.commit({ ...this.current, accounts, ...(moveToFront ? { lastAccount: account.handle } : {}) });
  }

  /** Write first; only a successful write changes what `get()` returns. */
  private commit(next: Settings): Readonly<Settings> {
    this.write(next);
    this.current = deepFreeze(next);
    for (const l of this.listeners) {
      try {
        l(this.current);
      } catch (err) {
        console.error('monarch/settings: a listener threw', err);
      }
    }
    return this.current;
  }

  private write(settings: Settings): void {
    writeFileAtomic(this.file, `${JSON.stringify(settings, null, 2)}\n`, this.fs);
  }
}
