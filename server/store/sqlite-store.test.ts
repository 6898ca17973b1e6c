import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from './migrations';
import { DATABASE_FILE, openSqliteStore, SchemaTooNewError } from './sqlite-store';
import { DuplicateUserError, ListBit } from './store';

const creds = { passwordHash: 'scrypt$x', md5Secret: new Uint8Array([1, 2, 3]) };

describe('SqliteStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monarch-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates a fresh file to the latest schema in WAL mode and keeps data across reopen', () => {
    const store = openSqliteStore(dir);
    const u = store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: creds, now: 1000 });
    expect(u.listVersion).toBe(1);
    expect(() => store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: creds, now: 1 })).toThrow(DuplicateUserError);
    store.saveContact(u.id, { handle: 'b@example.com', lists: ListBit.FL | ListBit.AL, name: 'B', guid: 'g-1', groups: [0, 3] });
    store.saveGroup(u.id, { id: 3, guid: 'g-3', name: 'Friends' });
    store.saveProperty(u.id, 'PHH', '555');
    store.close();

    const db = new Database(join(dir, DATABASE_FILE));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    db.close();

    const again = openSqliteStore(dir);
    const acc = again.loadAccount('a@example.com');
    expect(acc?.contacts).toEqual([{ handle: 'b@example.com', lists: 3, name: 'B', guid: 'g-1', groups: [0, 3] }]);
    expect(acc?.groups.map((g) => g.name)).toEqual(['~', 'Friends']);
    expect(acc?.properties.get('PHH')).toBe('555');
    expect(again.getCredentials('a@example.com')?.md5Secret).toEqual(new Uint8Array([1, 2, 3]));
    expect(again.usersListing('b@example.com')).toEqual(['a@example.com']);
    expect(again.deleteUser('a@example.com')).toBe(true);
    expect(again.loadAccount('a@example.com')).toBeUndefined();
    again.close();
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
});
