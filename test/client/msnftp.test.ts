/**
 * Issue 11, MSNFTP (MSNP.md §6.10) end to end: MSNP7 clients against the bundled server on
 * 127.0.0.1, the `text/x-msmsgsinvite` invitation through the real switchboard and the file over a
 * real MSNFTP TCP session (the sender listens on the NS connection's local address, port 0).
 * Sizes 0 B … 20 MB checked by SHA-256; decline; cancel by either side half-way; a peer killed
 * mid-transfer; two transfers at once both ways; and hand-built hostile peers on the TCP side
 * (wrong cookie, too many bytes, garbage blocks, a FIL that lies), each ending in a clear `failed`
 * state with the sink aborted and the client still working.
 */
import { createHash } from 'node:crypto';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { MsnClient } from '../../electron/core/msn/client';
import type { FileSink, FileSource, TransferEndReason, TransferInfo } from '../../electron/core/msn/files/types';
import { FINAL_TRANSFER_STATES } from '../../electron/core/msn/files/types';
import { decodeMessage, isCodecError } from '../../shared/msnp';
import {
  MsnftpByeCode,
  MsnftpReader,
  buildFileInvite,
  buildInvitationPayload,
  buildMsnftpLine,
  buildReceiverAccept,
  buildSenderAccept,
  encodeBlocks,
  parseInvitation,
  type Invitation,
} from '../../shared/msnp/msnftp';
import { bundledPerTest, clientFor, startBundled } from './helpers/bundled';
import { waitUntil } from './helpers/fake-server';

const scope = bundledPerTest();
const MB = 1024 * 1024;

// ----- files -----

/** Deterministic bytes (xorshift32), produced in chunks as a FileSource reads them. */
function pattern(size: number, seed: number, chunkSize = 64 * 1024): { source: FileSource; sha256: string } {
  const gen = function* (): Generator<Uint8Array> {
    let x = seed >>> 0 || 1;
    for (let off = 0; off < size; off += chunkSize) {
      const n = Math.min(chunkSize, size - off);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        out[i] = x & 0xff;
      }
      yield out;
    }
  };
  const h = createHash('sha256');
  for (const c of gen()) h.update(c);
  const source: FileSource = {
    name: `file-${size}.bin`,
    size,
    open: () =>
      (async function* () {
        yield* gen();
      })(),
  };
  return { source, sha256: h.digest('hex') };
}

class HashSink implements FileSink {
  private readonly hash = createHash('sha256');
  bytes = 0;
  writes = 0;
  digest: string | undefined;
  aborted: TransferEndReason | undefined;
  /** Called after each write (e.g. to cancel half-way); may delay the write (backpressure). */
  onWrite: ((bytes: number) => void | Promise<void>) | undefined;

  async write(chunk: Uint8Array): Promise<void> {
    if (this.digest !== undefined || this.aborted !== undefined) throw new Error('write after the end');
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.writes += 1;
    await this.onWrite?.(this.bytes);
  }

  async finish(): Promise<void> {
    this.digest = this.hash.digest('hex');
  }

  async abort(reason: TransferEndReason): Promise<void> {
    this.aborted = reason;
  }
}

// ----- world -----

const TIMEOUTS = { answerMs: 10_000, connectMs: 5000, handshakeMs: 3000, idleMs: 3000 };

async function world(names: readonly string[], dialects: number | Readonly<Record<string, number>> = 7, timeouts = TIMEOUTS) {
  const server = await startBundled();
  scope.server = server;
  const clients = new Map<string, MsnClient>();
  for (const n of names) {
    await server.accounts.add(`${n}@example.com`, `${n}-pw`, n);
    const dialect = typeof dialects === 'number' ? dialects : (dialects[n] ?? 7);
    const c = clientFor(server, dialect as 7, { msnftp: timeouts });
    scope.clients.push(c);
    clients.set(n, c);
  }
  for (const n of names) await (clients.get(n) as MsnClient).signIn({ handle: `${n}@example.com`, password: `${n}-pw` });
  for (const n of names) {
    const c = clients.get(n) as MsnClient;
    for (const m of names) if (m !== n) await c.contacts.add(`${m}@example.com`);
  }
  for (const n of names) {
    const c = clients.get(n) as MsnClient;
    for (const m of names) if (m !== n) await waitUntil(() => c.contacts.get(`${m}@example.com`)?.status === 'online', 10_000);
  }
  return (n: string): MsnClient => clients.get(n) as MsnClient;
}

