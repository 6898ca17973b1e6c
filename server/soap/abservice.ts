/**
 * The address book (`/abservice/abservice.asmx`) and sharing (`/abservice/SharingService.asmx`)
 * services (MSNP13-18.md §6) over the lists, groups and privacy the server already stores, so an
 * MSNP7 user and an MSNP15 user see the same relationship (§6.7):
 *
 * - the address book's contacts are the FL (`isMessengerUser` true, group membership by group
 *   GUID, the entry's GUID as `contactId`), its groups the user's groups (group 0 has no GUID for
 *   MSNP10+ and is not shown, MSNP.md §10.14), and the `Me` contact carries the own name and the
 *   privacy settings as annotations (`MSN.IM.BLP` 1 = AL / 2 = BL, `MSN.IM.GTC` 1 = A / 2 = N);
 * - the sharing service's roles are the other lists: Allow = AL, Block = BL, Reverse = RL,
 *   Pending = PL (§6.3).
 *
 * Every edit goes through the same core calls as the NS commands (`ContactService`,
 * `ListManager`), so the other side's reverse list, its notices and presence follow as they do
 * for `ADC`/`REM`. A request only ever reads or changes the lists of the account its ticket
 * names (`authenticateSoap`): nothing in a request body can name another owner.
 */
import { randomUUID } from 'node:crypto';
import {
  AB_NS,
  AB_SERVICE_VERSION,
  AB_SERVICE_PATH,
  buildAbFindAllResponse,
  buildAbFindContactsPagedResponse,
  buildFindMembershipResponse,
  buildMutationResponse,
  checkFriendlyName,
  checkGroupName,
  checkHandle,
  DEFAULT_AB_ID,
  isCodecError,
  LIST_BITS,
  normalizeHandle,
  parseAbRequest,
  SHARING_SERVICE_PATH,
  type AbContact,
  type AbRequest,
  type AbServiceHeader,
  type Member,
  type MemberRef,
  type MemberRole,
} from '../../shared/msnp/index';
import { el } from '../../shared/msnp/soap/xml';
import { DomainError, fail, type DomainErrorKind } from '../core/errors';
import type { Account, ContactRecord } from '../core/lists';
import { authenticateSoap, isIdentity } from './auth';
import { faultReply, okReply, type SoapReply, type SoapRequest, type SoapRouter } from './router';
import type { SoapServices } from './services';
import { CONTACTS, type SsoTokens } from './tokens';

const AB_ACTIONS = [
  'ABFindAll',
  'ABFindContactsPaged',
  'ABAdd',
  'ABContactAdd',
  'ABContactDelete',
  'ABContactUpdate',
  'ABGroupAdd',
  'ABGroupUpdate',
  'ABGroupDelete',
  'ABGroupContactAdd',
  'ABGroupContactDelete',
] as const;
const SHARING_ACTIONS = ['FindMembership', 'AddMember', 'DeleteMember'] as const;

/**
 * The actions that change the lists. In a cluster they run on the node holding the owner's NS
 * session (`SoapServices.atOwner`), whose copy of the lists they change, as on one node; reads
 * are served from the store wherever they arrive (what was acknowledged is stored).
 */
const EDITS: ReadonlySet<string> = new Set([
  'ABContactAdd',
  'ABContactDelete',
  'ABContactUpdate',
  'ABGroupAdd',
  'ABGroupUpdate',
  'ABGroupDelete',
  'ABGroupContactAdd',
  'ABGroupContactDelete',
  'AddMember',
  'DeleteMember',
]);

export function registerAddressBook(router: SoapRouter, s: SoapServices): void {
  const cacheKeys = new CacheKeys(s.tokens);
  for (const action of AB_ACTIONS) router.add({ path: AB_SERVICE_PATH, action, handler: (req) => handle(s, cacheKeys, req) });
  for (const action of SHARING_ACTIONS) router.add({ path: SHARING_SERVICE_PATH, action, handler: (req) => handle(s, cacheKeys, req) });
}

/**
 * `ServiceHeader/CacheKey` (MSNP13-18.md §6.1): Microsoft's key named the cache partition holding
 * the account's book; clients store it when `CacheKeyChanged` is true and echo it. Ours is stable
 * per account on every node and across restarts (SsoTokens.accountKey: a keyed hash of the handle,
 * so it reveals nothing and needs no table), and `CacheKeyChanged` says whether the request echoed something else (Escargot
 * hands out a fresh random key with `true` every time, which makes every echo useless).
 */
class CacheKeys {
  constructor(private readonly tokens: SsoTokens) {}

  of(handle: string): string {
    return `12r1:${this.tokens.accountKey('ab-cache-key', handle)}`;
  }
}

