/**
 * The SQLite store (better-sqlite3, WAL). A file in the data directory, or `:memory:` for tests.
 *
 * better-sqlite3 is synchronous and the `Store` interface is not: every method does all its work,
 * transaction included, before it returns an already-settled promise. No method awaits anything
 * between its BEGIN and COMMIT, so on Node's one thread no other operation can ever run inside
 * one of its transactions (an interleaving that an awaiting callback transaction over this single
 * connection would allow; see store.ts). Writes land in the order the calls are made.
 */
import Database from 'better-sqlite3';
import { OIM_COLUMNS, USER_COLUMNS, toAbChange, toOim, toUser, type AbChangeRow, type OimRow, type UserRow } from './rows';
import { join } from 'node:path';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import { ensurePrivateDir, preparePrivateDatabase } from './private-files';
import {
  DuplicateUserError,
  SchemaTooNewError,
  type AccountData,
  type ContactRecord,
  type Credentials,
  type GroupRecord,
  type NewOim,
  type NewUser,
  type OimLimits,
  type OimRecord,
  type OimStoreResult,
  type Store,
  type AccountWrite,
  type UserRecord,
} from './store';

export const DATABASE_FILE = 'monarch-server.sqlite';

interface ContactRow {
  contact_handle: string;
  lists: number;
  name: string;
  guid: string;
  groups: string;
}

export { SchemaTooNewError } from './store';

/** Opens (creating if needed) the database in `dataDir`, or an in-memory one, and migrates it. */
export function openSqliteStore(dataDir: string | undefined): SqliteStore {
  let file = ':memory:';
  if (dataDir !== undefined) {
    file = join(dataDir, DATABASE_FILE);
    ensurePrivateDir(dataDir, file);
    preparePrivateDatabase(file);
  }
  return new SqliteStore(new Database(file, nativeBindingOptions()));
}

/**
 * Inside Electron, better-sqlite3 must load an addon built for Electron's ABI; `npm start` builds
 * one (scripts/electron-native.mjs) and names it in MONARCH_SQLITE_BINDING. Plain Node (tests,
 * `npm run server`) uses the addon `npm install` built.
 */
function nativeBindingOptions(): Database.Options {
  const binding = process.env['MONARCH_SQLITE_BINDING'];
  return binding ? { nativeBinding: binding } : {};
}

