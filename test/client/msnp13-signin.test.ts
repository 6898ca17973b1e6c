/**
 * The client at MSNP15 against a scripted notification server and fake web services (token
 * service, address book, sharing): single sign-on with the MBI proof, the address book sync
 * producing the same model as SYN, the initial ADL, then presence; sign-in failures; list
 * operations over SOAP + ADL/RML; the server's RL push and address-book ping (MSNP13-18.md §4–§7).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MsnClient } from '../../electron/core/msn/client';
import { SignInFailure } from '../../electron/core/msn/errors';
import { machineGuid } from '../../electron/core/msn/machine-guid';
import { buildMailData, buildOimMessage, decodeMlRequest, verifyMbiKeyOld, type Command, type Dialect, type OimEntry, type parseMl } from '../../shared/msnp';
import { Recorder } from './helpers/bundled';
import { FakeServer, type FakeConn } from './helpers/fake-server';
import { FakeServices } from './helpers/msnp13-services';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const NONCE = 'Fhbzd+Dn2WYdrrfZHFhmajxfLLkFVBcbV6xI+Q2k/ZXH0wbdjq4S7dKvIBd4K5Tx';
const ME = 'alice@hotmail.com';
const ABCH_PING =
  '<NOTIFICATION id="0" siteid="45705" siteurl="http://contacts.msn.com"><TO pid="0x1:0x2" name="alice@hotmail.com"><VIA agent="messenger"/></TO><MSG id="0"><SUBSCR url="s.htm"/><ACTION url="a.htm"/><BODY>&lt;NotificationData&gt;&lt;Service&gt;ABCHInternal&lt;/Service&gt;&lt;CID&gt;1&lt;/CID&gt;&lt;LastModifiedDate&gt;2026-01-01T00:00:00Z&lt;/LastModifiedDate&gt;&lt;HasNewItem&gt;false&lt;/HasNewItem&gt;&lt;/NotificationData&gt;</BODY></MSG></NOTIFICATION>';

interface NsScript {
  /** The lines the client sent, as the fake server decoded them. */
  readonly commands: Command[];
  conn?: FakeConn;
  /** The ADL payloads the client sent, parsed. */
  readonly adl: ReturnType<typeof parseMl>[];
  readonly rml: ReturnType<typeof parseMl>[];
  /** FQY answers (§7.3): the network per address, `208` for no such account; unlisted = 1. */
  readonly networks: Map<string, number | 208>;
  /**
   * How the NS answers `BLP`: echo it at once (the default), hold the echo until the first `ADL`
   * has arrived (a client that waits for it before sending the `ADL` never gets it), or refuse it
   * with this error code.
   */
  blp?: 'hold-until-adl' | number;
}

/**
 * An MSNP15 NS in the reference's order (§13.1): VER, CVR, USR SSO I → GCF push + MBI_KEY_OLD
 * challenge, USR SSO S (the proof checked against the fake token service's secret) → OK; then BLP,
 * ADL (each answered OK), PRP, CHG (+ ILN for bob), UUX, PNG.
 */
