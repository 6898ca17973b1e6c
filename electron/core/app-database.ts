/**
 * Opens one of the app's own SQLite files (history, the contact-list cache): owner-only on disk
 * (`private-files.ts`), and inside Electron with the addon built for Electron's ABI, which
 * `npm start` builds and names in MONARCH_SQLITE_BINDING (scripts/electron-native.mjs); plain Node
 * uses the installed addon. What to set on the connection (pragmas, schema) is the caller's.
 */
import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { ensurePrivateDir, preparePrivateDatabase } from './private-files';

export function openAppDatabase(path: string): Database.Database {
  if (path !== ':memory:') {
    ensurePrivateDir(dirname(path), path);
    preparePrivateDatabase(path);
  }
  const binding = process.env['MONARCH_SQLITE_BINDING'];
  return new Database(path, binding ? { nativeBinding: binding } : {});
}