export class SqliteStore implements Store {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    this.stmt = {
      insertUser: db.prepare(
        // list_version starts at 1 so a client's first `SYN 0` downloads the defaults (MSNP.md §4.3).
        `INSERT INTO users (handle, friendly_name, password_hash, md5_secret, list_version, list_stamp, settings_stamp, created_at)
         VALUES (?, ?, ?, ?, 1, ?, ?, ?)`,
      ),
      getUser: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE handle = ?`),
      listUsers: db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY handle`),
      getCredentials: db.prepare('SELECT password_hash, md5_secret FROM users WHERE handle = ?'),
      setCredentials: db.prepare('UPDATE users SET password_hash = ?, md5_secret = ? WHERE handle = ?'),
      deleteUser: db.prepare('DELETE FROM users WHERE handle = ?'),
      deleteEverywhere: db.prepare('DELETE FROM contacts WHERE contact_handle = ?'),
      usersListing: db.prepare(
        'SELECT u.handle FROM contacts c JOIN users u ON u.id = c.user_id WHERE c.contact_handle = ?',
      ),
      saveUser: db.prepare(
        `UPDATE users SET friendly_name = ?, blp = ?, gtc = ?, list_version = ?, list_stamp = ?, settings_stamp = ?, history_since = ?
         WHERE id = ?`,
      ),
      abChanges: db.prepare('SELECT kind, guid, handle, changed_at FROM ab_changes WHERE user_id = ? ORDER BY changed_at'),
      saveAbChange: db.prepare(
        `INSERT INTO ab_changes (user_id, kind, guid, handle, changed_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (user_id, kind, guid) DO UPDATE SET handle = excluded.handle, changed_at = excluded.changed_at`,
      ),
      forgetAbChanges: db.prepare('DELETE FROM ab_changes WHERE user_id = ? AND changed_at <= ?'),
      contacts: db.prepare('SELECT contact_handle, lists, name, guid, groups FROM contacts WHERE user_id = ?'),
      saveContact: db.prepare(
        `INSERT INTO contacts (user_id, contact_handle, lists, name, guid, groups) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, contact_handle) DO UPDATE SET lists = excluded.lists, name = excluded.name, groups = excluded.groups`,
      ),
      deleteContact: db.prepare('DELETE FROM contacts WHERE user_id = ? AND contact_handle = ?'),
      groups: db.prepare('SELECT id, guid, name FROM groups WHERE user_id = ? ORDER BY id'),
      saveGroup: db.prepare(
        `INSERT INTO groups (user_id, id, guid, name) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, id) DO UPDATE SET name = excluded.name`,
      ),
      deleteGroup: db.prepare('DELETE FROM groups WHERE user_id = ? AND id = ?'),
      properties: db.prepare('SELECT key, value FROM properties WHERE user_id = ?'),
      saveProperty: db.prepare(
        'INSERT INTO properties (user_id, key, value) VALUES (?, ?, ?) ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value',
      ),
      deleteProperty: db.prepare('DELETE FROM properties WHERE user_id = ? AND key = ?'),
      oimUsage: db.prepare('SELECT COUNT(*) AS count, COALESCE(SUM(content_bytes), 0) AS bytes FROM oims WHERE recipient_id = ?'),
      insertOim: db.prepare(
        `INSERT INTO oims (recipient_id, message_id, sender, sender_name, run_id, run_sequence, content, content_bytes, origin, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      listOims: db.prepare(`SELECT ${OIM_COLUMNS} FROM oims WHERE recipient_id = ? ORDER BY seq`),
      getOim: db.prepare(`SELECT ${OIM_COLUMNS} FROM oims WHERE recipient_id = ? AND message_id = ?`),
      findOim: db.prepare('SELECT message_id FROM oims WHERE recipient_id = ? AND sender = ? AND run_id = ? AND run_sequence = ?'),
      oimExists: db.prepare('SELECT 1 FROM oims WHERE recipient_id = ? AND message_id = ?'),
      markOimRead: db.prepare('UPDATE oims SET read = 1 WHERE recipient_id = ? AND message_id = ?'),
      deleteOim: db.prepare('DELETE FROM oims WHERE recipient_id = ? AND message_id = ?'),
    };
  }

  async createUser(user: NewUser): Promise<UserRecord> {
    return this.transaction(() => {
      if (this.stmt.getUser.get(user.handle) !== undefined) throw new DuplicateUserError(user.handle);
      const { passwordHash, md5Secret } = user.credentials;
      const info = this.stmt.insertUser.run(
        user.handle,
        user.friendlyName,
        passwordHash,
        md5Secret === undefined ? null : Buffer.from(md5Secret),
        user.now,
        user.now,
        user.now,
      );
      const id = Number(info.lastInsertRowid);
      // Group 0 exists from the start as the pseudo-group `~` (MSNP.md §4.7).
      this.stmt.saveGroup.run(id, 0, '00000000-0000-0000-0000-000000000000', '~');
      return this.userSync(user.handle) as UserRecord;
    });
  }

  async getUser(handle: string): Promise<UserRecord | undefined> {
    return this.userSync(handle);
  }

  private userSync(handle: string): UserRecord | undefined {
    const row = this.stmt.getUser.get(handle) as UserRow | undefined;
    return row === undefined ? undefined : toUser(row);
  }

  async getCredentials(handle: string): Promise<Credentials | undefined> {
    const row = this.stmt.getCredentials.get(handle) as { password_hash: string; md5_secret: Buffer | null } | undefined;
    if (row === undefined) return undefined;
    return { passwordHash: row.password_hash, md5Secret: row.md5_secret === null ? undefined : new Uint8Array(row.md5_secret) };
  }

  async setCredentials(handle: string, c: Credentials): Promise<boolean> {
    const md5 = c.md5Secret === undefined ? null : Buffer.from(c.md5Secret);
    return this.stmt.setCredentials.run(c.passwordHash, md5, handle).changes > 0;
  }

  async deleteUser(handle: string): Promise<boolean> {
    return this.transaction(() => {
      this.stmt.deleteEverywhere.run(handle);
      return this.stmt.deleteUser.run(handle).changes > 0;
    });
  }

  async listUsers(): Promise<UserRecord[]> {
    return (this.stmt.listUsers.all() as UserRow[]).map(toUser);
  }

  async usersListing(handle: string): Promise<string[]> {
    return (this.stmt.usersListing.all(handle) as Array<{ handle: string }>).map((r) => r.handle);
  }

  async loadAccount(handle: string): Promise<AccountData | undefined> {
    const user = this.userSync(handle);
    if (user === undefined) return undefined;
    const contacts = (this.stmt.contacts.all(user.id) as ContactRow[]).map(
      (r): ContactRecord => ({
        handle: r.contact_handle,
        lists: r.lists,
        name: r.name,
        guid: r.guid,
        groups: r.groups === '' ? [] : r.groups.split(',').map(Number),
      }),
    );
    const groups = this.stmt.groups.all(user.id) as GroupRecord[];
    const properties = new Map<string, string>();
    for (const r of this.stmt.properties.all(user.id) as Array<{ key: string; value: string }>) properties.set(r.key, r.value);
    const changes = (this.stmt.abChanges.all(user.id) as AbChangeRow[]).map(toAbChange);
    return { user, contacts, groups, properties, changes };
  }

  async saveUser(u: UserRecord): Promise<void> {
    this.saveUserSync(u);
  }

  private saveUserSync(u: UserRecord): void {
    this.stmt.saveUser.run(u.friendlyName, u.blp, u.gtc, u.listVersion, u.listStamp, u.settingsStamp, u.historySince, u.id);
  }

  async saveContact(userId: number, c: ContactRecord): Promise<void> {
    this.saveContactSync(userId, c);
  }

  private saveContactSync(userId: number, c: ContactRecord): void {
    this.stmt.saveContact.run(userId, c.handle, c.lists, c.name, c.guid, c.groups.join(','));
  }

  async deleteContact(userId: number, handle: string): Promise<void> {
    this.stmt.deleteContact.run(userId, handle);
  }

  async saveGroup(userId: number, g: GroupRecord): Promise<void> {
    this.stmt.saveGroup.run(userId, g.id, g.guid, g.name);
  }

  async deleteGroup(userId: number, id: number): Promise<void> {
    this.stmt.deleteGroup.run(userId, id);
  }

  async saveProperty(userId: number, key: string, value: string | undefined): Promise<void> {
    this.savePropertySync(userId, key, value);
  }

  private savePropertySync(userId: number, key: string, value: string | undefined): void {
    if (value === undefined) this.stmt.deleteProperty.run(userId, key);
    else this.stmt.saveProperty.run(userId, key, value);
  }

  async addOim(recipientId: number, oim: NewOim, limits: OimLimits): Promise<OimStoreResult> {
    const bytes = Buffer.byteLength(oim.content, 'utf8');
    return this.transaction(() => {
      const usage = this.stmt.oimUsage.get(recipientId) as { count: number; bytes: number };
      if (usage.count + 1 > limits.maxCount) return 'count-limit';
      if (usage.bytes + bytes > limits.maxBytes) return 'size-limit';
      this.stmt.insertOim.run(
        recipientId,
        oim.messageId,
        oim.sender,
        oim.senderName,
        oim.runId,
        oim.runSequence,
        oim.content,
        bytes,
        oim.origin,
        oim.receivedAt,
      );
      return 'stored';
    });
  }

  async findOim(recipientId: number, sender: string, runId: string, runSequence: number): Promise<string | undefined> {
    const row = this.stmt.findOim.get(recipientId, sender, runId, runSequence) as { message_id: string } | undefined;
    return row?.message_id;
  }

  async listOims(recipientId: number): Promise<OimRecord[]> {
    return (this.stmt.listOims.all(recipientId) as OimRow[]).map(toOim);
  }

  async getOim(recipientId: number, messageId: string): Promise<OimRecord | undefined> {
    const row = this.stmt.getOim.get(recipientId, messageId) as OimRow | undefined;
    return row === undefined ? undefined : toOim(row);
  }

  async markOimRead(recipientId: number, messageId: string): Promise<boolean> {
    return this.stmt.markOimRead.run(recipientId, messageId).changes > 0;
  }

  async deleteOims(recipientId: number, messageIds: readonly string[]): Promise<number | undefined> {
    const ids = [...new Set(messageIds)];
    return this.transaction(() => {
      // All first, then delete: one id that is not the caller's deletes nothing (MSNP13-18.md §9.3).
      for (const id of ids) if (this.stmt.oimExists.get(recipientId, id) === undefined) return undefined;
      for (const id of ids) this.stmt.deleteOim.run(recipientId, id);
      return ids.length;
    });
  }

  async applyAccountChanges(user: UserRecord, writes: readonly AccountWrite[]): Promise<void> {
    this.transaction(() => {
      for (const w of writes) {
        switch (w.kind) {
          case 'contact':
            this.saveContactSync(user.id, w.contact);
            break;
          case 'delete-contact':
            this.stmt.deleteContact.run(user.id, w.handle);
            break;
          case 'group':
            this.stmt.saveGroup.run(user.id, w.group.id, w.group.guid, w.group.name);
            break;
          case 'delete-group':
            this.stmt.deleteGroup.run(user.id, w.id);
            break;
          case 'property':
            this.savePropertySync(user.id, w.key, w.value);
            break;
          case 'ab-change':
            this.stmt.saveAbChange.run(user.id, w.change.kind, w.change.guid, w.change.handle, w.change.changedAt);
            break;
          case 'forget-ab-changes':
            this.stmt.forgetAbChanges.run(user.id, w.upTo);
            break;
        }
      }
      this.saveUserSync(user);
    });
  }

  /** SQLite keeps the server's secrets in files of the data folder (SecretBox, SsoTokens). */
  async sharedSecret(_name: string, _create: () => Uint8Array): Promise<undefined> {
    return undefined;
  }

  /** Synchronous from BEGIN to COMMIT: `fn` must not await (see the file comment). */
  private transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new SchemaTooNewError(`database schema ${current} is newer than this server (${LATEST_SCHEMA_VERSION})`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