/** The next offer `c` gets. */
function nextOffer(c: MsnClient, ms = 15_000): Promise<TransferInfo> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no offer')), ms);
    const off = c.files.events.on('offered', (info) => {
      clearTimeout(t);
      off();
      resolve(info);
    });
  });
}

/** The final state of transfer `id` on `c`. */
function finalOf(c: MsnClient, id: string, ms = 60_000): Promise<TransferInfo> {
  const now = c.files.get(id);
  if (now !== undefined && FINAL_TRANSFER_STATES.has(now.state)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`transfer ${id} did not end; it is ${JSON.stringify(c.files.get(id))}`)), ms);
    const off = c.files.events.on('updated', (info) => {
      if (info.id !== id || !FINAL_TRANSFER_STATES.has(info.state)) return;
      clearTimeout(t);
      off();
      resolve(info);
    });
  });
}

async function transfer(from: MsnClient, to: MsnClient, toHandle: string, size: number, seed: number) {
  const { source, sha256 } = pattern(size, seed);
  const offer = nextOffer(to);
  const sent = await from.files.send(toHandle, source);
  expect(sent).toMatchObject({ direction: 'outgoing', protocol: 'msnftp', state: 'waiting', size });
  const incoming = await offer;
  expect(incoming).toMatchObject({ direction: 'incoming', protocol: 'msnftp', state: 'offered', name: source.name, size });
  const sink = new HashSink();
  await to.files.accept(incoming.id, sink);
  const [s, r] = await Promise.all([finalOf(from, sent.id), finalOf(to, incoming.id)]);
  return { s, r, sink, sha256 };
}

