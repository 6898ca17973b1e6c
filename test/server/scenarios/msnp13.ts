/**
 * The integration scenarios for MSNP13, 14 and 15 (MSNP13-18.md §5–§8, §13.1), with raw
 * TCP clients, the real token service and the real address book over HTTP: sign in, read the
 * address book and memberships, add each other (ABContactAdd + ADL, the reverse-list push and the
 * ABCHInternal NOT), presence both ways in the dialect's shapes, personal messages, block and
 * unblock, groups, a 1:1 and a 3-party switchboard, delete. Then mixed dialects (an MSNP7 user and
 * an MSNP15 user), and requests for another user's data. Run against one process
 * (msnp13-scenarios.test.ts) and a two-node cluster (cluster-msnp13.test.ts), where the users of
 * a scenario alternate between the nodes (helpers/network.ts) and each calls the SOAP services of
 * the node holding its NS session, as a client talking to one node does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAbContactAdd,
  buildAbContactDelete,
  buildAbContactUpdate,
  buildAbFindAll,
  buildAbFindContactsPaged,
  buildAbGroupAdd,
  buildAbGroupContact,
  buildAbGroupDelete,
  buildAbGroupUpdate,
  buildFindMembership,
  buildMemberChange,
  encodeName,
  parseAbChangeNotice,
  parseAbFindAllResponse,
  parseAbFindContactsPagedResponse,
  parseFindMembershipResponse,
  parseMl,
  parseMutationResponse,
  type AddressBook,
  type Command,
  type Dialect,
  type Memberships,
  type RstResponse,
  tokenFor,
} from '../../../shared/msnp/index';
import type { RunningServer, ServerConfig } from '../../../server/index';
import { addToForward, answerRing, call, openSwitchboard, RawClient, setState, signIn, startTestServer, text, textMessage, type SbClient, type SignedIn } from '../helpers/msnp';
import { abCall, abContext, ml, requestTokens, signIn13, type SignedIn13 } from '../helpers/msnp13';
import type { Network } from '../helpers/network';

/** Defines the scenarios against the network `start` makes (stopped after). */
export function msnp13Scenarios(start: (config: ServerConfig) => Promise<Network>): void {
  let net: Network;
  /** Where accounts are added; users sign in where the network says, and call the SOAP services of their node. */
  let server: RunningServer;
  let counter = 0;

  beforeAll(async () => {
    net = await start({ maxDialect: 15 });
    server = net.server;
  });
  afterAll(() => net.stop());

  async function users(...names: string[]): Promise<string[]> {
    const n = ++counter;
    const handles = names.map((x) => `${x}${n}@example.com`);
    await Promise.all(handles.map((h, i) => server.accounts.add(h, `pw-${names[i]}`, names[i])));
    return handles;
  }

  const pw = (handle: string) => `pw-${handle.replace(/\d+@.*$/, '')}`;

  /** Signed in and online the WLM 8.5 way (§5.3): memberships, address book, BLP, initial ADL, PRP, CHG. */
  async function online13(d: Dialect, handle: string): Promise<SignedIn13> {
    const s = await signIn13(net.signInNode(handle), d, handle, pw(handle));
    await findMembership(s);
    await findAll(s);
    expect((await s.client.reply(s.client.send('BLP', ['AL']))).params).toEqual(['AL']);
    expect((await ml(s, 'ADL', '<ml l="1"></ml>')).params).toEqual(['OK']);
    await setState(s as unknown as SignedIn, 'NLN', 0x8004c02c);
    return s;
  }

  async function findMembership(s: SignedIn13): Promise<Memberships> {
    const r = await abCall(net.nodeOf(s.handle), 'FindMembership', buildFindMembership(abContext(s)));
    expect(r.status).toBe(200);
    const m = parseFindMembershipResponse(r.body);
    expect(m).toMatchObject({ type: 'memberships' });
    return m as Memberships;
  }

  async function findAll(s: SignedIn13): Promise<AddressBook> {
    const r = await abCall(net.nodeOf(s.handle), 'ABFindAll', buildAbFindAll(abContext(s)));
    expect(r.status).toBe(200);
    const ab = parseAbFindAllResponse(r.body);
    expect(ab).toMatchObject({ type: 'addressBook' });
    return ab as AddressBook;
  }

  async function mutate(s: SignedIn13, action: Parameters<typeof abCall>[1], xml: string): Promise<string | undefined> {
    const r = await abCall(net.nodeOf(s.handle), action, xml);
    expect(r.status, r.body).toBe(200);
    const m = parseMutationResponse(r.body, action);
    expect(m).toMatchObject({ type: 'ok' });
    return (m as { guid?: string }).guid;
  }

  function ml1(handle: string, lists: number): string {
    const [local, domain] = handle.split('@');
    return `<ml><d n="${domain}"><c n="${local}" l="${lists}" t="1" /></d></ml>`;
  }

  /** The push of §6.7 and the NOT of §6.8 that follow someone adding (or removing) me. */
  async function expectReversePush(s: SignedIn13, verb: 'ADL' | 'RML', from: string, name?: string): Promise<void> {
    const push = await s.client.expect(verb, (c) => c.trId === 0);
    const list = parseMl(text(push.payload), 'server');
    expect(list).toEqual({ initial: false, contacts: [{ handle: from, lists: 8, network: 1, ...(name === undefined ? {} : { friendlyName: name }) }] });
    const not = await s.client.expect('NOT');
    expect(parseAbChangeNotice(text(not.payload))).toMatchObject({ type: 'abChange', service: 'ABCHInternal', to: s.handle });
  }

  /** Presence line shape by receiver dialect (MSNP13-18.md §3.2): 14+ put the network id after the handle. */
  function expectPresence(d: Dialect, c: Command, state: string, handle: string, name: string): void {
    if (d >= 14) expect(c.params.slice(0, 4)).toEqual([state, handle, '1', encodeName(name)]);
    else expect(c.params.slice(0, 3)).toEqual([state, handle, encodeName(name)]);
  }

  /** A adds B the WLM way: ABContactAdd, then ADL FL+AL. */
  async function addContact(a: SignedIn13, handle: string): Promise<string> {
    const guid = await mutate(a, 'ABContactAdd', buildAbContactAdd(abContext(a, 'ContactSave'), { passportName: handle }));
    expect(guid).toMatch(/^[0-9a-f-]{36}$/);
    expect((await ml(a, 'ADL', ml1(handle, 3))).params).toEqual(['OK']);
    return guid as string;
  }

  /** B accepts A (§6.5 "Accept someone who added you"): ABContactAdd, Allow, drop Pending, ADL. */
  async function accept(b: SignedIn13, handle: string): Promise<void> {
    await mutate(b, 'ABContactAdd', buildAbContactAdd(abContext(b, 'ContactSave'), { passportName: handle }));
    await mutate(b, 'AddMember', buildMemberChange(abContext(b, 'ContactMsgrAPI'), 'AddMember', 'Allow', [{ passportName: handle }]));
    await mutate(b, 'DeleteMember', buildMemberChange(abContext(b, 'ContactMsgrAPI'), 'DeleteMember', 'Pending', [{ passportName: handle }]));
    expect((await ml(b, 'ADL', ml1(handle, 3))).params).toEqual(['OK']);
  }

  describe.each([13, 14, 15] as Dialect[])('MSNP%i', (d) => {
    it('an empty address book has the Me contact with the name and privacy; memberships are empty', async () => {
      const [alice] = (await users('alice')) as [string];
      const a = await signIn13(net.signInNode(alice), d, alice, pw(alice));
      const ab = await findAll(a);
      expect(ab.contacts).toEqual([]);
      expect(ab.me).toMatchObject({ type: 'Me', address: alice, displayName: 'alice', annotations: { 'MSN.IM.BLP': '1', 'MSN.IM.GTC': '1' } });
      const m = await findMembership(a);
      expect(m.roles).toEqual({ Allow: [], Block: [], Reverse: [], Pending: [] });
      const paged = parseAbFindContactsPagedResponse((await abCall(net.nodeOf(alice), 'ABFindContactsPaged', buildAbFindContactsPaged(abContext(a)))).body);
      expect(paged).toMatchObject({ type: 'addressBook', contacts: [], me: { address: alice } });
    });

    it('add each other, presence and personal messages both ways, block and unblock', async () => {
      const [alice, bob] = (await users('alice', 'bob')) as [string, string];
      const a = await online13(d, alice);
      const b = await online13(d, bob);

      await addContact(a, bob);
      // Bob is online and lets Alice see him: NLN right after the ADL (§7.1).
      expectPresence(d, await a.client.expect('NLN'), 'NLN', bob, 'bob');
      await expectReversePush(b, 'ADL', alice, 'alice');
      const pending = await findMembership(b);
      expect(pending.roles.Reverse.map((x) => x.address)).toEqual([alice]);
      expect(pending.roles.Pending.map((x) => x.address)).toEqual([alice]);

      await accept(b, alice);
      expectPresence(d, await b.client.expect('NLN'), 'NLN', alice, 'alice');
      await expectReversePush(a, 'ADL', bob, 'bob');
      const accepted = await findMembership(b);
      expect(accepted.roles.Allow.map((x) => x.address)).toEqual([alice]);
      expect(accepted.roles.Pending).toEqual([]);
      expect((await findAll(b)).contacts.map((c) => [c.address, c.isMessengerUser])).toEqual([[alice, true]]);

      // Presence changes and the personal message, in the receiver's shapes.
      await b.client.reply(b.client.send('CHG', ['BSY', '0']));
      expectPresence(d, await a.client.expect('NLN', ['BSY']), 'BSY', bob, 'bob');
      const psm = '<Data><PSM>brb, coffee</PSM><CurrentMedia></CurrentMedia><MachineGuid>{3F1E0D2C-4B5A-4697-8877-665544332211}</MachineGuid></Data>';
      expect((await b.client.reply(b.client.send('UUX', [], psm))).params).toEqual([]);
      const ubx = await a.client.expect('UBX');
      expect(ubx.params).toEqual(d >= 14 ? [bob, '1'] : [bob]);
      expect(text(ubx.payload)).toBe(psm);
      // A new name through the Me contact reaches watchers (§6.4).
      await mutate(b, 'ABContactUpdate', buildAbContactUpdate(abContext(b, 'Timer'), { contactId: '', me: true, displayName: 'Bob B' }));
      expectPresence(d, await a.client.expect('NLN', (c) => c.params.includes(encodeName('Bob B'))), 'BSY', bob, 'Bob B');

      // Alice blocks Bob (§6.5: DeleteMember Allow, AddMember Block, RML AL, ADL BL): Bob sees her go.
      await mutate(a, 'DeleteMember', buildMemberChange(abContext(a, 'BlockUnblock'), 'DeleteMember', 'Allow', [{ passportName: bob }]));
      await mutate(a, 'AddMember', buildMemberChange(abContext(a, 'BlockUnblock'), 'AddMember', 'Block', [{ passportName: bob }]));
      const fln = await b.client.expect('FLN');
      expect(fln.params).toEqual(d >= 14 ? [alice, '1', '0'] : [alice]);
      expect((await ml(a, 'RML', ml1(bob, 2))).params).toEqual(['OK']);
      expect((await ml(a, 'ADL', ml1(bob, 4))).params).toEqual(['OK']);
      expect((await findMembership(a)).roles.Block.map((x) => x.address)).toEqual([bob]);
      // Unblock: the ADL way alone also works (§7.1: later ADL/RML apply to the store).
      expect((await ml(a, 'RML', ml1(bob, 4))).params).toEqual(['OK']);
      expect((await ml(a, 'ADL', ml1(bob, 2))).params).toEqual(['OK']);
      expectPresence(d, await b.client.expect('NLN', [ 'NLN', alice]), 'NLN', alice, 'alice');
      const m = await findMembership(a);
      expect(m.roles.Allow.map((x) => x.address)).toEqual([bob]);
      expect(m.roles.Block).toEqual([]);

      // Privacy default through the Me contact (MSN.IM.BLP 2 = BL) and BLP.
      expect((await b.client.reply(b.client.send('BLP', ['BL']))).params).toEqual(['BL']);
      expect((await findAll(b)).me?.annotations['MSN.IM.BLP']).toBe('2');

      // Bob deletes Alice: she leaves his address book and he leaves her reverse list.
      const bobsAlice = (await findAll(b)).contacts[0]?.id as string;
      await mutate(b, 'ABContactDelete', buildAbContactDelete(abContext(b, 'Timer'), [bobsAlice]));
      expect((await ml(b, 'RML', ml1(alice, 1))).params).toEqual(['OK']);
      await expectReversePush(a, 'RML', bob);
      expect((await findAll(b)).contacts).toEqual([]);
      expect((await findMembership(a)).roles.Reverse).toEqual([]);
    });

    it('groups: add, put a contact in, rename, take out, delete', async () => {
      const [alice, bob] = (await users('alice', 'bob')) as [string, string];
      const a = await online13(d, alice);
      const contactId = await addContact(a, bob);
      const groupId = (await mutate(a, 'ABGroupAdd', buildAbGroupAdd(abContext(a, 'GroupSave'), 'Friends'))) as string;
      expect(groupId).toMatch(/^[0-9a-f-]{36}$/);
      await mutate(a, 'ABGroupContactAdd', buildAbGroupContact(abContext(a, 'ContactSave'), 'ABGroupContactAdd', groupId, [contactId]));
      let ab = await findAll(a);
      expect(ab.groups).toEqual([{ id: groupId, name: 'Friends', isFavorite: false }]);
      expect(ab.contacts[0]?.groupIds).toEqual([groupId]);
      await mutate(a, 'ABGroupUpdate', buildAbGroupUpdate(abContext(a, 'Timer'), groupId, 'Best friends'));
      await mutate(a, 'ABGroupContactDelete', buildAbGroupContact(abContext(a, 'Timer'), 'ABGroupContactDelete', groupId, [contactId]));
      ab = await findAll(a);
      expect(ab.groups.map((g) => g.name)).toEqual(['Best friends']);
      expect(ab.contacts[0]?.groupIds).toEqual([]);
      // A second group with the same name is refused with the service's error (§6.6).
      const dup = await abCall(net.nodeOf(alice), 'ABGroupAdd', buildAbGroupAdd(abContext(a, 'GroupSave'), 'best FRIENDS'));
      expect(dup.status).toBe(500);
      expect(parseMutationResponse(dup.body, 'ABGroupAdd')).toMatchObject({ type: 'fault', errorCode: 'GroupAlreadyExists' });
      await mutate(a, 'ABGroupDelete', buildAbGroupDelete(abContext(a, 'Timer'), [groupId]));
      expect((await findAll(a)).groups).toEqual([]);
      // Adding a contact twice, or someone who has no account, is the service's error too.
      for (const [handle, code] of [
        [bob, 'ContactAlreadyExists'],
        ['nobody@example.com', 'InvalidPassportUser'],
      ] as const) {
        const r = await abCall(net.nodeOf(alice), 'ABContactAdd', buildAbContactAdd(abContext(a, 'ContactSave'), { passportName: handle }));
        expect(parseMutationResponse(r.body, 'ABContactAdd')).toMatchObject({ type: 'fault', errorCode: code });
      }
    });

    it('UUN is relayed as UBN to a contact who allows me; FQY names the network; a bad ADL is 241 and a disconnect', async () => {
      const [alice, bob] = (await users('alice', 'bob')) as [string, string];
      const a = await online13(d, alice);
      const b = await online13(d, bob);
      const uun = await a.client.reply(a.client.send('UUN', [bob, '1'], '<hello/>'));
      expect(uun.params).toEqual(['OK']);
      const ubn = await b.client.expect('UBN');
      expect(ubn.params).toEqual([alice, '1']);
      expect(text(ubn.payload)).toBe('<hello/>');
      // Bob blocks Alice: her UUN finds nobody (217), like an invitation to someone offline.
      expect((await ml(b, 'ADL', ml1(alice, 4))).params).toEqual(['OK']);
      expect((await a.client.reply(a.client.send('UUN', [bob, '1'], '<hello/>'))).verb).toBe('217');
      expect((await a.client.reply(a.client.send('UUN', ['nobody@example.com', '1'], '<x/>'))).verb).toBe('217');
      if (d >= 14) {
        const [local, domain] = bob.split('@');
        const fqy = await ml(a, 'FQY', `<ml><d n="${domain}"><c n="${local}" /></d></ml>`);
        expect(parseMl(text(fqy.payload), 'server')).toEqual({ initial: false, contacts: [{ handle: bob, network: 1 }] });
        expect((await ml(a, 'FQY', '<ml><d n="example.com"><c n="nobody" /></d></ml>')).verb).toBe('208');
      }
      // A client may not put anyone on its RL (l="8", MSNP13-18.md §7.1): 241 and closed.
      expect((await ml(a, 'ADL', ml1(bob, 8))).verb).toBe('241');
      await a.client.waitClosed();
    });

    it('1:1 and 3-party switchboards (XFR SB and RNG in the 13+ shapes)', async () => {
      const [alice, bob, carol] = (await users('alice', 'bob', 'carol')) as [string, string, string];
      const a = await online13(d, alice);
      const b = await online13(d, bob);
      const c = await online13(d, carol);
      const reply = await a.client.reply(a.client.send('XFR', ['SB']));
      expect(reply.params.slice(4)).toEqual(d >= 14 ? ['U', 'messenger.msn.com', '1'] : ['U', 'messenger.msn.com']);
      // openSwitchboard asks for another one; an unused cookie just expires.
      const sa = await openSwitchboard(a as unknown as SignedIn);
      await call(sa, bob);
      const rng = await b.client.expect('RNG', (x) => x.params[4] === alice);
      expect(rng.params.slice(6)).toEqual(d >= 14 ? ['U', 'messenger.hotmail.com', '1'] : ['U', 'messenger.hotmail.com']);
      // Answer the ring whose shape was just checked.
      const sbB = await answerRingFrom(b, rng);
      await sa.client.expect('JOI', [bob]);
      sa.client.send('MSG', ['N'], textMessage('hello bob'));
      expect(text((await sbB.client.expect('MSG', [alice])).payload)).toContain('hello bob');
      sbB.client.send('MSG', ['N'], textMessage('hi alice'));
      expect(text((await sa.client.expect('MSG', [bob])).payload)).toContain('hi alice');

      await call(sa, carol);
      const { sb: sbC, iro } = await answerRing(c as unknown as SignedIn, alice);
      expect(iro.map((x) => x.params[2]).sort()).toEqual([alice, bob].sort());
      sbC.client.send('MSG', ['N'], textMessage('hi both'));
      expect(text((await sa.client.expect('MSG', [carol])).payload)).toContain('hi both');
      expect(text((await sbB.client.expect('MSG', [carol])).payload)).toContain('hi both');
    });
  });

  /** answerRing for an `RNG` already taken from the client (to check its shape first). */
  async function answerRingFrom(s: SignedIn13, rng: Command): Promise<SbClient> {
    const [, port] = (rng.params[1] as string).split(':');
    const sb = await RawClient.connect(Number(port), `${s.handle}/SB`);
    const t = sb.send('ANS', [s.handle, rng.params[3] as string, rng.params[0] as string]);
    for (;;) {
      const r = await sb.reply(t);
      if (r.verb === 'ANS') break;
    }
    return { client: sb, handle: s.handle };
  }

  describe('mixed dialects', () => {
    it('an MSNP7 user and an MSNP15 user add each other, see presence and chat', async () => {
      const [old, neu] = (await users('old', 'neu')) as [string, string];
      const o = await signIn(net.signInNode(old), 7, old, pw(old));
      await o.client.reply(o.client.send('SYN', ['0']));
      await setState(o, 'NLN');
      const n = await online13(15, neu);

      // MSNP7 adds MSNP15 with ADD FL: the 15 client gets the reverse-list push and the NOT.
      await addToForward(o, neu, 'neu');
      await expectReversePush(n, 'ADL', old, 'old');
      expect((await findMembership(n)).roles.Pending.map((x) => x.address)).toEqual([old]);
      // Old sees new online at once (the ADD answers with ILN when visible).
      // MSNP15 accepts through the address book: the MSNP7 user gets ADD RL.
      await accept(n, old);
      const rl = await o.client.expect('ADD', (c) => c.params[0] === 'RL' && c.params[2] === neu);
      expect(rl.trId).toBe(0);
      expectPresence(15, await n.client.expect('NLN', [ 'NLN', old]), 'NLN', old, 'old');

      // Presence both ways.
      await n.client.reply(n.client.send('CHG', ['AWY', '0']));
      expect((await o.client.expect('NLN', ['AWY'])).params).toEqual(['AWY', neu, 'neu']);
      await o.client.reply(o.client.send('CHG', ['BSY']));
      expectPresence(15, await n.client.expect('NLN', ['BSY']), 'BSY', old, 'old');

      // They see the same relationship: the MSNP7 user's FL and the MSNP15 user's address book.
      expect((await findAll(n)).contacts.map((c) => c.address)).toEqual([old]);
      expect((await findMembership(n)).roles.Reverse.map((x) => x.address)).toEqual([old]);

      // Chat, started by the MSNP15 user.
      const sn = await openSwitchboard(n as unknown as SignedIn);
      await call(sn, old);
      const { sb: so } = await answerRing(o, neu);
      sn.client.send('MSG', ['N'], textMessage('hi from 2008'));
      expect(text((await so.client.expect('MSG', [neu])).payload)).toContain('hi from 2008');
      so.client.send('MSG', ['N'], textMessage('hi from 2005'));
      expect(text((await sn.client.expect('MSG', [old])).payload)).toContain('hi from 2005');
    });
  });

  describe("another user's data", () => {
    it('a ticket only ever reaches its own lists; forged, expired and other-domain tickets are BadContextToken', async () => {
      const [alice, bob, mallory] = (await users('alice', 'bob', 'mallory')) as [string, string, string];
      const a = await online13(15, alice);
      const m = await signIn13(net.signInNode(mallory), 15, mallory, pw(mallory));
      const contactId = await addContact(a, bob);
      const groupId = (await mutate(a, 'ABGroupAdd', buildAbGroupAdd(abContext(a, 'GroupSave'), 'Secret'))) as string;
      // Mallory names Alice's contact and group ids with her own ticket: not in her book.
      for (const [action, xml, code] of [
        ['ABContactDelete', buildAbContactDelete(abContext(m, 'Timer'), [contactId]), 'ContactDoesNotExist'],
        ['ABGroupDelete', buildAbGroupDelete(abContext(m, 'Timer'), [groupId]), 'GroupDoesNotExist'],
        ['ABGroupContactAdd', buildAbGroupContact(abContext(m, 'ContactSave'), 'ABGroupContactAdd', groupId, [contactId]), 'GroupDoesNotExist'],
        ['DeleteMember', buildMemberChange(abContext(m, 'BlockUnblock'), 'DeleteMember', 'Allow', [{ membershipId: `Allow/${contactId}` }]), 'MemberDoesNotExist'],
      ] as const) {
        const r = await abCall(net.nodeOf(mallory), action, xml);
        expect(r.status).toBe(500);
        expect(parseMutationResponse(r.body, action)).toMatchObject({ type: 'fault', errorCode: code });
      }
      // Her own reads show only her (empty) lists.
      expect((await findAll(m)).contacts).toEqual([]);
      const ab = await findAll(a);
      expect(ab.contacts.map((c) => c.id)).toEqual([contactId]);
      expect(ab.groups.map((g) => g.id)).toEqual([groupId]);

      // Tickets that are not contacts tickets of a living account.
      const messengerToken = a.tokens.tokens.find((t) => t.address === 'messenger.msn.com')?.token as string;
      const [payload] = a.contactsTicket.slice(2).split('.');
      for (const ticket of [messengerToken, `t=${payload}.${'A'.repeat(43)}&p=`, 't=garbage&p=', '']) {
        const r = await abCall(net.nodeOf(alice), 'ABFindAll', buildAbFindAll({ ticket, scenario: 'Initial' }));
        expect(r.status).toBe(500);
        expect(r.body).toContain('BadContextToken');
        expect(r.body).not.toContain(alice);
      }
      const short = await startTestServer({ maxDialect: 15, ssoTokenLifetimeMs: 300 });
      try {
        await short.accounts.add('late@example.com', 'pw-late', 'Late');
        const tokens = (await requestTokens(short, 'late@example.com', 'pw-late', 'MBI_KEY_OLD')) as RstResponse;
        const contacts = tokenFor(tokens, 'contacts.msn.com')?.token as string;
        await new Promise((r) => setTimeout(r, 400));
        const r = await fetch(`http://127.0.0.1:${short.httpPort}/abservice/abservice.asmx`, {
          method: 'POST',
          headers: { 'Content-Type': 'text/xml', SOAPAction: 'http://www.msn.com/webservices/AddressBook/ABFindAll' },
          body: buildAbFindAll({ ticket: contacts, scenario: 'Initial' }),
        });
        expect(r.status).toBe(500);
        expect(await r.text()).toContain('BadContextToken');
      } finally {
        await short.stop();
      }
    });
  });
}
