/**
 * The MSNP13+ address-book cache (electron/core/msn/ab/cache.ts) against the bundled server over
 * real TCP and HTTP: the second sign-in asks both services with `deltasOnly` + `lastChange`
 * (MSNP13-18.md §6.3, §6.4) and applies the small answers; a change made while signed out arrives;
 * `FullSyncRequired` (§6.6) falls back to the full read; a damaged cache is ignored. The web
 * services are reached through a recording HTTP proxy, so the tests see the request bodies and the
 * answers' sizes on the wire.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteListCache } from '../../electron/core/list-cache';
import type { MsnClient } from '../../electron/core/msn/client';
import { MemoryListCache, listCacheKey, type CachedContactList, type ListCache } from '../../electron/core/msn/list-cache';
import type { RunningServer } from '../../server/index';
import { Recorder, bundledPerTest, clientFor, startBundled } from './helpers/bundled';
import { waitUntil } from './helpers/fake-server';

const scope = bundledPerTest();
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const FRIENDS = Array.from({ length: 8 }, (_, i) => `friend${i}@example.com`);

interface Exchange {
  readonly action: string;
  readonly request: string;
  readonly status: number;
  readonly answer: string;
}

/** Forwards every request to the bundled server's HTTP port and records the address-book ones. */
class RecordingProxy {
  private constructor(
    private readonly http: Server,
    readonly url: string,
    readonly exchanges: Exchange[],
  ) {}