describe('MSNFTP between two MSNP7 clients', () => {
  it.each([0, 1, MB, 20 * MB])('sends %i bytes, SHA-256 checked', async (size) => {
    const get = await world(['alice', 'bob']);
    const { s, r, sink, sha256 } = await transfer(get('alice'), get('bob'), 'bob@example.com', size, size + 1);
    expect(s).toMatchObject({ state: 'completed', bytes: size });
    expect(r).toMatchObject({ state: 'completed', bytes: size });
    expect(sink.digest).toBe(sha256);
    expect(sink.bytes).toBe(size);
    expect(sink.aborted).toBeUndefined();
  }, 120_000);

  it.each([
    [12, 7],
    [7, 12],
  ])('an MSNP%i client and an MSNP%i client (no P2P capability): MSNFTP, 1 MB checked', async (da, db) => {
    const get = await world(['alice', 'bob'], { alice: da, bob: db });
    expect(get('alice').dialect).toBe(da);
    expect(get('bob').dialect).toBe(db);
    const { s, r, sink, sha256 } = await transfer(get('alice'), get('bob'), 'bob@example.com', MB, 11);
    expect(s).toMatchObject({ protocol: 'msnftp', state: 'completed' });
    expect(r).toMatchObject({ protocol: 'msnftp', state: 'completed' });
    expect(sink.digest).toBe(sha256);
  }, 60_000);

  it('an offer nobody answers times out: CANCEL TIMEOUT ends it on both sides', async () => {
    const get = await world(['alice', 'bob'], 7, { ...TIMEOUTS, answerMs: 800 });
    const offer = nextOffer(get('bob'));
    const sent = await get('alice').files.send('bob@example.com', pattern(10, 12).source);
    const incoming = await offer;
    expect(await finalOf(get('alice'), sent.id)).toMatchObject({ state: 'failed', reason: 'timeout' });
    expect(await finalOf(get('bob'), incoming.id)).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-peer' });
  });

  it('an offer accepted at once, on the switchboard it opened (the answer queued before ANS completes is still sent)', async () => {
    for (let round = 0; round < 2; round++) {
      const get = await world(['alice', 'bob']);
      const bob = get('bob');
      const sink = new HashSink();
      const accepted = new Promise<string>((resolve) => {
        const off = bob.files.events.on('offered', (info) => {
          off();
          void bob.files.accept(info.id, sink);
          resolve(info.id);
        });
      });
      const { source, sha256 } = pattern(5000, 20 + round);
      const sent = await get('alice').files.send('bob@example.com', source);
      const id = await accepted;
      expect(await finalOf(get('alice'), sent.id, 10_000)).toMatchObject({ state: 'completed' });
      expect(await finalOf(bob, id)).toMatchObject({ state: 'completed' });
      expect(sink.digest).toBe(sha256);
      for (const c of scope.clients.splice(0)) await c.signOut();
      await scope.server?.stop();
      scope.server = undefined;
    }
  }, 120_000);

  it('from a group conversation the file goes to the one person picked, in a one-to-one conversation', async () => {
    const get = await world(['alice', 'bob', 'carol']);
    const alice = get('alice');
    const group = alice.conversations.start(['bob@example.com', 'carol@example.com']);
    alice.conversations.send(group.id, 'hi both');
    await waitUntil(() => (alice.conversations.internal(group.id)?.participants.length ?? 0) === 2, 10_000);
    let carolOffers = 0;
    get('carol').files.events.on('offered', () => carolOffers++);
    const offer = nextOffer(get('bob'));
    const { source, sha256 } = pattern(4000, 30);
    const sent = await alice.files.send('bob@example.com', source, { conversationId: group.id });
    const incoming = await offer;
    const sink = new HashSink();
    await get('bob').files.accept(incoming.id, sink);
    expect(await finalOf(alice, sent.id)).toMatchObject({ state: 'completed' });
    expect(sink.digest).toBe(sha256);
    expect(carolOffers).toBe(0);
    // Bob's offer came in a conversation with Alice alone.
    const conv = get('bob').conversations.get(incoming.conversationId ?? '');
    expect(conv?.participants.map((p) => p.handle)).toEqual(['alice@example.com']);
  }, 60_000);

  it('the receiver declines: the sender sees declined, nothing is written', async () => {
    const get = await world(['alice', 'bob']);
    const { source } = pattern(1000, 3);
    const offer = nextOffer(get('bob'));
    const sent = await get('alice').files.send('bob@example.com', source);
    const incoming = await offer;
    get('bob').files.decline(incoming.id);
    expect(await finalOf(get('alice'), sent.id)).toMatchObject({ state: 'declined', reason: 'declined' });
    expect(get('bob').files.get(incoming.id)).toMatchObject({ state: 'declined' });
  });

  it('the sender cancels before the answer: the offer ends as cancelled by the peer', async () => {
    const get = await world(['alice', 'bob']);
    const { source } = pattern(1000, 4);
    const offer = nextOffer(get('bob'));
    const sent = await get('alice').files.send('bob@example.com', source);
    const incoming = await offer;
    get('alice').files.cancel(sent.id);
    expect(await finalOf(get('bob'), incoming.id)).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-peer' });
    expect(get('alice').files.get(sent.id)).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-me' });
  });

  it.each(['sender', 'receiver'] as const)('the %s cancels part-way through 20 MB: both end cancelled, the sink is aborted', async (who) => {
    const get = await world(['alice', 'bob']);
    const alice = get('alice');
    const bob = get('bob');
    const size = 20 * MB;
    const { source } = pattern(size, 5);
    const offer = nextOffer(bob);
    const sent = await alice.files.send('bob@example.com', source);
    const incoming = await offer;
    const sink = new HashSink();
    let cancelled = false;
    sink.onWrite = async (bytes) => {
      // A slow disk from 1 MB on: the sender is held back by the socket, so its cancel overtakes
      // the data still to come (the kernel buffers hold a few MB at most).
      if (bytes >= MB) await new Promise((r) => setTimeout(r, 5));
      if (cancelled || bytes < MB) return;
      cancelled = true;
      if (who === 'receiver') bob.files.cancel(incoming.id);
      else alice.files.cancel(sent.id);
    };
    await bob.files.accept(incoming.id, sink);
    const [s, r] = await Promise.all([finalOf(alice, sent.id), finalOf(bob, incoming.id)]);
    expect(s).toMatchObject({ state: 'cancelled', reason: who === 'sender' ? 'cancelled-by-me' : 'cancelled-by-peer' });
    expect(r).toMatchObject({ state: 'cancelled', reason: who === 'receiver' ? 'cancelled-by-me' : 'cancelled-by-peer' });
    await waitUntil(() => sink.aborted !== undefined);
    expect(sink.digest).toBeUndefined();
    expect(sink.bytes).toBeLessThan(size);
  }, 60_000);

  it('two transfers at once in both directions', async () => {
    const get = await world(['alice', 'bob']);
    const alice = get('alice');
    const bob = get('bob');
    const a = pattern(3 * MB, 6);
    const b = pattern(2 * MB + 17, 7);
    const offersToBob: TransferInfo[] = [];
    const offersToAlice: TransferInfo[] = [];
    const sinks = new Map<string, HashSink>();
    const acceptAll = (c: MsnClient, into: TransferInfo[]) =>
      c.files.events.on('offered', (info) => {
        into.push(info);
        const sink = new HashSink();
        sinks.set(info.id, sink);
        void c.files.accept(info.id, sink);
      });
    acceptAll(bob, offersToBob);
    acceptAll(alice, offersToAlice);
    const sent = await Promise.all([
      alice.files.send('bob@example.com', a.source),
      alice.files.send('bob@example.com', { ...b.source, name: 'second.bin' }),
      bob.files.send('alice@example.com', b.source),
      bob.files.send('alice@example.com', { ...a.source, name: 'fourth.bin' }),
    ]);
    await waitUntil(() => offersToBob.length === 2 && offersToAlice.length === 2, 15_000);
    const ends = await Promise.all([
      ...sent.slice(0, 2).map((t) => finalOf(alice, t.id)),
      ...sent.slice(2).map((t) => finalOf(bob, t.id)),
      ...offersToBob.map((t) => finalOf(bob, t.id)),
      ...offersToAlice.map((t) => finalOf(alice, t.id)),
    ]);
    for (const e of ends) expect(e, JSON.stringify(ends.map((x) => [x.direction, x.name, x.state, x.reason, x.detail]))).toMatchObject({ state: "completed" });
    const digestOf = (c: MsnClient, offers: TransferInfo[], name: string) => sinks.get((offers.find((o) => o.name === name) as TransferInfo).id)?.digest;
    expect(digestOf(bob, offersToBob, a.source.name)).toBe(a.sha256);
    expect(digestOf(bob, offersToBob, 'second.bin')).toBe(b.sha256);
    expect(digestOf(alice, offersToAlice, b.source.name)).toBe(b.sha256);
    expect(digestOf(alice, offersToAlice, 'fourth.bin')).toBe(a.sha256);
  }, 90_000);

  it('a file offer is not shown as unsupported content; other invitations still are', async () => {
    const get = await world(['alice', 'bob']);
    const alice = get('alice');
    const bob = get('bob');
    const unsupported: string[] = [];
    bob.on('content.unsupported', (e) => unsupported.push(e.summary));
    const offer = nextOffer(bob);
    await alice.files.send('bob@example.com', pattern(10, 8).source);
    await offer;
    const conv = alice.conversations.internal(alice.conversations.list()[0]?.id ?? '');
    // NetMeeting (another Application-GUID): not ours.
    await conv?.sendInvitation(
      buildInvitationPayload([
        { name: 'Application-Name', value: 'NetMeeting' },
        { name: 'Application-GUID', value: '{44BBA842-CC51-11CF-AAFA-00AA00B6015C}' },
        { name: 'Invitation-Command', value: 'INVITE' },
        { name: 'Invitation-Cookie', value: '77' },
      ]),
    );
    await waitUntil(() => unsupported.length === 1);
    expect(unsupported[0]).toContain('NetMeeting');
  });
});

