/**
 * The SQLite history store (better-sqlite3). One database file per user-data directory holds every
 * account's logs. Design points:
 * - WAL journal, one transaction per write: a write that returned is in the WAL, and a killed
 *   process loses nothing that was acknowledged (`synchronous = NORMAL` keeps that guarantee for
 *   process crashes; `FULL` also survives power loss at a cost per write, see the benchmark).
 * - Prepared statements, created once.
 * - Deletion really deletes: `secure_delete` overwrites freed pages, the FTS index drops the words
 *   at once (`secure-delete`), and delete-all truncates the WAL.
 * - A database that is not a database (corrupt) is moved aside, never deleted, and a new one started.
 */
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { z } from 'zod';
import { emoticonShortcutSchema } from '../../../shared/ipc/emoticons';
import { MAX_HISTORY_EMOTICONS, type HistoryEmoticons } from '../../../shared/ipc/history-types';
import type { DeliveryState, TextFormat } from '../../../shared/model';
import { toFtsQuery } from './fts-query';
import { openAppDatabase } from '../app-database';
import { assertSupportedVersion, migrate } from './schema';
import type {
  ConversationKind,
  ConversationRef,
  Direction,
  HistoryConversation,
  HistoryEntry,
  HistoryParticipant,
  HistoryStore,
  ListOptions,
  MessageEntry,
  NewMessage,
  NewSystemEntry,
  Page,
  SearchHit,
  SearchOptions,
  SnippetSegment,
} from './types';

export interface OpenHistoryOptions {
  /** `NORMAL` (default): durable across process crashes. `FULL`: also across power loss. */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /** What to do when the file is not a readable database. Default: move it aside and start afresh. */
  readonly onCorrupt?: 'move-aside' | 'throw';
  /** Called when a corrupt file was moved aside (for a notice to the user). */
  readonly onRecovered?: (movedTo: string) => void;
  /**
   * Deleting more entries than this at once rebuilds the search index instead of removing each
   * message from it (about 0.5 ms per message with FTS5 secure-delete). Default 2000.
   */
  readonly bulkDeleteThreshold?: number;
}

/** Characters of the last message kept for the conversation list. */
const SNIPPET_CHARS = 120;
/** Tokens of context in a search snippet (FTS5 allows at most 64). */
const SEARCH_SNIPPET_TOKENS = 16;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

const textFormatSchema = z.object({
  font: z.string(),
  bold: z.boolean(),
  italic: z.boolean(),
  underline: z.boolean(),
  strikethrough: z.boolean(),
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
  rightToLeft: z.boolean().optional(),
});

/** A SHA1D is the base64 of 20 bytes: 27 characters and one `=`. */
const SHA1D = /^[A-Za-z0-9+/]{27}=$/;
const emoticonsSchema = z
  .record(emoticonShortcutSchema, z.string().regex(SHA1D))
  .refine((r) => Object.keys(r).length > 0 && Object.keys(r).length <= MAX_HISTORY_EMOTICONS);

const DELIVERY_STATES: readonly DeliveryState[] = ['sending', 'sent', 'delivered', 'failed', 'saved-offline'];

interface EntryRow {
  id: number;
  conversation_id: number;
  kind: string;
  direction: string | null;
  sender: string;
  sender_name: string;
  text: string;
  format: string | null;
  timestamp: number;
  message_id: string | null;
  delivery: string | null;
  idle: number;
  emoticons: string | null;
}

interface ConversationRow {
  id: number;
  account: string;
  kind: ConversationKind;
  key: string;
  started_at: number;
  last_activity_at: number;
  entry_count: number;
  snippet: string | null;
}

interface ParticipantRow {
  conversation_id: number;
  handle: string;
  display_name: string;
}

function clampLimit(n: number | undefined, fallback: number): number {
  if (n === undefined || !Number.isFinite(n)) return fallback;
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(n)));
}