function serviceHeader(cacheKeys: CacheKeys, req: SoapRequest, owner: Account, echoed: string | undefined): AbServiceHeader {
  const cacheKey = cacheKeys.of(owner.handle);
  return { version: AB_SERVICE_VERSION, cacheKey, cacheKeyChanged: echoed !== cacheKey, preferredHostName: req.host, sessionId: randomUUID() };
}

/** §6.6: `soap:Client` fault with `detail/errorcode` in the address book's namespace. */
export function abFault(errorCode: string, message: string): SoapReply {
  return faultReply({ code: 'soap:Client', message, detail: el('errorcode', { xmlns: AB_NS }, errorCode) });
}

/** §6.6: an unknown or expired contacts ticket → `BadContextToken` (clients renew the token). */
function badContextToken(): SoapReply {
  return faultReply({
    code: 'q0:BadContextToken',
    message: 'Invalid or expired ticket',
    namespaces: { q0: AB_NS },
    detail: el('errorcode', { xmlns: AB_NS }, 'BadContextToken'),
  });
}

async function handle(s: SoapServices, cacheKeys: CacheKeys, req: SoapRequest): Promise<SoapReply> {
  const who = await authenticateSoap(req, { tokens: s.tokens, accountExists: (h) => s.lists.exists(h) }, { domains: [CONTACTS], fault: badContextToken });
  if (!isIdentity(who)) return who;
  const parsed = parseAbRequest(req.xml);
  if (isCodecError(parsed)) return abFault('InvalidArgument', parsed.message);
  // The action in the body must be the one the SOAPAction header named (when it named one).
  if (parsed.action !== req.action) return abFault('InvalidArgument', `SOAPAction ${req.action} does not match the body ${parsed.action}`);
  if (s.atOwner !== undefined && req.forwarded !== true && EDITS.has(parsed.action)) {
    const there = await s.atOwner(who.handle, req);
    if (there === 'unanswered') {
      return faultReply({ code: 'soap:Server', message: 'Service temporarily unavailable: the server holding your session did not answer; try again later' }, 503);
    }
    if (there !== undefined) return there;
  }
  const reply = await s.lists.withAccount(who.handle, async (owner) => {
    try {
      return okReply(await run(s, owner, parsed, serviceHeader(cacheKeys, req, owner, parsed.header.cacheKey)));
    } catch (e) {
      if (e instanceof FullSyncRequired) return abFault('FullSyncRequired', 'Full sync required: changes since lastChange cannot be listed one by one');
      if (e instanceof DomainError) return domainFault(parsed.action, e.kind);
      throw e;
    }
  });
  return reply ?? badContextToken();
}

async function run(s: SoapServices, owner: Account, r: AbRequest, header: AbServiceHeader): Promise<string> {
  const mutationResponse = (action: string, guid?: string): string => buildMutationResponse(action, guid, header);
  switch (r.action) {
    case 'FindMembership': {
      const since = deltaSince(owner, r.lastChange);
      // §6.3: the roles are the lists; a delta is the members changed since, deleted ones marked.
      const answer = since === undefined ? { roles: memberships(owner) } : membershipDelta(owner, since);
      return buildFindMembershipResponse({ ...answer, lastChange: stamp(owner.user.listStamp), serviceHeader: header });
    }
    case 'ABFindAll':
    case 'ABFindContactsPaged': {
      const since = deltaSince(owner, r.lastChange);
      const book = since === undefined ? addressBook(owner) : addressBookDelta(owner, since);
      return r.action === 'ABFindAll' ? buildAbFindAllResponse({ ...book, serviceHeader: header }) : buildAbFindContactsPagedResponse({ ...book, serviceHeader: header });
    }
    case 'ABAdd':
      // Every account has its address book from the start; ABAdd (after ABDoesNotExist, which we never send) is a no-op.
      return mutationResponse('ABAdd', DEFAULT_AB_ID);
    case 'ABContactAdd': {
      let guid = '';
      for (const c of r.contacts) {
        const handle = contactHandle(c.passportName ?? c.email ?? '');
        const existing = owner.contacts.get(handle);
        if (existing !== undefined && existing.lists & LIST_BITS.FL) fail('already-there');
        const name = c.displayName !== undefined && checkFriendlyName(c.displayName) === undefined ? c.displayName : handle;
        guid = (await s.contacts.add(owner, 'FL', handle, name, undefined, false)).entry.guid;
      }
      return mutationResponse('ABContactAdd', guid);
    }
    case 'ABContactDelete':
      for (const id of r.contactIds) await s.contacts.remove(owner, 'FL', onForwardList(owner, id).handle, undefined);
      return mutationResponse('ABContactDelete');
    case 'ABContactUpdate':
      for (const c of r.contacts) {
        if (c.me === true || c.contactId === meGuid(owner)) await updateMe(s, owner, c.displayName, c.annotations);
        else {
          const entry = onForwardList(owner, c.contactId);
          const name = c.annotations?.['AB.NickName'] ?? c.displayName;
          if (name !== undefined) await s.lists.renameContact(owner, entry.handle, friendlyName(name));
        }
      }
      return mutationResponse('ABContactUpdate');
    case 'ABGroupAdd':
      return mutationResponse('ABGroupAdd', (await s.lists.addGroup(owner, groupName(r.name))).guid);
    case 'ABGroupUpdate':
      for (const g of r.groups) await s.lists.renameGroup(owner, groupId(owner, g.groupId), groupName(g.name));
      return mutationResponse('ABGroupUpdate');
    case 'ABGroupDelete':
      for (const id of r.groupIds) await s.lists.removeGroup(owner, groupId(owner, id));
      return mutationResponse('ABGroupDelete');
    case 'ABGroupContactAdd':
    case 'ABGroupContactDelete':
      for (const gid of r.groupIds) {
        const group = groupId(owner, gid);
        for (const cid of r.contactIds) {
          const entry = onForwardList(owner, cid);
          if (r.action === 'ABGroupContactDelete') await s.contacts.remove(owner, 'FL', entry.handle, group);
          else if (!entry.groups.includes(group)) await s.contacts.add(owner, 'FL', entry.handle, entry.name, group, false);
        }
      }
      return mutationResponse(r.action);
    case 'AddMember':
    case 'DeleteMember':
      for (const m of r.memberships) for (const x of m.members) await changeMember(s, owner, r.action, m.role, x);
      return mutationResponse(r.action);
  }
}