// ----- hostile peers: a real client for the switchboard, raw sockets for MSNFTP -----

/** Invitations `peer` receives from `victim` on their (one) switchboard, read raw. */
async function rawInvitations(peer: MsnClient, victim: string): Promise<{ convId: string; next: (pred: (i: Invitation) => boolean) => Promise<Invitation> }> {
  const conv = peer.conversations.start([victim]);
  await peer.conversations.connect(conv.id);
  peer.conversations.send(conv.id, 'hello');
  const sb = peer.conversations.internal(conv.id)?.switchboard;
  if (sb === undefined) throw new Error('no switchboard');
  const seen: Invitation[] = [];
  const waiters: { pred: (i: Invitation) => boolean; resolve: (i: Invitation) => void }[] = [];
  sb.events.on('message', (m) => {
    const d = decodeMessage(m.payload);
    if (isCodecError(d) || d.kind !== 'invite') return;
    const inv = parseInvitation(d.fields);
    if (isCodecError(inv)) return;
    seen.push(inv);
    for (const w of [...waiters]) if (w.pred(inv)) w.resolve(inv);
  });
  return {
    convId: conv.id,
    next: (pred) =>
      new Promise((resolve, reject) => {
        const found = seen.find(pred);
        if (found !== undefined) return resolve(found);
        const t = setTimeout(() => reject(new Error('no such invitation')), 15_000);
        waiters.push({ pred, resolve: (i) => (clearTimeout(t), resolve(i)) });
      }),
  };
}

