/**
 * The app's databases (history, the contact-list cache) and their folders are readable by their
 * owner only (0600 / 0700): they hold every conversation and contact. The same rule as the bundled
 * server's store, server/store/private-files.ts, which this layer may not import (ARCHITECTURE.md
 * §2: electron/core reaches server/ only through the local-server launcher). SQLite creates the
 * `-wal` and `-shm` side files with the database file's own permissions, so creating that file
 * 0600 before SQLite opens it covers them too; files and folders made world-readable by an earlier
 * version are tightened when opened.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Creates `dir` (and missing parents) 0700. An existing folder is tightened to 0700 only when it
 * is a data folder an earlier version made (it already holds `databaseFile`), is ours, and is not
 * a shared one (world-writable or sticky, like /tmp): a folder the user named for other things too
 * keeps its permissions, the database files in it are private anyway.
 */
export function ensurePrivateDir(dir: string, databaseFile: string): void {
  if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) return;
  if (!existsSync(databaseFile) || process.platform === 'win32') return;
  const st = statSync(dir);
  if ((st.mode & 0o1002) !== 0) return;
  tighten(dir, 0o700);
}

/** Creates the database file 0600 if missing; tightens it and any side files left from a previous run. */
export function preparePrivateDatabase(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f)) tighten(f, 0o600);
  }
}

function tighten(path: string, mode: number): void {
  // POSIX permission bits; on Windows the files sit in the user's own profile, guarded by ACLs.
  if (process.platform === 'win32') return;
  const st = statSync(path);
  if ((st.mode & 0o777 & ~mode) === 0) return;
  // Someone else's folder (e.g. a shared parent named as the data directory) is not ours to change.
  if (process.getuid !== undefined && st.uid !== process.getuid()) return;
  chmodSync(path, st.mode & mode & 0o777);
}