/**
 * AddMember / DeleteMember for one member (§6.5): Allow and Block are AL and BL (a member added
 * to one list leaves the other, as the official client's Delete-then-Add does in two steps);
 * Pending is PL, which only the server adds to; Reverse is the server's own record of who has
 * the owner on their list, so clients' Reverse edits change nothing.
 */
async function changeMember(s: SoapServices, owner: Account, action: 'AddMember' | 'DeleteMember', role: MemberRole, m: MemberRef): Promise<void> {
  const handle = memberHandle(owner, m);
  if (role === 'Reverse') return;
  if (action === 'AddMember') {
    if (role === 'Pending') return;
    const list = role === 'Allow' ? 'AL' : 'BL';
    const opposite = role === 'Allow' ? LIST_BITS.BL : LIST_BITS.AL;
    const entry = owner.contacts.get(handle);
    if (entry !== undefined && entry.lists & (list === 'AL' ? LIST_BITS.AL : LIST_BITS.BL)) return;
    if (entry !== undefined && entry.lists & opposite) await s.contacts.remove(owner, list === 'AL' ? 'BL' : 'AL', handle, undefined);
    await s.contacts.add(owner, list, handle, entry?.name ?? handle, undefined, true);
    return;
  }
  // Accepting someone drops Pending; an Allow added first has already done so (`clearsPending`).
  if (role === 'Pending' && !((owner.contacts.get(handle)?.lists ?? 0) & LIST_BITS.PL)) return;
  await s.contacts.remove(owner, role === 'Allow' ? 'AL' : role === 'Block' ? 'BL' : 'PL', handle, undefined);
}

/** A member by `PassportName`/`Email`, or by the `MembershipId` we gave out (`Allow/<guid>`). */
function memberHandle(owner: Account, m: MemberRef): string {
  if (m.passportName !== undefined) return contactHandle(m.passportName);
  const guid = m.membershipId?.slice(m.membershipId.indexOf('/') + 1) ?? '';
  const entry = owner.contactByGuid(guid);
  if (entry === undefined) fail('not-on-list');
  return entry.handle;
}

async function updateMe(s: SoapServices, owner: Account, displayName: string | undefined, annotations: Readonly<Record<string, string>> | undefined): Promise<void> {
  if (displayName !== undefined && displayName !== owner.user.friendlyName) {
    await s.lists.setFriendlyName(owner, friendlyName(displayName));
    s.presence.get(owner.handle)?.friendlyNameChanged();
  }
  const blp = annotations?.['MSN.IM.BLP'];
  if (blp === '1' || blp === '2') {
    const mode = blp === '1' ? 'AL' : 'BL';
    if (owner.user.blp !== mode) await s.contacts.setPrivacy(owner, mode);
  }
  const gtc = annotations?.['MSN.IM.GTC'];
  if (gtc === '1' || gtc === '2') {
    const mode = gtc === '1' ? 'A' : 'N';
    if (owner.user.gtc !== mode) await s.lists.setAddPrompt(owner, mode);
  }
}

