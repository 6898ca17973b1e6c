/**
 * The history database schema, as an ordered list of migrations. `PRAGMA user_version` holds the
 * number of migrations applied; each runs in its own transaction, so a crash mid-upgrade leaves
 * the previous version intact. Never edit a released migration: append a new one.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  /** The version this migration produces (1, 2, …; equal to its position + 1). */
  readonly version: number;
  readonly description: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'conversations, participants and entries',
    up(db) {
      db.exec(`
        CREATE TABLE conversations (
          id               INTEGER PRIMARY KEY,
          account          TEXT    NOT NULL,
          kind             TEXT    NOT NULL CHECK (kind IN ('one-to-one', 'group')),
          key              TEXT    NOT NULL,
          started_at       INTEGER NOT NULL,
          last_activity_at INTEGER NOT NULL,
          entry_count      INTEGER NOT NULL DEFAULT 0,
          last_message_id  INTEGER,
          UNIQUE (account, kind, key)
        );
        CREATE INDEX conversations_by_activity ON conversations (account, last_activity_at DESC);

        CREATE TABLE participants (
          conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          handle          TEXT    NOT NULL,
          display_name    TEXT    NOT NULL,
          first_seen_at   INTEGER NOT NULL,
          PRIMARY KEY (conversation_id, handle)
        );

        CREATE TABLE entries (
          id              INTEGER PRIMARY KEY,
          conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          kind            TEXT    NOT NULL CHECK (kind IN ('message', 'join', 'leave', 'nudge')),
          direction       TEXT    CHECK (direction IN ('incoming', 'outgoing')),
          sender          TEXT    NOT NULL,
          sender_name     TEXT    NOT NULL,
          text            TEXT    NOT NULL DEFAULT '',
          format          TEXT,
          timestamp       INTEGER NOT NULL,
          message_id      TEXT,
          delivery        TEXT,
          idle            INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX entries_by_conversation ON entries (conversation_id, id);
        CREATE INDEX entries_by_message_id ON entries (conversation_id, message_id) WHERE message_id IS NOT NULL;
      `);
    },
  },
  {
    version: 2,
    description: 'full-text index of message text (FTS5, external content)',
    up(db) {
      // External content: the text lives once, in `entries`; triggers keep the index in step.
      // Only messages are indexed (system entries have no text). `secure-delete` removes a
      // deleted message's words from the index at once, so "delete history" really deletes.
      db.exec(`
        CREATE VIRTUAL TABLE entries_fts USING fts5 (
          text,
          content = 'entries',
          content_rowid = 'id',
          tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT INTO entries_fts (entries_fts, rank) VALUES ('secure-delete', 1);
        CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries WHEN new.kind = 'message' BEGIN
          INSERT INTO entries_fts (rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries WHEN old.kind = 'message' BEGIN
          INSERT INTO entries_fts (entries_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER entries_fts_update AFTER UPDATE OF text ON entries WHEN old.kind = 'message' BEGIN
          INSERT INTO entries_fts (entries_fts, rowid, text) VALUES ('delete', old.id, old.text);
          INSERT INTO entries_fts (rowid, text) VALUES (new.id, new.text);
        END;
        INSERT INTO entries_fts (rowid, text) SELECT id, text FROM entries WHERE kind = 'message';
      `);
    },
  },
  {
    version: 3,
    description: 'file transfer lines (entries of kind "file", issue 11)',
    up(db) {
      // SQLite cannot change a CHECK constraint in place: the entries move to a table that allows
      // the new kind, keeping their ids (the full-text index refers to them), and the indexes and
      // the index's triggers are made again on it.
      db.exec(`
        CREATE TABLE entries_v3 (
          id              INTEGER PRIMARY KEY,
          conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          kind            TEXT    NOT NULL CHECK (kind IN ('message', 'join', 'leave', 'nudge', 'file')),
          direction       TEXT    CHECK (direction IN ('incoming', 'outgoing')),
          sender          TEXT    NOT NULL,
          sender_name     TEXT    NOT NULL,
          text            TEXT    NOT NULL DEFAULT '',
          format          TEXT,
          timestamp       INTEGER NOT NULL,
          message_id      TEXT,
          delivery        TEXT,
          idle            INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO entries_v3 (id, conversation_id, kind, direction, sender, sender_name, text, format, timestamp, message_id, delivery, idle)
          SELECT id, conversation_id, kind, direction, sender, sender_name, text, format, timestamp, message_id, delivery, idle FROM entries;
        DROP TABLE entries;
        ALTER TABLE entries_v3 RENAME TO entries;
        CREATE INDEX entries_by_conversation ON entries (conversation_id, id);
        CREATE INDEX entries_by_message_id ON entries (conversation_id, message_id) WHERE message_id IS NOT NULL;
        CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries WHEN new.kind = 'message' BEGIN
          INSERT INTO entries_fts (rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries WHEN old.kind = 'message' BEGIN
          INSERT INTO entries_fts (entries_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER entries_fts_update AFTER UPDATE OF text ON entries WHEN old.kind = 'message' BEGIN
          INSERT INTO entries_fts (entries_fts, rowid, text) VALUES ('delete', old.id, old.text);
          INSERT INTO entries_fts (rowid, text) VALUES (new.id, new.text);
        END;
      `);
    },
  },
  {
    version: 4,
    description: 'the custom emoticons a message used (issue 10: shown in the history view)',
    up(db) {
      // JSON object shortcut → SHA1D, or NULL; checked again whenever it is read.
      db.exec(`ALTER TABLE entries ADD COLUMN emoticons TEXT`);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class HistorySchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistorySchemaError';
  }
}

/**
 * Bring `db` up to `target` (default: the latest). Refuses a database written by a newer Monarch
 * rather than guessing at its layout. Returns the versions applied.
 */
export function migrate(db: Database.Database, target: number = SCHEMA_VERSION): number[] {
  const current = assertSupportedVersion(db);
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}

/**
 * The database's schema version, or a `HistorySchemaError` when a newer Monarch wrote it. Call it
 * before changing anything (even the journal mode), so such a file stays byte-for-byte untouched.
 */
export function assertSupportedVersion(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new HistorySchemaError(
      `The history database has schema version ${current}, newer than this version of Monarch understands (${SCHEMA_VERSION}). ` +
        'It was left untouched; update Monarch to read it.',
    );
  }
  return current;
}
