/**
 * Issue 10, display pictures end to end: real clients against the bundled server on 127.0.0.1
 * (MSNP9, 10, 11, 12), pictures announced in CHG/NLN with an MSNObject and fetched over P2P
 * (MSNSLP over `MSG … D` on a switchboard nobody sees), verified against SHA1D. Also: a changed
 * picture is fetched again, a peer that declines / never answers / leaves mid-transfer ends in a
 * clear error with nothing left behind, several contacts at once, and a 3-person chat where the
 * relayed P2P chunks reach a bystander that must ignore them (`P2P-Dest`).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MsnClient } from '../../electron/core/msn/client';
import type { P2pError } from '../../electron/core/msn/p2p/errors';
import { buildMsnObject } from '../../shared/msnp';
import { Recorder, bundledPerTest, clientFor, startBundled } from './helpers/bundled';
import { waitUntil } from './helpers/fake-server';

const DIALECTS = [9, 10, 11, 12] as const;
const scope = bundledPerTest();

const sha1 = (b: Uint8Array): string => createHash('sha1').update(b).digest('base64');

/** A "PNG" of `size` bytes: the PNG signature, then deterministic noise (the magic bytes are what count). */
function png(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let x = seed >>> 0 || 1;
  for (let i = 8; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

type Options = Parameters<typeof clientFor>[2];

async function world(dialect: number, names: readonly string[], options: Options = {}) {
  const server = await startBundled();
  scope.server = server;
  const clients = new Map<string, MsnClient>();
  for (const n of names) {
    const handle = `${n}@example.com`;
    await server.accounts.add(handle, `${n}-pw`, n);
    const c = clientFor(server, dialect as 9, { p2p: { answerTimeoutMs: 3000, idleTimeoutMs: 3000, joinTimeoutMs: 5000, lingerMs: 200 }, ...options });
    scope.clients.push(c);
    clients.set(n, c);
  }
  for (const n of names) await (clients.get(n) as MsnClient).signIn({ handle: `${n}@example.com`, password: `${n}-pw` });
  // Everyone has everyone on the forward and allow lists (so presence and MSNObjects flow).
  for (const n of names) {
    const c = clients.get(n) as MsnClient;
    for (const m of names) if (m !== n) await c.contacts.add(`${m}@example.com`);
  }
  for (const n of names) {
    const c = clients.get(n) as MsnClient;
    for (const m of names) if (m !== n) await waitUntil(() => c.contacts.get(`${m}@example.com`)?.status === 'online', 10_000);
  }
  const get = (n: string): MsnClient => clients.get(n) as MsnClient;
  return { server, get };
}

async function waitForObject(c: MsnClient, handle: string, sha1d: string): Promise<void> {
  await waitUntil(() => c.pictures.objectOf(handle)?.sha1d === sha1d, 10_000);
}

describe.each(DIALECTS)('display pictures over MSNP%i', (dialect) => {
  it('two clients fetch each other’s 10 KB and 500 KB pictures; a changed picture is fetched again', async () => {
    const { get } = await world(dialect, ['alice', 'bob']);
    const alice = get('alice');
    const bob = get('bob');
    const a10 = png(10 * 1024, 1);
    const b500 = png(500 * 1024, 2);
    await alice.pictures.setMine(a10);
    await bob.pictures.setMine(b500);
    await waitForObject(bob, 'alice@example.com', sha1(a10));
    await waitForObject(alice, 'bob@example.com', sha1(b500));

    const [gotA, gotB] = await Promise.all([bob.pictures.fetch('alice@example.com'), alice.pictures.fetch('bob@example.com')]);
    expect(gotA).toMatchObject({ handle: 'alice@example.com', mime: 'image/png', sha1d: sha1(a10) });
    expect(sha1(gotA.bytes)).toBe(sha1(a10));
    expect(gotA.bytes.length).toBe(10 * 1024);
    expect(sha1(gotB.bytes)).toBe(sha1(b500));
    expect(gotB.bytes.length).toBe(500 * 1024);

    // The switchboards opened for this are not conversations: nobody saw a window open.
    const ra = new Recorder(alice);
    const rb = new Recorder(bob);
    expect(alice.conversations.list()).toEqual([]);
    expect(bob.conversations.list()).toEqual([]);

    // Alice changes her picture: Bob sees the new MSNObject and fetches the new bytes.
    const a500 = png(500 * 1024, 3);
    await alice.pictures.setMine(a500);
    await waitForObject(bob, 'alice@example.com', sha1(a500));
    const again = await bob.pictures.fetch('alice@example.com');
    expect(sha1(again.bytes)).toBe(sha1(a500));
    expect(ra.of('conversation.started')).toEqual([]);
    expect(rb.of('conversation.started')).toEqual([]);
    await waitUntil(() => alice.p2pStats().sessions === 0 && bob.p2pStats().sessions === 0);
    expect(bob.p2pStats().partialMessages).toBe(0);
  });

  it('a request for a picture the peer does not publish is declined', async () => {
    const { get } = await world(dialect, ['alice', 'bob']);
    const alice = get('alice');
    const bob = get('bob');
    await alice.pictures.setMine(png(2000, 4));
    await waitForObject(bob, 'alice@example.com', sha1(png(2000, 4)));
    // Bob believes in an object Alice never published (another SHA1D).
    const other = png(3000, 5);
    bob.pictures.noteContactObject('alice@example.com', buildMsnObject({ creator: 'alice@example.com', size: other.length, type: 3, location: '0', sha1d: sha1(other) }));
    const err = (await bob.pictures.fetch('alice@example.com').catch((e: unknown) => e)) as P2pError;
    expect(err).toMatchObject({ name: 'P2pError', code: 'declined' });
    await waitUntil(() => bob.p2pStats().sessions === 0 && alice.p2pStats().sessions === 0);
  });

  it('a peer that never answers ends in a timeout, with nothing left behind', async () => {
    const { get } = await world(dialect, ['alice', 'bob']);
    const alice = get('alice');
    const bob = get('bob');
    const pic = png(4000, 6);
    await alice.pictures.setMine(pic);
    await waitForObject(bob, 'alice@example.com', sha1(pic));
    // A silent peer: Alice's P2P layer stops (as at sign-out) while her switchboards stay up.
    (alice as unknown as { p2p: { close(): void } }).p2p.close();
    const started = Date.now();
    const err = (await bob.pictures.fetch('alice@example.com').catch((e: unknown) => e)) as P2pError;
    expect(err).toMatchObject({ name: 'P2pError', code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(bob.p2pStats()).toMatchObject({ sessions: 0, partialMessages: 0 });
  });

  it('a peer that leaves mid-transfer ends the fetch with “disconnected”', async () => {
    const { get } = await world(dialect, ['alice', 'bob']);
    const alice = get('alice');
    const bob = get('bob');
    const pic = png(1000 * 1024, 7);
    await alice.pictures.setMine(pic);
    await waitForObject(bob, 'alice@example.com', sha1(pic));
    const fetching = bob.pictures.fetch('alice@example.com').catch((e: unknown) => e);
    await waitUntil(() => bob.p2pStats().partialMessages > 0, 10_000);
    await alice.signOut();
    const err = (await fetching) as P2pError;
    expect(err).toMatchObject({ name: 'P2pError', code: 'disconnected' });
    expect(bob.p2pStats()).toMatchObject({ sessions: 0, partialMessages: 0 });
  });

  it('several contacts’ pictures at once, and a 3-person chat whose bystander ignores relayed P2P', async () => {
    const names = ['bob', 'c1', 'c2', 'c3', 'c4'];
    const { get } = await world(dialect, names);
    const bob = get('bob');
    const pics = new Map(names.slice(1).map((n, i) => [n, png(20_000 + i * 7000, 10 + i)]));
    for (const [n, p] of pics) await get(n).pictures.setMine(p);
    for (const [n, p] of pics) await waitForObject(bob, `${n}@example.com`, sha1(p));
    const got = await Promise.all([...pics.keys()].map((n) => bob.pictures.fetch(`${n}@example.com`)));
    expect(got.map((g) => sha1(g.bytes))).toEqual([...pics.values()].map(sha1));

    // A chat with c1 and c2: Bob's next fetch from c1 may use it; c2 gets every chunk and must drop them.
    const conv = bob.conversations.start(['c1@example.com', 'c2@example.com']);
    bob.conversations.send(conv.id, 'hello both');
    const r2 = new Recorder(get('c2'));
    await r2.waitFor('message.received', (e) => e.message.text === 'hello both');
    const newer = png(30_000, 99);
    await get('c1').pictures.setMine(newer);
    await waitForObject(bob, 'c1@example.com', sha1(newer));
    // Bob's switchboard for the first fetch from c1 closes after the linger; the chat is then the only one with c1.
    await new Promise((r) => setTimeout(r, 500));
    expect(sha1((await bob.pictures.fetch('c1@example.com')).bytes)).toBe(sha1(newer));
    expect(r2.of('content.unsupported')).toEqual([]);
    expect(get('c2').p2pStats()).toMatchObject({ sessions: 0, partialMessages: 0 });
    expect(get('c2').p2pStats().notForMe).toBeGreaterThan(20);
  });
});

describe('many contacts', () => {
  it('20 contacts change their pictures at once; Bob fetches all 20 at once (MSNP12)', async () => {
    const server = await startBundled();
    scope.server = server;
    const mk = async (n: string): Promise<MsnClient> => {
      await server.accounts.add(`${n}@example.com`, 'pw', n);
      const c = clientFor(server, 12, { p2p: { answerTimeoutMs: 10_000, idleTimeoutMs: 10_000, joinTimeoutMs: 10_000 } });
      scope.clients.push(c);
      await c.signIn({ handle: `${n}@example.com`, password: 'pw' });
      return c;
    };
    const bob = await mk('bob');
    const contacts = await Promise.all(Array.from({ length: 20 }, (_, i) => mk(`c${i}`)));
    for (let i = 0; i < 20; i++) {
      await bob.contacts.add(`c${i}@example.com`);
      await (contacts[i] as MsnClient).contacts.add('bob@example.com');
    }
    await waitUntil(() => contacts.every((_, i) => bob.contacts.get(`c${i}@example.com`)?.status === 'online'), 15_000);
    const pics = contacts.map((_, i) => png(8000 + i * 1000, 200 + i));
    await Promise.all(contacts.map((c, i) => c.pictures.setMine(pics[i] as Uint8Array)));
    await waitUntil(() => pics.every((p, i) => bob.pictures.objectOf(`c${i}@example.com`)?.sha1d === sha1(p)), 15_000);
    const got = await Promise.all(contacts.map((_, i) => bob.pictures.fetch(`c${i}@example.com`)));
    expect(got.map((g) => sha1(g.bytes))).toEqual(pics.map(sha1));
    await waitUntil(() => bob.p2pStats().sessions === 0);
    expect(bob.p2pStats().partialMessages).toBe(0);
  }, 60_000);
});
