/**
 * What our client writes, checked line by line against the codec: every byte the client sends in a
 * full session against the bundled server (sign-in, SYN, CHG, name, personal message, ADD/ADC,
 * REM, privacy, groups, stored-name rename, a switchboard with CAL and MSG, sign-out) is recorded
 * at the socket and must
 * - frame as commands with nothing left over (payload lengths right, no stray bytes);
 * - decode with the codec's typed client→server decoder for the session's dialect and server kind
 *   (NS or SB), never as an untyped command;
 * - be exactly what the typed builder writes for the decoded value: a line carrying parameters
 *   the dialect does not have would still decode (decoders ignore what follows the shape), so the
 *   rebuild is what catches it.
 * One session per tested dialect: MSNP2 and MSNP7 (MD5 login) and MSNP8, MSNP11, MSNP12 (TWN).
 */
import { describe, expect, it } from 'vitest';
import {
  Parser,
  buildClientCommand,
  decodeClientCommand,
  isCodecError,
  serialize,
  type Command,
  type Dialect,
  type ServerKind,
} from '../../shared/msnp';
import { tcpSocketFactory, type SocketFactory, type SocketLike } from '../../electron/core/msn/connection';
import { Recorder, bundledPerTest, clientFor, startBundled } from './helpers/bundled';
import { waitUntil } from './helpers/fake-server';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

interface Outgoing {
  readonly server: ServerKind;
  readonly chunks: Uint8Array[];
}

/** Real TCP sockets that keep a copy of every byte the client writes, per connection. */
function recordingSockets(sbPort: number, log: Outgoing[]): SocketFactory {
  return (host, port) => {
    const socket = tcpSocketFactory(host, port);
    const out: Outgoing = { server: port === sbPort ? 'sb' : 'ns', chunks: [] };
    log.push(out);
    const on = (event: string, fn: (...args: never[]) => void): SocketLike => {
      (socket.on as (event: string, fn: (...args: never[]) => void) => unknown)(event, fn);
      return recording;
    };
    const recording: SocketLike = {
      write: (data) => {
        out.chunks.push(Uint8Array.from(data));
        return socket.write(data);
      },
      end: () => socket.end(),
      destroy: () => socket.destroy(),
      setNoDelay: (noDelay) => socket.setNoDelay?.(noDelay),
      on: on as SocketLike['on'],
    };
    return recording;
  };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(chunks));
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

/** Checks every line of one connection; returns the verbs sent, in order. */
function checkConnection(out: Outgoing, dialect: Dialect): string[] {
  const wire = concat(out.chunks);
  const parser = new Parser({ direction: 'toServer' });
  const parsed = [...parser.push(wire), ...parser.finish()];
  expect(parsed.filter(isCodecError), `${out.server}: bytes that do not frame`).toEqual([]);
  const verbs: string[] = [];
  const rebuilt: Uint8Array[] = [];
  for (const cmd of parsed as Command[]) {
    const bytes = serialize(cmd, 'toServer');
    const where = `MSNP${dialect} ${out.server}: ${text(bytes).split('\r\n')[0]}`;
    const typed = decodeClientCommand(cmd, dialect, out.server);
    expect(isCodecError(typed) ? typed : undefined, where).toBeUndefined();
    if (isCodecError(typed)) continue;
    expect(typed.type, where).not.toBe('UNTYPED');
    const built = serialize(buildClientCommand(typed, dialect), 'toServer');
    expect(text(built), `${where}: the builder's shape`).toBe(text(bytes));
    rebuilt.push(built);
    verbs.push(cmd.verb);
  }
  // Line by line the builder agrees; together its lines are the recorded stream, byte for byte.
  expect(text(concat(rebuilt)), `MSNP${dialect} ${out.server}: the whole stream`).toBe(text(wire));
  return verbs;
}

/** What each session below must have sent (so a step that silently sends nothing fails the test). */
function expectedVerbs(dialect: Dialect): { ns: string[]; sb: string[] } {
  const ns = ['VER', 'USR', 'SYN', 'CHG', 'PNG', 'BLP', 'GTC', 'REM', 'XFR', 'OUT'];
  ns.push(...(dialect <= 7 ? ['INF'] : ['CVR']));
  ns.push(...(dialect <= 9 ? ['ADD', 'REA'] : ['ADC', 'PRP', 'SBP']));
  if (dialect >= 6) ns.push('QRY');
  if (dialect >= 7) ns.push('ADG', 'REG', 'RMG');
  if (dialect >= 11) ns.push('UUX');
  return { ns, sb: ['USR', 'CAL', 'MSG', 'OUT'] };
}

