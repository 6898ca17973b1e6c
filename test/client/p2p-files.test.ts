/**
 * Issue 11, P2P file transfer end to end: real clients against the bundled server on 127.0.0.1
 * (MSNP9 and MSNP12), files offered with the 574-byte context, accepted or declined by the other
 * user, streamed through the switchboard relay into a sink that hashes what it gets (SHA-256
 * compared with what the source produced), cancelled by either side half-way, a peer killed
 * mid-transfer, transfers at once in both directions, and a hand-built hostile sender whose data
 * does not match the size it announced.
 */
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { MsnClient } from '../../electron/core/msn/client';
import { tcpSocketFactory, type SocketFactory } from '../../electron/core/msn/connection';
import type { FileSink, FileSource, TransferEndReason, TransferInfo } from '../../electron/core/msn/files/types';
import type { P2pLink } from '../../electron/core/msn/p2p/link';
import { EufGuid, P2pFlags, P2pFooter, SlpContentType, buildSlpRequest, encodeFileContextBase64 } from '../../shared/msnp/p2p';
import { bundledPerTest, clientFor, startBundled } from './helpers/bundled';
import { waitUntil } from './helpers/fake-server';

const scope = bundledPerTest();
const MB = 1024 * 1024;

/** Deterministic bytes, produced as they are read; `sha256()` is the hash of what was yielded. */
class PatternSource implements FileSource {
  private readonly hash = createHash('sha256');
  yielded = 0;
  constructor(
    readonly name: string,
    readonly size: number,
    private readonly opts: { readonly piece?: number; readonly onPiece?: (offset: number) => Promise<void> | void } = {},
  ) {}
  async *open(): AsyncIterable<Uint8Array> {
    const piece = this.opts.piece ?? 64 * 1024;
    let x = (this.size * 2654435761) >>> 0 || 1;
    for (let off = 0; off < this.size; off += piece) {
      const n = Math.min(piece, this.size - off);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        out[i] = x & 0xff;
        if (i + 1 < n) out[i + 1] = (x >>> 8) & 0xff;
        if (i + 2 < n) out[i + 2] = (x >>> 16) & 0xff;
        if (i + 3 < n) out[i + 3] = (x >>> 24) & 0xff;
      }
      await this.opts.onPiece?.(off);
      this.hash.update(out);
      this.yielded += n;
      yield out;
    }
  }
  sha256(): string {
    return this.hash.copy().digest('hex');
  }
}

class HashSink implements FileSink {
  private readonly hash = createHash('sha256');
  bytes = 0;
  finished = false;
  aborted: TransferEndReason[] = [];
  async write(chunk: Uint8Array): Promise<void> {
    if (this.finished || this.aborted.length > 0) throw new Error('write after the end');
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }
  async finish(): Promise<void> {
    this.finished = true;
  }
  async abort(reason: TransferEndReason): Promise<void> {
    this.aborted.push(reason);
  }
  sha256(): string {
    return this.hash.copy().digest('hex');
  }
}

/** Every socket a client opens (NS and switchboards), so a test can kill the client like a crash. */
function killableSockets(): { factory: SocketFactory; kill: () => void } {
  const sockets: Socket[] = [];
  return {
    factory: (host, port) => {
      const s = tcpSocketFactory(host, port) as Socket;
      sockets.push(s);
      return s;
    },
    kill: () => {
      for (const s of sockets) s.destroy();
    },
  };
}

