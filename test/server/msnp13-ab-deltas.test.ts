/**
 * Delta requests to the address book and sharing services over real HTTP (`deltasOnly` +
 * `lastChange`, MSNP13-18.md §6.3, §6.4, §6.6): nothing changed since → an answer with nothing in
 * it; only the account's settings changed → the Me contact alone; a list change since (mine, or
 * someone adding me) → `FullSyncRequired`, after which a full request answers as always.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAbContactAdd,
  buildAbContactUpdate,
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
const asMembers = (x: Memberships | string): Memberships => {
  if (typeof x === 'string') throw new Error(`fault ${x}`);
  return x;
};

describe('deltasOnly / lastChange (MSNP13-18.md §6.3, §6.4)', () => {
  it('answers only what changed since lastChange, or FullSyncRequired where it cannot list the changes', async () => {
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

    // Someone adds me (my reverse list changes): memberships can no longer be given as a delta.
    await abCall(server, 'ABContactAdd', buildAbContactAdd({ ticket: theirs, scenario: 'ContactSave' }, { passportName: 'delta@example.com' }));
    expect(await members(memberStamp)).toBe('FullSyncRequired');
    expect(await book(abStamp)).toBe('FullSyncRequired');
    expect(await book(abStamp, true)).toBe('FullSyncRequired');
    // An unreadable lastChange is the same answer, never a server error.
    expect(await book('yesterday-ish')).toBe('FullSyncRequired');
    expect(await members('0001-13-45T99:00:00')).toBe('FullSyncRequired');

    // The full request after the fault answers as always, and its lastChange makes deltas empty again.
    const again = asBook(await book());
    expect(again.contacts.map((c) => c.address)).toEqual(['friend@example.com']);
    const againMembers = asMembers(await members());
    expect(againMembers.roles.Reverse.map((m) => m.address)).toContain('adder@example.com');
    expect(asBook(await book(again.lastChange))).toMatchObject({ contacts: [], groups: [] });
    expect(asMembers(await members(againMembers.lastChange)).roles.Reverse).toEqual([]);
  });
});