  static async start(target: RunningServer): Promise<RecordingProxy> {
    const exchanges: Exchange[] = [];
    const http = createServer((req, res) => {
      const body: Buffer[] = [];
      req.on('data', (c: Buffer) => body.push(c));
      req.on('end', () => {
        const sent = Buffer.concat(body);
        const out = request({ host: '127.0.0.1', port: target.httpPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const got = Buffer.concat(chunks);
            const action = String(req.headers['soapaction'] ?? '').replace(/"/g, '').split('/').pop() ?? '';
            if (req.url?.startsWith('/abservice/') === true) exchanges.push({ action, request: sent.toString('utf8'), status: answer.statusCode ?? 0, answer: got.toString('utf8') });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(got);
          });
        });
        out.on('error', () => res.writeHead(502).end());
        out.end(sent);
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return new RecordingProxy(http, `http://127.0.0.1:${(http.address() as AddressInfo).port}/`, exchanges);
  }

  /** The exchanges since `from` for the two reads of the list. */
  reads(from = 0): Exchange[] {
    return this.exchanges.slice(from).filter((e) => e.action === 'FindMembership' || e.action === 'ABFindContactsPaged' || e.action === 'ABFindAll');
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.http.close(() => resolve()));
  }
}

let proxy: RecordingProxy | undefined;
let dir: string | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function setUp(): Promise<RunningServer> {
  const server = await startBundled();
  scope.server = server;
  await server.accounts.add(ALICE, 'alice-pw', 'Alice');
  await server.accounts.add(BOB, 'bob-pw', 'Bob');
  for (const f of FRIENDS) await server.accounts.add(f, 'pw', f);
  const setup = clientFor(server, 12);
  await setup.signIn({ handle: ALICE, password: 'alice-pw' });
  for (const f of FRIENDS) await setup.contacts.add(f);
  await setup.signOut();
  proxy = await RecordingProxy.start(server);
  return server;
}

/** Alice at MSNP15 with the web services behind the proxy and the given list cache. */
function alice(server: RunningServer, listCache: ListCache): MsnClient {
  // clientFor's server profile, with the web services reached through the proxy.
  const c = clientFor(server, 15, { listCache, server: { host: server.host, port: server.nsPort, dialects: { min: 15, max: 15 }, nexusUrl: server.nexusUrl, webServicesUrl: proxy!.url } });
  scope.clients.push(c);
  return c;
}

async function signInAndOut(c: MsnClient): Promise<Recorder> {
  const r = new Recorder(c);
  await c.signIn({ handle: ALICE, password: 'alice-pw' });
  await r.waitFor('contact-list.synced');
  return r;
}

function handles(c: MsnClient): string[] {
  return c.contacts
    .all()
    .map((x) => x.handle)
    .sort();
}

describe('MSNP15 address-book cache (deltasOnly)', () => {
  it('the second sign-in asks only for changes, gets small answers and shows the same list (SQLite cache, owner-only file)', async () => {
    const server = await setUp();
    dir = mkdtempSync(join(tmpdir(), 'monarch-ab-cache-'));
    const sqlite = SqliteListCache.open(join(dir, 'contact-lists.sqlite'));
    let saves = 0;
    const store: ListCache = { load: (k) => sqlite.load(k), save: (k, l) => (saves++, sqlite.save(k, l)) };
    try {
      const first = alice(server, store);
      await signInAndOut(first);
      expect(first.addressBookRead).toEqual({ memberships: 'full', book: 'full' });
      expect(saves).toBe(1);
      const firstReads = proxy!.reads();
      expect(firstReads).toHaveLength(2);
      for (const e of firstReads) expect(e.request).not.toContain('deltasOnly');
      const fullBytes = firstReads.reduce((n, e) => n + e.answer.length, 0);
      const firstList = handles(first);
      expect(firstList).toEqual([...FRIENDS].sort());
      await first.signOut();

      const from = proxy!.exchanges.length;
      const second = alice(server, store);
      await signInAndOut(second);
      expect(second.addressBookRead).toEqual({ memberships: 'delta', book: 'delta' });
      const reads = proxy!.reads(from);
      expect(reads.map((e) => e.action).sort()).toEqual(['ABFindContactsPaged', 'FindMembership']);
      for (const e of reads) {
        expect(e.request).toMatch(/<deltasOnly>true<\/deltasOnly>/);
        expect(e.request).toMatch(/<lastChange>\d{4}-\d\d-\d\dT[^<]+<\/lastChange>/);
        expect(e.status).toBe(200);
        // No change: no member and no contact, not even the Me one (the sign-in's `PRP MFN` with the
        // unchanged name changes nothing on the server, so it moves no stamp).
        expect(e.answer).not.toMatch(/<(\w+:)?Member[\s>]/);
        expect(e.answer).not.toContain('friend');
        expect(e.answer).not.toMatch(/<(\w+:)?Contact[\s>]/);
        expect(e.answer.length).toBeLessThan(4000);
      }
      const deltaBytes = reads.reduce((n, e) => n + e.answer.length, 0);
      expect(deltaBytes * 2).toBeLessThan(fullBytes);
      expect(handles(second)).toEqual(firstList);
      expect(second.contacts.get(FRIENDS[0]!)?.lists).toMatchObject({ forward: true, allow: true });
      // Nothing changed: the copy is not written again (its lastChange times still hold).
      expect(saves).toBe(1);
      // The copy on disk is personal data: the file is the owner's alone.
      expect(statSync(join(dir, 'contact-lists.sqlite')).mode & 0o077).toBe(0);
    } finally {
      sqlite.close();
    }
  });

  it('a settings change made while signed out arrives through the delta', async () => {
    const server = await setUp();
    const cache = new MemoryListCache();
    const first = alice(server, cache);
    await signInAndOut(first);
    await first.signOut();

    // Alice elsewhere (no cache) changes her privacy: the Me contact's MSN.IM.BLP (§6.4).
    const elsewhere = clientFor(server, 15);
    scope.clients.push(elsewhere);
    await elsewhere.signIn({ handle: ALICE, password: 'alice-pw' });
    expect(elsewhere.contacts.privacy.visibility).toBe('all-but-blocked');
    await elsewhere.contacts.setPrivacy({ visibility: 'only-allowed' });
    await elsewhere.signOut();

    const from = proxy!.exchanges.length;
    const second = alice(server, cache);
    await signInAndOut(second);
    expect(second.addressBookRead).toEqual({ memberships: 'delta', book: 'delta' });
    expect(second.contacts.privacy.visibility).toBe('only-allowed');
    expect(handles(second)).toEqual([...FRIENDS].sort());
    const book = proxy!.reads(from).find((e) => e.action === 'ABFindContactsPaged');
    expect(book?.request).toContain('<deltasOnly>true</deltasOnly>');
    expect(book?.answer).toContain('MSN.IM.BLP');
  });

  it('deletions made while signed out (a contact, a membership, a group) arrive through the delta, without a full read', async () => {
    const server = await setUp();
    // A group that the first cached read will hold (and a friend in it).
    const before = clientFor(server, 15);
    scope.clients.push(before);
    await before.signIn({ handle: ALICE, password: 'alice-pw' });
    const old = await before.contacts.createGroup('Old friends');
    await before.contacts.copyToGroup(FRIENDS[2]!, old.id);
    await before.signOut();

    const cache = new MemoryListCache();
    const first = alice(server, cache);
    await signInAndOut(first);
    expect(first.contacts.groups().map((g) => g.name)).toEqual(['Old friends']);
    expect(first.contacts.get(FRIENDS[2]!)?.groupIds).toEqual([old.id]);
    await first.signOut();

    // Alice elsewhere (no cache): removes a contact, blocks another (Allow deleted, Block added),
    // deletes the group; Bob adds her.
    const elsewhere = clientFor(server, 15);
    scope.clients.push(elsewhere);
    await elsewhere.signIn({ handle: ALICE, password: 'alice-pw' });
    await elsewhere.contacts.remove(FRIENDS[0]!);
    await elsewhere.contacts.block(FRIENDS[1]!);
    await elsewhere.contacts.deleteGroup(old.id);
    await elsewhere.signOut();
    const bob = clientFor(server, 15);
    scope.clients.push(bob);
    await bob.signIn({ handle: BOB, password: 'bob-pw' });
    await bob.contacts.add(ALICE);
    await bob.signOut();

    const from = proxy!.exchanges.length;
    const second = alice(server, cache);
    const seen = await signInAndOut(second);
    // Both services answered the delta, and no full read followed.
    expect(second.addressBookRead).toEqual({ memberships: 'delta', book: 'delta' });
    const reads = proxy!.reads(from);
    expect(reads).toHaveLength(2);
    for (const e of reads) expect(e.request).toContain('<deltasOnly>true</deltasOnly>');
    expect(reads.find((e) => e.action === 'ABFindContactsPaged')?.answer).toMatch(/<fDeleted>true<\/fDeleted>/);
    expect(reads.find((e) => e.action === 'FindMembership')?.answer).toMatch(/<Deleted>true<\/Deleted>/);
    // What the UI is given: the removed contact and the deleted group are gone, the rest as on the server.
    const synced = seen.of('contact-list.synced')[0]!;
    // (Removed = off the forward list: the entry stays only as allowed, as after a full read.)
    expect(synced.contacts.filter((c) => c.lists.forward).map((c) => c.handle)).not.toContain(FRIENDS[0]);
    expect(synced.groups).toEqual([]);
    expect(second.contacts.get(FRIENDS[0]!)?.lists.forward ?? false).toBe(false);
    expect(second.contacts.get(FRIENDS[1]!)?.lists).toMatchObject({ forward: true, allow: false, block: true });
    expect(second.contacts.get(FRIENDS[2]!)?.groupIds).toEqual([]);
    expect(second.contacts.groups()).toEqual([]);
    expect(second.contacts.get(BOB)?.lists).toMatchObject({ reverse: true, pending: true });

    // The same list as a client that reads everything in full.
    const fresh = clientFor(server, 15);
    scope.clients.push(fresh);
    await signInAndOut(fresh);
    const view = (c: MsnClient) => c.contacts.all().map((x) => ({ handle: x.handle, lists: x.lists, groupIds: x.groupIds })).sort((a, b) => a.handle.localeCompare(b.handle));
    expect(view(second)).toEqual(view(fresh));
    await fresh.signOut();
    await second.signOut();

    // The cache was written with the applied deltas: the next sign-in is a delta again, same list.
    const third = alice(server, cache);
    await signInAndOut(third);
    expect(third.addressBookRead).toEqual({ memberships: 'delta', book: 'delta' });
    expect(view(third)).toEqual(view(fresh));
  });

  it('a damaged cache is ignored: the full read, then a good copy is kept', async () => {
    const server = await setUp();
    const cache = new MemoryListCache();
    const first = alice(server, cache);
    await signInAndOut(first);
    await first.signOut();
    const good = cache.load(listCacheKey(ALICE, server.host, server.nsPort))!;
    expect(good.addressBook).toBeDefined();
    const damaged: ListCache[] = [
      { load: () => ({ ...good, addressBook: { ...good.addressBook!, contacts: [{ id: 7 }] } }) as unknown as CachedContactList, save: (k, l) => cache.save(k, l) },
      { load: () => ({ ...good, version: '2001-01-01T00:00:00Z 2001-01-01T00:00:00Z' }), save: (k, l) => cache.save(k, l) },
      { load: () => ({ ...good, addressBook: undefined }) as unknown as CachedContactList, save: (k, l) => cache.save(k, l) },
      {
        load: () => {
          throw new Error('disk on fire');
        },
        save: (k, l) => cache.save(k, l),
      },
      // A store that cannot write either: the sign-in does not notice.
      {
        load: () => undefined,
        save: () => {
          throw new Error('disk full');
        },
      },
    ];
    for (const store of damaged) {
      const from = proxy!.exchanges.length;
      const c = alice(server, store);
      await signInAndOut(c);
      expect(c.addressBookRead).toEqual({ memberships: 'full', book: 'full' });
      for (const e of proxy!.reads(from)) expect(e.request).not.toContain('deltasOnly');
      expect(handles(c)).toEqual([...FRIENDS].sort());
      await c.signOut();
    }
    const next = alice(server, cache);
    await signInAndOut(next);
    expect(next.addressBookRead).toEqual({ memberships: 'delta', book: 'delta' });
    await waitUntil(() => next.state.status === 'online');
  });
});
