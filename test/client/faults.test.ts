/**
 * Faults and servers that deviate from the reference: the server killed and restarted mid-chat,
 * a switchboard closed mid-send, malformed and unsolicited lines, ACK without proof of delivery,
 * switchboards closed for idleness (`BYE handle 1`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MsnClient } from '../../electron/core/msn/client';
import type { RunningServer } from '../../server/index';
import { Recorder, clientFor, startBundled } from './helpers/bundled';
import { startChildServer, type ChildServer } from './helpers/child-server';
import { FakeServer, sleep, waitUntil as waitUntilWithin } from './helpers/fake-server';
import { scriptedNs } from './helpers/scripted-ns';

/** Restarting a server child takes a while on a busy machine. */
const waitUntil = (pred: () => boolean): Promise<void> => waitUntilWithin(pred, 20_000);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';


function childClient(s: ChildServer, dialect: 7 | 12): MsnClient {
  const c = new MsnClient({
    server: { host: s.host, port: s.nsPort, dialects: { min: dialect, max: dialect }, nexusUrl: s.nexusUrl },
    reconnect: { initialDelayMs: 100, maxDelayMs: 400, jitter: 0 },
    requestTimeoutMs: 5000,
    connectTimeoutMs: 2000,
  });
  cleanups.push(() => c.signOut());
  return c;
}

describe.each([7, 12] as const)('server killed and restarted mid-chat (MSNP%i)', (dialect) => {
  it('reconnects with backoff, restores status, name and personal message, and the chat carries on', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'monarch-client-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const accounts: [string, string, string][] = [
      [ALICE, 'alice-pw', 'Alice'],
      [BOB, 'bob-pw', 'Bob'],
    ];
    let s = await startChildServer({ nsPort: 0, sbPort: 0, httpPort: 0, dataDir, accounts });
    cleanups.push(() => s.kill());
    const a = childClient(s, dialect);
    const b = childClient(s, dialect);
    const ra = new Recorder(a);
    const rb = new Recorder(b);
    await a.signIn({ handle: ALICE, password: 'alice-pw' });
    await b.signIn({ handle: BOB, password: 'bob-pw' });
    await a.contacts.add(BOB);
    await b.contacts.add(ALICE);
    await b.self.setStatus('away');
    await b.self.setFriendlyName('Bobby');
    if (dialect >= 11) await b.self.setPersonalMessage('still here');
    await waitUntil(() => a.contacts.get(BOB)?.status === 'away');
    const conv = a.conversations.start([BOB]);
    a.conversations.send(conv.id, 'before the crash');
    const first = await rb.waitFor('message.received', (e) => e.message.text === 'before the crash');

    await s.kill();
    await ra.waitFor('connection.changed', (e) => e.state.status === 'reconnecting');
    const drop = ra.of('connection.changed').find((e) => e.state.status === 'reconnecting');
    expect(drop?.state.error?.code).toBe('connection-lost');
    expect(a.contacts.get(BOB)?.status).toBe('offline');
    // A message typed while the server is down fails visibly (no switchboard can be had).
    const lost = a.conversations.send(conv.id, 'while down');
    await ra.waitFor('message.delivery', (e) => e.messageId === lost.id && e.delivery === 'failed');

    s = await startChildServer({ nsPort: s.nsPort, sbPort: s.sbPort, httpPort: s.httpPort, dataDir, accounts });
    await waitUntil(() => a.state.status === 'online' && b.state.status === 'online');
    await waitUntil(() => a.contacts.get(BOB)?.status === 'away');
    expect(a.contacts.get(BOB)?.friendlyName).toBe('Bobby');
    expect(b.self.self).toMatchObject({ status: 'away', friendlyName: 'Bobby' });
    if (dialect >= 11) await waitUntil(() => a.contacts.get(BOB)?.personalMessage === 'still here');

    // Same conversation on both sides: the retry re-opens a switchboard transparently.
    expect(a.conversations.retry(conv.id, lost.id)).toBe(true);
    const again = await rb.waitFor('message.received', (e) => e.message.text === 'while down');
    expect(again.message.conversationId).toBe(first.message.conversationId);
    a.conversations.send(conv.id, 'after the restart');
    await rb.waitFor('message.received', (e) => e.message.text === 'after the restart');
  }, 90_000);
});

