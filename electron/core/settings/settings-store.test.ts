import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeFs, type AtomicFs } from './atomic-file';
import type { Keychain } from './keychain';
import { DEFAULT_PREFERENCES, migrateRaw, SETTINGS_VERSION } from './schema';
import { SettingsStore, SettingsValidationError } from './settings-store';

/** A real (AES-256-GCM) keychain with a key that lives in memory, like safeStorage's. */
class FakeKeychain implements Keychain {
  private key = randomBytes(32);
  isAvailable = true;
  available(): boolean {
    return this.isAvailable;
  }
  encrypt(plain: string): Uint8Array {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }
  decrypt(data: Uint8Array): string {
    const b = Buffer.from(data);
    const d = createDecipheriv('aes-256-gcm', this.key, b.subarray(0, 12));
    d.setAuthTag(b.subarray(12, 28));
    return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8');
  }
  /** Another machine / OS user: the old ciphertexts no longer open. */
  rotate(): void {
    this.key = randomBytes(32);
  }
}

const LOCAL = { kind: 'local' } as const;
const ESCARGOT = { kind: 'custom', host: 'm1.escargot.chat', port: 1863 } as const;
const PASSWORD = 'correct horse battery staple';

let dir: string;
let file: string;
let keychain: FakeKeychain;
let warnings: string[];

function open(extra: { fs?: AtomicFs } = {}): SettingsStore {
  return SettingsStore.open(file, { keychain, onWarning: (w) => warnings.push(w), now: () => 1_700_000_000_000, ...extra });
}

function fileText(): string {
  return readFileSync(file, 'utf8');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monarch-settings-'));
  file = join(dir, 'settings.json');
  keychain = new FakeKeychain();
  warnings = [];
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsStore: preferences', () => {
  it('starts from defaults without writing, and persists validated changes atomically', () => {
    const s = open();
    expect(s.get()).toMatchObject({ version: SETTINGS_VERSION, accounts: [], ...DEFAULT_PREFERENCES });
    expect(existsSync(file)).toBe(false);
    s.updatePreferences({ idle: { minutes: 15 }, sounds: { muted: true }, appearance: { theme: 'dark' }, history: { enabled: false } });
    expect(readdirSync(dir)).toEqual(['settings.json']); // no temporary file left behind
    const again = open();
    expect(again.get().idle).toEqual({ enabled: true, minutes: 15, status: 'idle' });
    expect(again.get().sounds.muted).toBe(true);
    expect(again.get().appearance.theme).toBe('dark');
    expect(again.get().history.enabled).toBe(false);
    expect(again.get().notifications).toEqual(DEFAULT_PREFERENCES.notifications);
  });

  it('refuses invalid updates with a clear error and changes nothing', () => {
    const s = open();
    s.updatePreferences({ idle: { minutes: 10 } });
    const before = fileText();
    expect(() => s.updatePreferences({ idle: { minutes: 0 } })).toThrow(/idle.*minutes/);
    expect(() => s.updatePreferences({ idle: { minutes: 2.5 } })).toThrow(SettingsValidationError);
    expect(() => s.updatePreferences({ appearance: { theme: 'purple' as 'dark' } })).toThrow(/theme/);
    expect(() => s.updatePreferences({ sounds: { volume: 3 } as never })).toThrow(SettingsValidationError);
    expect(() => s.updatePreferences({ secrets: {} } as never)).toThrow(/Unknown settings section "secrets"/);
    expect(fileText()).toBe(before);
    expect(s.get().idle.minutes).toBe(10);
  });

  it('hands out frozen settings and tells subscribers about changes', () => {
    const s = open();
    const seen: boolean[] = [];
    const off = s.subscribe((x) => seen.push(x.sounds.muted));
    s.updatePreferences({ sounds: { muted: true } });
    off();
    s.updatePreferences({ sounds: { muted: false } });
    expect(seen).toEqual([true]);
    expect(() => {
      (s.get().sounds as { muted: boolean }).muted = true;
    }).toThrow(TypeError);
  });

  it('keeps the old file and the old state when a write fails', () => {
    const s = open();
    s.updatePreferences({ idle: { minutes: 7 } });
    const before = fileText();
    const failing: AtomicFs = {
      ...nodeFs,
      renameSync: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    };
    const broken = open({ fs: failing });
    expect(() => broken.updatePreferences({ idle: { minutes: 30 } })).toThrow(/ENOSPC/);
    expect(broken.get().idle.minutes).toBe(7);
    expect(fileText()).toBe(before);
    expect(readdirSync(dir)).toEqual(['settings.json']); // the temporary file was removed
  });

  it('reads field by field: a bad value falls back to its default, the rest is kept', () => {
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        accounts: [{ handle: 'alice@example.com', server: LOCAL, status: 'busy' }, { handle: 'not an email', server: LOCAL }],
        idle: { enabled: false, minutes: 'ten', status: 'away' },
        appearance: { theme: 'dark', showTimestamps: 'yes' },
        sounds: null,
      }),
    );
    const s = open();
    expect(s.get().idle).toEqual({ enabled: false, minutes: 5, status: 'away' });
    expect(s.get().appearance).toEqual({ theme: 'dark', showTimestamps: false, contactPictures: 'small' });
    expect(s.get().sounds).toEqual(DEFAULT_PREFERENCES.sounds);
    expect(s.accounts()).toEqual([
      { handle: 'alice@example.com', server: LOCAL, status: 'busy', signInAutomatically: false, passwordSaved: false, lastSignInAt: null },
    ]);
    expect(warnings).toEqual(['1 unreadable account(s) were dropped from the settings.']);
  });

  it('moves an unreadable file aside and starts from defaults', () => {
    writeFileSync(file, '{"version": 1, "idle": {');
    const s = open();
    expect(s.get().idle).toEqual(DEFAULT_PREFERENCES.idle);
    expect(readFileSync(`${file}.corrupt-1700000000000`, 'utf8')).toBe('{"version": 1, "idle": {');
    expect(warnings[0]).toMatch(/could not be read/);
  });

  it('keeps a copy of a file written by a newer Monarch before using what it understands', () => {
    const newer = JSON.stringify({ version: 9, idle: { enabled: true, minutes: 20, status: 'idle' }, futureThing: { x: 1 } });
    writeFileSync(file, newer);
    const s = open();
    expect(s.get().idle.minutes).toBe(20);
    expect(readFileSync(`${file}.v9.bak`, 'utf8')).toBe(newer);
    expect(warnings[0]).toMatch(/newer Monarch \(version 9\)/);
  });
});

