import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import { DATABASE_FILE, openSqliteStore, SchemaTooNewError } from './sqlite-store';
import { describeStoreSuite } from './store-suite';

const creds = { passwordHash: 'scrypt$x', md5Secret: new Uint8Array([1, 2, 3]) };

describeStoreSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'monarch-store-'));
  return {
    open: async () => openSqliteStore(dir),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SqliteStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monarch-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates a fresh file to the latest schema in WAL mode', async () => {
    const store = openSqliteStore(dir);
    await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: creds, now: 1000 });
    await store.close();
    const db = new Database(join(dir, DATABASE_FILE));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('migrates a schema-2 database: the change journal starts at each account\'s list stamp', async () => {
    const other = mkdtempSync(join(tmpdir(), 'monarch-store-v2-'));
    try {
      const db = new Database(join(other, DATABASE_FILE));
      db.transaction(() => {
        for (const m of MIGRATIONS.filter((x) => x.version <= 2)) db.exec(m.sql);
        db.pragma('user_version = 2');
      })();
      db.prepare("INSERT INTO users (handle, friendly_name, password_hash, list_version, list_stamp, settings_stamp, created_at) VALUES ('old@example.com', 'Old', 'scrypt$x', 5, 1700000000123, 1700000000200, 1)").run();
      db.close();
      const store = openSqliteStore(other);
      const acc = await store.loadAccount('old@example.com');
      expect(acc?.user).toMatchObject({ listStamp: 1_700_000_000_123, historySince: 1_700_000_000_123 });
      expect(acc?.changes).toEqual([]);
      await store.close();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses a database from a newer server', () => {
    const other = mkdtempSync(join(tmpdir(), 'monarch-store-new-'));
    try {
      const db = new Database(join(other, DATABASE_FILE));
      db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
      db.close();
      expect(() => openSqliteStore(other)).toThrow(SchemaTooNewError);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('keeps its secrets in files, not in the database', async () => {
    const store = openSqliteStore(undefined);
    expect(await store.sharedSecret('md5-secret', () => new Uint8Array(32))).toBeUndefined();
    await store.close();
  });
});

describe.skipIf(process.platform === 'win32')('SqliteStore files are private', () => {
  const mode = (p: string): number => statSync(p).mode & 0o777;
  let oldUmask = 0;
  let dir = '';
  beforeEach(() => {
    // The usual umask: without our care, files would come out 0644 and folders 0755.
    oldUmask = process.umask(0o022);
    dir = mkdtempSync(join(tmpdir(), 'monarch-store-modes-'));
  });
  afterEach(() => {
    process.umask(oldUmask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database, its WAL and shared-memory files 0600 and its folder 0700', async () => {
    const data = join(dir, 'a', 'server');
    const store = openSqliteStore(data);
    await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: creds, now: 1000 });
    const file = join(data, DATABASE_FILE);
    // While open, WAL mode keeps both side files.
    expect({ db: mode(file), wal: mode(`${file}-wal`), shm: mode(`${file}-shm`), dir: mode(data) }).toEqual({ db: 0o600, wal: 0o600, shm: 0o600, dir: 0o700 });
    await store.close();
  });

  it('tightens a database and folder an earlier version left world-readable', async () => {
    const data = join(dir, 'server');
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    await openSqliteStore(data).close();
    const file = join(data, DATABASE_FILE);
    chmodSync(file, 0o644);
    const store = openSqliteStore(data);
    await store.createUser({ handle: 'b@example.com', friendlyName: 'B', credentials: creds, now: 1000 });
    expect({ db: mode(file), wal: mode(`${file}-wal`), shm: mode(`${file}-shm`), dir: mode(data) }).toEqual({ db: 0o600, wal: 0o600, shm: 0o600, dir: 0o700 });
    await store.close();
  });

  it('leaves the permissions of an existing folder it did not make, or a shared one, as they are (the files are private)', async () => {
    const mine = join(dir, 'somewhere');
    mkdirSync(mine);
    chmodSync(mine, 0o755);
    await openSqliteStore(mine).close();
    expect({ db: mode(join(mine, DATABASE_FILE)), dir: mode(mine) }).toEqual({ db: 0o600, dir: 0o755 });

    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    await openSqliteStore(shared).close();
    await openSqliteStore(shared).close();
    expect({ db: mode(join(shared, DATABASE_FILE)), dir: statSync(shared).mode & 0o7777 }).toEqual({ db: 0o600, dir: 0o1777 });
  });
});
