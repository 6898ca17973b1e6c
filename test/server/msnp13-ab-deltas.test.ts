/**
 * Delta requests to the address book and sharing services over real HTTP (`deltasOnly` +
 * `lastChange`, MSNP13-18.md §6.3, §6.4, §6.6): nothing changed since → an answer with nothing in
 * it; only the account's settings changed → the Me contact alone; members, contacts and groups
 * changed since → those, deleted ones marked (`Deleted`, `fDeleted`); an unreadable time →
 * `FullSyncRequired`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAbContactAdd,
  buildAbContactDelete,
  buildAbContactUpdate,
  buildAbGroupAdd,
  buildAbGroupDelete,
  buildMemberChange,
  parseMutationResponse,
  buildAbFindAll,
  buildAbFindContactsPaged,
  buildFindMembership,
  isCodecError,
  parseAbFindAllResponse,
  parseAbFindContactsPagedResponse,
  parseFindMembershipResponse,
  tokenFor,
  type AddressBook,
  type Memberships,
  type RstResponse,
} from '../../shared/msnp/index';
import type { RunningServer } from '../../server/index';
import { startTestServer } from './helpers/msnp';
import { abCall, requestTokens } from './helpers/msnp13';

let server: RunningServer;
let mine: string;
let theirs: string;

beforeAll(async () => {
  server = await startTestServer();
  await server.accounts.add('delta@example.com', 'pw-delta', 'Delta');
  await server.accounts.add('adder@example.com', 'pw-adder', 'Adder');
  await server.accounts.add('friend@example.com', 'pw-friend', 'Friend');
  mine = tokenFor((await requestTokens(server, 'delta@example.com', 'pw-delta', 'MBI_KEY_OLD')) as RstResponse, 'contacts.msn.com')?.token as string;
  theirs = tokenFor((await requestTokens(server, 'adder@example.com', 'pw-adder', 'MBI_KEY_OLD')) as RstResponse, 'contacts.msn.com')?.token as string;
});
afterAll(() => server.stop());

async function book(lastChange?: string, paged = false): Promise<AddressBook | string> {
  const action = paged ? 'ABFindContactsPaged' : 'ABFindAll';
  const build = paged ? buildAbFindContactsPaged : buildAbFindAll;
  const r = await abCall(server, action, build({ ticket: mine, scenario: 'Initial' }, lastChange));
  const parsed = (paged ? parseAbFindContactsPagedResponse : parseAbFindAllResponse)(r.body);
  if (isCodecError(parsed)) throw new Error(parsed.message);
  return parsed.type === 'fault' ? (parsed.errorCode ?? parsed.codeName) : parsed;
}

async function members(lastChange?: string): Promise<Memberships | string> {
  const r = await abCall(server, 'FindMembership', buildFindMembership({ ticket: mine, scenario: 'Initial' }, lastChange));
  const parsed = parseFindMembershipResponse(r.body);
  if (isCodecError(parsed)) throw new Error(parsed.message);
  return parsed.type === 'fault' ? (parsed.errorCode ?? parsed.codeName) : parsed;
}

const asBook = (x: AddressBook | string): AddressBook => {
  if (typeof x === 'string') throw new Error(`fault ${x}`);
  return x;
};
const addresses = (roles: Memberships['roles']): Record<string, string[]> => Object.fromEntries(Object.entries(roles).map(([r, ms]) => [r, ms.map((m) => m.address).sort()]));
const guidOf = (r: { body: string }): string => {
  const parsed = parseMutationResponse(r.body, 'ABGroupAdd');
  if (isCodecError(parsed) || parsed.type !== 'ok' || parsed.guid === undefined) throw new Error(`ABGroupAdd failed: ${r.body.slice(0, 300)}`);
  return parsed.guid;
};
const asMembers = (x: Memberships | string): Memberships => {
  if (typeof x === 'string') throw new Error(`fault ${x}`);
  return x;
};

describe('deltasOnly / lastChange (MSNP13-18.md §6.3, §6.4)', () => {
  it('answers only what changed since lastChange, deletions included, or FullSyncRequired where it cannot tell', async () => {
    // A first contact, then the full answers the client keeps.
    await abCall(server, 'ABContactAdd', buildAbContactAdd({ ticket: mine, scenario: 'ContactSave' }, { passportName: 'friend@example.com' }));
    const full = asBook(await book());
    expect(full.contacts.map((c) => c.address)).toEqual(['friend@example.com']);
    expect(full.me?.displayName).toBe('Delta');
    const fullMembers = asMembers(await members());
    const abStamp = full.lastChange as string;
    const memberStamp = fullMembers.lastChange as string;

    // Nothing changed: empty deltas, with the same lastChange to ask from next time.
    for (const paged of [false, true]) {
      const none = asBook(await book(abStamp, paged));
      expect(none).toMatchObject({ contacts: [], groups: [], lastChange: abStamp });
      expect(none.me).toBeUndefined();
    }
    // The empty delta still names the book's owner (abInfo/OwnerCID), though it has no Me contact.
    const raw = await abCall(server, 'ABFindAll', buildAbFindAll({ ticket: mine, scenario: 'Initial' }, abStamp));
    expect(raw.body).toMatch(/<OwnerCID>[1-9]\d*<\/OwnerCID>/);
    const noMembers = asMembers(await members(memberStamp));
    expect(noMembers.roles).toEqual({ Allow: [], Block: [], Reverse: [], Pending: [] });
    expect(noMembers.lastChange).toBe(memberStamp);

    // Only my settings changed (my name on the Me contact): the delta is the Me contact alone; memberships unchanged.
    await abCall(server, 'ABContactUpdate', buildAbContactUpdate({ ticket: mine, scenario: 'Timer' }, { contactId: '', me: true, displayName: 'Delta Two' }));
    const settingsOnly = asBook(await book(abStamp));
    expect(settingsOnly.contacts).toEqual([]);
    expect(settingsOnly.me?.displayName).toBe('Delta Two');
    expect(Date.parse(settingsOnly.lastChange as string)).toBeGreaterThan(Date.parse(abStamp));
    expect(asMembers(await members(memberStamp)).roles.Allow).toEqual([]);

    // Someone adds me: the delta names them in Reverse and Pending (and not in Allow or Block);
    // the book has no contact for them, only the entry marked off the book (the journal knows the
    // entry changed, not whether it was in the book before; a client without it removes nothing).
    await abCall(server, 'ABContactAdd', buildAbContactAdd({ ticket: theirs, scenario: 'ContactSave' }, { passportName: 'delta@example.com' }));
    const added = asMembers(await members(memberStamp));
    expect(addresses(added.roles)).toEqual({ Allow: [], Block: [], Reverse: ['adder@example.com'], Pending: ['adder@example.com'] });
    expect(addresses(added.deleted!)).toEqual({ Allow: ['adder@example.com'], Block: ['adder@example.com'], Reverse: [], Pending: [] });
    expect(Date.parse(added.lastChange as string)).toBeGreaterThan(Date.parse(memberStamp));
    expect(added.roles.Reverse[0]?.lastChanged).toBe(added.lastChange);
    const afterAdd = asBook(await book(abStamp));
    expect(afterAdd.groups).toEqual([]);
    expect(afterAdd.contacts.map((c) => [c.address, c.deleted])).toEqual([['adder@example.com', true]]);

    // Deletions: a group made and deleted, another kept with the friend in it, then the friend
    // deleted from the book and from Allow (no list left: the entry is gone).
    const before = asBook(await book());
    const beforeMembers = asMembers(await members());
    const gone = guidOf(await abCall(server, 'ABGroupAdd', buildAbGroupAdd({ ticket: mine, scenario: 'GroupSave' }, 'Gone')));
    const kept = guidOf(await abCall(server, 'ABGroupAdd', buildAbGroupAdd({ ticket: mine, scenario: 'GroupSave' }, 'Kept')));
    await abCall(server, 'ABGroupDelete', buildAbGroupDelete({ ticket: mine, scenario: 'Timer' }, [gone]));
    const friendId = before.contacts[0]!.id;
    await abCall(server, 'ABContactDelete', buildAbContactDelete({ ticket: mine, scenario: 'Timer' }, [friendId]));
    await abCall(server, 'DeleteMember', buildMemberChange({ ticket: mine, scenario: 'BlockUnblock' }, 'DeleteMember', 'Allow', [{ passportName: 'friend@example.com' }]));
    for (const paged of [false, true]) {
      const d = asBook(await book(before.lastChange, paged));
      expect(d.groups).toEqual([{ id: kept, name: 'Kept', isFavorite: false }]);
      expect(d.deletedGroups).toEqual([gone]);
      expect(d.contacts).toEqual([expect.objectContaining({ id: friendId, deleted: true, address: 'friend@example.com' })]);
      expect(d.me).toBeUndefined();
    }
    const raw2 = await abCall(server, 'ABFindAll', buildAbFindAll({ ticket: mine, scenario: 'Initial' }, before.lastChange));
    expect(raw2.body).toContain(`<groupId>${gone}</groupId><fDeleted>true</fDeleted>`);
    expect(raw2.body).toMatch(/<fDeleted>true<\/fDeleted>/);
    const dm = asMembers(await members(beforeMembers.lastChange));
    expect(addresses(dm.roles)).toEqual({ Allow: [], Block: [], Reverse: [], Pending: [] });
    expect(addresses(dm.deleted!)).toEqual({ Allow: ['friend@example.com'], Block: ['friend@example.com'], Reverse: ['friend@example.com'], Pending: ['friend@example.com'] });
    const rawMembers = await abCall(server, 'FindMembership', buildFindMembership({ ticket: mine, scenario: 'Initial' }, beforeMembers.lastChange));
    expect(rawMembers.body).toMatch(/<Deleted>true<\/Deleted><LastChanged>[^<]+<\/LastChanged><PassportName>friend@example\.com<\/PassportName>/);
    // The full answers have none of it.
    const after = asBook(await book());
    expect(after.contacts).toEqual([]);
    expect(after.groups.map((g) => g.name)).toEqual(['Kept']);
    expect(after.deletedGroups).toBeUndefined();
    expect(asMembers(await members()).deleted).toBeUndefined();

    // A lastChange that cannot be read is FullSyncRequired, never a server error.
    expect(await book('yesterday-ish')).toBe('FullSyncRequired');
    expect(await book('yesterday-ish', true)).toBe('FullSyncRequired');
    expect(await members('0001-13-45T99:00:00')).toBe('FullSyncRequired');
    // The journal reaches back to the account's start here: an old lastChange is every change since.
    const all = asMembers(await members('2001-01-01T00:00:00Z'));
    expect(addresses(all.roles).Reverse).toEqual(['adder@example.com']);

    // An account deleted by the operator leaves my lists as a change: the delta says it is gone.
    const beforeRemoval = asMembers(await members());
    expect(await server.accounts.remove('adder@example.com')).toBe(true);
    const removal = asMembers(await members(beforeRemoval.lastChange));
    expect(addresses(removal.roles)).toEqual({ Allow: [], Block: [], Reverse: [], Pending: [] });
    expect(addresses(removal.deleted!)).toEqual({ Allow: ['adder@example.com'], Block: ['adder@example.com'], Reverse: ['adder@example.com'], Pending: ['adder@example.com'] });
    expect(asMembers(await members()).roles.Reverse).toEqual([]);
  });
});
