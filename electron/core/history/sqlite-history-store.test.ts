import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TextFormat } from '../../../shared/model';
import { HistorySchemaError, migrate, SCHEMA_VERSION } from './schema';
import { openHistoryStore } from './sqlite-history-store';
import type { HistoryStore, MessageEntry, NewMessage } from './types';

const ALICE = 'alice@example.com';
const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const RED_ARIAL: TextFormat = { font: 'Arial', bold: true, italic: false, underline: false, strikethrough: false, color: '#ff0000' };

let dir: string;
let path: string;
const open: HistoryStore[] = [];

function store(): HistoryStore {
  const s = openHistoryStore(path);
  open.push(s);
  return s;
}

function msg(text: string, i: number, over: Partial<NewMessage> = {}): NewMessage {
  return {
    direction: 'incoming',
    sender: 'bob@example.com',
    senderName: 'Bob',
    text,
    format: null,
    timestamp: T0 + i * 1000,
    ...over,
  };
}

function withBob(s: HistoryStore, account = ALICE) {
  return s.openConversation({ account, kind: 'one-to-one', peer: { handle: 'Bob@Example.com', displayName: 'Bob' }, at: T0 });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monarch-history-'));
  path = join(dir, 'history.sqlite');
});

afterEach(() => {
  for (const s of open.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteHistoryStore: write and reopen', () => {
  it('keeps messages, formats, system entries and participants across a reopen', () => {
    const a = store();
    const conv = withBob(a);
    expect(conv).toMatchObject({ kind: 'one-to-one', key: 'bob@example.com', account: ALICE, entryCount: 0, snippet: null });
    a.appendMessage(conv.id, msg('Hi Alice', 0, { format: RED_ARIAL }));
    a.appendMessage(conv.id, msg('Hello Bob', 1, { direction: 'outgoing', sender: ALICE, senderName: 'Alice', messageId: 'm1', delivery: 'sending' }));
    a.appendSystem(conv.id, { kind: 'nudge', direction: 'incoming', sender: 'bob@example.com', senderName: 'Bob', timestamp: T0 + 2000 });
    a.close();

    const b = store();
    const again = b.findConversation(ALICE, 'one-to-one', 'BOB@example.com');
    expect(again).not.toBeNull();
    expect(again).toMatchObject({
      id: conv.id,
      entryCount: 3,
      lastActivityAt: T0 + 2000,
      snippet: 'Hello Bob',
      participants: [{ handle: 'bob@example.com', displayName: 'Bob' }],
    });
    const page = b.recent(conv.id);
    expect(page.hasMoreBefore).toBe(false);
    expect(page.hasMoreAfter).toBe(false);
    expect(page.entries.map((e) => e.kind)).toEqual(['message', 'message', 'nudge']);
    const [first, second, nudge] = page.entries;
    expect(first).toMatchObject({ kind: 'message', text: 'Hi Alice', format: RED_ARIAL, direction: 'incoming', delivery: 'delivered' });
    expect(second).toMatchObject({ kind: 'message', text: 'Hello Bob', format: null, direction: 'outgoing', messageId: 'm1', delivery: 'sending' });
    expect(nudge).toMatchObject({ kind: 'nudge', direction: 'incoming', sender: 'bob@example.com', timestamp: T0 + 2000 });
  });

  it('records group participants, joins, leaves (idle or not) and name changes', () => {
    const s = store();
    const g = s.openConversation({
      account: ALICE,
      kind: 'group',
      conversationId: 'conv-7',
      participants: [{ handle: 'bob@example.com', displayName: 'Bob' }],
      at: T0,
    });
    s.appendSystem(g.id, { kind: 'join', sender: 'carol@example.com', senderName: 'Carol', timestamp: T0 + 1 });
    s.appendSystem(g.id, { kind: 'leave', sender: 'carol@example.com', senderName: 'Carol', timestamp: T0 + 2, idle: true });
    s.appendSystem(g.id, { kind: 'leave', sender: 'bob@example.com', senderName: 'Bob', timestamp: T0 + 3, idle: false });
    s.openConversation({
      account: ALICE,
      kind: 'group',
      conversationId: 'conv-7',
      participants: [{ handle: 'bob@example.com', displayName: 'Bobby' }],
      at: T0 + 4,
    });
    const c = s.getConversation(g.id);
    expect(c?.participants).toEqual([
      { handle: 'bob@example.com', displayName: 'Bobby' },
      { handle: 'carol@example.com', displayName: 'Carol' },
    ]);
    const entries = s.recent(g.id).entries;
    expect(entries).toMatchObject([
      { kind: 'join', sender: 'carol@example.com' },
      { kind: 'leave', sender: 'carol@example.com', idle: true },
      { kind: 'leave', sender: 'bob@example.com', idle: false },
    ]);
  });

  it('refuses to write to a conversation that does not exist, with a clear error', () => {
    const s = store();
    expect(() => s.appendMessage(999, msg('x', 0))).toThrow(/no conversation 999/);
  });

  it('updates the delivery state of the newest entry with a message id', () => {
    const s = store();
    const c = withBob(s);
    const out = (id: string, i: number) => msg(`out ${i}`, i, { direction: 'outgoing', sender: ALICE, senderName: 'Alice', messageId: id, delivery: 'sending' });
    s.appendMessage(c.id, out('m1', 0));
    s.appendMessage(c.id, out('m1', 1)); // ids restart per client run: the newest one is meant
    expect(s.updateDelivery(c.id, 'm1', 'failed')).toBe(true);
    expect(s.updateDelivery(c.id, 'nope', 'failed')).toBe(false);
    const [a, b] = s.recent(c.id).entries as MessageEntry[];
    expect(a?.delivery).toBe('sending');
    expect(b?.delivery).toBe('failed');
  });
});

describe('SqliteHistoryStore: reading', () => {
  it('pages recent history backwards and forwards without gaps or overlaps', () => {
    const s = store();
    const c = withBob(s);
    for (let i = 0; i < 120; i++) s.appendMessage(c.id, msg(`line ${i}`, i));
    const p1 = s.recent(c.id, { limit: 50 });
    expect(p1.entries).toHaveLength(50);
    expect((p1.entries[0] as MessageEntry).text).toBe('line 70');
    expect((p1.entries[49] as MessageEntry).text).toBe('line 119');
    expect(p1.hasMoreBefore).toBe(true);
    expect(p1.hasMoreAfter).toBe(false);
    const p2 = s.recent(c.id, { limit: 50, beforeEntryId: p1.entries[0]!.id });
    const p3 = s.recent(c.id, { limit: 50, beforeEntryId: p2.entries[0]!.id });
    expect(p3.entries).toHaveLength(20);
    expect(p3.hasMoreBefore).toBe(false);
    expect(p2.hasMoreAfter).toBe(true);
    const all = [...p3.entries, ...p2.entries, ...p1.entries].map((e) => (e as MessageEntry).text);
    expect(all).toEqual(Array.from({ length: 120 }, (_, i) => `line ${i}`));

    const fwd = s.after(c.id, p3.entries[9]!.id, { limit: 5 });
    expect(fwd.entries.map((e) => (e as MessageEntry).text)).toEqual(['line 10', 'line 11', 'line 12', 'line 13', 'line 14']);
    expect(fwd.hasMoreBefore).toBe(true);
    expect(fwd.hasMoreAfter).toBe(true);
    expect([...s.iterateEntries(c.id)]).toHaveLength(120);
  });

  it('returns the page around an entry (jump to a search hit)', () => {
    const s = store();
    const c = withBob(s);
    const ids = Array.from({ length: 30 }, (_, i) => s.appendMessage(c.id, msg(`line ${i}`, i)).id);
    const around = s.around(ids[15]!, { before: 3, after: 2 });
    expect(around?.conversation.id).toBe(c.id);
    expect(around?.entries.map((e) => (e as MessageEntry).text)).toEqual(['line 12', 'line 13', 'line 14', 'line 15', 'line 16', 'line 17']);
    expect(around?.hasMoreBefore).toBe(true);
    expect(s.around(ids[0]!, { before: 3, after: 40 })).toMatchObject({ hasMoreBefore: false, hasMoreAfter: false });
    expect(s.around(123456)).toBeNull();
  });

  it('lists an account’s conversations by last activity with snippet and participants, and no one else’s', () => {
    const s = store();
    const bob = withBob(s);
    const carol = s.openConversation({ account: ALICE, kind: 'one-to-one', peer: { handle: 'carol@example.com', displayName: 'Carol' }, at: T0 });
    const other = withBob(s, 'dave@example.com');
    s.appendMessage(bob.id, msg('old news', 1));
    s.appendMessage(carol.id, msg('x'.repeat(500), 5, { sender: 'carol@example.com', senderName: 'Carol' }));
    s.appendMessage(other.id, msg('not for alice', 9));
    s.appendSystem(bob.id, { kind: 'nudge', direction: 'outgoing', sender: ALICE, senderName: 'Alice', timestamp: T0 + 10_000 });
    const list = s.listConversations('ALICE@example.com');
    expect(list.map((c) => c.key)).toEqual(['bob@example.com', 'carol@example.com']);
    expect(list[0]).toMatchObject({ snippet: 'old news', entryCount: 2, lastActivityAt: T0 + 10_000 });
    expect(list[1]?.snippet).toHaveLength(120);
    expect(s.listConversations(ALICE, { limit: 1, offset: 1 }).map((c) => c.key)).toEqual(['carol@example.com']);
  });
});

describe('SqliteHistoryStore: full-text search', () => {
  function seeded(): { s: HistoryStore; bob: number; carol: number } {
    const s = store();
    const bob = withBob(s).id;
    const carol = s.openConversation({ account: ALICE, kind: 'one-to-one', peer: { handle: 'carol@example.com', displayName: 'Carol' }, at: T0 }).id;
    const dave = withBob(s, 'dave@example.com').id;
    s.appendMessage(bob, msg('Shall we meet at the café tomorrow?', 0));
    s.appendMessage(bob, msg('Sure, the usual place', 1, { direction: 'outgoing', sender: ALICE, senderName: 'Alice' }));
    s.appendMessage(carol, msg('Did you see the CAFE menu changed', 2, { sender: 'carol@example.com', senderName: 'Carol' }));
    s.appendMessage(carol, msg('Helsinki trip photos', 3, { sender: 'carol@example.com', senderName: 'Carol' }));
    s.appendMessage(dave, msg('cafe cafe cafe', 4));
    s.appendSystem(bob, { kind: 'join', sender: 'cafe@example.com', senderName: 'Cafe', timestamp: T0 + 5000 });
    return { s, bob, carol };
  }

  it('finds words across all conversations of the account, newest first, ignoring case and accents', () => {
    const { s, bob, carol } = seeded();
    const hits = s.search(ALICE, 'cafe');
    expect(hits.map((h) => h.conversationId)).toEqual([carol, bob]);
    expect(hits[0]).toMatchObject({ conversationKind: 'one-to-one', conversationKey: 'carol@example.com', sender: 'carol@example.com', senderName: 'Carol' });
    expect(hits[0]!.snippet).toEqual([
      { text: 'Did you see the ', match: false },
      { text: 'CAFE', match: true },
      { text: ' menu changed', match: false },
    ]);
    expect(hits[1]!.snippet.filter((x) => x.match).map((x) => x.text)).toEqual(['café']);
    // The hit's entry id opens the right page.
    expect(s.around(hits[1]!.entryId)?.conversation.id).toBe(bob);
  });

  it('matches the last word as a prefix, ANDs words, and filters by conversation', () => {
    const { s, carol } = seeded();
    expect(s.search(ALICE, 'hel').map((h) => h.snippet.map((x) => x.text).join(''))).toEqual(['Helsinki trip photos']);
    expect(s.search(ALICE, 'usual pla')).toHaveLength(1);
    expect(s.search(ALICE, 'usual photos')).toHaveLength(0);
    expect(s.search(ALICE, 'cafe', { conversationId: carol }).map((h) => h.conversationId)).toEqual([carol]);
    expect(s.search(ALICE, '   ')).toEqual([]);
  });

  it('pages newest-first results and can order by relevance', () => {
    const s = store();
    const c = withBob(s).id;
    for (let i = 0; i < 30; i++) s.appendMessage(c, msg(i === 7 ? 'needle needle needle' : `needle in haystack ${i}`, i));
    const first = s.search(ALICE, 'needle', { limit: 20 });
    const rest = s.search(ALICE, 'needle', { limit: 20, beforeEntryId: first[first.length - 1]!.entryId });
    expect(first).toHaveLength(20);
    expect(rest).toHaveLength(10);
    expect(new Set([...first, ...rest].map((h) => h.entryId)).size).toBe(30);
    const best = s.search(ALICE, 'needle', { order: 'relevance', limit: 1 });
    expect(best[0]!.snippet.filter((x) => x.match).map((x) => x.text)).toEqual(['needle', 'needle', 'needle']);
    expect(best[0]!.snippet.map((x) => x.text).join('')).toBe('needle needle needle');
  });

  it('treats FTS5 syntax in the query as plain words and never throws', () => {
    const s = store();
    const c = withBob(s).id;
    s.appendMessage(c, msg('say "hello" AND goodbye NEAR the (end) * col:umn', 0));
    for (const q of ['"', '""', '"hello', 'AND', 'NEAR(', 'hello AND', '(end)', '*', 'col:umn', '-goodbye', '^say', 'a OR b', '\u0000', '🙂']) {
      expect(() => s.search(ALICE, q), q).not.toThrow();
    }
    expect(s.search(ALICE, '"hello"')).toHaveLength(1);
    expect(s.search(ALICE, 'AND goodbye')).toHaveLength(1);
    expect(s.search(ALICE, 'col:umn')).toHaveLength(1);
  });

  it('keeps highlights right when the text itself contains marker-like characters', () => {
    const s = store();
    const c = withBob(s).id;
    const hostile = 'fake \u0002[highlight]\u0003 and <b>real</b> secret';
    s.appendMessage(c, msg(hostile, 0));
    const [hit] = s.search(ALICE, 'secret');
    expect(hit!.snippet.map((x) => x.text).join('')).toBe(hostile);
    expect(hit!.snippet.filter((x) => x.match).map((x) => x.text)).toEqual(['secret']);
  });
});

describe('SqliteHistoryStore: deleting', () => {
  it('deletes one conversation: entries, participants and index entries', () => {
    const s = store();
    const bob = withBob(s).id;
    const carol = s.openConversation({ account: ALICE, kind: 'one-to-one', peer: { handle: 'carol@example.com', displayName: 'Carol' }, at: T0 }).id;
    s.appendMessage(bob, msg('platypus one', 0));
    s.appendMessage(carol, msg('platypus two', 1, { sender: 'carol@example.com' }));
    expect(s.deleteConversation(bob)).toBe(true);
    expect(s.deleteConversation(bob)).toBe(false);
    expect(s.getConversation(bob)).toBeNull();
    expect(s.recent(bob).entries).toEqual([]);
    expect(s.search(ALICE, 'platypus').map((h) => h.conversationId)).toEqual([carol]);
    expect(s.listConversations(ALICE).map((c) => c.id)).toEqual([carol]);
  });

  it.each([
    ['message by message', 2000],
    ['in bulk, rebuilding the index', 10],
  ])('deletes all of one account, or everything, and leaves no trace of the text in the files (%s)', (_how, bulkDeleteThreshold) => {
    const s = openHistoryStore(path, { bulkDeleteThreshold });
    open.push(s);
    const bob = withBob(s).id;
    const daves = withBob(s, 'dave@example.com').id;
    for (let i = 0; i < 200; i++) s.appendMessage(bob, msg(`zebracorn secret number ${i}`, i));
    s.appendMessage(daves, msg('kept for dave', 0));
    expect(s.deleteAll(ALICE)).toBe(1);
    expect(s.listConversations(ALICE)).toEqual([]);
    expect(s.listConversations('dave@example.com')).toHaveLength(1);
    expect(s.search(ALICE, 'zebracorn')).toEqual([]);
    const fileBytes = () =>
      Buffer.concat(
        readdirSync(dir)
          .filter((f) => f.startsWith('history.sqlite'))
          .map((f) => readFileSync(join(dir, f))),
      );
    const bytes = fileBytes();
    expect(bytes.includes(Buffer.from('zebracorn'))).toBe(false);
    expect(bytes.includes(Buffer.from('kept for dave'))).toBe(true);
    // The index still works, and still follows later deletes (the trigger is back after a bulk delete).
    expect(s.search('dave@example.com', 'kept').map((h) => h.conversationId)).toEqual([daves]);
    const small = withBob(s, 'erin@example.com').id;
    s.appendMessage(small, msg('ephemeral words', 0));
    s.deleteConversation(small);
    expect(s.search('erin@example.com', 'ephemeral')).toEqual([]);
    expect(fileBytes().includes(Buffer.from('ephemeral'))).toBe(false);
    expect(s.deleteAll()).toBe(1);
    expect(s.listConversations('dave@example.com')).toEqual([]);
    expect(s.getConversation(daves)).toBeNull();
  });
});

describe('SqliteHistoryStore: schema and files', () => {
  it('upgrades a version-1 database, indexing the messages already in it', () => {
    const db = new Database(path);
    migrate(db, 1);
    db.prepare(`INSERT INTO conversations (id, account, kind, key, started_at, last_activity_at, entry_count) VALUES (1, ?, 'one-to-one', 'bob@example.com', ?, ?, 1)`).run(ALICE, T0, T0);
    db.prepare(`INSERT INTO entries (conversation_id, kind, direction, sender, sender_name, text, timestamp, delivery) VALUES (1, 'message', 'incoming', 'bob@example.com', 'Bob', 'written before search existed', ?, 'delivered')`).run(T0);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();

    const s = store();
    expect(s.search(ALICE, 'existed')).toHaveLength(1);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
    check.close();
  });

  it('upgrades a version-2 database to take file transfer lines, keeping every entry, its id and the search index', () => {
    const db = new Database(path);
    migrate(db, 2);
    db.prepare(`INSERT INTO conversations (id, account, kind, key, started_at, last_activity_at, entry_count) VALUES (1, ?, 'one-to-one', 'bob@example.com', ?, ?, 2)`).run(ALICE, T0, T0);
    db.prepare(`INSERT INTO entries (id, conversation_id, kind, direction, sender, sender_name, text, timestamp, delivery) VALUES (7, 1, 'message', 'incoming', 'bob@example.com', 'Bob', 'kept through the upgrade', ?, 'delivered')`).run(T0);
    db.prepare(`INSERT INTO entries (id, conversation_id, kind, direction, sender, sender_name, timestamp) VALUES (8, 1, 'nudge', 'outgoing', ?, 'Alice', ?)`).run(ALICE, T0 + 1);
    expect(() => db.prepare(`INSERT INTO entries (conversation_id, kind, sender, sender_name, timestamp) VALUES (1, 'file', 'x', 'x', 0)`).run()).toThrow(/CHECK/);
    db.close();

    const s = store();
    expect(s.search(ALICE, 'upgrade').map((h) => h.entryId)).toEqual([7]);
    const line = s.appendSystem(1, { kind: 'file', direction: 'outgoing', sender: ALICE, senderName: 'Alice', text: 'You sent report.pdf (1.2 MB) to Bob.', timestamp: T0 + 2 });
    expect(line).toMatchObject({ kind: 'file', direction: 'outgoing', text: 'You sent report.pdf (1.2 MB) to Bob.' });
    expect(s.recent(1, { limit: 10 }).entries.map((e) => [e.id, e.kind])).toEqual([
      [7, 'message'],
      [8, 'nudge'],
      [line.id, 'file'],
    ]);
    // Transfer lines are not message text: search does not find them.
    expect(s.search(ALICE, 'report')).toEqual([]);
  });

  it('refuses a database from a newer Monarch and leaves it untouched', () => {
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.exec('CREATE TABLE future (x)');
    db.close();
    const before = readFileSync(path);
    expect(() => openHistoryStore(path)).toThrow(HistorySchemaError);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('moves a corrupt file aside (never deletes it) and starts a new history', () => {
    writeFileSync(path, 'this is not a database, but it is the user’s file'.repeat(100));
    let movedTo = '';
    const s = openHistoryStore(path, { onRecovered: (p) => (movedTo = p) });
    open.push(s);
    expect(movedTo).toMatch(/history\.sqlite\.corrupt-\d+$/);
    expect(readFileSync(movedTo, 'utf8')).toContain('not a database');
    const c = withBob(s);
    s.appendMessage(c.id, msg('fresh start', 0));
    expect(s.search(ALICE, 'fresh')).toHaveLength(1);
    expect(() => openHistoryStore(join(dir, 'x.sqlite'), { onCorrupt: 'throw' })).not.toThrow();
  });

  it('throws on use after close', () => {
    const s = openHistoryStore(path);
    s.close();
    expect(() => s.listConversations(ALICE)).toThrow(/closed/);
    expect(existsSync(path)).toBe(true);
  });
});

describe.skipIf(process.platform === 'win32')('SqliteHistoryStore: the files are private', () => {
  const mode = (p: string): number => statSync(p).mode & 0o777;
  let oldUmask = 0;
  let root = '';
  beforeEach(() => {
    // The usual umask: without our care, files would come out 0644 and folders 0755.
    oldUmask = process.umask(0o022);
    root = mkdtempSync(join(tmpdir(), 'monarch-history-modes-'));
  });
  afterEach(() => {
    process.umask(oldUmask);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the database, its WAL and shared-memory files 0600 in a 0700 folder', () => {
    const file = join(root, 'data', 'history.sqlite');
    const s = openHistoryStore(file);
    s.appendMessage(withBob(s).id, msg('private', 0));
    expect({ db: mode(file), wal: mode(`${file}-wal`), shm: mode(`${file}-shm`), dir: mode(join(root, 'data')) }).toEqual({ db: 0o600, wal: 0o600, shm: 0o600, dir: 0o700 });
    s.close();
  });

  it('tightens a history file and folder an earlier version left world-readable', () => {
    const data = join(root, 'data');
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    const file = join(data, 'history.sqlite');
    openHistoryStore(file).close();
    chmodSync(file, 0o644);
    const s = openHistoryStore(file);
    s.appendMessage(withBob(s).id, msg('private', 0));
    expect({ db: mode(file), wal: mode(`${file}-wal`), shm: mode(`${file}-shm`), dir: mode(data) }).toEqual({ db: 0o600, wal: 0o600, shm: 0o600, dir: 0o700 });
    s.close();
  });
});

describe('SqliteHistoryStore: custom emoticons of a message', () => {
  const SUN = 'q1f8xHnbnRxZsVbTBoDmjmM5yX8=';
  const DOT = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';

  it('keeps the shortcuts its text uses with their SHA1D, across a reopen', () => {
    const a = store();
    const conv = withBob(a);
    const written = a.appendMessage(conv.id, msg('Sunny (sun)!', 0, { emoticons: { '(sun)': SUN, '(dot)': DOT } }));
    // "(dot)" is not in the text: nothing to keep for it.
    expect(written.emoticons).toEqual({ '(sun)': SUN });
    a.appendMessage(conv.id, msg('plain', 1));
    a.close();
    const entries = store().recent(conv.id).entries as MessageEntry[];
    expect(entries.map((e) => e.emoticons)).toEqual([{ '(sun)': SUN }, undefined]);
  });

  it('keeps none that are malformed, written or read back (a file anyone could edit)', () => {
    const a = store();
    const conv = withBob(a);
    expect(a.appendMessage(conv.id, msg('bad (sun)', 0, { emoticons: { '(sun)': 'not a sha1d' } })).emoticons).toBeUndefined();
    expect(a.appendMessage(conv.id, msg('long (toolong)', 1, { emoticons: { '(toolong)': SUN } })).emoticons).toBeUndefined();
    a.appendMessage(conv.id, msg('edited (sun)', 2, { emoticons: { '(sun)': SUN } }));
    a.close();
    const db = new Database(path);
    const ids = db.prepare(`SELECT id FROM entries ORDER BY id`).all() as { id: number }[];
    db.prepare(`UPDATE entries SET emoticons = ? WHERE id = ?`).run('{"(sun)": "<img src=x>"}', ids[2]!.id);
    db.prepare(`UPDATE entries SET emoticons = ? WHERE id = ?`).run('{not json', ids[1]!.id);
    db.close();
    expect((store().recent(conv.id).entries as MessageEntry[]).map((e) => e.emoticons)).toEqual([undefined, undefined, undefined]);
  });

  it('upgrades a version-3 database: its messages have no emoticons, new ones can', () => {
    const db = new Database(path);
    migrate(db, 3);
    db.prepare(`INSERT INTO conversations (id, account, kind, key, started_at, last_activity_at, entry_count) VALUES (1, ?, 'one-to-one', 'bob@example.com', ?, ?, 1)`).run(ALICE, T0, T0);
    db.prepare(`INSERT INTO entries (id, conversation_id, kind, direction, sender, sender_name, text, timestamp, delivery) VALUES (5, 1, 'message', 'incoming', 'bob@example.com', 'Bob', 'old (sun)', ?, 'delivered')`).run(T0);
    db.close();
    const s = store();
    s.appendMessage(1, msg('new (sun)', 1, { emoticons: { '(sun)': SUN } }));
    expect((s.recent(1).entries as MessageEntry[]).map((e) => [e.text, e.emoticons])).toEqual([
      ['old (sun)', undefined],
      ['new (sun)', { '(sun)': SUN }],
    ]);
  });
});