describe('switchboards closed by the server', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('re-opens a multi-party chat the server closed for idleness (BYE handle 1) and re-invites everyone', async () => {
    server = await startBundled({ sbIdleTimeoutMs: 300 });
    const s = server;
    for (const [h, n] of [
      [ALICE, 'Alice'],
      [BOB, 'Bob'],
      [CAROL, 'Carol'],
    ] as const)
      await s.accounts.add(h, 'pw-12345', n);
    const mk = (): MsnClient => {
      const c = clientFor(s, 11);
      cleanups.push(() => c.signOut());
      return c;
    };
    const [a, b, c] = [mk(), mk(), mk()];
    const [ra, rb, rc] = [new Recorder(a), new Recorder(b), new Recorder(c)];
    for (const [cl, h] of [
      [a, ALICE],
      [b, BOB],
      [c, CAROL],
    ] as const)
      await cl.signIn({ handle: h, password: 'pw-12345' });
    await a.contacts.add(BOB);
    await a.contacts.add(CAROL);
    const conv = a.conversations.start([BOB]);
    a.conversations.send(conv.id, 'one');
    await rb.waitFor('message.received', (e) => e.message.text === 'one');
    await a.conversations.invite(conv.id, CAROL);
    await rc.waitFor('conversation.participant-joined', (e) => e.participant.handle === BOB);
    // Alice is active last (a typing notice well after the others' last commands), so Bob and
    // Carol time out first and she sees them go: the server times each participant out on their
    // own last command, and otherwise all three fall within a few ms of each other, Alice's own
    // removal (no BYE for her, her switchboard just closes) sometimes first.
    await sleep(150);
    expect(a.conversations.typing(conv.id)).toBe(true);
    // Everyone idles: the server removes them (BYE handle 1) and the switchboards close.
    await ra.waitFor('conversation.participant-left', (e) => e.idle, 3000);
    await waitUntil(() => a.conversations.internal(conv.id)?.switchboardState === 'idle');
    const m = a.conversations.send(conv.id, 'are you still there?');
    await rb.waitFor('message.received', (e) => e.message.text === 'are you still there?');
    await rc.waitFor('message.received', (e) => e.message.text === 'are you still there?');
    await ra.waitFor('message.delivery', (e) => e.messageId === m.id && e.delivery === 'delivered');
    // Bob's reply lands in his original conversation (same window).
    const bobConvs = new Set(rb.of('message.received').map((e) => e.message.conversationId));
    expect(bobConvs.size).toBe(1);
  });

  it('fails a message in flight when the switchboard closes mid-send, and a retry delivers it', async () => {
    let sbAddr = '';
    const sb = await FakeServer.start([
      async (c) => {
        await c.expect('USR 1 me@example.com cookie1');
        c.send('USR $t OK me@example.com Me');
        await c.expect('CAL 2 bob@example.com');
        c.send('CAL $t RINGING 42');
        c.send('JOI bob@example.com Bob');
        await c.expect('MSG 3 A ...');
        c.destroy(); // gone before any ACK
      },
      async (c) => {
        await c.expect('USR 1 me@example.com cookie2');
        c.send('USR $t OK me@example.com Me');
        await c.expect('CAL 2 bob@example.com');
        c.send('CAL $t RINGING 43');
        c.send('JOI bob@example.com Bob');
        const msg = await c.expect('MSG 3 A ...');
        expect(new TextDecoder().decode(msg.payload)).toContain('important');
        c.send('ACK $t');
        await c.waitClosed();
      },
    ]);
    sbAddr = `127.0.0.1:${sb.port}`;
    const ns = await FakeServer.start([scriptedNs({ contacts: [{ handle: BOB, name: 'Bob', online: 'NLN' }], sb: () => sbAddr })]);
    cleanups.push(() => ns.stop(), () => sb.stop());
    const client = new MsnClient({ server: { host: ns.host, port: ns.port }, reconnect: false });
    cleanups.push(() => client.signOut());
    const r = new Recorder(client);
    await client.signIn({ handle: 'me@example.com', password: 'x' });
    const conv = client.conversations.start([BOB]);
    const m = client.conversations.send(conv.id, 'important');
    const failed = await r.waitFor('message.delivery', (e) => e.messageId === m.id && e.delivery === 'failed');
    expect(failed.failure?.reason).toBe('connection-closed');
    expect(client.conversations.retry(conv.id, m.id)).toBe(true);
    await r.waitFor('message.delivery', (e) => e.messageId === m.id && e.delivery === 'delivered');
    expect(sb.errors).toEqual([]);
  });

  it('keeps a message "sent" when the server never acknowledges it, and re-opens after a silent close', async () => {
    const sb = await FakeServer.start([
      async (c) => {
        await c.expect('USR 1 me@example.com *');
        c.send('USR $t OK me@example.com Me');
        await c.expect('CAL 2 bob@example.com');
        c.send('CAL $t RINGING 7');
        c.send('JOI bob@example.com Bob');
        await c.expect('MSG 3 A ...'); // no ACK: this server gives no proof of delivery
        await sleep(150);
        c.send('BYE bob@example.com 1');
        c.close(); // idle close without a word
      },
      async (c) => {
        await c.expect('USR 1 me@example.com *');
        c.send('USR $t OK me@example.com Me   '); // trailing spaces
        await c.expect('CAL 2 bob@example.com');
        c.send('CAL $t RINGING 8');
        c.send('JOI bob@example.com Bob 1342554172');
        await c.expect('MSG 3 A ...');
        c.send('ACK $t');
        await c.waitClosed();
      },
    ]);
    const ns = await FakeServer.start([scriptedNs({ contacts: [{ handle: BOB, name: 'Bob', online: 'NLN' }], sb: () => `127.0.0.1:${sb.port}` })]);
    cleanups.push(() => ns.stop(), () => sb.stop());
    const client = new MsnClient({ server: { host: ns.host, port: ns.port }, reconnect: false, conversations: { ackTimeoutMs: 100 } });
    cleanups.push(() => client.signOut());
    const r = new Recorder(client);
    await client.signIn({ handle: 'me@example.com', password: 'x' });
    const conv = client.conversations.start([BOB]);
    const m1 = client.conversations.send(conv.id, 'one');
    await r.waitFor('message.delivery', (e) => e.messageId === m1.id && e.delivery === 'sent');
    await r.waitFor('conversation.participant-left', (e) => e.handle === BOB && e.idle);
    await waitUntil(() => client.conversations.internal(conv.id)?.switchboardState === 'idle');
    expect(r.of('message.delivery').filter((e) => e.messageId === m1.id).map((e) => e.delivery)).toEqual(['sent']);
    const m2 = client.conversations.send(conv.id, 'two');
    await r.waitFor('message.delivery', (e) => e.messageId === m2.id && e.delivery === 'delivered');
    expect(sb.errors).toEqual([]);
  });
});