type SenderScript = (socket: Socket, reader: MsnftpReader) => void;

/**
 * Mallory offers `size` bytes to Bob (raw INVITE), Bob accepts into a HashSink, Mallory answers
 * with the address of a raw TCP server that runs `script` on Bob's connection.
 */
async function hostileSender(size: number, script: SenderScript, ipAddress = '127.0.0.1') {
  const get = await world(['mallory', 'bob']);
  const mallory = get('mallory');
  const bob = get('bob');
  const raw = await rawInvitations(mallory, 'bob@example.com');
  const cookie = 4242;
  const authCookie = 9999;
  const server: Server = createServer((socket) => script(socket, new MsnftpReader({ from: 'receiver' })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const offer = nextOffer(bob);
  await mallory.conversations.internal(raw.convId)?.sendInvitation(buildInvitationPayload(buildFileInvite({ cookie, name: 'evil.bin', size })));
  const incoming = await offer;
  const sink = new HashSink();
  await bob.files.accept(incoming.id, sink);
  await raw.next((i) => i.command === 'ACCEPT' && i.cookie === cookie);
  const port = (server.address() as AddressInfo).port;
  await mallory.conversations.internal(raw.convId)?.sendInvitation(buildInvitationPayload(buildSenderAccept({ cookie, ipAddress, port, authCookie })));
  const end = await finalOf(bob, incoming.id, 20_000);
  server.close();
  await waitUntil(() => sink.aborted !== undefined || sink.digest !== undefined);
  return { end, sink, bob, mallory, raw };
}

/** The usual handshake from the sender's side, then `then(socket)`. */
function handshake(fil: number, then: (s: Socket) => void): SenderScript {
  return (socket, reader) => {
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      for (const item of reader.push(chunk)) {
        if (item.kind !== 'line') continue;
        if (item.line.verb === 'VER') socket.write(buildMsnftpLine({ verb: 'VER', protocols: ['MSNFTP'] }));
        if (item.line.verb === 'USR') socket.write(buildMsnftpLine({ verb: 'FIL', size: fil }));
        if (item.line.verb === 'TFR') then(socket);
      }
    });
  };
}

