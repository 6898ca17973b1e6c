/**
 * The contact-list cache on disk (the client core's `ListCache`, electron/core/msn/list-cache.ts):
 * one SQLite file in the user data directory, one row per account and server (the core's key),
 * holding the list as JSON with the dialect and version it was synced with. Only a cache: the
 * server's list is the truth, so whatever cannot be read is dropped and the next sign-in
 * downloads the whole list.
 * - A row that is not the JSON it should be, or whose columns disagree with its body, is deleted
 *   and reported as missing; the core also checks what it gets (`usableCache`).
 * - A file that is not a database is deleted (with its side files) and a new one started: nothing
 *   in it cannot be downloaded again.
 * - Contact lists are personal data: the file and its folder are owner-only (as the history's).
 * - Loading and saving are synchronous (better-sqlite3) and small: one row, one transaction.
 */
import type Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import type { CachedContactList, ListCache } from '../msn/list-cache';
import { openAppDatabase } from '../app-database';

/** `PRAGMA user_version` of this file's layout; another value means "not ours": start afresh. */
const SCHEMA_VERSION = 1;

export interface OpenListCacheOptions {
  /** Told when a damaged file was replaced (for a log line; nothing is lost but a download). */
  readonly onReset?: (reason: string) => void;
}

interface Row {
  dialect: number;
  version: string;
  body: string;
}

export class SqliteListCache implements ListCache {
  private readonly load_;
  private readonly save_;
  private readonly drop_;

  private constructor(private readonly db: Database.Database) {
    this.load_ = db.prepare<[string], Row>('SELECT dialect, version, body FROM contact_lists WHERE key = ?');
    this.save_ = db.prepare<[string, number, string, string, number]>(
      `INSERT INTO contact_lists (key, dialect, version, body, saved_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET dialect = excluded.dialect, version = excluded.version, body = excluded.body, saved_at = excluded.saved_at`,
    );
    this.drop_ = db.prepare<[string]>('DELETE FROM contact_lists WHERE key = ?');
  }

  /** Open (or create) the cache at `path` (`:memory:` for a throwaway one). */
  static open(path: string, options: OpenListCacheOptions = {}): SqliteListCache {
    try {
      return new SqliteListCache(openDatabase(path));
    } catch (err) {
      if (path === ':memory:' || !isNotOurs(err)) throw err;
      options.onReset?.(`the contact-list cache ${path} could not be read (${(err as Error).message}); a new one was started`);
      for (const suffix of ['', '-wal', '-shm', '-journal']) if (existsSync(path + suffix)) rmSync(path + suffix);
      return new SqliteListCache(openDatabase(path));
    }
  }

  load(key: string): CachedContactList | undefined {
    const row = this.load_.get(key);
    if (row === undefined) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(row.body);
    } catch {
      body = undefined;
    }
    const list = body as Partial<CachedContactList> | undefined;
    if (typeof list !== 'object' || list === null || list.dialect !== row.dialect || list.version !== row.version) {
      this.drop_.run(key);
      return undefined;
    }
    return list as CachedContactList;
  }

  save(key: string, list: CachedContactList): void {
    this.save_.run(key, list.dialect, list.version, JSON.stringify(list), Date.now());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function openDatabase(path: string): Database.Database {
  const db = openAppDatabase(path);
  try {
    db.pragma('journal_mode = WAL');
    // A lost last write costs one full download, never a wrong list (the version travels with it).
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 2000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0) {
      db.exec(`CREATE TABLE IF NOT EXISTS contact_lists (
        key      TEXT PRIMARY KEY,
        dialect  INTEGER NOT NULL,
        version  TEXT NOT NULL,
        body     TEXT NOT NULL,
        saved_at INTEGER NOT NULL
      ) STRICT`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    } else if (version !== SCHEMA_VERSION) {
      throw Object.assign(new Error(`layout version ${version}, expected ${SCHEMA_VERSION}`), { code: 'MONARCH_CACHE_LAYOUT' });
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function isNotOurs(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code === 'MONARCH_CACHE_LAYOUT';
}
