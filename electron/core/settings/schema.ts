/**
 * The settings file: its current shape (zod), defaults, and migrations from older files.
 *
 * Reading is forgiving, field by field: a value that is missing or invalid falls back to its
 * default and the rest of the file is kept (a hand-edited typo must not reset everything).
 * Writing is strict: an update that does not validate is refused with a clear error.
 */
import { z } from 'zod';
import { serverProfileSchema } from '../../../shared/ipc/contract';
import { contactListViewSchema, DEFAULT_CONTACT_LIST_VIEW, preferenceSections, type ContactListView } from '../../../shared/ipc/preferences';
import { MY_STATUSES } from '../../../shared/model';

export const SETTINGS_VERSION = 1;

const MAX_HANDLE = 129; // MSNP.md §8
const handleSchema = z.email().max(MAX_HANDLE).transform((s) => s.toLowerCase());

/**
 * Where to sign in: the IPC contract's `ServerProfile` (one schema for both): the bundled server, or
 * any MSNP server by dispatch host and port (plus a Nexus URL for MSNP8+ Passport sign-in); a
 * `ServerPreset` (id, label, server) as its `ServerPreset`.
 */
export const serverSchema = serverProfileSchema;
export type Server = z.infer<typeof serverSchema>;

/** A password sealed by the OS keychain (base64 of `Keychain.encrypt`). */
const sealedSchema = z.object({ keychain: z.literal('safe-storage'), data: z.base64().min(1) });
export type SealedPassword = z.infer<typeof sealedSchema>;

export const accountSchema = z.object({
  handle: handleSchema,
  server: serverSchema,
  /** Status to sign in as. */
  status: z.enum(MY_STATUSES).catch('online'),
  /** "Sign me in automatically" at start-up (only with a stored password). */
  signInAutomatically: z.boolean().catch(false),
  /** Set only when the user asked to remember it and the keychain sealed it. */
  password: sealedSchema.nullable().catch(null),
  lastSignInAt: z.number().int().nonnegative().nullable().catch(null),
});
export type StoredAccount = z.infer<typeof accountSchema>;

export const serverPresetSchema = z.object({
  id: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
  label: z.string().trim().min(1).max(64),
  server: serverSchema,
});
export type ServerPreset = z.infer<typeof serverPresetSchema>;

export const DEFAULT_PREFERENCES = {
  notifications: { contactSignIn: true, messages: true, nudges: true, showMessageText: true, doNotDisturbWhenBusy: true },
  sounds: { muted: false, contactSignIn: true, message: true, nudge: true },
  history: { enabled: true },
  idle: { enabled: true, minutes: 5, status: 'idle' as 'idle' | 'away' },
  files: { downloadFolder: '', askWhereToSave: false, maxAcceptMB: 0 },
  appearance: { theme: 'system' as 'system' | 'light' | 'dark', showTimestamps: false, contactPictures: 'small' as 'small' | 'large' | 'none' },
};

/** The preference sections are the IPC contract's (shared/ipc/preferences.ts): one definition. */
export { preferenceSections };

export type Preferences = { -readonly [K in keyof typeof preferenceSections]: z.infer<(typeof preferenceSections)[K]> };
export type PreferencesPatch = { [K in keyof Preferences]?: Partial<Preferences[K]> };

export interface Settings extends Preferences {
  version: number;
  accounts: StoredAccount[];
  /** The account the sign-in screen shows first. */
  lastAccount: string | null;
  /** The user's own saved servers (the built-in ones are not stored). */
  serverPresets: ServerPreset[];
  /**
   * Each account's contact list view (sort, offline contacts), by lower-case handle: kept per
   * account as MSN Messenger kept its list options per Passport, whether or not the account is
   * remembered on the sign-in screen.
   */
  contactListViews: Record<string, ContactListView>;
}

export function defaultSettings(): Settings {
  return {
    version: SETTINGS_VERSION,
    accounts: [],
    lastAccount: null,
    serverPresets: [],
    contactListViews: {},
    ...structuredClone(DEFAULT_PREFERENCES),
  };
}

/** Parse a section leniently: each valid field is kept, each invalid one takes its default. */
function lenientSection<K extends keyof Preferences>(key: K, raw: unknown): Preferences[K] {
  const defaults = DEFAULT_PREFERENCES[key] as Record<string, unknown>;
  const strict = preferenceSections[key];
  const source = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [field, fallback] of Object.entries(defaults)) {
    const candidate = { ...defaults, [field]: source[field] };
    out[field] = strict.safeParse(candidate).success ? source[field] : fallback;
  }
  return out as Preferences[K];
}