function msnp15Ns(services: FakeServices, script: NsScript, dialect: Dialect = 15): (c: FakeConn) => Promise<void> {
  return async (c) => {
    script.conn = c;
    let heldBlp: string | undefined;
    for (;;) {
      const cmd = await c.next(20_000).catch(() => undefined);
      if (cmd === undefined) return;
      script.commands.push(cmd);
      const t = cmd.trId;
      switch (cmd.verb) {
        case 'VER':
          c.send(`VER ${t} MSNP${dialect}`);
          break;
        case 'CVR':
          c.send(`CVR ${t} 8.5.1302 8.5.1302 8.5.1302 http://x http://x`);
          break;
        case 'USR':
          if (cmd.params[1] === 'I') {
            c.sendPayload('GCF 0', '<Policies><Policy type="SHIELDS"><config></config></Policy></Policies>');
            c.send(`USR ${t} SSO S MBI_KEY_OLD ${NONCE}`);
          } else {
            const ok = cmd.params[2] === services.ticket('messengerclear.live.com', 1) && verifyMbiKeyOld(services.secret, NONCE, cmd.params[3] ?? '');
            if (ok) {
              c.send(`USR ${t} OK ${ME} 1 0`);
              c.send('SBS 0 null');
            } else {
              c.send(`911 ${t}`);
              c.close();
            }
          }
          break;
        case 'BLP':
          if (typeof script.blp === 'number') c.send(`${script.blp} ${t}`);
          else if (script.blp === 'hold-until-adl') heldBlp = `BLP ${t} ${cmd.params[0]}`;
          else c.send(`BLP ${t} ${cmd.params[0]}`);
          break;
        case 'ADL':
        case 'RML': {
          if (heldBlp !== undefined) {
            c.send(heldBlp);
            heldBlp = undefined;
          }
          const ml = decodeMlRequest(cmd, dialect);
          if ('kind' in ml) {
            c.send(`241 ${t}`);
            break;
          }
          (cmd.verb === 'ADL' ? script.adl : script.rml).push(ml.list);
          c.send(`${cmd.verb} ${t} OK`);
          break;
        }
        case 'FQY': {
          // §7.3: one contact per question; the answer repeats it with its network.
          const q = decodeMlRequest(cmd, dialect);
          const asked = 'kind' in q ? undefined : q.list.contacts[0]?.handle;
          if (asked === undefined) {
            c.send(`241 ${t}`);
            break;
          }
          const network = script.networks.get(asked) ?? 1;
          if (network === 208) {
            c.send(`208 ${t}`);
            break;
          }
          const [local, domain] = asked.split('@');
          c.sendPayload(`FQY ${t}`, `<ml><d n="${domain}"><c n="${local}" t="${network}" /></d></ml>`);
          break;
        }
        case 'PRP':
          c.send(`PRP ${t} ${cmd.params.join(' ')}`);
          break;
        case 'CHG':
          c.send(`CHG ${t} ${cmd.params.join(' ')}`);
          c.send(`ILN ${t} BSY bob@hotmail.com 1 Bobby 0`);
          c.sendPayload('UBX bob@hotmail.com 1', '<Data><PSM>brb, coffee</PSM><CurrentMedia></CurrentMedia></Data>');
          break;
        case 'UUX':
          c.send(`UUX ${t} 0`);
          break;
        case 'PNG':
          c.send('QNG 50');
          break;
        case 'XFR':
          // MSNP13+ shape (§3.2); the fake switchboard is the next connection to this same server.
          c.send(`XFR ${t} SB 127.0.0.1:${c.socket.localPort} CKI sbcookie U messenger.msn.com 1`);
          break;
        case 'OUT':
          c.close();
          return;
        default:
          break;
      }
    }
  };
}

/** A switchboard on which every invitee is offline: `CAL` → `217` (MSNP.md §6.1). */
async function offlineSb(c: FakeConn): Promise<void> {
  for (;;) {
    const cmd = await c.next(20_000).catch(() => undefined);
    if (cmd === undefined) return;
    if (cmd.verb === 'USR') c.send(`USR ${cmd.trId} OK ${ME} Alice`);
    else if (cmd.verb === 'CAL') c.send(`217 ${cmd.trId}`);
    else if (cmd.verb === 'OUT') {
      c.close();
      return;
    }
  }
}

async function setup(options: { dialect?: Dialect; password?: string; installationId?: string } = {}): Promise<{ services: FakeServices; script: NsScript; client: MsnClient; rec: Recorder; ns: FakeServer }> {
  const services = await FakeServices.start({ accounts: { [ME]: 'secret pass' } });
  cleanups.push(() => services.stop());
  const b = services.book;
  b.groups.push({ id: 'aaaaaaaa-0000-0000-0000-000000000001', name: 'Friends', isFavorite: false });
  b.contacts.push({ id: 'cccccccc-0000-0000-0000-00000000000b', type: 'Regular', address: 'bob@hotmail.com', displayName: 'Bob', isMessengerUser: true, groupIds: ['aaaaaaaa-0000-0000-0000-000000000001'], annotations: {}, deleted: false });
  b.contacts.push({ id: 'cccccccc-0000-0000-0000-00000000000c', type: 'Regular', address: 'carol@hotmail.com', displayName: 'Carol', isMessengerUser: true, groupIds: [], annotations: {}, deleted: false });
  b.me = { id: 'cccccccc-0000-0000-0000-0000000000ee', type: 'Me', address: ME, displayName: 'Alice', isMessengerUser: true, groupIds: [], annotations: { 'MSN.IM.BLP': '1', 'MSN.IM.GTC': '1' }, deleted: false };
  b.roles.Allow.push({ address: 'bob@hotmail.com', type: 'Passport' }, { address: 'carol@hotmail.com', type: 'Passport' });
  b.roles.Reverse.push({ address: 'bob@hotmail.com', type: 'Passport' });
  b.roles.Block.push({ address: 'mallory@hotmail.com', type: 'Passport' });
  b.roles.Pending.push({ address: 'dave@hotmail.com', type: 'Passport', displayName: 'Dave' });
  const script: NsScript = { commands: [], adl: [], rml: [], networks: new Map() };
  const dialect = options.dialect ?? 15;
  const ns = await FakeServer.start([msnp15Ns(services, script, dialect), offlineSb]);
  cleanups.push(() => ns.stop());
  const client = new MsnClient({
    server: { host: ns.host, port: ns.port, dialects: { min: 2, max: dialect }, webServicesUrl: services.origin },
    reconnect: false,
    requestTimeoutMs: 5000,
    ...(options.installationId !== undefined ? { installationId: options.installationId } : {}),
  });
  cleanups.push(() => client.signOut());
  const rec = new Recorder(client);
  return { services, script, client, rec, ns };
}