const scope = bundledPerTest();

describe.each([2, 7, 8, 11, 12] as const)('MSNP%i: every line the client sends', (dialect) => {
  it('is a well-formed command of the dialect, in the builder’s exact shape', async () => {
    const server = await startBundled();
    scope.server = server;
    await server.accounts.add(ALICE, 'alice-pw', 'Alice');
    await server.accounts.add(BOB, 'bob-pw', 'Bob');
    const sent: Outgoing[] = [];
    const sentByBob: Outgoing[] = [];
    // A short ping interval, so that the session's lines include PNG (MSNP.md §1.6).
    const a = clientFor(server, dialect, { socketFactory: recordingSockets(server.sbPort, sent), keepAlive: { intervalMs: 100 } });
    // Bob is recorded too: he answers the invitation (ANS) and replies.
    const b = clientFor(server, dialect, { socketFactory: recordingSockets(server.sbPort, sentByBob) });
    scope.clients.push(a, b);
    const ra = new Recorder(a);
    const rb = new Recorder(b);
    await a.signIn({ handle: ALICE, password: 'alice-pw' });
    await b.signIn({ handle: BOB, password: 'bob-pw' });

    // Presence and my own name (and, 11+, personal message); names with characters to encode.
    await a.self.setStatus('away');
    await a.self.setFriendlyName('Alice & Co ☺');
    if (dialect >= 11) await a.self.setPersonalMessage('<coffee> & cake');

    // Lists: add (FL + AL), privacy, the stored name, block and unblock.
    await a.contacts.add(BOB);
    await rb.waitFor('contact.added-me', (e) => e.handle === ALICE);
    await b.contacts.allow(ALICE);
    await b.contacts.add(ALICE);
    await a.contacts.setPrivacy({ visibility: 'only-allowed', promptOnAdd: false });
    await a.contacts.rename(BOB, 'Bob the Builder');
    await a.contacts.block(BOB);
    await a.contacts.unblock(BOB);

    // Groups (7+): create, put Bob in, rename, take him out, delete.
    if (dialect >= 7) {
      const g = await a.contacts.createGroup('Friends & Co');
      await a.contacts.moveToGroup(BOB, null, g.id);
      await a.contacts.renameGroup(g.id, 'Best friends');
      await a.contacts.removeFromGroup(BOB, g.id);
      await a.contacts.deleteGroup(g.id);
    }

    // A switchboard: XFR SB, USR, CAL, MSG (A, and U for typing), then OUT; Bob ANS and MSG.
    await waitUntil(() => a.contacts.get(BOB)?.status === 'online');
    const conv = a.conversations.start([BOB]);
    const msg = a.conversations.send(conv.id, 'hi Bob ☺');
    await ra.waitFor('message.delivery', (e) => e.messageId === msg.id && e.delivery === 'delivered');
    const bobConv = (await rb.waitFor('conversation.started')).conversation;
    b.conversations.send(bobConv.id, 'hi Alice');
    await ra.waitFor('message.received', (e) => e.message.text === 'hi Alice');
    a.conversations.typing(conv.id);
    await rb.waitFor('typing.received', (e) => e.handle === ALICE);
    a.conversations.close(conv.id);
    await rb.waitFor('conversation.participant-left', (e) => e.handle === ALICE);

    await a.contacts.remove(BOB);
    await waitUntil(() => sent.some((o) => o.server === 'ns' && o.chunks.some((c) => text(c).startsWith('PNG\r\n'))));
    await a.signOut();

    const ns = sent.filter((o) => o.server === 'ns');
    const sb = sent.filter((o) => o.server === 'sb');
    expect(ns.length).toBeGreaterThan(0);
    expect(sb.length).toBeGreaterThan(0);
    const nsVerbs = new Set(ns.flatMap((o) => checkConnection(o, dialect)));
    const sbVerbs = new Set(sb.flatMap((o) => checkConnection(o, dialect)));
    const want = expectedVerbs(dialect);
    expect([...nsVerbs].sort()).toEqual([...new Set(want.ns)].sort());
    expect([...sbVerbs].sort()).toEqual([...want.sb].sort());
    for (const o of sentByBob.filter((x) => x.server === 'ns')) checkConnection(o, dialect);
    const bobSbVerbs = new Set(sentByBob.filter((o) => o.server === 'sb').flatMap((o) => checkConnection(o, dialect)));
    // Left alone when Alice goes, Bob may also have sent OUT by now.
    expect([...bobSbVerbs]).toEqual(expect.arrayContaining(['ANS', 'MSG']));
  });
});