async function pair(dialect: 9 | 12, extra: { alice?: Parameters<typeof clientFor>[2]; bob?: Parameters<typeof clientFor>[2] } = {}) {
  const server = await startBundled();
  scope.server = server;
  const p2p = { answerTimeoutMs: 5000, idleTimeoutMs: 5000, joinTimeoutMs: 5000, lingerMs: 200, offerTimeoutMs: 10_000 };
  const make = async (n: string, more: Parameters<typeof clientFor>[2] = {}): Promise<MsnClient> => {
    await server.accounts.add(`${n}@example.com`, `${n}-pw`, n);
    const c = clientFor(server, dialect, { p2p, ...more });
    scope.clients.push(c);
    await c.signIn({ handle: `${n}@example.com`, password: `${n}-pw` });
    return c;
  };
  const alice = await make('alice', extra.alice);
  const bob = await make('bob', extra.bob);
  await alice.contacts.add('bob@example.com');
  await bob.contacts.add('alice@example.com');
  await waitUntil(() => alice.contacts.get('bob@example.com')?.status === 'online' && bob.contacts.get('alice@example.com')?.status === 'online', 10_000);
  return { server, alice, bob };
}

/** The next offer `to` receives. */
function nextOffer(to: MsnClient): Promise<TransferInfo> {
  return new Promise((resolve) => {
    const off = to.files.events.on('offered', (t) => {
      off();
      resolve(t);
    });
  });
}

/** Resolves with the transfer once it reaches a final state. */
function final(c: MsnClient, id: string, ms = 60_000): Promise<TransferInfo> {
  return new Promise((resolve, reject) => {
    const now = c.files.get(id);
    if (now !== undefined && ['completed', 'declined', 'cancelled', 'failed'].includes(now.state)) return resolve(now);
    const t = setTimeout(() => reject(new Error(`transfer ${id} still ${c.files.get(id)?.state} after ${ms} ms`)), ms);
    const off = c.files.events.on('updated', (i) => {
      if (i.id !== id || !['completed', 'declined', 'cancelled', 'failed'].includes(i.state)) return;
      off();
      clearTimeout(t);
      resolve(i);
    });
  });
}

async function transfer(from: MsnClient, to: MsnClient, toHandle: string, source: PatternSource) {
  const offered = nextOffer(to);
  const sent = await from.files.send(toHandle, source);
  expect(sent).toMatchObject({ direction: 'outgoing', protocol: 'p2p', state: 'waiting', name: source.name, size: source.size });
  const offer = await offered;
  expect(offer).toMatchObject({ direction: 'incoming', protocol: 'p2p', state: 'offered', name: source.name, size: source.size });
  const sink = new HashSink();
  await to.files.accept(offer.id, sink);
  const [a, b] = await Promise.all([final(from, sent.id), final(to, offer.id)]);
  return { a, b, sink };
}

async function settled(...clients: MsnClient[]): Promise<void> {
  await waitUntil(() => clients.every((c) => c.p2pStats().sessions === 0 && c.p2pStats().partialMessages === 0), 10_000);
}

