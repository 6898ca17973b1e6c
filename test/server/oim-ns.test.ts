/**
 * Offline messages seen from the Notification Server (MSNP13-18.md §9.1, §13.1), MSNP15 users
 * signed in through the server's own token service and `USR SSO`: the initial mail-data notice
 * after the first `CHG` (delivered once across a server restart, gone once deleted), `too-large`,
 * the live notice to a hidden recipient, `Message-Delta` after `DeleteMessages`, and nothing of
 * this for an MSNP12 session.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMemberChange,
  decodeMessage,
  isCodecError,
  parseMailData,
  parseOimMessage,
  splitCompactToken,
  tokenFor,
  type Command,
  type MailData,
  type PassportCookie,
} from '../../shared/msnp/index';
import type { RunningServer } from '../../server/index';
import { setState, signIn, startTestServer } from './helpers/msnp';
import { abCall, abContext, signIn13, type SignedIn13 } from './helpers/msnp13';
import { deleteMessages, faultOf, getMessage, getMetadata, oimTokens, OimSender } from './helpers/oim';

/** The body fields of an NS mail notice (`MSG Hotmail Hotmail`). */
function notice(cmd: Command): { type: string; fields: Map<string, string> } {
  const m = decodeMessage(cmd.payload ?? new Uint8Array());
  if (isCodecError(m) || m.kind !== 'email') throw new Error(`not a mail notice: ${JSON.stringify(m)}`);
  const type = m.headers?.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
  return { type, fields: new Map(m.fields.map((f) => [f.name, f.value])) };
}

function mailData(cmd: Command): MailData | 'too-large' {
  const md = parseMailData(notice(cmd).fields.get('Mail-Data') ?? '');
  if (isCodecError(md)) throw new Error(md.message);
  return md.type === 'tooLarge' ? 'too-large' : md;
}

function rsiCookie(s: SignedIn13): PassportCookie {
  const cookie = splitCompactToken(tokenFor(s.tokens, 'messenger.msn.com')?.token ?? '');
  if (cookie === undefined) throw new Error('no messenger.msn.com token');
  return cookie;
}

/** First `CHG` of an MSNP15 session; returns the initial mail-data notice that follows it. */
async function goOnline(s: SignedIn13, state = 'NLN'): Promise<Command> {
  const t = s.client.send('CHG', [state, '2147794988']);
  expect((await s.client.reply(t)).verb).toBe('CHG');
  return s.client.expect('MSG', (c) => c.params[0] === 'Hotmail' && text(c).includes('text/x-msmsgsinitialmdatanotification'));
}

function text(c: Command): string {
  return new TextDecoder().decode(c.payload);
}

describe('OIM notices on the NS: MSNP15 to an offline MSNP15 user, across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monarch-oim-ns-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Alice finds Bob\'s messages listed after her first CHG, fetches and deletes them (Message-Delta), and they are not listed again', async () => {
    let server = await startTestServer({ dataDir: dir, maxDialect: 15 });
    try {
      await server.accounts.add('alice@example.com', 'pw-alice', 'Alice');
      await server.accounts.add('bob@example.com', 'pw-bob', 'Bob');
      const bobSession = await signIn13(server, 15, 'bob@example.com', 'pw-bob');
      const bob = new OimSender(server, 'bob@example.com', tokenFor(bobSession.tokens, 'messengersecure.live.com')?.token as string);
      expect(await bob.send('alice@example.com', 'See you tomorrow!')).toEqual({ type: 'stored', sequence: 1 });
      expect(await bob.send('alice@example.com', 'Bring the cake.')).toEqual({ type: 'stored', sequence: 2 });
      bobSession.client.close();

      await server.stop();
      server = await startTestServer({ dataDir: dir, maxDialect: 15 });

      const alice = await signIn13(server, 15, 'alice@example.com', 'pw-alice');
      const initial = await goOnline(alice);
      expect(notice(initial).type).toBe('text/x-msmsgsinitialmdatanotification; charset=UTF-8');
      const md = mailData(initial);
      if (md === 'too-large') throw new Error('expected a listing');
      expect(md.messages.map((m) => [m.from, m.fromName, m.read, m.folder])).toEqual([
        ['bob@example.com', 'Bob', false, '00000000-0000-0000-0000-000000000009'],
        ['bob@example.com', 'Bob', false, '00000000-0000-0000-0000-000000000009'],
      ]);
      const cookie = rsiCookie(alice);
      const texts: string[] = [];
      for (const m of md.messages) {
        const { mail } = await getMessage(server, cookie, m.id);
        if (typeof mail !== 'string') throw new Error(mail.message);
        expect(Buffer.byteLength(mail)).toBe(m.size);
        const parsed = parseOimMessage(mail);
        if (isCodecError(parsed)) throw new Error(parsed.message);
        texts.push(parsed.text);
      }
      expect(texts).toEqual(['See you tomorrow!', 'Bring the cake.']);

      expect((await deleteMessages(server, cookie, md.messages.map((m) => m.id))).deleted).toBe(true);
      const delta = await alice.client.expect('MSG', (c) => text(c).includes('text/x-msmsgsactivemailnotification'));
      expect(Object.fromEntries(notice(delta).fields)).toEqual({ 'Src-Folder': '.!!OIM', 'Dest-Folder': '.!!trAsH', 'Message-Delta': '2' });
      alice.client.close();

      // Delivered once: the next sign-in lists nothing, also after another restart.
      await server.stop();
      server = await startTestServer({ dataDir: dir, maxDialect: 15 });
      const again = await signIn13(server, 15, 'alice@example.com', 'pw-alice');
      const empty = mailData(await goOnline(again));
      expect(empty === 'too-large' ? empty : empty.messages).toEqual([]);
      again.client.close();
    } finally {
      await server.stop();
    }
  });
});