/** Stored format JSON back to a TextFormat; anything unreadable becomes "no formatting". */
function parseFormat(json: string | null): TextFormat | null {
  if (json === null) return null;
  try {
    const r = textFormatSchema.safeParse(JSON.parse(json));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/**
 * A message's custom emoticons, checked both ways (what is written, and what is read back from a
 * file anyone could have edited); anything else is "none", so the text shows as text.
 */
function checkedEmoticons(value: unknown): HistoryEmoticons | undefined {
  const r = emoticonsSchema.safeParse(value);
  return r.success ? r.data : undefined;
}

function parseEmoticons(json: string | null): HistoryEmoticons | undefined {
  if (json === null) return undefined;
  try {
    return checkedEmoticons(JSON.parse(json));
  } catch {
    return undefined;
  }
}

function toDirection(s: string | null): Direction {
  return s === 'outgoing' ? 'outgoing' : 'incoming';
}

function toEntry(r: EntryRow): HistoryEntry {
  const base = {
    id: r.id,
    conversationId: r.conversation_id,
    timestamp: r.timestamp,
    sender: r.sender,
    senderName: r.sender_name,
  };
  switch (r.kind) {
    case 'join':
      return { ...base, kind: 'join' };
    case 'leave':
      return { ...base, kind: 'leave', idle: r.idle !== 0 };
    case 'nudge':
      return { ...base, kind: 'nudge', direction: toDirection(r.direction) };
    case 'file':
      return { ...base, kind: 'file', direction: toDirection(r.direction), text: r.text };
    default: {
      const delivery = (DELIVERY_STATES as readonly string[]).includes(r.delivery ?? '') ? (r.delivery as DeliveryState) : 'delivered';
      const emoticons = parseEmoticons(r.emoticons);
      return {
        ...base,
        kind: 'message',
        direction: toDirection(r.direction),
        text: r.text,
        format: parseFormat(r.format),
        messageId: r.message_id,
        delivery,
        ...(emoticons ? { emoticons } : {}),
      };
    }
  }
}

/** Split FTS5 `snippet()` output marked with `open`/`close` into plain segments. */
export function splitSnippet(marked: string, open: string, close: string): SnippetSegment[] {
  const out: SnippetSegment[] = [];
  let rest = marked;
  while (rest.length > 0) {
    const o = rest.indexOf(open);
    if (o < 0) {
      out.push({ text: rest, match: false });
      break;
    }
    if (o > 0) out.push({ text: rest.slice(0, o), match: false });
    const after = rest.slice(o + open.length);
    const c = after.indexOf(close);
    if (c < 0) {
      out.push({ text: after, match: true });
      break;
    }
    out.push({ text: after.slice(0, c), match: true });
    rest = after.slice(c + close.length);
  }
  // Merge neighbours of the same kind (FTS5 marks each matching token separately).
  const merged: SnippetSegment[] = [];
  for (const s of out) {
    if (s.text.length === 0) continue;
    const last = merged[merged.length - 1];
    if (last && last.match === s.match) merged[merged.length - 1] = { text: last.text + s.text, match: s.match };
    else merged.push(s);
  }
  return merged;
}

function isCorruptionError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
}

function openDatabase(path: string, synchronous: 'NORMAL' | 'FULL'): Database.Database {
  const db = openAppDatabase(path);
  try {
    assertSupportedVersion(db);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Open (creating or upgrading) the history database at `path` (`:memory:` for a throwaway one). */
export function openHistoryStore(path: string, options: OpenHistoryOptions = {}): HistoryStore {
  const synchronous = options.synchronous ?? 'NORMAL';
  let db: Database.Database;
  try {
    db = openDatabase(path, synchronous);
  } catch (err) {
    if (!isCorruptionError(err) || options.onCorrupt === 'throw' || path === ':memory:') throw err;
    const movedTo = `${path}.corrupt-${Date.now()}`;
    renameSync(path, movedTo);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(path + suffix)) renameSync(path + suffix, movedTo + suffix);
    }
    options.onRecovered?.(movedTo);
    db = openDatabase(path, synchronous);
  }
  return new SqliteHistoryStore(db, options.bulkDeleteThreshold ?? DEFAULT_BULK_DELETE_THRESHOLD);
}

const DEFAULT_BULK_DELETE_THRESHOLD = 2000;

class SqliteHistoryStore implements HistoryStore {
  private readonly s;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly bulkDeleteThreshold: number,
  ) {
    const conversationColumns = `
      c.id, c.account, c.kind, c.key, c.started_at, c.last_activity_at, c.entry_count,
      substr(m.text, 1, ${SNIPPET_CHARS}) AS snippet`;
    this.s = {
      findConversation: db.prepare<[string, string, string], ConversationRow>(
        `SELECT ${conversationColumns} FROM conversations c LEFT JOIN entries m ON m.id = c.last_message_id
         WHERE c.account = ? AND c.kind = ? AND c.key = ?`,
      ),
      getConversation: db.prepare<[number], ConversationRow>(
        `SELECT ${conversationColumns} FROM conversations c LEFT JOIN entries m ON m.id = c.last_message_id WHERE c.id = ?`,
      ),
      listConversations: db.prepare<[string, number, number], ConversationRow>(
        `SELECT ${conversationColumns} FROM conversations c LEFT JOIN entries m ON m.id = c.last_message_id
         WHERE c.account = ? ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ? OFFSET ?`,
      ),
      insertConversation: db.prepare<[string, string, string, number, number]>(
        `INSERT INTO conversations (account, kind, key, started_at, last_activity_at) VALUES (?, ?, ?, ?, ?)`,
      ),
      participants: db.prepare<[number], ParticipantRow>(
        `SELECT conversation_id, handle, display_name FROM participants WHERE conversation_id = ? ORDER BY first_seen_at, rowid`,
      ),
      upsertParticipant: db.prepare<[number, string, string, number]>(
        `INSERT INTO participants (conversation_id, handle, display_name, first_seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (conversation_id, handle) DO UPDATE SET display_name = excluded.display_name
         WHERE display_name <> excluded.display_name`,
      ),
      insertEntry: db.prepare<
        [number, string, string | null, string, string, string, string | null, number, string | null, string | null, number, string | null],
        unknown
      >(
        `INSERT INTO entries (conversation_id, kind, direction, sender, sender_name, text, format, timestamp, message_id, delivery, idle, emoticons)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      touchConversation: db.prepare<[number, number]>(
        `UPDATE conversations SET last_activity_at = max(last_activity_at, ?), entry_count = entry_count + 1 WHERE id = ?`,
      ),
      setLastMessage: db.prepare<[number, number]>(`UPDATE conversations SET last_message_id = ? WHERE id = ?`),
      entry: db.prepare<[number], EntryRow>(`SELECT * FROM entries WHERE id = ?`),
      updateDelivery: db.prepare<[string, number, string]>(
        `UPDATE entries SET delivery = ? WHERE id = (
           SELECT max(id) FROM entries WHERE conversation_id = ? AND message_id = ? AND kind = 'message')`,
      ),
      newestBefore: db.prepare<[number, number, number], EntryRow>(
        `SELECT * FROM entries WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
      ),
      oldestAfter: db.prepare<[number, number, number], EntryRow>(
        `SELECT * FROM entries WHERE conversation_id = ? AND id > ? ORDER BY id ASC LIMIT ?`,
      ),
      anyBefore: db.prepare<[number, number], { one: number }>(
        `SELECT 1 AS one FROM entries WHERE conversation_id = ? AND id < ? LIMIT 1`,
      ),
      anyAfter: db.prepare<[number, number], { one: number }>(
        `SELECT 1 AS one FROM entries WHERE conversation_id = ? AND id > ? LIMIT 1`,
      ),
      allEntries: db.prepare<[number], EntryRow>(`SELECT * FROM entries WHERE conversation_id = ? ORDER BY id`),
      deleteConversation: db.prepare<[number]>(`DELETE FROM conversations WHERE id = ?`),
      deleteEntriesOf: db.prepare<[number]>(`DELETE FROM entries WHERE conversation_id = ?`),
      entryCount: db.prepare<[number], { entry_count: number }>(`SELECT entry_count FROM conversations WHERE id = ?`),
      moveEntry: db.prepare<[number, number]>(`UPDATE entries SET conversation_id = ? WHERE id = ?`),
      // After entries moved: a log's count, last activity (never before it started) and last message.
      recount: db.prepare<[number, number, number, number]>(
        `UPDATE conversations SET
           entry_count = (SELECT count(*) FROM entries WHERE conversation_id = ?),
           last_activity_at = max(started_at, coalesce((SELECT max(timestamp) FROM entries WHERE conversation_id = ?), started_at)),
           last_message_id = (SELECT max(id) FROM entries WHERE conversation_id = ? AND kind = 'message')
         WHERE id = ?`,
      ),
      conversationIdsOf: db.prepare<[string], { id: number }>(`SELECT id FROM conversations WHERE account = ?`),
      allConversationIds: db.prepare<[], { id: number }>(`SELECT id FROM conversations`),
    };
  }

  private conversationFromRow(row: ConversationRow): HistoryConversation {
    const participants: HistoryParticipant[] = this.s.participants
      .all(row.id)
      .map((p) => ({ handle: p.handle, displayName: p.display_name }));
    return {
      id: row.id,
      account: row.account,
      kind: row.kind,
      key: row.key,
      participants,
      startedAt: row.started_at,
      lastActivityAt: row.last_activity_at,
      entryCount: row.entry_count,
      snippet: row.snippet,
    };
  }

  private check(): void {
    if (this.closed) throw new Error('The history store is closed.');
  }

  openConversation(ref: ConversationRef): HistoryConversation {
    this.check();
    const account = ref.account.toLowerCase();
    const key = ref.kind === 'one-to-one' ? ref.peer.handle.toLowerCase() : ref.conversationId;
    const people = ref.kind === 'one-to-one' ? [ref.peer] : ref.participants;
    const row = this.db.transaction(() => {
      let found = this.s.findConversation.get(account, ref.kind, key);
      if (!found) {
        this.s.insertConversation.run(account, ref.kind, key, ref.at, ref.at);
        found = this.s.findConversation.get(account, ref.kind, key);
      }
      if (!found) throw new Error('The conversation could not be created.');
      for (const p of people) this.s.upsertParticipant.run(found.id, p.handle.toLowerCase(), p.displayName, ref.at);
      return found;
    })();
    return this.conversationFromRow(row);
  }

  private insert(
    conversationId: number,
    values: {
      kind: HistoryEntry['kind'];
      direction: Direction | null;
      sender: string;
      senderName: string;
      text: string;
      format: TextFormat | null;
      timestamp: number;
      messageId: string | null;
      delivery: DeliveryState | null;
      idle: boolean;
      emoticons?: HistoryEmoticons | undefined;
    },
  ): HistoryEntry {
    this.check();
    if (!Number.isFinite(values.timestamp)) throw new TypeError('An entry needs a finite timestamp.');
    const id = this.db.transaction(() => {
      if (this.s.touchConversation.run(Math.trunc(values.timestamp), conversationId).changes === 0) {
        throw new RangeError(`There is no conversation ${conversationId} in the history.`);
      }
      const info = this.s.insertEntry.run(
        conversationId,
        values.kind,
        values.direction,
        values.sender.toLowerCase(),
        values.senderName,
        values.text,
        values.format === null ? null : JSON.stringify(values.format),
        Math.trunc(values.timestamp),
        values.messageId,
        values.delivery,
        values.idle ? 1 : 0,
        values.emoticons ? JSON.stringify(values.emoticons) : null,
      );
      const entryId = Number(info.lastInsertRowid);
      if (values.kind === 'message') this.s.setLastMessage.run(entryId, conversationId);
      if (values.kind === 'join') this.s.upsertParticipant.run(conversationId, values.sender.toLowerCase(), values.senderName, values.timestamp);
      return entryId;
    })();
    const row = this.s.entry.get(id);
    if (!row) throw new Error('The entry just written could not be read back.');
    return toEntry(row);
  }

  appendMessage(conversationId: number, m: NewMessage): MessageEntry {
    const entry = this.insert(conversationId, {
      kind: 'message',
      direction: m.direction,
      sender: m.sender,
      senderName: m.senderName,
      text: m.text,
      format: m.format,
      timestamp: m.timestamp,
      messageId: m.messageId ?? null,
      delivery: m.delivery ?? (m.direction === 'incoming' ? 'delivered' : 'sent'),
      idle: false,
      // Only the shortcuts its text uses, each with a well-formed SHA1D; else none.
      emoticons: checkedEmoticons(m.emoticons ? Object.fromEntries(Object.entries(m.emoticons).filter(([shortcut]) => m.text.includes(shortcut))) : undefined),
    });
    return entry as MessageEntry;
  }

  appendSystem(conversationId: number, e: NewSystemEntry): HistoryEntry {
    return this.insert(conversationId, {
      kind: e.kind,
      direction: e.kind === 'nudge' || e.kind === 'file' ? e.direction : null,
      sender: e.sender,
      senderName: e.senderName,
      text: e.kind === 'file' ? e.text : '',
      format: null,
      timestamp: e.timestamp,
      messageId: null,
      delivery: null,
      idle: e.kind === 'leave' ? e.idle : false,
    });
  }

  updateDelivery(conversationId: number, messageId: string, delivery: DeliveryState): boolean {
    this.check();
    return this.s.updateDelivery.run(delivery, conversationId, messageId).changes > 0;
  }

  getConversation(conversationId: number): HistoryConversation | null {
    this.check();
    const row = this.s.getConversation.get(conversationId);
    return row ? this.conversationFromRow(row) : null;
  }

  findConversation(account: string, kind: ConversationKind, key: string): HistoryConversation | null {
    this.check();
    const row = this.s.findConversation.get(account.toLowerCase(), kind, kind === 'one-to-one' ? key.toLowerCase() : key);
    return row ? this.conversationFromRow(row) : null;
  }

  listConversations(account: string, options: ListOptions = {}): HistoryConversation[] {
    this.check();
    const limit = clampLimit(options.limit, 100);
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
    return this.s.listConversations.all(account.toLowerCase(), limit, offset).map((r) => this.conversationFromRow(r));
  }

  recent(conversationId: number, options: { limit?: number; beforeEntryId?: number } = {}): Page {
    this.check();
    const limit = clampLimit(options.limit, DEFAULT_PAGE);
    const before = options.beforeEntryId ?? Number.MAX_SAFE_INTEGER;
    const rows = this.s.newestBefore.all(conversationId, before, limit + 1);
    const hasMoreBefore = rows.length > limit;
    const page = rows.slice(0, limit).reverse();
    const last = page[page.length - 1];
    const hasMoreAfter = last !== undefined && this.s.anyAfter.get(conversationId, last.id) !== undefined;
    return { entries: page.map(toEntry), hasMoreBefore, hasMoreAfter };
  }

  after(conversationId: number, afterEntryId: number, options: { limit?: number } = {}): Page {
    this.check();
    const limit = clampLimit(options.limit, DEFAULT_PAGE);
    const rows = this.s.oldestAfter.all(conversationId, afterEntryId, limit + 1);
    const hasMoreAfter = rows.length > limit;
    const page = rows.slice(0, limit);
    const first = page[0];
    const hasMoreBefore = first !== undefined && this.s.anyBefore.get(conversationId, first.id) !== undefined;
    return { entries: page.map(toEntry), hasMoreBefore, hasMoreAfter };
  }

  around(entryId: number, options: { before?: number; after?: number } = {}): (Page & { conversation: HistoryConversation }) | null {
    this.check();
    const target = this.s.entry.get(entryId);
    if (!target) return null;
    const conversation = this.getConversation(target.conversation_id);
    if (!conversation) return null;
    const nBefore = clampLimit(options.before, 25);
    const nAfter = clampLimit(options.after, 25);
    const older = this.s.newestBefore.all(target.conversation_id, target.id, nBefore + 1);
    const newer = this.s.oldestAfter.all(target.conversation_id, target.id, nAfter + 1);
    const entries = [...older.slice(0, nBefore).reverse(), target, ...newer.slice(0, nAfter)].map(toEntry);
    return { conversation, entries, hasMoreBefore: older.length > nBefore, hasMoreAfter: newer.length > nAfter };
  }

  *iterateEntries(conversationId: number): IterableIterator<HistoryEntry> {
    this.check();
    for (const row of this.s.allEntries.iterate(conversationId)) yield toEntry(row);
  }

  search(account: string, query: string, options: SearchOptions = {}): SearchHit[] {
    this.check();
    const match = toFtsQuery(query);
    if (match === null) return [];
    const limit = clampLimit(options.limit, 50);
    // Markers with a fresh random nonce: message text (possibly hostile) cannot contain them, so
    // it can never fake or break a highlight.
    const nonce = randomBytes(8).toString('hex');
    const open = `\u0002${nonce}[`;
    const close = `]${nonce}\u0003`;
    const conditions = ['entries_fts MATCH @match', 'c.account = @account'];
    if (options.conversationId !== undefined) conditions.push('e.conversation_id = @conversationId');
    if (options.beforeEntryId !== undefined) conditions.push('entries_fts.rowid < @beforeEntryId');
    // Ordering by the FTS table's own rowid (= entry id) or rank lets FTS5 deliver rows already in
    // order, so SQLite stops after LIMIT rows and computes only those snippets; ordering by
    // `e.id` would build a snippet for every match first (seconds for a common word at 100k).
    const order = options.order === 'relevance' ? 'entries_fts.rank' : 'entries_fts.rowid DESC';
    // The WHERE varies with the options: one prepared statement per shape (at most 8), cached.
    const stmt = this.searchStatement(conditions.join(' AND '), order);
    const rows = stmt.all({
      match,
      account: account.toLowerCase(),
      conversationId: options.conversationId ?? null,
      beforeEntryId: options.beforeEntryId ?? null,
      limit,
      open,
      close,
      tokens: SEARCH_SNIPPET_TOKENS,
    });
    return rows.map((r) => ({
      entryId: r.id,
      conversationId: r.conversation_id,
      conversationKind: r.kind,
      conversationKey: r.key,
      timestamp: r.timestamp,
      direction: toDirection(r.direction),
      sender: r.sender,
      senderName: r.sender_name,
      snippet: splitSnippet(r.marked, open, close),
    }));
  }

  private readonly searchStatements = new Map<string, Database.Statement<Record<string, unknown>, SearchRow>>();

  private searchStatement(where: string, order: string): Database.Statement<Record<string, unknown>, SearchRow> {
    const sql = `
      SELECT e.id, e.conversation_id, c.kind, c.key, e.timestamp, e.direction, e.sender, e.sender_name,
             snippet(entries_fts, 0, @open, @close, '…', @tokens) AS marked
      FROM entries_fts
      JOIN entries e ON e.id = entries_fts.rowid
      JOIN conversations c ON c.id = e.conversation_id
      WHERE ${where}
      ORDER BY ${order}
      LIMIT @limit`;
    let stmt = this.searchStatements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<Record<string, unknown>, SearchRow>(sql);
      this.searchStatements.set(sql, stmt);
    }
    return stmt;
  }

  moveEntries(entryIds: readonly number[], toConversationId: number): void {
    this.check();
    if (entryIds.length === 0) return;
    this.db.transaction(() => {
      const from = new Set<number>();
      for (const id of entryIds) {
        const row = this.s.entry.get(id);
        if (!row || row.conversation_id === toConversationId) continue;
        from.add(row.conversation_id);
        // The text index is keyed by the entry id, which does not change: nothing to re-index.
        this.s.moveEntry.run(toConversationId, id);
      }
      if (from.size === 0) return;
      for (const id of [...from, toConversationId]) this.s.recount.run(id, id, id, id);
      const emptied = [...from].filter((id) => (this.s.entryCount.get(id)?.entry_count ?? 0) === 0);
      if (emptied.length > 0) this.deleteConversations(emptied);
    })();
  }

  deleteConversation(conversationId: number): boolean {
    this.check();
    const deleted = this.deleteConversations([conversationId]) > 0;
    // Old page images may still sit in the WAL: copy the (overwritten) pages back and empty it.
    if (deleted) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return deleted;
  }

  deleteAll(account?: string): number {
    this.check();
    const ids = account === undefined ? this.s.allConversationIds.all() : this.s.conversationIdsOf.all(account.toLowerCase());
    const n = this.deleteConversations(ids.map((r) => r.id));
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return n;
  }

  /**
   * Delete conversations with their entries and index entries, in one transaction. Small deletes
   * remove each message from the index (the delete trigger, FTS5 secure-delete). Large ones drop
   * the trigger for the duration, delete, and rebuild the index from the remaining messages:
   * seconds instead of minutes for "delete all history" on a big log. Either way the freed pages
   * are zeroed (`secure_delete`), so no deleted word stays in the file.
   */
  private deleteConversations(ids: readonly number[]): number {
    if (ids.length === 0) return 0;
    const entries = ids.reduce((n, id) => n + (this.s.entryCount.get(id)?.entry_count ?? 0), 0);
    return this.db.transaction(() => {
      let count = 0;
      if (entries < this.bulkDeleteThreshold) {
        for (const id of ids) {
          this.s.deleteEntriesOf.run(id);
          count += this.s.deleteConversation.run(id).changes;
        }
        return count;
      }
      const trigger = this.db
        .prepare<[], { sql: string }>(`SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'entries_fts_delete'`)
        .get();
      if (trigger) this.db.exec('DROP TRIGGER entries_fts_delete');
      for (const id of ids) {
        this.s.deleteEntriesOf.run(id);
        count += this.s.deleteConversation.run(id).changes;
      }
      this.db.exec(`INSERT INTO entries_fts (entries_fts) VALUES ('delete-all');
        INSERT INTO entries_fts (rowid, text) SELECT id, text FROM entries WHERE kind = 'message';`);
      if (trigger) this.db.exec(trigger.sql);
      return count;
    })();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

interface SearchRow {
  id: number;
  conversation_id: number;
  kind: ConversationKind;
  key: string;
  timestamp: number;
  direction: string | null;
  sender: string;
  sender_name: string;
  marked: string;
}