describe.each([9, 12] as const)('P2P file transfer over MSNP%i', (dialect) => {
  it('0 B, 1 B, 1 MB and 20 MB arrive whole (SHA-256), with progress, states in order, nothing left behind', async () => {
    const { alice, bob } = await pair(dialect);
    const states: string[] = [];
    const progress: number[] = [];
    alice.files.events.on('updated', (t) => states.push(`alice ${t.state}`));
    bob.files.events.on('updated', (t) => states.push(`bob ${t.state}`));
    bob.files.events.on('progress', (p) => progress.push(p.bytes));
    for (const size of [0, 1, MB, 20 * MB]) {
      states.length = 0;
      progress.length = 0;
      const source = new PatternSource(`file-${size}.bin`, size);
      const { a, b, sink } = await transfer(alice, bob, 'bob@example.com', source);
      expect(a).toMatchObject({ state: 'completed', bytes: size });
      expect(b).toMatchObject({ state: 'completed', bytes: size });
      expect(sink).toMatchObject({ bytes: size, finished: true, aborted: [] });
      expect(sink.sha256()).toBe(source.sha256());
      expect(states.filter((s) => s.startsWith('alice'))).toEqual(['alice waiting', 'alice connecting', 'alice transferring', 'alice completed']);
      expect(states.filter((s) => s.startsWith('bob'))).toEqual(['bob connecting', 'bob transferring', 'bob completed']);
      if (size > 0) expect(progress.at(-1)).toBe(size);
      if (size === 20 * MB) expect(progress.length).toBeLessThanOrEqual(110);
      await settled(alice, bob);
    }
    // Nobody saw a conversation window for it.
    expect(alice.conversations.list()).toEqual([]);
    expect(bob.conversations.list()).toEqual([]);
  }, 180_000);

  it('a declined offer ends declined on both sides; the sender is told', async () => {
    const { alice, bob } = await pair(dialect);
    const offered = nextOffer(bob);
    const sent = await alice.files.send('bob@example.com', new PatternSource('no thanks.txt', 1000));
    const offer = await offered;
    bob.files.decline(offer.id);
    expect(await final(alice, sent.id)).toMatchObject({ state: 'declined', reason: 'declined' });
    expect(bob.files.get(offer.id)).toMatchObject({ state: 'declined', reason: 'declined' });
    await settled(alice, bob);
  });

  it('the sender withdraws an offer before it is answered', async () => {
    const { alice, bob } = await pair(dialect);
    const offered = nextOffer(bob);
    const sent = await alice.files.send('bob@example.com', new PatternSource('oops.txt', 1000));
    const offer = await offered;
    alice.files.cancel(sent.id);
    expect(await final(bob, offer.id)).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-peer' });
    expect(alice.files.get(sent.id)).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-me' });
    await expect(bob.files.accept(offer.id, new HashSink())).rejects.toMatchObject({ reason: 'bad-state' });
    await settled(alice, bob);
  });

  it('an offer whose sender signs out before it is answered is withdrawn (peer-gone)', async () => {
    const { alice, bob } = await pair(dialect);
    const offered = nextOffer(bob);
    await alice.files.send('bob@example.com', new PatternSource('left.txt', 1000));
    const offer = await offered;
    await alice.signOut();
    expect(await final(bob, offer.id, 10_000)).toMatchObject({ state: 'failed', reason: 'peer-gone' });
    await settled(bob);
  });

  it('an offer whose receiver signs out before answering fails peer-gone for the sender', async () => {
    const { alice, bob } = await pair(dialect);
    const offered = nextOffer(bob);
    const sent = await alice.files.send('bob@example.com', new PatternSource('nobody.txt', 1000));
    await offered;
    await bob.signOut();
    expect(await final(alice, sent.id, 10_000)).toMatchObject({ state: 'failed', reason: 'peer-gone' });
    await settled(alice);
  });

  it('cancel by the sender half-way: both end cancelled, the sink is aborted', async () => {
    const { alice, bob } = await pair(dialect);
    let sentId = '';
    let cancelled = false;
    const source = new PatternSource('half.bin', 8 * MB, {
      onPiece: (off) => {
        if (off >= 4 * MB && !cancelled) {
          cancelled = true;
          alice.files.cancel(sentId);
        }
      },
    });
    const offered = nextOffer(bob);
    sentId = (await alice.files.send('bob@example.com', source)).id;
    const offer = await offered;
    const sink = new HashSink();
    await bob.files.accept(offer.id, sink);
    const [a, b] = await Promise.all([final(alice, sentId), final(bob, offer.id)]);
    expect(a).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-me' });
    expect(b).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-peer' });
    expect(b.bytes).toBeLessThan(8 * MB);
    await waitUntil(() => sink.aborted.length > 0);
    expect(sink.aborted).toEqual(['cancelled-by-peer']);
    expect(sink.finished).toBe(false);
    expect(source.yielded).toBeLessThan(8 * MB); // it stopped reading
    await settled(alice, bob);
  }, 60_000);

  it('cancel by the receiver half-way: the sender stops reading and ends cancelled-by-peer', async () => {
    const { alice, bob } = await pair(dialect);
    const source = new PatternSource('half.bin', 12 * MB);
    const offered = nextOffer(bob);
    const sent = await alice.files.send('bob@example.com', source);
    const offer = await offered;
    const sink = new HashSink();
    const offProgress = bob.files.events.on('progress', (p) => {
      if (p.id === offer.id && p.bytes >= 3 * MB) {
        offProgress();
        bob.files.cancel(offer.id);
      }
    });
    await bob.files.accept(offer.id, sink);
    const [a, b] = await Promise.all([final(alice, sent.id), final(bob, offer.id)]);
    expect(b).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-me' });
    expect(a).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-peer' });
    await waitUntil(() => sink.aborted.length > 0);
    expect(sink.aborted).toEqual(['cancelled-by-me']);
    expect(source.yielded).toBeLessThan(12 * MB);
    await settled(alice, bob);
  }, 60_000);

  it('the peer killed mid-transfer: both sides fail peer-gone, the sink is aborted', async () => {
    const killable = killableSockets();
    const { alice, bob } = await pair(dialect, { alice: { socketFactory: killable.factory, reconnect: false } });
    const source = new PatternSource('crash.bin', 16 * MB);
    const offered = nextOffer(bob);
    const sent = await alice.files.send('bob@example.com', source);
    const offer = await offered;
    const sink = new HashSink();
    await bob.files.accept(offer.id, sink);
    await waitUntil(() => sink.bytes > 2 * MB, 20_000);
    killable.kill();
    const [a, b] = await Promise.all([final(alice, sent.id), final(bob, offer.id)]);
    expect(b).toMatchObject({ state: 'failed', reason: 'peer-gone' });
    expect(a).toMatchObject({ state: 'failed', reason: 'peer-gone' });
    await waitUntil(() => sink.aborted.length > 0);
    expect(sink.aborted).toEqual(['peer-gone']);
    await settled(bob);
  }, 60_000);

  it('two transfers at once in each direction all arrive whole', async () => {
    const { alice, bob } = await pair(dialect);
    const sinks = new Map<string, HashSink>();
    for (const c of [alice, bob]) {
      c.files.events.on('offered', (t) => {
        const sink = new HashSink();
        sinks.set(t.name, sink);
        void c.files.accept(t.id, sink);
      });
    }
    const sources = [
      { from: alice, to: 'bob@example.com', src: new PatternSource('a1.bin', 3 * MB) },
      { from: alice, to: 'bob@example.com', src: new PatternSource('a2.bin', 2 * MB + 7) },
      { from: bob, to: 'alice@example.com', src: new PatternSource('b1.bin', 3 * MB + 1) },
      { from: bob, to: 'alice@example.com', src: new PatternSource('b2.bin', 1 * MB) },
    ];
    const sent = await Promise.all(sources.map(({ from, to, src }) => from.files.send(to, src)));
    const ends = await Promise.all(sent.map((t, i) => final((sources[i] as (typeof sources)[number]).from, t.id)));
    expect(ends.map((e) => `${e.name} ${e.state} ${e.reason ?? ''} ${e.detail ?? ''}`)).toEqual(sources.map((s) => `${s.src.name} completed  `));
    for (const { src } of sources) {
      const sink = sinks.get(src.name) as HashSink;
      expect(sink.bytes).toBe(src.size);
      expect(sink.sha256()).toBe(src.sha256());
    }
    await settled(alice, bob);
  }, 120_000);

  it('hostile file names reach the receiver untouched (sanitising is the app’s job)', async () => {
    const { alice, bob } = await pair(dialect);
    const names = ['..\\..\\Windows\\System32\\evil.exe', '/etc/passwd', 'CON', 'bell\u0007\u001b[31mred', 'a'.repeat(250) + '.txt', '😀 ünïcödé.png'];
    for (const name of names) {
      const offered = nextOffer(bob);
      const sent = await alice.files.send('bob@example.com', new PatternSource(name, 10));
      const offer = await offered;
      expect(offer.name).toBe(name);
      bob.files.decline(offer.id);
      await final(alice, sent.id);
    }
    await settled(alice, bob);
  });

  describe('a hostile sender whose data does not match the announced size', () => {
    /** Alice's P2P layer used by hand: an INVITE announcing `announced` bytes, then a data message of `actual`. */
    async function hostile(announced: number, actual: number) {
      const { alice, bob } = await pair(dialect);
      const link = (alice as unknown as { p2p: { peer(h: string): { link: P2pLink } } }).p2p.peer('bob@example.com').link;
      const sessionId = 0x1234567;
      const callId = '{0E4E1E2A-2B9C-4E5F-8A11-3C7D9E0F1A2B}';
      const invite = buildSlpRequest({
        method: 'INVITE',
        to: 'bob@example.com',
        from: 'alice@example.com',
        branch: '{A7D2B6C0-51D4-4F0B-9E34-7E5B2C1D9F80}',
        callId,
        contentType: SlpContentType.SESSION_REQUEST,
        fields: [
          { name: 'EUF-GUID', value: EufGuid.FILE_TRANSFER },
          { name: 'SessionID', value: String(sessionId) },
          { name: 'AppID', value: '2' },
          { name: 'Context', value: encodeFileContextBase64({ name: 'liar.bin', size: announced }) },
        ],
      });
      const offered = nextOffer(bob);
      await link.send({ sessionId: 0, flags: P2pFlags.NONE, payload: invite, footer: P2pFooter.SIGNALLING }).written;
      const offer = await offered;
      expect(offer.size).toBe(announced);
      const sink = new HashSink();
      await bob.files.accept(offer.id, sink);
      // Data flagged 0x30 with footer 0, as aMSN 0.99 sends it (§13.4): accepted when sizes agree.
      await link.send({ sessionId, flags: P2pFlags.FILE_DATA_LEGACY, payload: new Uint8Array(actual).fill(7), footer: 0 }).written;
      const end = await final(bob, offer.id, 20_000);
      return { alice, bob, end, sink };
    }

    it('more bytes than announced: size-mismatch, nothing beyond the announced size written, sink aborted', async () => {
      const { alice, bob, end, sink } = await hostile(5000, 9000);
      expect(end).toMatchObject({ state: 'failed', reason: 'size-mismatch' });
      expect(sink.bytes).toBe(0);
      await waitUntil(() => sink.aborted.length > 0);
      expect(sink.aborted).toEqual(['size-mismatch']);
      await settled(bob);
      expect(alice.state.status).toBe('online');
      expect(bob.state.status).toBe('online');
    });

    it('fewer bytes than announced: size-mismatch, sink aborted', async () => {
      const { bob, end, sink } = await hostile(5000, 3000);
      expect(end).toMatchObject({ state: 'failed', reason: 'size-mismatch' });
      await waitUntil(() => sink.aborted.length > 0);
      expect(sink.aborted).toEqual(['size-mismatch']);
      expect(sink.finished).toBe(false);
      await settled(bob);
    });

    it('the right size flagged 0x30 with footer 0 (aMSN 0.99) is accepted', async () => {
      const { end, sink } = await hostile(5017, 5017);
      expect(end).toMatchObject({ state: 'completed', bytes: 5017 });
      expect(sink).toMatchObject({ bytes: 5017, finished: true });
    });
  });
});

describe('carrier choice', () => {
  it('a peer without P2P (MSNP8 session) gets MSNFTP, which is not-supported until its carrier registers', async () => {
    const server = await startBundled();
    scope.server = server;
    for (const n of ['carol', 'dave']) await server.accounts.add(`${n}@example.com`, `${n}-pw`, n);
    const carol = clientFor(server, 8);
    const dave = clientFor(server, 8);
    scope.clients.push(carol, dave);
    await carol.signIn({ handle: 'carol@example.com', password: 'carol-pw' });
    await dave.signIn({ handle: 'dave@example.com', password: 'dave-pw' });
    await carol.contacts.add('dave@example.com');
    if (carol.files.hasCarrier('msnftp')) return; // ft-msnftp's carrier is in: its own tests cover MSNP2–8
    await expect(carol.files.send('dave@example.com', new PatternSource('x.txt', 1))).rejects.toMatchObject({ name: 'FileTransferError', reason: 'not-supported' });
    expect(carol.files.list()).toEqual([]);
  });
});
