/**
 * The persistent contact-list cache end to end: the app's SQLite cache (electron/core/list-cache)
 * behind real clients and the bundled server on 127.0.0.1, for the three `SYN` version schemes
 * (MSNP2: list version, items without counts; MSNP8: list version with counts; MSNP12: list and
 * settings timestamps). An unchanged list is not downloaded again; a changed one, a damaged cache
 * file or a cache from another dialect means the full download, never a wrong list.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteListCache } from '../../electron/core/list-cache';
import type { MsnClient } from '../../electron/core/msn/client';
import type { ListCache } from '../../electron/core/msn/list-cache';
import type { TrafficEntry } from '../../electron/core/msn/traffic';
import type { RunningServer } from '../../server/index';
import { Recorder, bundledPerTest, clientFor, startBundled } from './helpers/bundled';
import { waitUntil } from './helpers/fake-server';

const scope = bundledPerTest();
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';

describe.each([2, 8, 12] as const)('MSNP%i with the SQLite list cache', (dialect) => {
  it('skips the download of an unchanged list, and downloads a changed list or one whose cache is damaged', async () => {
    const server: RunningServer = await startBundled();
    scope.server = server;
    await server.accounts.add(ALICE, 'alice-pw', 'Alice');
    await server.accounts.add(BOB, 'bob-pw', 'Bob');
    await server.accounts.add(CAROL, 'carol-pw', 'Carol');
    const dir = mkdtempSync(join(tmpdir(), 'monarch-list-cache-it-'));
    dirs.push(dir);
    const file = join(dir, 'contact-lists.sqlite');

    /** Alice signs in with the cache file opened afresh (as at app start); returns what she saw. */
    const aliceSession = async (then?: (a: MsnClient) => Promise<void>) => {
      const cache = SqliteListCache.open(file);
      const tap: TrafficEntry[] = [];
      const a = clientFor(server, dialect, { listCache: cache, tap: (e) => tap.push(e) });
      scope.clients.push(a);
      const rec = new Recorder(a);
      await a.signIn({ handle: ALICE, password: 'alice-pw' });
      const synced = await rec.waitFor('contact-list.synced');
      await then?.(a);
      await a.signOut();
      cache.close();
      const listLines = tap.filter((e) => e.direction === 'in' && /^(LST|LSG) /.test(e.line)).length;
      const contacts = synced.contacts.map((c) => ({ handle: c.handle, lists: c.lists })).sort((x, y) => x.handle.localeCompare(y.handle));
      return { listLines, contacts, groups: synced.groups.length };
    };

    const bob = clientFor(server, dialect);
    scope.clients.push(bob);
    const rb = new Recorder(bob);
    await bob.signIn({ handle: BOB, password: 'bob-pw' });
    const first = await aliceSession(async (a) => {
      await a.contacts.add(BOB);
      await a.contacts.add(CAROL);
      await rb.waitFor('contact.added-me', (e) => e.handle === ALICE);
      await bob.contacts.allow(ALICE);
      await bob.contacts.add(ALICE);
      await waitUntil(() => a.contacts.get(BOB)?.lists.reverse === true);
    });
    expect(first.contacts).toEqual([]); // a new account: nothing to download yet

    // A full sync with nothing changed since leaves the cache current (MSNP10+ changes carry no
    // version, MSNP.md §4.3, so the copy saved after them is not offered as current).
    const full = await aliceSession();
    const cached = await aliceSession();
    expect(cached.listLines).toBe(0);
    expect(cached.contacts).toEqual(full.contacts);
    expect(cached.contacts.map((c) => c.handle)).toEqual([BOB, CAROL]);
    expect(cached.contacts.find((c) => c.handle === BOB)?.lists).toMatchObject({ forward: true, allow: true, reverse: true, pending: false });

    // Changed while Alice was away: Bob removes her. The server's version moved: full download.
    await bob.contacts.remove(ALICE);
    const changed = await aliceSession();
    expect(changed.listLines).toBeGreaterThan(0);
    expect(changed.contacts.find((c) => c.handle === BOB)?.lists).toMatchObject({ forward: true, reverse: false });

    // A damaged cache file: started afresh, full download, the right list.
    writeFileSync(file, 'not a database '.repeat(200));
    const damaged = await aliceSession();
    expect(damaged.listLines).toBeGreaterThan(0);
    expect(damaged.contacts).toEqual(changed.contacts);
  });
});

describe('a list cache that cannot be written (MSNP12)', () => {
  it('signs in anyway, logs the failure, and keeps working; the next save is tried again', async () => {
    const server: RunningServer = await startBundled();
    scope.server = server;
    await server.accounts.add(ALICE, 'alice-pw', 'Alice');
    await server.accounts.add(BOB, 'bob-pw', 'Bob');
    const warnings: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')));
    try {
      // A synchronous throw (SqliteListCache on a full disk or a read-only file) and an asynchronous refusal.
      for (const failing of ['throws', 'rejects'] as const) {
        let attempts = 0;
        const cache: ListCache = {
          load: () => undefined,
          save: () => {
            attempts++;
            if (failing === 'throws') throw new Error('SQLITE_FULL: database or disk is full');
            return Promise.reject(new Error('disk full'));
          },
        };
        const a = clientFor(server, 12, { listCache: cache });
        scope.clients.push(a);
        const rec = new Recorder(a);
        await a.signIn({ handle: ALICE, password: 'alice-pw' });
        await rec.waitFor('contact-list.synced');
        expect(a.state.status).toBe('online');
        const before = attempts;
        expect(before).toBeGreaterThan(0);
        // A list change saves again (the cache is retried, not given up), and still succeeds.
        if (failing === 'throws') await a.contacts.add(BOB);
        else await a.contacts.remove(BOB);
        expect(attempts).toBeGreaterThan(before);
        await waitUntil(() => warnings.length > 0);
        await a.signOut();
      }
      expect(warnings.some((w) => /list cache/i.test(w) && /disk/.test(w))).toBe(true);
      // Only the error's message: no list content or handle is logged.
      for (const w of warnings) expect(w).not.toContain(BOB);
    } finally {
      warn.mockRestore();
    }
  });
});