const line = (c: Command): string => [c.verb, ...(c.trId !== undefined ? [String(c.trId)] : []), ...c.params].join(' ');

describe('MSNP15 sign-in (SSO) and the SOAP address book, scripted server', () => {
  it('e-mail contacts of unknown network are asked with FQY before the initial ADL; only Messenger accounts go into it (MSNP13-18.md §5.3 step 5, §7.3)', async () => {
    const { services, script, client } = await setup();
    const email = (id: string, address: string) => ({ id, type: 'Regular', address, viaEmail: true, isMessengerUser: true, groupIds: [], annotations: {}, deleted: false });
    services.book.contacts.push(email('dddddddd-0000-0000-0000-000000000001', 'eddie@hotmail.com'), email('dddddddd-0000-0000-0000-000000000002', 'walter@yahoo.com'), email('dddddddd-0000-0000-0000-000000000003', 'gone@hotmail.com'));
    services.book.roles.Allow.push({ address: 'walter@yahoo.com', type: 'Email' });
    script.networks.set('walter@yahoo.com', 32);
    script.networks.set('gone@hotmail.com', 208);
    await client.signIn({ handle: ME, password: 'secret pass' });
    const verbs = script.commands.map((c) => c.verb);
    const asked = script.commands.filter((c) => c.verb === 'FQY').map((c) => new TextDecoder().decode(c.payload)).sort();
    expect(asked).toEqual(['<ml><d n="hotmail.com"><c n="eddie" /></d></ml>', '<ml><d n="hotmail.com"><c n="gone" /></d></ml>', '<ml><d n="yahoo.com"><c n="walter" /></d></ml>']);
    expect(verbs.lastIndexOf('FQY')).toBeLessThan(verbs.indexOf('ADL'));
    const adl = script.adl[0];
    if (adl === undefined || 'kind' in adl) throw new Error('no ADL');
    const handles = adl.contacts.map((c) => c.handle);
    expect(handles).toContain('eddie@hotmail.com');
    expect(handles).not.toContain('walter@yahoo.com');
    expect(handles).not.toContain('gone@hotmail.com');
    // Contacts known as Passport ones are never asked; everyone stays on the list.
    expect(asked.some((a) => a.includes('"bob"'))).toBe(false);
    expect(client.contacts.get('walter@yahoo.com')?.lists).toMatchObject({ forward: true, allow: true });
  });

  it('the UUX after the first CHG names this installation: <MachineGuid>, stable per installation and account (MSNP13-18.md §5.3 step 9, §8.2)', async () => {
    const { script, client } = await setup({ installationId: 'an installation' });
    await client.signIn({ handle: ME, password: 'secret pass' });
    const verbs = script.commands.map((c) => c.verb);
    const chg = verbs.indexOf('CHG');
    const uux = script.commands.findIndex((c, i) => i > chg && c.verb === 'UUX');
    expect(chg).toBeGreaterThan(0);
    expect(uux).toBeGreaterThan(chg);
    const doc = new TextDecoder().decode(script.commands[uux]?.payload);
    const guid = machineGuid('an installation', ME);
    expect(doc).toBe(`<Data><PSM></PSM><CurrentMedia></CurrentMedia><MachineGuid>${guid}</MachineGuid></Data>`);
    // A personal message set later carries the same GUID.
    await client.self.setPersonalMessage('Working on Monarch');
    const later = script.commands.filter((c) => c.verb === 'UUX').at(-1);
    expect(new TextDecoder().decode(later?.payload)).toBe(`<Data><PSM>Working on Monarch</PSM><CurrentMedia></CurrentMedia><MachineGuid>${guid}</MachineGuid></Data>`);
  });

  it('signs in with USR SSO and the MBI proof, syncs FindMembership + ABFindContactsPaged, uploads the ADL, then presence arrives', async () => {
    const { services, script, client, rec } = await setup();
    await client.signIn({ handle: ME, password: 'secret pass' });
    expect(client.dialect).toBe(15);
    const sent = script.commands.map(line);
    expect(sent[0]).toBe('VER 1 MSNP15 MSNP14 MSNP13 MSNP12 MSNP11 MSNP10 MSNP9 MSNP8 MSNP7 MSNP6 MSNP5 MSNP4 MSNP3 MSNP2 CVR0');
    expect(sent[1]).toBe(`CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 8.5.1302 BC01 ${ME}`);
    expect(sent[2]).toBe(`USR 3 SSO I ${ME}`);
    expect(sent[3]).toMatch(/^USR 4 SSO S t=messengerclearlivecom1&p=P1 [A-Za-z0-9+/]{171}=$/);
    // §5.3: BLP, ADL, PRP before the first CHG.
    expect(sent.slice(4, 8).map((l) => l.split(' ')[0])).toEqual(['BLP', 'ADL', 'PRP', 'CHG']);
    expect(sent[4]).toBe('BLP 5 AL');
    expect(sent[6]).toBe('PRP 7 MFN Alice');

    // The token request: the user's credentials, every messenger domain, MBI_KEY_OLD on messengerclear.
    const rst = services.rstRequests[0];
    expect(rst?.username).toBe(ME);
    expect(rst?.password).toBe('secret pass');
    expect(rst?.tokens.map((t) => t.address)).toEqual(['http://Passport.NET/tb', 'messengerclear.live.com', 'messenger.msn.com', 'contacts.msn.com', 'messengersecure.live.com', 'storage.live.com', 'sup.live.com']);
    expect(rst?.tokens[1]?.policy).toBe('MBI_KEY_OLD');
    // The address book: both services (asked at once), with the contacts ticket and the Initial scenario.
    expect(services.requests.filter((r) => r.ab !== undefined).map((r) => r.ab?.action).sort()).toEqual(['ABFindContactsPaged', 'FindMembership']);
    expect(services.requests.find((r) => r.ab?.action === 'FindMembership')?.soapAction).toBe('http://www.msn.com/webservices/AddressBook/FindMembership');
    expect(services.requests.find((r) => r.ab?.action === 'FindMembership')?.path).toBe('/abservice/SharingService.asmx');
    expect(services.requests.find((r) => r.ab?.action === 'ABFindContactsPaged')?.path).toBe('/abservice/abservice.asmx');
    expect(services.actions('ABFindContactsPaged')[0]?.header).toMatchObject({ ticket: services.ticket('contacts.msn.com', 1), scenario: 'Initial' });

    // The initial ADL: FL/AL/BL bits only (never RL/PL), l="1" on <ml>.
    expect(script.adl).toHaveLength(1);
    const adl = script.adl[0];
    if (adl === undefined || 'kind' in adl) throw new Error('no ADL');
    expect(adl.initial).toBe(true);
    const bits = Object.fromEntries(adl.contacts.map((c) => [c.handle, c.lists]));
    expect(bits).toEqual({ 'bob@hotmail.com': 3, 'carol@hotmail.com': 3, 'mallory@hotmail.com': 4 });

    // The same model as SYN gives.
    const synced = await rec.waitFor('contact-list.synced');
    expect(synced.self.friendlyName).toBe('Alice');
    expect(synced.groups).toEqual([{ id: 'aaaaaaaa-0000-0000-0000-000000000001', name: 'Friends' }]);
    expect(synced.privacy).toEqual({ visibility: 'all-but-blocked', promptOnAdd: true });
    const byHandle = Object.fromEntries(synced.contacts.map((c) => [c.handle, c]));
    expect(byHandle['bob@hotmail.com']).toMatchObject({ storedName: 'Bob', groupIds: ['aaaaaaaa-0000-0000-0000-000000000001'], lists: { forward: true, allow: true, block: false, reverse: true, pending: false } });
    expect(byHandle['carol@hotmail.com']?.lists).toEqual({ forward: true, allow: true, block: false, reverse: false, pending: false });
    expect(byHandle['mallory@hotmail.com']?.lists).toEqual({ forward: false, allow: false, block: true, reverse: false, pending: false });
    expect(byHandle['dave@hotmail.com']).toMatchObject({ storedName: 'Dave', lists: { forward: false, allow: false, block: false, reverse: true, pending: true } });

    // Presence after CHG, in the MSNP14+ shape (network id).
    await rec.waitFor('presence.changed', (e) => e.handle === 'bob@hotmail.com' && e.status === 'busy');
    await rec.waitFor('personal-message.changed', (e) => e.handle === 'bob@hotmail.com' && e.personalMessage === 'brb, coffee');
    expect(client.contacts.get('bob@hotmail.com')?.friendlyName).toBe('Bobby');
  });

  it('a list of 320 contacts goes up in three initial ADLs of at most 150 (MSNP13-18.md §7.1)', async () => {
    const { services, script, client, rec } = await setup();
    for (let i = 0; i < 317; i++) {
      const address = `friend${i}@${i % 2 === 0 ? 'hotmail.com' : 'live.com'}`;
      services.book.contacts.push({ id: `dddddddd-0000-0000-0000-${String(i).padStart(12, '0')}`, type: 'Regular', address, isMessengerUser: true, groupIds: [], annotations: {}, deleted: false });
    }
    await client.signIn({ handle: ME, password: 'secret pass' });
    const sizes = script.adl.map((a) => ('kind' in a ? -1 : a.contacts.length));
    expect(sizes).toEqual([150, 150, 20]);
    expect(script.adl.every((a) => !('kind' in a) && a.initial)).toBe(true);
    const synced = await rec.waitFor('contact-list.synced');
    expect(synced.contacts).toHaveLength(321);
    // Every ADL was answered before the first CHG.
    const verbs = script.commands.map((c) => c.verb);
    expect(verbs.lastIndexOf('ADL')).toBeLessThan(verbs.indexOf('CHG'));
  });

  it('the initial ADL follows BLP without waiting for its answer (pipelined by TrID); PRP waits for every ADL OK (MSNP13-18.md §5.3 steps 4-6)', async () => {
    const { script, client } = await setup();
    script.blp = 'hold-until-adl';
    await client.signIn({ handle: ME, password: 'secret pass' });
    expect(client.state.status).toBe('online');
    const verbs = script.commands.map((c) => c.verb);
    expect(verbs.slice(4, 8)).toEqual(['BLP', 'ADL', 'PRP', 'CHG']);
  });

  it('a refused BLP still fails the sign-in, though the ADL went out behind it', async () => {
    const { script, client } = await setup();
    script.blp = 500;
    const err = await client.signIn({ handle: ME, password: 'secret pass' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(client.state.status).toBe('signed-out');
    const verbs = script.commands.map((c) => c.verb);
    expect(verbs).toContain('ADL');
    expect(verbs).not.toContain('PRP');
  });

  it('a wrong password is wrong-password, and the NS never sees USR SSO S', async () => {
    const { script, client } = await setup();
    const err = await client.signIn({ handle: ME, password: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignInFailure);
    expect((err as SignInFailure).code).toBe('wrong-password');
    expect(script.commands.map(line).some((l) => l.startsWith('USR 4'))).toBe(false);
    expect(client.state.status).toBe('signed-out');
  });

  it('an unreachable token service is passport-unreachable; an unreachable NS is server-unreachable', async () => {
    const { services, client } = await setup();
    await services.stop();
    const err = await client.signIn({ handle: ME, password: 'secret pass' }).catch((e: unknown) => e);
    expect((err as SignInFailure).code).toBe('passport-unreachable');

    const dead = await FakeServer.start([]);
    const port = dead.port;
    await dead.stop();
    const nowhere = new MsnClient({ server: { host: '127.0.0.1', port, dialects: { min: 15, max: 15 }, webServicesUrl: services.origin }, reconnect: false });
    const err2 = await nowhere.signIn({ handle: ME, password: 'x' }).catch((e: unknown) => e);
    expect((err2 as SignInFailure).code).toBe('server-unreachable');
  });

  it('add, block, group and rename go through the address book and sharing services, then ADL/RML', async () => {
    const { services, script, client, rec } = await setup();
    await client.signIn({ handle: ME, password: 'secret pass' });
    const adlBefore = script.adl.length;

    const eve = await client.contacts.add('eve@hotmail.com', { friendlyName: 'Eve' });
    expect(eve).toMatchObject({ handle: 'eve@hotmail.com', lists: { forward: true, allow: true } });
    const add = services.actions('ABContactAdd')[0];
    expect(add).toMatchObject({ header: { scenario: 'ContactSave' }, contacts: [{ passportName: 'eve@hotmail.com', displayName: 'Eve', isMessengerUser: true }] });
    expect(services.actions('AddMember').at(-1)).toMatchObject({ header: { scenario: 'BlockUnblock' }, memberships: [{ role: 'Allow', members: [{ passportName: 'eve@hotmail.com' }] }] });
    const adl = script.adl[adlBefore];
    if (adl === undefined || 'kind' in adl) throw new Error('no ADL');
    expect(adl).toEqual({ initial: false, contacts: [{ handle: 'eve@hotmail.com', lists: 3, network: 1 }] });
    await rec.waitFor('contact.added', (e) => e.contact.handle === 'eve@hotmail.com');

    await client.contacts.block('carol@hotmail.com');
    expect(services.actions('DeleteMember').at(-1)).toMatchObject({ memberships: [{ role: 'Allow', members: [{ passportName: 'carol@hotmail.com' }] }] });
    expect(services.actions('AddMember').at(-1)).toMatchObject({ memberships: [{ role: 'Block', members: [{ passportName: 'carol@hotmail.com' }] }] });
    expect(script.rml.at(-1)).toEqual({ initial: false, contacts: [{ handle: 'carol@hotmail.com', lists: 2, network: 1 }] });
    expect(script.adl.at(-1)).toEqual({ initial: false, contacts: [{ handle: 'carol@hotmail.com', lists: 4, network: 1 }] });
    expect(client.contacts.get('carol@hotmail.com')?.lists).toMatchObject({ allow: false, block: true });

    const group = await client.contacts.createGroup('Work');
    expect(services.actions('ABGroupAdd')[0]).toMatchObject({ header: { scenario: 'GroupSave' }, name: 'Work' });
    await client.contacts.copyToGroup('eve@hotmail.com', group.id);
    const eveGuid = services.book.contacts.find((c) => c.address === 'eve@hotmail.com')?.id;
    expect(services.actions('ABGroupContactAdd')[0]).toMatchObject({ groupIds: [group.id], contactIds: [eveGuid] });
    expect(client.contacts.get('eve@hotmail.com')?.groupIds).toEqual([group.id]);

    await client.contacts.rename('bob@hotmail.com', 'Bob B');
    expect(services.actions('ABContactUpdate').at(-1)).toMatchObject({ contacts: [{ contactId: 'cccccccc-0000-0000-0000-00000000000b', displayName: 'Bob B' }] });

    await client.contacts.remove('eve@hotmail.com');
    expect(services.actions('ABContactDelete')[0]).toMatchObject({ contactIds: [eveGuid] });
    expect(script.rml.at(-1)).toEqual({ initial: false, contacts: [{ handle: 'eve@hotmail.com', lists: 1, network: 1 }] });

    // A fault from the service is an OperationFailure with the model's code.
    services.faultOnce.set('ABContactAdd', 'InvalidPassportUser');
    await expect(client.contacts.add('ghost@hotmail.com')).rejects.toMatchObject({ code: 'unknown-account' });

    // FQY (14+, §7.3) asked the network of each new address before the address book was touched.
    const fqys = script.commands.filter((c) => c.verb === 'FQY').map((c) => new TextDecoder().decode(c.payload));
    expect(fqys).toEqual(['<ml><d n="hotmail.com"><c n="eve" /></d></ml>', '<ml><d n="hotmail.com"><c n="ghost" /></d></ml>']);
    const eveFqy = script.commands.findIndex((c) => c.verb === 'FQY');
    const eveAdl = script.commands.findIndex((c, i) => i > eveFqy && c.verb === 'ADL');
    expect(eveAdl).toBeGreaterThan(eveFqy);
    // No such account (208): refused before any SOAP call; another network: refused likewise.
    const abCalls = services.requests.length;
    script.networks.set('nobody@hotmail.com', 208);
    await expect(client.contacts.add('nobody@hotmail.com')).rejects.toMatchObject({ code: 'unknown-account' });
    script.networks.set('walter@yahoo.com', 32);
    await expect(client.contacts.add('walter@yahoo.com')).rejects.toMatchObject({ code: 'not-supported' });
    expect(services.requests.length).toBe(abCalls);
    expect(client.contacts.get('nobody@hotmail.com')).toBeUndefined();
    // Already on my lists (bob): no question, the network is known.
    const fqyCount = script.commands.filter((c) => c.verb === 'FQY').length;
    await client.contacts.remove('bob@hotmail.com');
    await client.contacts.add('bob@hotmail.com');
    expect(script.commands.filter((c) => c.verb === 'FQY').length).toBe(fqyCount);

    await client.contacts.setPrivacy({ visibility: 'only-allowed' });
    expect(services.actions('ABContactUpdate').at(-1)).toMatchObject({ contacts: [{ annotations: { 'MSN.IM.BLP': '2' } }] });
    expect(script.commands.map(line).at(-1)).toMatch(/^BLP \d+ BL$/);
  });

  it('the server pushes: ADL with RL is "X added you"; NOT ABCHInternal re-reads the address book', async () => {
    const { services, script, client, rec } = await setup();
    await client.signIn({ handle: ME, password: 'secret pass' });
    const conn = script.conn;
    if (conn === undefined) throw new Error('no NS connection');
    conn.sendPayload('ADL 0', '<ml><d n="hotmail.com"><c n="walter" t="1" l="8" f="Walter%20W" /></d></ml>');
    const added = await rec.waitFor('contact.added-me', (e) => e.handle === 'walter@hotmail.com');
    expect(added).toMatchObject({ friendlyName: 'Walter W', needsDecision: true });
    expect(client.contacts.get('walter@hotmail.com')?.lists).toMatchObject({ reverse: true, pending: true });

    // Another endpoint added frank and renamed the Friends group: the ping makes the client read again.
    services.book.contacts.push({ id: 'cccccccc-0000-0000-0000-0000000000ff', type: 'Regular', address: 'frank@hotmail.com', displayName: 'Frank', isMessengerUser: true, groupIds: [], annotations: {}, deleted: false });
    services.book.roles.Allow.push({ address: 'frank@hotmail.com', type: 'Passport' });
    const friends = services.book.groups[0];
    if (friends !== undefined) services.book.groups[0] = { ...friends, name: 'Best friends' };
    const before = services.actions('ABFindContactsPaged').length;
    conn.sendPayload('NOT', ABCH_PING);
    await rec.waitFor('contact.added', (e) => e.contact.handle === 'frank@hotmail.com');
    await rec.waitFor('group.renamed', (e) => e.group.name === 'Best friends');
    expect(services.actions('ABFindContactsPaged').length).toBe(before + 1);
    // Never shown as an alert.
    expect(rec.of('content.unsupported')).toEqual([]);
  });

  it('offline messages: fetched after the mail-data notice, shown with their sent time in order, deleted only when acknowledged', async () => {
    const { services, script, client, rec } = await setup();
    const oim = (id: string, from: string, name: string, text: string, sentAt: number, sequence: number): { entry: OimEntry; mail: string } => ({
      entry: { id, from, fromName: name, read: false, receivedTime: new Date(sentAt).toISOString(), size: 100 },
      mail: buildOimMessage({ from, fromName: name, to: ME, sentAt, originatingSource: '127.0.0.1', messageId: id, runId: '{3A0B4C5D-6E7F-4081-92A3-B4C5D6E7F809}', sequence, text }),
    });
    const t0 = Date.parse('2026-12-01T10:00:00Z');
    // Listed newest first: the client shows them in sending order.
    services.oims.push(oim('6B2E1C0D-9F8A-4B7C-8D6E-5F4A3B2C1D02', 'carol@hotmail.com', 'Carol', 'are you there?', t0 + 60_000, 2));
    services.oims.push(oim('6B2E1C0D-9F8A-4B7C-8D6E-5F4A3B2C1D01', 'carol@hotmail.com', 'Carol', 'Hi Alice, call me when you are back. ☺', t0, 1));
    await client.signIn({ handle: ME, password: 'secret pass' });
    const conn = script.conn;
    if (conn === undefined) throw new Error('no NS connection');
    const notice = (type: string, entries: readonly OimEntry[]): string =>
      `MIME-Version: 1.0\r\nContent-Type: ${type}; charset=UTF-8\r\n\r\nMail-Data: ${buildMailData(entries)}\r\n`;
    conn.sendPayload('MSG Hotmail Hotmail', notice('text/x-msmsgsinitialmdatanotification', services.oims.map((o) => o.entry)));
    const second = await rec.waitFor('message.received', (e) => e.message.text === 'are you there?');
    const received = rec.of('message.received').map((e) => e.message);
    expect(received.map((m) => [m.id, m.sender, m.senderName, m.text, m.timestamp])).toEqual([
      ['6B2E1C0D-9F8A-4B7C-8D6E-5F4A3B2C1D01', 'carol@hotmail.com', 'Carol', 'Hi Alice, call me when you are back. ☺', t0],
      ['6B2E1C0D-9F8A-4B7C-8D6E-5F4A3B2C1D02', 'carol@hotmail.com', 'Carol', 'are you there?', t0 + 60_000],
    ]);
    // In a conversation with the sender, like any message; never a server notice.
    expect(client.conversations.get(second.message.conversationId)?.invited).toEqual(['carol@hotmail.com']);
    expect(rec.of('server.notice')).toEqual([]);
    const rsi = services.requests.filter((r) => r.rsi !== undefined).map((r) => r.rsi);
    expect(rsi.map((r) => r?.action)).toEqual(['GetMessage', 'GetMessage']);
    expect(rsi[0]?.cookie).toEqual({ t: 'messengermsncom1', p: 'P1' });
    expect(rsi.some((r) => r?.action === 'GetMessage' && r.alsoMarkAsRead)).toBe(false);

    // Announced again before the app stored them: not shown twice, and nothing deleted yet.
    conn.sendPayload('MSG Hotmail Hotmail', notice('text/x-msmsgsoimnotification', services.oims.map((o) => o.entry)));
    await new Promise((r) => setTimeout(r, 100));
    expect(rec.of('message.received')).toHaveLength(2);
    expect(services.oims).toHaveLength(2);

    await client.acknowledgeOfflineMessages(received.map((m) => m.id));
    const del = services.requests.filter((r) => r.rsi?.action === 'DeleteMessages').map((r) => r.rsi);
    expect(del).toHaveLength(1);
    expect(del[0]?.action === 'DeleteMessages' ? [...del[0].messageIds].sort() : []).toEqual(received.map((m) => m.id).sort());
    expect(services.oims).toHaveLength(0);

    // More than the notice can list: "too-large" → GetMetadata.
    services.oims.push(oim('6B2E1C0D-9F8A-4B7C-8D6E-5F4A3B2C1D03', 'bob@hotmail.com', 'Bob', 'later', t0 + 120_000, 1));
    conn.sendPayload('MSG Hotmail Hotmail', 'MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinitialmdatanotification; charset=UTF-8\r\n\r\nMail-Data: too-large\r\n');
    await rec.waitFor('message.received', (e) => e.message.text === 'later' && e.message.sender === 'bob@hotmail.com');
    expect(services.requests.some((r) => r.rsi?.action === 'GetMetadata')).toBe(true);
  });

  it('sending an offline message: Store2 with the messengersecure ticket, the lock-key challenge answered, sequence numbers per run', async () => {
    const { services, client } = await setup();
    await client.signIn({ handle: ME, password: 'secret pass' });
    await client.sendOfflineMessage('Carol@hotmail.com', 'See you tomorrow! ☺');
    await client.sendOfflineMessage('carol@hotmail.com', 'and bring the cake');
    const stores = services.requests.filter((r) => r.store !== undefined).map((r) => r.store);
    // First try without a lock key, the challenge, the same message again with it; the next one has it at once.
    expect(stores.map((s) => [s?.lockKey, s?.sequence])).toEqual([
      ['', 1],
      ['d7ab624e79b048bd0ff594bfb8be089a', 1],
      ['d7ab624e79b048bd0ff594bfb8be089a', 2],
    ]);
    expect(stores[0]).toMatchObject({ from: ME, friendlyName: 'Alice', to: 'carol@hotmail.com', ticket: services.ticket('messengersecure.live.com', 1), appId: 'PROD0119GSJUC$18', msnpVer: 'MSNP15' });
    expect(services.requests.find((r) => r.store !== undefined)?.soapAction).toBe('http://messenger.live.com/ws/2006/09/oim/Store2');
    expect(services.stored.map((s) => [s.to, s.text, s.sequence])).toEqual([
      ['carol@hotmail.com', 'See you tomorrow! ☺', 1],
      ['carol@hotmail.com', 'and bring the cake', 2],
    ]);
    expect(services.stored[0]?.runId).toBe(services.stored[1]?.runId);
    expect(services.stored[0]?.runId).toMatch(/^\{[0-9A-F-]{36}\}$/);

    services.refuseOimTo.add('mallory@hotmail.com');
    await expect(client.sendOfflineMessage('mallory@hotmail.com', 'hi')).rejects.toMatchObject({ code: 'not-allowed' });
    // A refused message does not use up a sequence number.
    await client.sendOfflineMessage('bob@hotmail.com', 'third');
    expect(services.stored.at(-1)).toMatchObject({ to: 'bob@hotmail.com', sequence: 3 });
  });

  it('a message to an offline contact in a conversation is saved as an offline message (delivery "saved-offline")', async () => {
    const { services, client, rec } = await setup();
    await client.signIn({ handle: ME, password: 'secret pass' });
    const conv = client.conversations.start(['carol@hotmail.com']);
    const first = client.conversations.send(conv.id, 'call me when you are back');
    const second = client.conversations.send(conv.id, 'bye');
    await rec.waitFor('message.delivery', (e) => e.messageId === second.id && e.delivery === 'saved-offline');
    expect(rec.of('message.delivery').filter((e) => e.delivery === 'saved-offline').map((e) => e.messageId)).toEqual([first.id, second.id]);
    expect(rec.of('message.delivery').some((e) => e.delivery === 'failed')).toBe(false);
    expect(services.stored.map((s) => [s.to, s.text, s.sequence])).toEqual([
      ['carol@hotmail.com', 'call me when you are back', 1],
      ['carol@hotmail.com', 'bye', 2],
    ]);
  });
});