describe("SettingsStore: each account's contact list view", () => {
  it('keeps a view per account, validates strictly, reads leniently, and forgets it with the account', () => {
    const store = open();
    expect(store.contactListView('Me@X.com')).toEqual({ sortBy: 'group', showOffline: true });
    expect(store.updateContactListView('Me@X.com', { sortBy: 'status' })).toEqual({ sortBy: 'status', showOffline: true });
    expect(store.updateContactListView('me@x.com', { showOffline: false })).toEqual({ sortBy: 'status', showOffline: false });
    expect(() => store.updateContactListView('me@x.com', { sortBy: 'name' as 'group' })).toThrow(SettingsValidationError);
    expect(() => store.updateContactListView('not an address', { sortBy: 'group' })).toThrow(SettingsValidationError);
    expect(open().contactListView('me@x.com')).toEqual({ sortBy: 'status', showOffline: false });
    expect(open().contactListView('you@x.com')).toEqual({ sortBy: 'group', showOffline: true });
    // A hand-edited file: a bad field takes its default, the other is kept; a bad handle is dropped.
    const raw = JSON.parse(fileText()) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...raw, contactListViews: { 'me@x.com': { sortBy: 'size', showOffline: false }, nobody: { sortBy: 'status' } } }));
    const reread = open();
    expect(reread.contactListView('me@x.com')).toEqual({ sortBy: 'group', showOffline: false });
    expect(Object.keys(reread.get().contactListViews)).toEqual(['me@x.com']);
    reread.rememberAccount({ handle: 'me@x.com', server: LOCAL, status: 'online' });
    reread.forgetAccount('me@x.com');
    expect(open().get().contactListViews).toEqual({});
  });
});

describe('SettingsStore: migration', () => {
  it('upgrades the version-0 file of the first sign-in screen ({ remembered }) and rewrites it', () => {
    writeFileSync(file, JSON.stringify({ remembered: { handle: 'Alice@Example.com', server: ESCARGOT, status: 'away' } }));
    const s = open();
    expect(s.accounts()).toEqual([
      { handle: 'alice@example.com', server: ESCARGOT, status: 'away', signInAutomatically: false, passwordSaved: false, lastSignInAt: null },
    ]);
    expect(s.remembered()).toEqual({ handle: 'alice@example.com', server: ESCARGOT, status: 'away' });
    const rewritten = JSON.parse(fileText()) as { version: number; remembered?: unknown };
    expect(rewritten.version).toBe(SETTINGS_VERSION);
    expect(rewritten.remembered).toBeUndefined();
  });

  it('runs migrations in order and refuses a gap', () => {
    const steps = { 0: (r: Record<string, unknown>) => ({ ...r, a: 1 }), 1: (r: Record<string, unknown>) => ({ ...r, b: (r.a as number) + 1 }) };
    expect(migrateRaw({}, steps, 2)).toEqual({ data: { a: 1, b: 2, version: 2 }, from: 0 });
    expect(migrateRaw({ version: 1, a: 5 }, steps, 2)).toEqual({ data: { a: 5, b: 6, version: 2 }, from: 1 });
    expect(() => migrateRaw({}, { 0: steps[0] }, 2)).toThrow(/No settings migration from version 1/);
  });
});

