/**
 * The PostgreSQL store (`pg`), for a server on several nodes sharing one database (issue 13): the
 * same semantics as the SQLite store (store.ts), its own versioned migrations (postgres-migrations.ts),
 * run at start under an advisory lock, and a bounded pool.
 *
 * Each atomic step of the `Store` interface is one method that checks a connection out of the
 * pool, runs BEGIN…COMMIT on it and returns it: no transaction spans two methods, so nothing else
 * can ever run inside one (see store.ts). A method settles only after COMMIT has been answered.
 *
 * When PostgreSQL cannot be reached (refused, reset, a connect or query that times out, the server
 * shutting down), the method rejects with `StoreUnavailableError`; the fronts answer the client
 * with an error and nothing is acknowledged. A connection that broke is dropped from the pool,
 * and the pool opens new ones when PostgreSQL is back. An idle pooled connection that breaks is
 * logged and replaced, never a crash.
 */
import pg from 'pg';
import type { Logger } from '../logger';
import { OIM_COLUMNS, USER_COLUMNS, toAbChange, toOim, toUser, type AbChangeRow, type OimRow, type UserRow } from './rows';
import { LATEST_POSTGRES_SCHEMA_VERSION, POSTGRES_MIGRATIONS, POSTGRES_MIGRATION_LOCK } from './postgres-migrations';
import {
  DuplicateUserError,
  SchemaTooNewError,
  StoreUnavailableError,
  type AccountData,
  type AccountWrite,
  type ContactRecord,
  type Credentials,
  type GroupRecord,
  type NewOim,
  type NewUser,
  type OimLimits,
  type OimRecord,
  type OimStoreResult,
  type Store,
  type UserRecord,
} from './store';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` */
  readonly url: string;
  /** Connections the pool opens at most (each node its own pool). */
  readonly maxConnections?: number;
  /** Waiting for a pooled connection or for PostgreSQL to accept one, before `StoreUnavailableError`. */
  readonly connectTimeoutMs?: number;
  /** One query's longest wait for its answer, before the connection is dropped and the call fails. */
  readonly queryTimeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * 10 connections per node: every operation holds one for a few round trips only; PostgreSQL's
 * default `max_connections` (100) then serves about nine nodes.
 */
export const DEFAULT_POSTGRES_POOL_SIZE = 10;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_QUERY_TIMEOUT_MS = 15_000;

/** int8 (COUNT, SUM, BIGINT columns: millisecond stamps) as numbers: every value here is below 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Opens a pool, migrates the database (waiting for another node doing the same) and returns the store. */
export async function openPostgresStore(o: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.maxConnections ?? DEFAULT_POSTGRES_POOL_SIZE,
    connectionTimeoutMillis: o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    query_timeout: o.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'monarch-server',
    types,
  });
  const store = new PostgresStore(pool, o.logger);
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

type Queryable = pg.Pool | pg.PoolClient;

export class PostgresStore implements Store {
  private closed: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger?: Logger,
  ) {
    // An idle connection that breaks (PostgreSQL restarted, the network cut) is reported here;
    // without a listener it would crash the process. The pool drops it and opens another on demand.
    pool.on('error', (e) => this.logger?.log('warn', 'store-connection-lost', { error: e.message }));
  }

  /** Applies the migrations this database lacks, one node at a time (transaction-scoped advisory lock). */
  async migrate(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [POSTGRES_MIGRATION_LOCK]);
      await c.query('CREATE TABLE IF NOT EXISTS monarch_schema (version INTEGER NOT NULL, applied_at BIGINT NOT NULL)');
      const r = await c.query<{ v: number | null }>('SELECT MAX(version) AS v FROM monarch_schema');
      const current = r.rows[0]?.v ?? 0;
      if (current > LATEST_POSTGRES_SCHEMA_VERSION) {
        throw new SchemaTooNewError(`database schema ${current} is newer than this server (${LATEST_POSTGRES_SCHEMA_VERSION})`);
      }
      for (const m of POSTGRES_MIGRATIONS) {
        if (m.version <= current) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO monarch_schema (version, applied_at) VALUES ($1, $2)', [m.version, Date.now()]);
      }
    });
  }

  /** The schema version the database is at (tests). */
  async schemaVersion(): Promise<number> {
    const r = await this.query<{ v: number | null }>('SELECT MAX(version) AS v FROM monarch_schema');
    return r.rows[0]?.v ?? 0;
  }

  async createUser(user: NewUser): Promise<UserRecord> {
    return this.tx(async (c) => {
      const { passwordHash, md5Secret } = user.credentials;
      // list_version starts at 1 so a client's first `SYN 0` downloads the defaults (MSNP.md §4.3).
      const r = await c.query<UserRow>(
        `INSERT INTO users (handle, friendly_name, password_hash, md5_secret, list_version, list_stamp, settings_stamp, created_at)
         VALUES ($1, $2, $3, $4, 1, $5, $5, $5) ON CONFLICT (handle) DO NOTHING RETURNING ${USER_COLUMNS}`,
        [user.handle, user.friendlyName, passwordHash, md5Secret === undefined ? null : Buffer.from(md5Secret), user.now],
      );
      const row = r.rows[0];
      if (row === undefined) throw new DuplicateUserError(user.handle);
      // Group 0 exists from the start as the pseudo-group `~` (MSNP.md §4.7).
      await c.query('INSERT INTO groups (user_id, id, guid, name) VALUES ($1, 0, $2, $3)', [row.id, '00000000-0000-0000-0000-000000000000', '~']);
      return toUser(row);
    });
  }

  async getUser(handle: string): Promise<UserRecord | undefined> {
    const r = await this.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE handle = $1`, [handle]);
    const row = r.rows[0];
    return row === undefined ? undefined : toUser(row);
  }

  async getCredentials(handle: string): Promise<Credentials | undefined> {
    const r = await this.query<{ password_hash: string; md5_secret: Buffer | null }>('SELECT password_hash, md5_secret FROM users WHERE handle = $1', [handle]);
    const row = r.rows[0];
    if (row === undefined) return undefined;
    return { passwordHash: row.password_hash, md5Secret: row.md5_secret === null ? undefined : new Uint8Array(row.md5_secret) };
  }

  async setCredentials(handle: string, c: Credentials): Promise<boolean> {
    const md5 = c.md5Secret === undefined ? null : Buffer.from(c.md5Secret);
    const r = await this.query('UPDATE users SET password_hash = $1, md5_secret = $2 WHERE handle = $3', [c.passwordHash, md5, handle]);
    return (r.rowCount ?? 0) > 0;
  }

  async deleteUser(handle: string): Promise<boolean> {
    return this.tx(async (c) => {
      await c.query('DELETE FROM contacts WHERE contact_handle = $1', [handle]);
      // Contacts, groups, properties and offline messages go with the row (ON DELETE CASCADE).
      const r = await c.query('DELETE FROM users WHERE handle = $1', [handle]);
      return (r.rowCount ?? 0) > 0;
    });
  }

  async listUsers(): Promise<UserRecord[]> {
    const r = await this.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY handle`);
    return r.rows.map(toUser);
  }

  async usersListing(handle: string): Promise<string[]> {
    const r = await this.query<{ handle: string }>(
      'SELECT u.handle FROM contacts c JOIN users u ON u.id = c.user_id WHERE c.contact_handle = $1 ORDER BY u.handle',
      [handle],
    );
    return r.rows.map((row) => row.handle);
  }

  /** One statement (one round trip, one snapshot): the user row with its lists as JSON. */
  async loadAccount(handle: string): Promise<AccountData | undefined> {
    const r = await this.query<UserRow & { contacts: ContactJson[]; groups: GroupRecord[]; properties: Array<{ key: string; value: string }>; changes: AbChangeRow[] }>(
      `SELECT ${USER_COLUMNS.split(', ').map((col) => `u.${col}`).join(', ')},
        (SELECT COALESCE(json_agg(json_build_object('handle', c.contact_handle, 'lists', c.lists, 'name', c.name, 'guid', c.guid, 'groups', c.groups)), '[]')
           FROM contacts c WHERE c.user_id = u.id) AS contacts,
        (SELECT COALESCE(json_agg(json_build_object('id', g.id, 'guid', g.guid, 'name', g.name) ORDER BY g.id), '[]')
           FROM groups g WHERE g.user_id = u.id) AS groups,
        (SELECT COALESCE(json_agg(json_build_object('key', p.key, 'value', p.value)), '[]')
           FROM properties p WHERE p.user_id = u.id) AS properties,
        (SELECT COALESCE(json_agg(json_build_object('kind', a.kind, 'guid', a.guid, 'handle', a.handle, 'changed_at', a.changed_at) ORDER BY a.changed_at), '[]')
           FROM ab_changes a WHERE a.user_id = u.id) AS changes
       FROM users u WHERE u.handle = $1`,
      [handle],
    );
    const row = r.rows[0];
    if (row === undefined) return undefined;
    const contacts = row.contacts.map((c): ContactRecord => ({ handle: c.handle, lists: c.lists, name: c.name, guid: c.guid, groups: c.groups }));
    const properties = new Map<string, string>();
    for (const p of row.properties) properties.set(p.key, p.value);
    return { user: toUser(row), contacts, groups: row.groups, properties, changes: row.changes.map(toAbChange) };
  }

  async saveUser(u: UserRecord): Promise<void> {
    await this.saveUserOn(this.pool, u);
  }

  async saveContact(userId: number, c: ContactRecord): Promise<void> {
    await this.saveContactOn(this.pool, userId, c);
  }

  async deleteContact(userId: number, handle: string): Promise<void> {
    await this.query('DELETE FROM contacts WHERE user_id = $1 AND contact_handle = $2', [userId, handle]);
  }

  async saveGroup(userId: number, g: GroupRecord): Promise<void> {
    await this.saveGroupOn(this.pool, userId, g);
  }

  async deleteGroup(userId: number, id: number): Promise<void> {
    await this.query('DELETE FROM groups WHERE user_id = $1 AND id = $2', [userId, id]);
  }

  async saveProperty(userId: number, key: string, value: string | undefined): Promise<void> {
    await this.savePropertyOn(this.pool, userId, key, value);
  }

  async applyAccountChanges(user: UserRecord, writes: readonly AccountWrite[]): Promise<void> {
    await this.tx(async (c) => {
      for (const w of writes) {
        switch (w.kind) {
          case 'contact':
            await this.saveContactOn(c, user.id, w.contact);
            break;
          case 'delete-contact':
            await c.query('DELETE FROM contacts WHERE user_id = $1 AND contact_handle = $2', [user.id, w.handle]);
            break;
          case 'group':
            await this.saveGroupOn(c, user.id, w.group);
            break;
          case 'delete-group':
            await c.query('DELETE FROM groups WHERE user_id = $1 AND id = $2', [user.id, w.id]);
            break;
          case 'property':
            await this.savePropertyOn(c, user.id, w.key, w.value);
            break;
          case 'ab-change':
            await c.query(
              `INSERT INTO ab_changes (user_id, kind, guid, handle, changed_at) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (user_id, kind, guid) DO UPDATE SET handle = excluded.handle, changed_at = excluded.changed_at`,
              [user.id, w.change.kind, w.change.guid, w.change.handle, w.change.changedAt],
            );
            break;
          case 'forget-ab-changes':
            await c.query('DELETE FROM ab_changes WHERE user_id = $1 AND changed_at <= $2', [user.id, w.upTo]);
            break;
        }
      }
      await this.saveUserOn(c, user);
    });
  }

  async addOim(recipientId: number, oim: NewOim, limits: OimLimits): Promise<OimStoreResult> {
    const bytes = Buffer.byteLength(oim.content, 'utf8');
    return this.tx(async (c) => {
      // The recipient's row locked: two messages stored at once (two nodes) cannot both pass the
      // limit check on the same count.
      await c.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [recipientId]);
      const usage = await c.query<{ count: number; bytes: number }>(
        'SELECT COUNT(*) AS count, COALESCE(SUM(content_bytes), 0)::bigint AS bytes FROM oims WHERE recipient_id = $1',
        [recipientId],
      );
      const { count, bytes: used } = usage.rows[0] ?? { count: 0, bytes: 0 };
      if (count + 1 > limits.maxCount) return 'count-limit';
      if (used + bytes > limits.maxBytes) return 'size-limit';
      await c.query(
        `INSERT INTO oims (recipient_id, message_id, sender, sender_name, run_id, run_sequence, content, content_bytes, origin, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [recipientId, oim.messageId, oim.sender, oim.senderName, oim.runId, oim.runSequence, oim.content, bytes, oim.origin, oim.receivedAt],
      );
      return 'stored';
    });
  }

  async findOim(recipientId: number, sender: string, runId: string, runSequence: number): Promise<string | undefined> {
    const r = await this.query<{ message_id: string }>(
      'SELECT message_id FROM oims WHERE recipient_id = $1 AND sender = $2 AND run_id = $3 AND run_sequence = $4 LIMIT 1',
      [recipientId, sender, runId, runSequence],
    );
    return r.rows[0]?.message_id;
  }

  async listOims(recipientId: number): Promise<OimRecord[]> {
    const r = await this.query<OimRow>(`SELECT ${OIM_COLUMNS} FROM oims WHERE recipient_id = $1 ORDER BY seq`, [recipientId]);
    return r.rows.map(toOim);
  }

  async getOim(recipientId: number, messageId: string): Promise<OimRecord | undefined> {
    const r = await this.query<OimRow>(`SELECT ${OIM_COLUMNS} FROM oims WHERE recipient_id = $1 AND message_id = $2`, [recipientId, messageId]);
    const row = r.rows[0];
    return row === undefined ? undefined : toOim(row);
  }

  async markOimRead(recipientId: number, messageId: string): Promise<boolean> {
    const r = await this.query('UPDATE oims SET read = TRUE WHERE recipient_id = $1 AND message_id = $2', [recipientId, messageId]);
    return (r.rowCount ?? 0) > 0;
  }

  async deleteOims(recipientId: number, messageIds: readonly string[]): Promise<number | undefined> {
    const ids = [...new Set(messageIds)];
    return this.tx(async (c) => {
      // All first, locked, then delete: one id that is not the caller's deletes nothing
      // (MSNP13-18.md §9.3); a concurrent delete of the same ids waits here and then finds them gone.
      const found = await c.query('SELECT message_id FROM oims WHERE recipient_id = $1 AND message_id = ANY($2::text[]) FOR UPDATE', [recipientId, ids]);
      if (found.rows.length !== ids.length) return undefined;
      await c.query('DELETE FROM oims WHERE recipient_id = $1 AND message_id = ANY($2::text[])', [recipientId, ids]);
      return ids.length;
    });
  }

  async sharedSecret(name: string, create: () => Uint8Array): Promise<Uint8Array> {
    // Insert-if-absent, then read: when nodes start together the first insert wins and every
    // node reads that one.
    await this.query('INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, Buffer.from(create())]);
    const r = await this.query<{ value: Buffer }>('SELECT value FROM server_secrets WHERE name = $1', [name]);
    const row = r.rows[0];
    if (row === undefined) throw new Error(`secret ${name} vanished`);
    return new Uint8Array(row.value);
  }

  close(): Promise<void> {
    return (this.closed ??= this.pool.end());
  }

  // ---- internals --------------------------------------------------------------------------

  private async saveUserOn(q: Queryable, u: UserRecord): Promise<void> {
    await q.query(
      'UPDATE users SET friendly_name = $1, blp = $2, gtc = $3, list_version = $4, list_stamp = $5, settings_stamp = $6, history_since = $7 WHERE id = $8',
      [u.friendlyName, u.blp, u.gtc, u.listVersion, u.listStamp, u.settingsStamp, u.historySince, u.id],
    );
  }

  private async saveContactOn(q: Queryable, userId: number, c: ContactRecord): Promise<void> {
    await q.query(
      `INSERT INTO contacts (user_id, contact_handle, lists, name, guid, groups) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id, contact_handle) DO UPDATE SET lists = excluded.lists, name = excluded.name, groups = excluded.groups`,
      [userId, c.handle, c.lists, c.name, c.guid, c.groups],
    );
  }

  private async saveGroupOn(q: Queryable, userId: number, g: GroupRecord): Promise<void> {
    await q.query(
      'INSERT INTO groups (user_id, id, guid, name) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, id) DO UPDATE SET name = excluded.name',
      [userId, g.id, g.guid, g.name],
    );
  }

  private async savePropertyOn(q: Queryable, userId: number, key: string, value: string | undefined): Promise<void> {
    if (value === undefined) await q.query('DELETE FROM properties WHERE user_id = $1 AND key = $2', [userId, key]);
    else {
      await q.query('INSERT INTO properties (user_id, key, value) VALUES ($1, $2, $3) ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value', [
        userId,
        key,
        value,
      ]);
    }
  }

  /** One statement on any pooled connection. */
  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, values);
    } catch (e) {
      throw unavailableOr(e);
    }
  }

  /**
   * BEGIN…COMMIT on one connection; ROLLBACK when `fn` throws. A connection whose state is
   * unknown (the ROLLBACK failed too) is destroyed rather than returned to the pool.
   */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw unavailableOr(e);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw unavailableOr(e);
    } finally {
      client.release(broken);
    }
  }
}

interface ContactJson {
  handle: string;
  lists: number;
  name: string;
  guid: string;
  groups: number[];
}

/** Node's socket errors, pg's own connection failures and timeouts. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNREACHABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'Client was closed and is not queryable',
];

/**
 * Errors that mean "PostgreSQL could not be reached or went away" become `StoreUnavailableError`;
 * anything else (a constraint, a bug) stays as it is. SQLSTATE class 08 is a connection
 * exception; 57P01–57P03 are shutdowns and "cannot connect now"; 53300 too many connections.
 */
function unavailableOr(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof StoreUnavailableError) return e;
  const code = (e as { code?: unknown }).code;
  const reachable =
    !(typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')) &&
    !UNREACHABLE_MESSAGES.some((m) => e.message.includes(m));
  return reachable ? e : new StoreUnavailableError(`PostgreSQL unavailable: ${e.message}`, { cause: e });
}