describe('a notification server that sends odd things', () => {
  it('survives malformed lines, unknown commands, trailing spaces and unsolicited payloads', async () => {
    const ns = await FakeServer.start([
      scriptedNs({
        contacts: [{ handle: BOB, name: 'Bob', online: 'NLN' }],
        sb: () => '127.0.0.1:1',
        online: (c) => {
          c.write('this is not msnp\r\n');
          c.write('\x00\x01\x02garbage\r\n');
          c.send('ZZZ 0 some unknown command');
          c.send('NLN AWY bob@example.com Bob%20B    ');
          c.sendPayload('NOT', '<NOTIFICATION id="1"><MSG><BODY><TEXT>Alert</TEXT></BODY></MSG></NOTIFICATION>');
          c.sendPayload('UBX bob@example.com', '<Data><PSM>unsolicited</PSM><CurrentMedia></CurrentMedia></Data>');
          c.sendPayload('GCF 0 Shields.xml', '<?xml version="1.0" encoding="utf-8" ?><config></config>');
          c.sendPayload('MSG Hotmail Hotmail', 'MIME-Version: 1.0\r\nContent-Type: application/x-future-thing\r\n\r\nhello');
          c.sendPayload('MSG Hotmail Hotmail', 'MIME-Version: 1.0\r\nContent-Type: application/x-msmsgssystemmessage\r\n\r\nType: 1\r\nArg1: 5\r\n');
          c.send('MSG Hotmail Hotmail notanumber');
          c.send('FLN carol@nowhere.example');
          c.send('NLN BSY bob@example.com Bob%20B 0');
        },
      }),
    ]);
    cleanups.push(() => ns.stop());
    const client = new MsnClient({ server: { host: ns.host, port: ns.port }, reconnect: false });
    cleanups.push(() => client.signOut());
    const r = new Recorder(client);
    await client.signIn({ handle: 'me@example.com', password: 'x' });
    await r.waitFor('presence.changed', (e) => e.handle === BOB && e.status === 'busy');
    expect(r.of('presence.changed').map((e) => e.status)).toContain('away');
    expect(client.contacts.get(BOB)?.friendlyName).toBe('Bob B');
    expect(client.contacts.get(BOB)?.personalMessage).toBe('unsolicited');
    const unsupported = r.of('content.unsupported').map((e) => e.contentType);
    expect(unsupported).toContain('NOT');
    expect(unsupported).toContain('application/x-future-thing');
    const notice = await r.waitFor('server.notice');
    expect(notice).toMatchObject({ kind: 'maintenance', minutes: 5 });
    expect(client.state.status).toBe('online');
  });
});