describe('SettingsStore: accounts and passwords', () => {
  it('keeps a remembered password only sealed by the keychain, never in plain text', () => {
    const s = open();
    expect(s.rememberAccount({ handle: 'Alice@Example.com', server: LOCAL, status: 'online', password: PASSWORD, signInAutomatically: true })).toEqual({ stored: true });
    const text = fileText();
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(text).toContain('"keychain": "safe-storage"');
    const again = open();
    expect(again.password('alice@example.com')).toBe(PASSWORD);
    expect(again.autoSignIn()).toEqual({ handle: 'alice@example.com', server: LOCAL, status: 'online', password: PASSWORD });
    expect(again.accounts()[0]).toMatchObject({ passwordSaved: true, signInAutomatically: true, lastSignInAt: 1_700_000_000_000 });
  });

  it('does not store the password when there is no keychain, and says so', () => {
    keychain.isAvailable = false;
    const s = open();
    const outcome = s.rememberAccount({ handle: 'alice@example.com', server: LOCAL, status: 'online', password: PASSWORD, signInAutomatically: true });
    expect(outcome).toMatchObject({ stored: false, reason: 'keychain-unavailable' });
    expect(fileText()).not.toContain(PASSWORD);
    expect(s.accounts()[0]).toMatchObject({ handle: 'alice@example.com', passwordSaved: false, signInAutomatically: false });
    expect(s.autoSignIn()).toBeNull();
  });

  it('forgets a password the keychain can no longer open, and warns', () => {
    const s = open();
    s.rememberAccount({ handle: 'alice@example.com', server: LOCAL, status: 'online', password: PASSWORD, signInAutomatically: true });
    keychain.rotate();
    expect(s.autoSignIn()).toBeNull();
    expect(warnings.some((w) => /could not be read.*forgotten/.test(w))).toBe(true);
    expect(s.accounts()[0]).toMatchObject({ passwordSaved: false, signInAutomatically: false });
    expect(JSON.parse(fileText()).accounts[0].password).toBeNull();
  });

  it('lists accounts most recent first, with one automatic sign-in at most', () => {
    const s = open();
    s.rememberAccount({ handle: 'alice@example.com', server: LOCAL, status: 'online', password: 'pw-alice', signInAutomatically: true });
    s.rememberAccount({ handle: 'bob@example.com', server: ESCARGOT, status: 'busy', password: 'pw-bob', signInAutomatically: true });
    expect(s.accounts().map((a) => [a.handle, a.signInAutomatically])).toEqual([
      ['bob@example.com', true],
      ['alice@example.com', false],
    ]);
    expect(s.setSignInAutomatically('alice@example.com', true)).toBe(true);
    expect(s.autoSignIn()?.handle).toBe('alice@example.com');
    expect(s.accounts().filter((a) => a.signInAutomatically)).toHaveLength(1);
    expect(s.forgetPassword('alice@example.com')).toBe(true);
    expect(s.setSignInAutomatically('alice@example.com', true)).toBe(false);
    expect(s.autoSignIn()).toBeNull();
    expect(s.forgetAccount('BOB@example.com')).toBe(true);
    expect(s.accounts().map((a) => a.handle)).toEqual(['alice@example.com']);
    expect(fileText()).not.toContain('bob@example.com');
  });

  it('serves the sign-in screen’s remember / remembered / forget without touching a saved password', () => {
    const s = open();
    s.rememberAccount({ handle: 'alice@example.com', server: LOCAL, status: 'online', password: PASSWORD });
    s.remember({ handle: 'alice@example.com', server: ESCARGOT, status: 'away' });
    expect(s.remembered()).toEqual({ handle: 'alice@example.com', server: ESCARGOT, status: 'away' });
    expect(s.password('alice@example.com')).toBe(PASSWORD);
    s.remember({ handle: 'carol@example.com', server: LOCAL, status: 'online' });
    expect(s.remembered()?.handle).toBe('carol@example.com');
    s.forget('carol@example.com');
    expect(s.remembered()?.handle).toBe('alice@example.com');
  });

  it('validates accounts and server presets', () => {
    const s = open();
    expect(() => s.rememberAccount({ handle: 'nope', server: LOCAL, status: 'online' })).toThrow(/handle/);
    expect(() => s.rememberAccount({ handle: 'a@b.c', server: { kind: 'custom', host: 'bad host!', port: 1863 }, status: 'online' })).toThrow(
      /host name or IP/,
    );
    expect(() => s.saveServerPreset({ id: 'escargot', label: 'Mine', server: LOCAL })).toThrow(/built-in/);
    expect(() => s.saveServerPreset({ id: 'home', label: 'Home', server: { kind: 'custom', host: 'msn.home.lan', port: 70000 } })).toThrow(/port/);
    s.saveServerPreset({ id: 'home', label: 'Home', server: { kind: 'custom', host: 'msn.home.lan', port: 1863, nexusUrl: 'http://msn.home.lan/rdr/pprdr.asp' } });
    expect(open().serverPresets().map((p) => p.id)).toEqual(['local', 'escargot', 'home']);
    expect(s.removeServerPreset('home')).toBe(true);
    expect(s.removeServerPreset('home')).toBe(false);
  });
});
