/**
 * Schema migrations, applied in order. The schema version is SQLite's `user_version`; each
 * migration runs in one transaction and bumps it. Never edit a migration that has shipped: add
 * the next one.
 */
export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE users (
        id              INTEGER PRIMARY KEY,
        handle          TEXT NOT NULL UNIQUE,
        friendly_name   TEXT NOT NULL,
        password_hash   TEXT NOT NULL,
        md5_secret      BLOB,
        blp             TEXT NOT NULL DEFAULT 'AL' CHECK (blp IN ('AL', 'BL')),
        gtc             TEXT NOT NULL DEFAULT 'A' CHECK (gtc IN ('A', 'N')),
        list_version    INTEGER NOT NULL DEFAULT 0,
        list_stamp      INTEGER NOT NULL,
        settings_stamp  INTEGER NOT NULL,
        created_at      INTEGER NOT NULL
      );
      CREATE TABLE contacts (
        user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        contact_handle  TEXT NOT NULL,
        lists           INTEGER NOT NULL,
        name            TEXT NOT NULL,
        guid            TEXT NOT NULL,
        groups          TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (user_id, contact_handle)
      ) WITHOUT ROWID;
      CREATE INDEX contacts_by_handle ON contacts(contact_handle);
      CREATE TABLE groups (
        user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        id              INTEGER NOT NULL,
        guid            TEXT NOT NULL,
        name            TEXT NOT NULL,
        PRIMARY KEY (user_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE properties (
        user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        key             TEXT NOT NULL,
        value           TEXT NOT NULL,
        PRIMARY KEY (user_id, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Offline messages (MSNP13-18.md §9.3). `seq` is the arrival order; `content` is the MIME
    // message exactly as the sender put it into Store2; rows go only when the recipient's
    // DeleteMessages names them (at-least-once), or with the recipient's account.
    version: 2,
    sql: `
      CREATE TABLE oims (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        recipient_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        message_id      TEXT NOT NULL UNIQUE,
        sender          TEXT NOT NULL,
        sender_name     TEXT NOT NULL,
        run_id          TEXT NOT NULL,
        run_sequence    INTEGER NOT NULL,
        content         TEXT NOT NULL,
        content_bytes   INTEGER NOT NULL,
        origin          TEXT NOT NULL,
        received_at     INTEGER NOT NULL,
        read            INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX oims_by_recipient ON oims(recipient_id, seq);
    `,
  },
  {
    // The change journal behind exact address-book deltas (MSNP13-18.md §6.3, §6.4): one row per
    // contact entry or group changed (deleted ones included), and since when it is complete. Lists
    // changed before this schema have no rows: history starts at each account's list stamp.
    version: 3,
    sql: `
      CREATE TABLE ab_changes (
        user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind            TEXT NOT NULL CHECK (kind IN ('contact', 'group')),
        guid            TEXT NOT NULL,
        handle          TEXT NOT NULL,
        changed_at      INTEGER NOT NULL,
        PRIMARY KEY (user_id, kind, guid)
      ) WITHOUT ROWID;
      ALTER TABLE users ADD COLUMN history_since INTEGER NOT NULL DEFAULT 0;
      UPDATE users SET history_since = list_stamp;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
