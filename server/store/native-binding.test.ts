import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store';

// Inside Electron the SQLite addon comes from MONARCH_SQLITE_BINDING (scripts/electron-native.mjs).
describe('MONARCH_SQLITE_BINDING', () => {
  afterEach(() => {
    delete process.env['MONARCH_SQLITE_BINDING'];
  });

  it('is the addon better-sqlite3 loads when set', () => {
    process.env['MONARCH_SQLITE_BINDING'] = '/nonexistent/better_sqlite3.node';
    expect(() => openSqliteStore(undefined)).toThrow(/nonexistent\/better_sqlite3\.node/);
  });

  it('falls back to the installed addon when unset', () => {
    const store = openSqliteStore(undefined);
    expect(store).toBeDefined();
  });
});