describe('OIM notices on the NS', () => {
  let server: RunningServer;
  let n = 0;
  beforeAll(async () => {
    server = await startTestServer({ maxDialect: 15 });
  });
  afterAll(() => server.stop());

  async function users(...names: string[]): Promise<string[]> {
    const k = ++n;
    const handles = names.map((x) => `${x}${k}@example.com`);
    for (const [i, h] of handles.entries()) await server.accounts.add(h, `pw-${names[i]}`, names[i]);
    return handles;
  }
  const pw = (h: string) => `pw-${h.replace(/\d+@.*$/, '')}`;

  it("an MSNP15 user's block through the Sharing service (AddMember Block) refuses the sender's Store2; unblocking lets it through", async () => {
    const [alice, bob] = await users('alice', 'bob');
    const member = async (s: SignedIn13, action: 'AddMember' | 'DeleteMember') => {
      const r = await abCall(server, action, buildMemberChange(abContext(s, 'BlockUnblock'), action, 'Block', [{ passportName: bob! }]));
      expect(r.status, r.body).toBe(200);
    };
    const a = await signIn13(server, 15, alice!, pw(alice!));
    await member(a, 'AddMember');
    a.client.close();
    const bobSender = new OimSender(server, bob!, (await oimTokens(server, bob!, pw(bob!))).secure);
    expect(faultOf(await bobSender.send(alice!, 'blocked?')).codeName).toBe('SystemUnavailable');
    const again = await signIn13(server, 15, alice!, pw(alice!));
    await member(again, 'DeleteMember');
    again.client.close();
    expect(await bobSender.send(alice!, 'and now?')).toEqual({ type: 'stored', sequence: 1 });
  });

  it('more than 25 waiting messages: Mail-Data is too-large, and GetMetadata lists them all', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const bobSender = new OimSender(server, bob!, (await oimTokens(server, bob!, pw(bob!))).secure);
    for (let i = 1; i <= 26; i++) expect((await bobSender.send(alice!, `message ${i}`)).type).toBe('stored');
    const s = await signIn13(server, 15, alice!, pw(alice!));
    const initial = await goOnline(s);
    expect(notice(initial).fields.get('Mail-Data')).toBe('too-large');
    const all = await getMetadata(server, rsiCookie(s));
    expect(all.messages.map((m) => m.from)).toEqual(Array(26).fill(bob));
    s.client.close();
  });

  it('a hidden MSNP15 recipient is told of a new message at once (live notice), and an MSNP12 one is not', async () => {
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const s = await signIn13(server, 15, alice!, pw(alice!));
    mailData(await goOnline(s, 'HDN'));
    const bobSender = new OimSender(server, bob!, (await oimTokens(server, bob!, pw(bob!))).secure);
    expect((await bobSender.send(alice!, 'psst')).type).toBe('stored');
    const live = await s.client.expect('MSG', (c) => text(c).includes('text/x-msmsgsoimnotification'));
    const md = mailData(live);
    if (md === 'too-large') throw new Error('expected a listing');
    expect(md.messages.map((m) => [m.from, m.folder, m.receivedTime])).toEqual([[bob, '.!!OIM', undefined]]);
    s.client.close();

    // MSNP12: no mail-data notice after the first CHG, no live notice while hidden.
    const old = await signIn(server, 12, carol!, pw(carol!));
    await setState(old, 'HDN');
    expect((await bobSender.send(carol!, 'you will read this with MSNP13+')).type).toBe('stored');
    await old.client.expectNone('MSG');
    old.client.close();
  });
});