/** Each account's contact list view, field by field (a bad field takes its default); bad handles are dropped. */
function lenientContactListViews(raw: unknown): Record<string, ContactListView> {
  const out: Record<string, ContactListView> = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [handle, view] of Object.entries(raw as Record<string, unknown>)) {
    const key = handleSchema.safeParse(handle);
    if (!key.success) continue;
    const source = view !== null && typeof view === 'object' ? (view as Record<string, unknown>) : {};
    const fields: Record<string, unknown> = {};
    for (const [field, fallback] of Object.entries(DEFAULT_CONTACT_LIST_VIEW)) {
      fields[field] = contactListViewSchema.safeParse({ ...DEFAULT_CONTACT_LIST_VIEW, [field]: source[field] }).success ? source[field] : fallback;
    }
    out[key.data] = fields as ContactListView;
  }
  return out;
}

/** Keep the valid items of an array, dropping the rest (returned for a warning). */
function validItems<T>(raw: unknown, schema: z.ZodType<T>): { items: T[]; dropped: number } {
  if (!Array.isArray(raw)) return { items: [], dropped: 0 };
  const items: T[] = [];
  let dropped = 0;
  for (const x of raw) {
    const r = schema.safeParse(x);
    if (r.success) items.push(r.data);
    else dropped++;
  }
  return { items, dropped };
}

/** Current-version data (after migration) into Settings; `warnings` lists what was dropped. */
export function parseSettings(raw: Record<string, unknown>): { settings: Settings; warnings: string[] } {
  const warnings: string[] = [];
  const accounts = validItems(raw.accounts, accountSchema);
  if (accounts.dropped > 0) warnings.push(`${accounts.dropped} unreadable account(s) were dropped from the settings.`);
  // One entry per handle: the first wins.
  const seen = new Set<string>();
  const uniqueAccounts = accounts.items.filter((a) => (seen.has(a.handle) ? false : (seen.add(a.handle), true)));
  const profiles = validItems(raw.serverPresets, serverPresetSchema);
  if (profiles.dropped > 0) warnings.push(`${profiles.dropped} unreadable server preset(s) were dropped from the settings.`);
  const lastAccount = typeof raw.lastAccount === 'string' && seen.has(raw.lastAccount.toLowerCase()) ? raw.lastAccount.toLowerCase() : null;
  const settings: Settings = {
    version: SETTINGS_VERSION,
    accounts: uniqueAccounts,
    lastAccount,
    serverPresets: profiles.items,
    contactListViews: lenientContactListViews(raw.contactListViews),
    notifications: lenientSection('notifications', raw.notifications),
    sounds: lenientSection('sounds', raw.sounds),
    history: lenientSection('history', raw.history),
    idle: lenientSection('idle', raw.idle),
    appearance: lenientSection('appearance', raw.appearance),
    files: lenientSection('files', raw.files),
  };
  return { settings, warnings };
}

/**
 * Migrations: `MIGRATIONS[n]` turns a version-n object into version n+1. Version 0 is the file
 * the first sign-in screen wrote (no `version` field): `{ remembered: { handle, server, status } }`
 * — the account saved with "Remember me", never a password.
 */
export const MIGRATIONS: Readonly<Record<number, (raw: Record<string, unknown>) => Record<string, unknown>>> = {
  0: (raw) => {
    const remembered = raw.remembered as { handle?: unknown; server?: unknown; status?: unknown } | null | undefined;
    const accounts =
      remembered && typeof remembered === 'object'
        ? [{ handle: remembered.handle, server: remembered.server, status: remembered.status, signInAutomatically: false, password: null, lastSignInAt: null }]
        : [];
    return { version: 1, accounts, lastAccount: typeof remembered?.handle === 'string' ? remembered.handle : null };
  },
};

/** The version a raw file declares (a file without one is version 0). */
export function versionOf(raw: Record<string, unknown>): number {
  const v = raw.version;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}

/** Apply migrations from the file's version to `target`. */
export function migrateRaw(
  raw: Record<string, unknown>,
  migrations: Readonly<Record<number, (raw: Record<string, unknown>) => Record<string, unknown>>> = MIGRATIONS,
  target: number = SETTINGS_VERSION,
): { data: Record<string, unknown>; from: number } {
  const from = versionOf(raw);
  let data = raw;
  for (let v = from; v < target; v++) {
    const step = migrations[v];
    if (!step) throw new Error(`No settings migration from version ${v}.`);
    data = { ...step(data), version: v + 1 };
  }
  return { data, from };
}
