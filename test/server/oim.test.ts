/**
 * Offline messages on the bundled server over real HTTP and TCP (MSNP13-18.md §9): the sender's
 * `Store2` with the lock-key round, the recipient's RSI calls, at-least-once delivery across a
 * server restart, privacy, presence, limits, and hostile requests. Tokens come from the server's
 * own `/RST.srf`; privacy and presence are set by MSNP12 sessions, which share the same lists.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildOimContent,
  buildStore2Request,
  isCodecError,
  MSNP15_PRODUCT,
  OIM_STORE_PATH,
  oimLockKey,
  parseOimMessage,
  RSI_PATH,
  rsiSoapAction,
  buildGetMetadata,
  STORE2_ACTION,
  STORE_ACTION,
  type OimMessage,
} from '../../shared/msnp/index';
import type { RunningServer } from '../../server/index';
import { addToList, setState, signIn, startTestServer } from './helpers/msnp';
import { deleteMessages, expectFault, faultOf, getMessage, getMetadata, oimTokens, OimSender, post } from './helpers/oim';

describe('OIM: stored, fetched and deleted once, across a restart (MSNP13-18.md §9.3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monarch-oim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Bob leaves Alice two messages; she reads them after the server restarts, and they go only when she deletes them', async () => {
    let server = await startTestServer({ dataDir: dir });
    try {
      await server.accounts.add('alice@example.com', 'pw-alice', 'Alice');
      await server.accounts.add('bob@example.com', 'pw-bob', 'Bob ☕');
      const bob = new OimSender(server, 'bob@example.com', (await oimTokens(server, 'bob@example.com', 'pw-bob')).secure);

      // The lock-key round (§9.2): empty → challenge; a wrong key → the same challenge; the QRY answer → stored.
      const first = await bob.store2('alice@example.com', 'Hi Alice, call me when you are back.');
      expect(first.answer.status).toBe(500);
      if (first.result.type !== 'lockKeyChallenge') throw new Error(`expected a challenge, got ${first.answer.body}`);
      expect(first.answer.body).toContain('q0:AuthenticationFailed');
      const challenge = first.result.challenge;
      expect(challenge).toMatch(/^\d{20}$/);
      const wrong = await bob.store2('alice@example.com', 'x', { lockKey: oimLockKey(challenge, { productId: 'PROD0118R6%2WYOS', productKey: 'YIXPX@5I2P0UT*LK', maxDialect: 21 }) });
      expect(wrong.result).toEqual({ type: 'lockKeyChallenge', challenge });
      expect(await getMetadataOf(server, 'alice@example.com', 'pw-alice')).toHaveLength(0);
      bob.lockKey = oimLockKey(challenge);
      const stored = await bob.store2('alice@example.com', 'Hi Alice, call me when you are back.');
      expect(stored.answer.status).toBe(200);
      expect(stored.result).toEqual({ type: 'stored', sequence: 1 });
      bob.sequence++;
      expect(await bob.send('alice@example.com', 'Grüße aus München 🦋 '.repeat(20))).toEqual({ type: 'stored', sequence: 2 });
      // The second answer was "lost": the same run and sequence again is acknowledged, not stored twice.
      expect((await bob.store2('alice@example.com', 'Grüße aus München 🦋 '.repeat(20), { sequence: 2 })).result).toEqual({ type: 'stored', sequence: 2 });

      await server.stop();
      server = await startTestServer({ dataDir: dir });

      const alice = await oimTokens(server, 'alice@example.com', 'pw-alice');
      const md = await getMetadata(server, alice.cookie);
      expect(md.messages.map((m) => [m.from, m.fromName, m.read])).toEqual([
        ['bob@example.com', 'Bob ☕', false], // the name the server knows, not the one the request claimed
        ['bob@example.com', 'Bob ☕', false],
      ]);
      const texts: OimMessage[] = [];
      for (const m of md.messages) {
        const { answer, mail } = await getMessage(server, alice.cookie, m.id);
        expect(answer.status).toBe(200);
        if (typeof mail !== 'string') throw new Error(`GetMessage fault: ${mail.message}`);
        expect(Buffer.byteLength(mail)).toBe(m.size); // <SZ> is the size of what GetMessage returns (§9.1)
        const parsed = parseOimMessage(mail);
        if (isCodecError(parsed)) throw new Error(parsed.message);
        texts.push(parsed);
      }
      expect(texts.map((t) => [t.from, t.fromName, t.to, t.runId, t.sequence, t.text])).toEqual([
        ['bob@example.com', 'Bob ☕', 'alice@example.com', bob.runId, 1, 'Hi Alice, call me when you are back.'],
        ['bob@example.com', 'Bob ☕', 'alice@example.com', bob.runId, 2, 'Grüße aus München 🦋 '.repeat(20)],
      ]);
      expect(texts[0]?.sentAt).toBeTypeOf('number');

      // Reading deletes nothing; alsoMarkAsRead marks; only DeleteMessages removes.
      await getMessage(server, alice.cookie, md.messages[0]!.id, true);
      expect((await getMetadata(server, alice.cookie)).messages.map((m) => m.read)).toEqual([true, false]);

      // Bob's lock key was kept in memory only: after the restart he is challenged once more.
      bob.server = server;
      const afterRestart = await bob.store2('alice@example.com', 'third', { ticket: (await oimTokens(server, 'bob@example.com', 'pw-bob')).secure });
      expect(afterRestart.result.type).toBe('lockKeyChallenge');

      const del = await deleteMessages(server, alice.cookie, [md.messages[0]!.id]);
      expect(del.deleted).toBe(true);
      expect((await getMetadata(server, alice.cookie)).messages.map((m) => m.id)).toEqual([md.messages[1]!.id]);
      // A second delete of the same id is an unknown id: a fault, nothing else touched.
      expectFault(await deleteMessages(server, alice.cookie, [md.messages[0]!.id, md.messages[1]!.id]));
      expect((await getMetadata(server, alice.cookie)).messages).toHaveLength(1);
      expect((await deleteMessages(server, alice.cookie, [md.messages[1]!.id])).deleted).toBe(true);

      await server.stop();
      server = await startTestServer({ dataDir: dir });
      expect(await getMetadataOf(server, 'alice@example.com', 'pw-alice')).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });
});

async function getMetadataOf(server: RunningServer, handle: string, password: string) {
  return (await getMetadata(server, (await oimTokens(server, handle, password)).cookie)).messages;
}

describe('OIM: who may leave one', () => {
  let server: RunningServer;
  let n = 0;
  beforeAll(async () => {
    server = await startTestServer({ offlineMessages: { maxPerRecipient: 3, maxBytesPerRecipient: 4096, sendsPerMinute: 6 } });
  });
  afterAll(() => server.stop());

  async function users(...names: string[]): Promise<string[]> {
    const k = ++n;
    const handles = names.map((x) => `${x}${k}@example.com`);
    for (const [i, h] of handles.entries()) await server.accounts.add(h, `pw-${names[i]}`, names[i]);
    return handles;
  }
  const pw = (h: string) => `pw-${h.replace(/\d+@.*$/, '')}`;
  async function sender(handle: string): Promise<OimSender> {
    return new OimSender(server, handle, (await oimTokens(server, handle, pw(handle))).secure);
  }

  it("a blocked sender, BLP=BL without AL, an unknown address and oneself all get the same SystemUnavailable; nothing is stored", async () => {
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const a = await signIn(server, 12, alice!, pw(alice!));
    await addToList(a, 'BL', bob!);
    a.client.close();
    const fromBob = await sender(bob!);
    const blocked = faultOf(await fromBob.send(alice!, 'let me in'));
    const unknown = faultOf(await fromBob.send('nobody@example.com', 'hello?'));
    const self = faultOf(await fromBob.send(bob!, 'me'));
    for (const f of [blocked, unknown, self]) expect([f.codeName, f.message]).toEqual([blocked.codeName, blocked.message]);
    expect(blocked.codeName).toBe('SystemUnavailable');

    // BLP=BL: only AL members get through.
    const a2 = await signIn(server, 12, alice!, pw(alice!));
    expect((await a2.client.reply(a2.client.send('BLP', ['BL']))).verb).toBe('BLP');
    const fromCarol = await sender(carol!);
    expect(faultOf(await fromCarol.send(alice!, 'hi')).codeName).toBe('SystemUnavailable');
    await addToList(a2, 'AL', carol!);
    a2.client.close();
    expect(await fromCarol.send(alice!, 'hi')).toEqual({ type: 'stored', sequence: 1 });
    expect((await getMetadataOf(server, alice!, pw(alice!))).map((m) => m.from)).toEqual([carol]);
  });

  it('a recipient visibly online is refused; a hidden one gets the message (hidden is offline to the sender)', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const a = await signIn(server, 12, alice!, pw(alice!));
    await setState(a, 'NLN');
    const fromBob = await sender(bob!);
    const online = faultOf(await fromBob.send(alice!, 'are you there?'));
    expect([online.codeName, online.message]).toEqual(['SystemUnavailable', 'The recipient is online']);
    await setState(a, 'HDN');
    expect(await fromBob.send(alice!, 'are you there?')).toEqual({ type: 'stored', sequence: 1 });
    // An MSNP12 session has no OIM notices.
    await a.client.expectNone('MSG');
    a.client.close();
  });

  it('limits: the per-recipient count and size, the per-sender rate; deleting frees the box', async () => {
    const [alice, bob, carol, dave] = await users('alice', 'bob', 'carol', 'dave');
    const fromBob = await sender(bob!);
    for (let i = 1; i <= 3; i++) expect((await fromBob.send(alice!, `message ${i}`)).type).toBe('stored');
    const full = faultOf(await fromBob.send(alice!, 'one too many'));
    expect([full.codeName, full.message]).toEqual(['SystemUnavailable', "The recipient's offline messages are full"]);
    const aliceTokens = await oimTokens(server, alice!, pw(alice!));
    const md = await getMetadata(server, aliceTokens.cookie);
    expect((await deleteMessages(server, aliceTokens.cookie, [md.messages[0]!.id])).deleted).toBe(true);
    expect((await fromBob.send(alice!, 'one too many')).type).toBe('stored');
    // Six a minute per sender (five stored plus the refused one): the seventh is throttled.
    expect((await fromBob.send(carol!, 'a')).type).toBe('stored');
    const throttled = faultOf(await fromBob.send(carol!, 'b'));
    expect(throttled.codeName).toBe('SenderThrottleLimitExceeded');

    // Size: 4096 bytes of stored MIME per recipient; 2 KiB texts are ~2.8 KiB once base64-encoded.
    const fromCarol = await sender(carol!);
    expect((await fromCarol.send(dave!, 'x'.repeat(2048))).type).toBe('stored');
    expect(faultOf(await fromCarol.send(dave!, 'y'.repeat(2048))).codeName).toBe('SystemUnavailable');
    expect((await fromCarol.send(dave!, 'small')).type).toBe('stored');
  });

  it('MSNP13–14 Store: the messenger.msn.com ticket and the PROD0112 lock key; Store2 refuses that ticket', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const tokens = await oimTokens(server, bob!, pw(bob!));
    const messenger = `t=${tokens.cookie.t}&p=${tokens.cookie.p}`;
    const fromBob = new OimSender(server, bob!, messenger);
    const prod0112 = { productId: 'PROD0112J1LW7%NB', productKey: 'RH96F{PHI8PPX_TJ', maxDialect: 14 };
    const first = await fromBob.store2(alice!, 'from WLM 8.0', { action: STORE_ACTION, appId: prod0112.productId });
    if (first.result.type !== 'lockKeyChallenge') throw new Error(first.answer.body);
    const lockKey = oimLockKey(first.result.challenge, prod0112);
    expect((await fromBob.store2(alice!, 'from WLM 8.0', { action: STORE_ACTION, appId: prod0112.productId, lockKey })).result).toEqual({ type: 'stored', sequence: 1 });
    // Store2 (15+) takes only the messengersecure.live.com ticket.
    expect((await fromBob.store2(alice!, 'again', { sequence: 2, appId: prod0112.productId, lockKey })).result).toEqual({ type: 'ticketExpired' });
    expect((await getMetadataOf(server, alice!, pw(alice!))).map((m) => m.from)).toEqual([bob]);
  });

  it('content: a sequence that is not the MessageNumber, bad base64, too much text → InvalidContent', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const fromBob = await sender(bob!);
    expect((await fromBob.send(alice!, 'first')).type).toBe('stored');
    const mismatch = await fromBob.store2(alice!, '', { sequence: 5, content: buildOimContent({ runId: fromBob.runId, sequence: 4, text: 'x' }) });
    expect(faultOf(mismatch.result).codeName).toBe('InvalidContent');
    const notBase64 = buildOimContent({ runId: fromBob.runId, sequence: 2, text: 'x' }).replace(/\n\n.*$/s, '\n\n@@@not base64@@@');
    expect(faultOf((await fromBob.store2(alice!, '', { sequence: 2, content: notBase64 })).result).codeName).toBe('InvalidContent');
    const tooLong = buildOimContent({ runId: fromBob.runId, sequence: 2, text: 'z'.repeat(17 * 1024) });
    expect(faultOf((await fromBob.store2(alice!, '', { sequence: 2, content: tooLong })).result).codeName).toBe('InvalidContent');
    expect(await getMetadataOf(server, alice!, pw(alice!))).toHaveLength(1);
  });
});

describe('OIM: hostile requests', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
    await server.accounts.add('alice@example.com', 'pw-alice', 'Alice');
    await server.accounts.add('bob@example.com', 'pw-bob', 'Bob');
    await server.accounts.add('mallory@example.com', 'pw-mallory', 'Mallory');
  });
  afterAll(() => server.stop());

  it("my ticket never reaches another user's messages: GetMessage and DeleteMessages of their ids fail and delete nothing", async () => {
    const bob = new OimSender(server, 'bob@example.com', (await oimTokens(server, 'bob@example.com', 'pw-bob')).secure);
    expect((await bob.send('alice@example.com', 'for Alice only')).type).toBe('stored');
    expect((await bob.send('mallory@example.com', 'for Mallory')).type).toBe('stored');
    const alice = await oimTokens(server, 'alice@example.com', 'pw-alice');
    const mallory = await oimTokens(server, 'mallory@example.com', 'pw-mallory');
    const aliceId = (await getMetadata(server, alice.cookie)).messages[0]!.id;
    const malloryMd = await getMetadata(server, mallory.cookie);
    expect(malloryMd.messages.map((m) => m.id)).not.toContain(aliceId);
    const stolen = await getMessage(server, mallory.cookie, aliceId);
    expectFault(stolen.answer);
    expect(stolen.answer.body).not.toContain('Alice only');
    expectFault(await deleteMessages(server, mallory.cookie, [aliceId]));
    // Her own id with Alice's: all or nothing, so her own stays too.
    expectFault(await deleteMessages(server, mallory.cookie, [malloryMd.messages[0]!.id, aliceId]));
    expect((await getMetadata(server, mallory.cookie)).messages).toHaveLength(1);
    expect((await getMetadata(server, alice.cookie)).messages.map((m) => m.id)).toEqual([aliceId]);
  });

  it('Store2 with a From that is not the ticket, a forged, an expired or another service\'s ticket → AuthenticationFailed, read as "renew the ticket"', async () => {
    const tokens = await oimTokens(server, 'mallory@example.com', 'pw-mallory');
    const mallory = new OimSender(server, 'mallory@example.com', tokens.secure);
    expect((await mallory.send('alice@example.com', 'warm-up')).type).toBe('stored'); // holds a lock key now
    const spoofed = await mallory.store2('alice@example.com', 'I am Bob', { from: 'bob@example.com' });
    expect(spoofed.result).toEqual({ type: 'ticketExpired' });
    expect(spoofed.answer.body).toContain('q0:AuthenticationFailed');
    const forged = tokens.secure.replace(/t=(.)/, (_, c: string) => `t=${c === 'A' ? 'B' : 'A'}`);
    expect((await mallory.store2('alice@example.com', 'x', { ticket: forged })).result).toEqual({ type: 'ticketExpired' });
    const contacts = tokens.all.tokens.find((t) => t.address === 'contacts.msn.com')!.token;
    expect((await mallory.store2('alice@example.com', 'x', { ticket: contacts })).result).toEqual({ type: 'ticketExpired' });
    expect((await mallory.store2('alice@example.com', 'x', { ticket: '' })).result).toEqual({ type: 'ticketExpired' });
    // RSI wants the messenger.msn.com token; the Store2 one, garbage and none are refused.
    for (const cookie of [{ t: tokens.secure.slice(2, tokens.secure.indexOf('&')), p: '' }, { t: 'garbage', p: 'x' }]) {
      expectFault(await post(server, RSI_PATH, buildGetMetadata(cookie), rsiSoapAction('GetMetadata')));
    }
    // Alice has the earlier test's message and the warm-up, nothing more.
    expect((await getMetadataOf(server, 'alice@example.com', 'pw-alice')).map((m) => m.from)).toEqual(['bob@example.com', 'mallory@example.com']);

    const shortLived = await startTestServer({ ssoTokenLifetimeMs: 1 });
    try {
      await shortLived.accounts.add('eve@example.com', 'pw-eve', 'Eve');
      await shortLived.accounts.add('alice@example.com', 'pw-alice', 'Alice');
      const eve = await oimTokens(shortLived, 'eve@example.com', 'pw-eve');
      await new Promise((r) => setTimeout(r, 20));
      const expired = await new OimSender(shortLived, 'eve@example.com', eve.secure).store2('alice@example.com', 'late');
      expect(expired.result).toEqual({ type: 'ticketExpired' });
      expectFault(await post(shortLived, RSI_PATH, buildGetMetadata(eve.cookie), rsiSoapAction('GetMetadata')));
    } finally {
      await shortLived.stop();
    }
  });

  it('malformed and oversized requests get a fault, an action that disagrees with the body is refused, and the services keep serving', async () => {
    const tokens = await oimTokens(server, 'bob@example.com', 'pw-bob');
    const bodies = [
      'not xml',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Envelope><Body><Store2>&lol2;</Store2></Body></Envelope>',
      '<Envelope><Body><MessageType>text</MessageType></Body></Envelope>',
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><From memberName="bob@example.com"/></soap:Header><soap:Body><MessageType>text</MessageType><Content>x</Content></soap:Body></soap:Envelope>',
      `<Envelope><Body>${'<a>'.repeat(100)}${'</a>'.repeat(100)}</Body></Envelope>`,
    ];
    for (const body of bodies) {
      expectFault(await post(server, OIM_STORE_PATH, body, STORE2_ACTION));
      expectFault(await post(server, RSI_PATH, body, rsiSoapAction('GetMessage')));
    }
    const huge = buildStore2Request({
      from: 'bob@example.com',
      friendlyName: 'Bob',
      to: 'alice@example.com',
      ticket: tokens.secure,
      appId: MSNP15_PRODUCT.productId,
      lockKey: '',
      sequence: 1,
      content: 'A'.repeat(200_000),
    });
    const big = await post(server, OIM_STORE_PATH, huge, STORE2_ACTION).catch(() => undefined);
    if (big !== undefined) expectFault(big, 413);
    // GetMetadata's body under DeleteMessages' action: refused, nothing deleted.
    expectFault(await post(server, RSI_PATH, buildGetMetadata(tokens.cookie), rsiSoapAction('DeleteMessages')));
    // Still serving.
    expect((await getMetadata(server, tokens.cookie)).type).toBe('mailData');
  });
});

describe('OIM: the recipient does not learn where the sender was', () => {
  it("X-OIM-originatingSource names the server's public host, never the sender's address (which stays with the operator)", async () => {
    // The sender reaches the server from 127.0.0.1; the server's public name is something else.
    const server = await startTestServer({ publicHost: 'messenger.example.test' });
    try {
      await server.accounts.add('alice@example.com', 'pw-alice', 'Alice');
      await server.accounts.add('bob@example.com', 'pw-bob', 'Bob');
      const bob = new OimSender(server, 'bob@example.com', (await oimTokens(server, 'bob@example.com', 'pw-bob')).secure);
      expect(await bob.send('alice@example.com', 'where am I?')).toEqual({ type: 'stored', sequence: 1 });
      const alice = await oimTokens(server, 'alice@example.com', 'pw-alice');
      const [entry] = (await getMetadata(server, alice.cookie)).messages;
      const { mail } = await getMessage(server, alice.cookie, entry!.id);
      if (typeof mail !== 'string') throw new Error(`GetMessage fault: ${mail.message}`);
      expect(mail).toMatch(/^X-OIM-originatingSource: messenger\.example\.test\r$/m);
      expect(mail).not.toContain('127.0.0.1');
      expect(Buffer.byteLength(mail)).toBe(entry!.size); // <SZ> still the size of what GetMessage returns
    } finally {
      await server.stop();
    }
  });
});