// ---- reading the lists as the services show them -----------------------------------------

const ROLE_BITS: ReadonlyArray<readonly [MemberRole, number]> = [
  ['Allow', LIST_BITS.AL],
  ['Block', LIST_BITS.BL],
  ['Reverse', LIST_BITS.RL],
  ['Pending', LIST_BITS.PL],
];

function memberships(owner: Account): Record<MemberRole, Member[]> {
  const roles: Record<MemberRole, Member[]> = { Allow: [], Block: [], Reverse: [], Pending: [] };
  for (const c of owner.contacts.values()) {
    for (const [role, bit] of ROLE_BITS) {
      if (c.lists & bit) roles[role].push({ address: c.handle, type: 'Passport', membershipId: `${role}/${c.guid}`, displayName: c.name });
    }
  }
  return roles;
}

function addressBook(owner: Account) {
  const u = owner.user;
  const groups = [...owner.groups.values()].filter((g) => g.id !== 0).map((g) => ({ id: g.guid, name: g.name, isFavorite: false }));
  const contacts: AbContact[] = [];
  for (const c of owner.contacts.values()) {
    if (!(c.lists & LIST_BITS.FL)) continue;
    const groupIds: string[] = [];
    for (const id of c.groups) {
      const g = owner.groups.get(id);
      if (g !== undefined && id !== 0) groupIds.push(g.guid);
    }
    contacts.push({ id: c.guid, type: 'Regular', address: c.handle, displayName: c.name, isMessengerUser: true, groupIds, annotations: {}, deleted: false });
  }
  const me: AbContact = {
    id: meGuid(owner),
    type: 'Me',
    address: u.handle,
    displayName: u.friendlyName,
    isMessengerUser: true,
    groupIds: [],
    cid: String(u.id),
    annotations: { 'MSN.IM.BLP': u.blp === 'AL' ? '1' : '2', 'MSN.IM.GTC': u.gtc === 'A' ? '1' : '2' },
    deleted: false,
  };
  return { groups, contacts, me, lastChange: stamp(Math.max(u.listStamp, u.settingsStamp)), ownerEmail: u.handle };
}

// ---- delta requests (`deltasOnly` + `lastChange`, §6.3, §6.4) ------------------------------
//
// The account's change journal (`AbChange`, server/core/lists.ts) names every contact entry and
// group changed since a time, deleted ones included, so a delta lists exactly those: a contact or
// group as it is now, or marked deleted (`fDeleted`, member `Deleted`) when it is gone, as
// Microsoft's service answered and MSNPSharp (which synchronised against it) applies; the Me contact
// when the settings changed. Only a `lastChange` the journal does not reach back to (from before
// it began, or before rows it has since dropped) or cannot read is `FullSyncRequired` (§6.6), on
// which clients ask again in full (libpurple, WLM). Escargot answers every delta with that fault.

class FullSyncRequired extends Error {}

/** The `lastChange` of a delta request in epoch ms; undefined for a full request. */
function deltaSince(owner: Account, lastChange: string | undefined): number | undefined {
  if (lastChange === undefined) return undefined;
  const since = Date.parse(lastChange);
  if (!Number.isFinite(since) || since < owner.user.historySince) throw new FullSyncRequired();
  return since;
}

/**
 * The members changed since: per changed contact, every role it holds (`Deleted` false) and every
 * role it does not (`Deleted` true, named by its last membership id): the journal knows that the
 * entry changed, not which roles it had before, and "not in this role" is true of the others
 * (a client drops such a member if it has it, and has nothing to do otherwise).
 */
function membershipDelta(owner: Account, since: number): { roles: Record<MemberRole, Member[]>; deleted: Record<MemberRole, Member[]> } {
  const roles: Record<MemberRole, Member[]> = { Allow: [], Block: [], Reverse: [], Pending: [] };
  const deleted: Record<MemberRole, Member[]> = { Allow: [], Block: [], Reverse: [], Pending: [] };
  const seen = new Set<string>();
  // Newest first: a handle deleted and added again is named by its newest entry.
  for (const ch of owner.changedSince(since).reverse()) {
    if (ch.kind !== 'contact' || seen.has(ch.handle)) continue;
    seen.add(ch.handle);
    const entry = owner.contacts.get(ch.handle);
    const lastChanged = stamp(ch.changedAt);
    for (const [role, bit] of ROLE_BITS) {
      const on = entry !== undefined && (entry.lists & bit) !== 0;
      const m: Member = { address: ch.handle, type: 'Passport', membershipId: `${role}/${entry?.guid ?? ch.guid}`, lastChanged, ...(on ? { displayName: entry.name } : {}) };
      (on ? roles : deleted)[role].push(m);
    }
  }
  return { roles, deleted };
}