describe('MSNFTP against hostile peers (the client never crashes; clear failed state; sink aborted)', () => {
  it('a sender that sends more bytes than announced: size-mismatch', async () => {
    const { end, sink, bob } = await hostileSender(
      1000,
      handshake(1000, (s) => s.write(encodeBlocks(new Uint8Array(5000)))),
    );
    expect(end).toMatchObject({ state: 'failed', reason: 'size-mismatch' });
    expect(sink.aborted).toBe('size-mismatch');
    expect(sink.digest).toBeUndefined();
    expect(bob.state.status).toBe('online');
  });

  it('a FIL that differs from the invitation: size-mismatch before any byte', async () => {
    const { end, sink } = await hostileSender(
      1000,
      handshake(5_000_000, () => undefined),
    );
    expect(end).toMatchObject({ state: 'failed', reason: 'size-mismatch' });
    expect(sink.bytes).toBe(0);
    expect(sink.aborted).toBe('size-mismatch');
  });

  it('garbage blocks (a bad flag byte): protocol-error', async () => {
    const { end, sink } = await hostileSender(
      10_000,
      handshake(10_000, (s) => s.write(Uint8Array.of(0, 4, 0, 1, 2, 3, 4, 0x7f, 0xff, 0xff, 9, 9, 9))),
    );
    expect(end).toMatchObject({ state: 'failed', reason: 'protocol-error' });
    expect(sink.aborted).toBe('protocol-error');
  });

  it('garbage instead of the handshake: protocol-error', async () => {
    const { end, sink } = await hostileSender(10, (socket) => {
      socket.on('error', () => undefined);
      socket.write(new Uint8Array(4096).fill(0x41));
    });
    expect(end).toMatchObject({ state: 'failed', reason: 'protocol-error' });
    expect(sink.aborted).toBe('protocol-error');
  });

  it('a sender killed half-way (the socket just closes): peer-gone, sink aborted', async () => {
    const { end, sink } = await hostileSender(
      100_000,
      handshake(100_000, (s) => {
        s.write(encodeBlocks(new Uint8Array(50_000)));
        setTimeout(() => s.destroy(), 100);
      }),
    );
    expect(end).toMatchObject({ state: 'failed', reason: 'peer-gone' });
    expect(end.detail).toContain('50000 of 100000');
    expect(sink.aborted).toBe('peer-gone');
  });

  it('fewer bytes than announced, then a clean close: peer-gone (not completed)', async () => {
    const { end, sink } = await hostileSender(
      3000,
      handshake(3000, (s) => s.end(encodeBlocks(new Uint8Array(2999)))),
    );
    expect(end).toMatchObject({ state: 'failed', reason: 'peer-gone' });
    expect(sink.aborted).toBe('peer-gone');
  });

  it('a sender that goes silent after FIL: timeout', async () => {
    const { end, sink } = await hostileSender(
      3000,
      handshake(3000, () => undefined),
    );
    expect(end).toMatchObject({ state: 'failed', reason: 'timeout' });
    expect(sink.aborted).toBe('timeout');
  });

  it('a sender that aborts with 01 00 00: cancelled by the peer', async () => {
    const { end, sink } = await hostileSender(
      3000,
      handshake(3000, (s) => s.write(new Uint8Array([...encodeBlocks(new Uint8Array(100)), 1, 0, 0]))),
    );
    expect(end).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-peer' });
    expect(sink.aborted).toBe('cancelled-by-peer');
  });

  it('an address that is a host name is refused (no name lookups on a peer’s word)', async () => {
    let connected = false;
    const { end, sink } = await hostileSender(10, () => (connected = true), 'localhost');
    expect(end).toMatchObject({ state: 'failed', reason: 'protocol-error' });
    expect(sink.aborted).toBe('protocol-error');
    expect(connected).toBe(false);
  });

  /** Bob sends to Mallory, who answers raw and connects with `script`. */
  async function hostileReceiver(size: number, script: (socket: Socket, authCookie: number) => void) {
    const get = await world(['mallory', 'bob']);
    const mallory = get('mallory');
    const bob = get('bob');
    const raw = await rawInvitations(mallory, 'bob@example.com');
    await waitUntil(() => bob.conversations.list().length === 1);
    const { source } = pattern(size, 9);
    const sent = await bob.files.send('mallory@example.com', source);
    const invite = await raw.next((i) => i.command === 'INVITE');
    await mallory.conversations.internal(raw.convId)?.sendInvitation(buildInvitationPayload(buildReceiverAccept(invite.cookie)));
    const address = await raw.next((i) => i.command === 'ACCEPT' && i.cookie === invite.cookie);
    if (address.command !== 'ACCEPT' || address.port === undefined || address.authCookie === undefined) throw new Error('no address');
    expect(address.ipAddress).toBe('127.0.0.1');
    const socket = new Socket();
    socket.on('error', () => undefined);
    socket.connect(address.port, address.ipAddress as string, () => script(socket, address.authCookie as number));
    const end = await finalOf(bob, sent.id, 20_000);
    return { end, bob, address };
  }

  it('a connection with the wrong auth cookie is refused', async () => {
    const { end, bob } = await hostileReceiver(1000, (s) => {
      s.write(buildMsnftpLine({ verb: 'VER', protocols: ['MSNFTP'] }));
      s.write(buildMsnftpLine({ verb: 'USR', handle: 'mallory@example.com', cookie: 1 }));
    });
    expect(end).toMatchObject({ state: 'failed', reason: 'protocol-error' });
    expect(end.detail).toContain('wrong auth cookie');
    expect(bob.state.status).toBe('online');
  });

  it('the listener takes one connection: a second one is not served', async () => {
    let second: 'refused' | 'served' | 'closed' | undefined;
    const { end, address } = await hostileReceiver(10, (s, auth) => {
      const other = new Socket();
      other.on('error', () => (second ??= 'refused'));
      other.on('data', () => (second = 'served'));
      other.on('close', () => (second ??= 'closed'));
      other.connect(s.remotePort as number, '127.0.0.1', () => other.write(buildMsnftpLine({ verb: 'VER', protocols: ['MSNFTP'] })));
      const reader = new MsnftpReader({ from: 'sender' });
      s.on('data', (chunk) => {
        for (const item of reader.push(chunk)) {
          if (item.kind === 'line' && item.line.verb === 'FIL') s.write(buildMsnftpLine({ verb: 'TFR' }));
          if (item.kind === 'data') s.write(buildMsnftpLine({ verb: 'BYE', code: MsnftpByeCode.OK }));
        }
      });
      s.write(buildMsnftpLine({ verb: 'VER', protocols: ['MSNFTP'] }));
      s.write(buildMsnftpLine({ verb: 'USR', handle: 'mallory@example.com', cookie: auth }));
    });
    expect(address.port).toBeGreaterThan(0);
    expect(end).toMatchObject({ state: 'completed' });
    await waitUntil(() => second !== undefined);
    expect(second).not.toBe('served');
  });

  it('a receiver killed half-way: the sender fails with peer-gone', async () => {
    const { end } = await hostileReceiver(4 * MB, (s, auth) => {
      let got = 0;
      const reader = new MsnftpReader({ from: 'sender' });
      s.on('data', (chunk) => {
        for (const item of reader.push(chunk)) {
          if (item.kind === 'line' && item.line.verb === 'FIL') s.write(buildMsnftpLine({ verb: 'TFR' }));
          if (item.kind === 'data') got += item.bytes.length;
        }
        if (got > MB) s.destroy();
      });
      s.write(buildMsnftpLine({ verb: 'VER', protocols: ['MSNFTP'] }));
      s.write(buildMsnftpLine({ verb: 'USR', handle: 'mallory@example.com', cookie: auth }));
    });
    expect(end).toMatchObject({ state: 'failed', reason: 'peer-gone' });
  });

  it('a receiver that connects and never speaks is dropped after the handshake timeout', async () => {
    const { end } = await hostileReceiver(10, () => undefined);
    expect(end).toMatchObject({ state: 'failed', reason: 'timeout' });
  });
});
