import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listCacheKey, type CachedContactList } from '../msn/list-cache';
import { SqliteListCache } from './sqlite-list-cache';

const dirs: string[] = [];
const caches: SqliteListCache[] = [];
afterEach(() => {
  for (const c of caches.splice(0)) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'monarch-list-cache-'));
  dirs.push(d);
  return join(d, 'data', 'contact-lists.sqlite');
}

function open(path: string, onReset?: (r: string) => void): SqliteListCache {
  const c = SqliteListCache.open(path, onReset ? { onReset } : {});
  caches.push(c);
  return c;
}

const list: CachedContactList = {
  dialect: 12,
  version: '2006-01-01T00:00:00.0-08:00 2006-01-02T00:00:00.0-08:00',
  contacts: [{ handle: 'bob@example.com', guid: 'g-1', storedName: 'Bob ✓', groupIds: [], lists: { forward: true, allow: true, block: false, reverse: true, pending: false }, personalMessage: 'hi', currentMedia: null }],
  groups: [{ id: 'grp', name: 'Friends' }],
  privacy: { visibility: 'all-but-blocked', promptOnAdd: true },
  selfName: 'Alice',
};

describe('SqliteListCache', () => {
  it('keeps a list per account and server across reopening, in an owner-only file', () => {
    const path = tempFile();
    const alice = listCacheKey('alice@example.com', 'msn.example', 1863);
    const aliceElsewhere = listCacheKey('alice@example.com', '127.0.0.1', 1863);
    const first = open(path);
    first.save(alice, list);
    first.save(alice, { ...list, selfName: 'Alice A' });
    first.close();
    const again = open(path);
    expect(again.load(alice)).toEqual({ ...list, selfName: 'Alice A' });
    expect(again.load(aliceElsewhere)).toBeUndefined();
    if (process.platform !== 'win32') {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    }
  });

  it('drops a damaged row or one whose columns disagree with its body', () => {
    const path = tempFile();
    const c = open(path);
    c.save('a', list);
    c.save('b', list);
    const raw = new Database(path);
    raw.prepare("UPDATE contact_lists SET body = '{not json' WHERE key = 'a'").run();
    raw.prepare("UPDATE contact_lists SET version = '1 1' WHERE key = 'b'").run();
    raw.close();
    expect(c.load('a')).toBeUndefined();
    expect(c.load('b')).toBeUndefined();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) AS n FROM contact_lists').get()).toEqual({ n: 0 });
    check.close();
  });

  it('starts afresh when the file is not a database (or not its layout)', () => {
    const path = tempFile();
    open(path).close();
    writeFileSync(path, 'this is not a database '.repeat(100));
    const reasons: string[] = [];
    const c = open(path, (r) => reasons.push(r));
    expect(reasons).toHaveLength(1);
    expect(c.load('a')).toBeUndefined();
    c.save('a', list);
    expect(c.load('a')).toEqual(list);
    c.close();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    const d = open(path, (r) => reasons.push(r));
    expect(reasons).toHaveLength(2);
    expect(d.load('a')).toBeUndefined();
  });
});