/** The contacts and groups changed since (deleted ones marked), and the Me contact when the settings changed. */
function addressBookDelta(owner: Account, since: number): ReturnType<typeof addressBook> & { readonly ownerCid: string; readonly deletedGroups: string[] } {
  const full = addressBook(owner);
  const changed = owner.changedSince(since);
  const contactIds = new Set(changed.filter((c) => c.kind === 'contact').map((c) => c.guid));
  // Group 0 is not in the book (MSNP.md §10.14), even when an old dialect renamed it.
  const hidden = owner.groups.get(0)?.guid;
  const groupIds = new Set(changed.filter((c) => c.kind === 'group' && c.guid !== hidden).map((c) => c.guid));
  const contacts = full.contacts.filter((c) => contactIds.has(c.id));
  const groups = full.groups.filter((g) => groupIds.has(g.id));
  for (const c of contacts) contactIds.delete(c.id);
  for (const g of groups) groupIds.delete(g.id);
  // What is left is gone from the book: deleted, or (a contact) off the forward list.
  for (const ch of changed) {
    if (ch.kind === 'contact' && contactIds.has(ch.guid)) {
      contacts.push({ id: ch.guid, type: 'Regular', address: ch.handle, isMessengerUser: false, groupIds: [], annotations: {}, deleted: true });
    }
  }
  const settingsChanged = owner.user.settingsStamp > since;
  return { ...full, groups, contacts, deletedGroups: [...groupIds], ownerCid: String(owner.user.id), ...(settingsChanged ? {} : { me: undefined }) };
}

/** The `Me` contact's id: stable per account, never a contact's (`…-<user id in hex>`). */
function meGuid(owner: Account): string {
  return `00000000-0000-0000-0000-${owner.user.id.toString(16).padStart(12, '0')}`;
}

/** `lastChange` (§6.4): ISO 8601 from the lists' version stamp. */
function stamp(ms: number): string {
  return new Date(ms).toISOString();
}

// ---- checks --------------------------------------------------------------------------------

function contactHandle(raw: string): string {
  if (checkHandle(raw) !== undefined) fail('invalid-handle');
  return normalizeHandle(raw);
}

function onForwardList(owner: Account, contactId: string): ContactRecord {
  const entry = owner.contactByGuid(contactId);
  if (entry === undefined || !(entry.lists & LIST_BITS.FL)) fail('not-on-list');
  return entry;
}

function groupId(owner: Account, guid: string): number {
  const g = owner.groupByGuid(guid);
  if (g === undefined || g.id === 0) fail('no-such-group');
  return g.id;
}

function groupName(name: string): string {
  if (checkGroupName(name) !== undefined) fail('group-name-too-long');
  return name;
}

function friendlyName(name: string): string {
  if (checkFriendlyName(name) !== undefined || /[\r\n]/.test(name)) fail('bad-name');
  return name;
}

/** Domain errors → the service's error names (§6.6), per action where they differ. */
function domainFault(action: string, kind: DomainErrorKind): SoapReply {
  const member = action === 'AddMember' || action === 'DeleteMember';
  const group = action.startsWith('ABGroup') && action !== 'ABGroupContactAdd' && action !== 'ABGroupContactDelete';
  const names: Partial<Record<DomainErrorKind, string>> = {
    'no-such-user': 'InvalidPassportUser',
    'invalid-handle': 'InvalidPassportUser',
    'missing-domain': 'EmailMissingDot',
    'already-there': member ? 'MemberAlreadyExists' : group ? 'GroupAlreadyExists' : 'ContactAlreadyExists',
    'not-on-list': member ? 'MemberDoesNotExist' : 'ContactDoesNotExist',
    'no-such-group': 'GroupDoesNotExist',
    'not-in-group': 'ContactDoesNotExist',
    'group-exists': 'GroupAlreadyExists',
    'group-name-too-long': 'GroupNameTooLong',
    'too-many-groups': 'MaximumGroupsReached',
    'list-full': 'MaximumContactsReached',
    'bad-name': 'InvalidArgument',
    'opposite-list': 'MemberAlreadyExists',
    'cannot-remove-group-zero': 'GroupDoesNotExist',
  };
  return abFault(names[kind] ?? 'InvalidArgument', kind);
}
