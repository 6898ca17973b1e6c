/**
 * Address book and sharing responses (MSNP13-18.md §6.3–§6.6) as plain typed data: memberships by
 * role, groups, contacts (with the owner's "Me" contact apart), the result GUIDs of adds, and faults.
 * Readers take any prefix or none and ignore unknown elements; every failure is a value. Builders
 * for the two big answers serve the server (and give the readers a round-trip test).
 */
import { codecError, isCodecError, type CodecError } from '../errors';
import { buildEnvelope, parseEnvelope, type SoapFault } from '../soap/envelope';
import { child, childElements, el, raw, textAt, type Xml, type XmlElement } from '../soap/xml';
import { AB_NS, DEFAULT_AB_ID, USER_GROUP_TYPE, type MemberRole } from './requests';

const ROLES: ReadonlySet<string> = new Set(['Allow', 'Block', 'Reverse', 'Pending']);

export interface Member {
  /** The address: `PassportName`, or `Email` for e-mail (Yahoo!) members. */
  readonly address: string;
  readonly type: 'Passport' | 'Email' | (string & {});
  readonly membershipId?: string;
  readonly displayName?: string;
  readonly cid?: string;
  /** `LastChanged` (ISO time): when this membership changed; servers send it in delta answers. */
  readonly lastChanged?: string;
}

export interface Memberships extends WithServiceHeader {
  readonly type: 'memberships';
  readonly roles: Readonly<Record<MemberRole, readonly Member[]>>;
  /**
   * Members a delta answer marks `Deleted` (MSNP13-18.md §6.3): no longer in that role. Only when
   * the answer has any; a full answer's deleted members (none expected) would land here too.
   */
  readonly deleted?: Readonly<Record<MemberRole, readonly Member[]>>;
  /** The service's `LastChange` (ISO time), for later delta requests. */
  readonly lastChange?: string;
}

export interface AbGroup {
  readonly id: string;
  readonly name: string;
  readonly isFavorite: boolean;
}

export type ContactType = 'Regular' | 'Me' | 'LivePending' | 'Live' | 'Circle' | (string & {});

export interface AbContact {
  /** `contactId`: the key for every later contact operation (§6.4). */
  readonly id: string;
  readonly type: ContactType;
  /** `passportName`, or the first Messenger-enabled `ContactEmail` for e-mail contacts. */
  readonly address?: string;
  readonly displayName?: string;
  /** FL is every contact with `isMessengerUser` true (§6.4). */
  readonly isMessengerUser: boolean;
  readonly groupIds: readonly string[];
  readonly cid?: string;
  /** `Annotation` name → value (`AB.NickName`, Me's `MSN.IM.BLP` …). */
  readonly annotations: Readonly<Record<string, string>>;
  readonly deleted: boolean;
  /** The address is a `ContactEmail`, not a `passportName`: an e-mail contact whose network (Yahoo! …) the book does not say (§6.4, §7.2). */
  readonly viaEmail?: boolean;
}

export interface AddressBook extends WithServiceHeader {
  readonly type: 'addressBook';
  readonly groups: readonly AbGroup[];
  /** Every contact but the owner's own. */
  readonly contacts: readonly AbContact[];
  /** The `Me` contact (own settings and name, §6.4), when the answer has one. */
  readonly me?: AbContact;
  readonly lastChange?: string;
  /** Ids of groups a delta answer marks `fDeleted` (§6.4), when it has any. */
  readonly deletedGroups?: readonly string[];
}

/** What a response parser returns: the data, the service's fault (with `errorCode`), or an error value. */
export type AbResult<T> = T | SoapFault | CodecError;

/**
 * The `ServiceHeader` of every address-book and sharing answer (MSNP13-18.md §6.1): the service
 * version, the `CacheKey` a client stores when `CacheKeyChanged` is true and echoes in its later
 * requests' `ABApplicationHeader` (libpurple), the host WLM should use from then on, a session id.
 */
export interface AbServiceHeader {
  readonly version: string;
  readonly cacheKey: string;
  readonly cacheKeyChanged: boolean;
  readonly preferredHostName: string;
  readonly sessionId: string;
}

/** What Escargot's templates announce (`15.01.1408.0000`, the AB service of WLM 2009's time). */
export const AB_SERVICE_VERSION = '15.01.1408.0000';

/** Server side: `soap:Header/ServiceHeader` in the address book's namespace. */
export function buildAbServiceHeader(h: AbServiceHeader): Xml {
  return el(
    'ServiceHeader',
    { xmlns: AB_NS },
    el('Version', undefined, h.version),
    el('CacheKey', undefined, h.cacheKey),
    el('CacheKeyChanged', undefined, h.cacheKeyChanged ? 'true' : 'false'),
    el('PreferredHostName', undefined, h.preferredHostName),
    el('SessionId', undefined, h.sessionId),
  );
}

/** Client side: the `ServiceHeader` of an answer, when it has one (older servers send none). */
export function readAbServiceHeader(header: XmlElement | undefined): AbServiceHeader | undefined {
  const h = child(header, 'ServiceHeader');
  if (h === undefined) return undefined;
  return {
    version: textAt(h, 'Version') ?? '',
    cacheKey: textAt(h, 'CacheKey') ?? '',
    cacheKeyChanged: textAt(h, 'CacheKeyChanged') === 'true',
    preferredHostName: textAt(h, 'PreferredHostName') ?? '',
    sessionId: textAt(h, 'SessionId') ?? '',
  };
}

/** The answer's `ServiceHeader`, where the parsers hand it on (`serviceHeader` of each result). */
export interface WithServiceHeader {
  readonly serviceHeader?: AbServiceHeader;
}

/** Limit for the address book answers: ours, generous for 600 contacts (`soap/xml.ts`). */
function open(xml: string, expected: string): { body: XmlElement; serviceHeader: AbServiceHeader | undefined } | SoapFault | CodecError {
  const env = parseEnvelope(xml);
  if (isCodecError(env) || env.type === 'fault') return env;
  if (env.body.local !== expected) return codecError('BAD_PAYLOAD', `expected ${expected}, got ${env.body.name}`);
  return { body: env.body, serviceHeader: readAbServiceHeader(env.header) };
}

function headerOf(h: AbServiceHeader | undefined): Xml | undefined {
  return h === undefined ? undefined : buildAbServiceHeader(h);
}

/** A child by local name, case-insensitively (ABFindAll writes `groups`, ABFindContactsPaged `Groups`). */
function childCi(el: XmlElement | undefined, local: string): XmlElement | undefined {
  if (el === undefined) return undefined;
  const l = local.toLowerCase();
  return childElements(el).find((c) => c.local.toLowerCase() === l);
}

// ---------------------------------------------------------------------------------------------
// FindMembership (§6.3)

export function parseFindMembershipResponse(xml: string): AbResult<Memberships> {
  const opened = open(xml, 'FindMembershipResponse');
  if (isCodecError(opened) || 'type' in opened) return opened;
  const { body, serviceHeader } = opened;
  const result = child(body, 'FindMembershipResult');
  if (result === undefined) return codecError('BAD_PAYLOAD', 'FindMembershipResponse without FindMembershipResult');
  const roles: Record<MemberRole, Member[]> = { Allow: [], Block: [], Reverse: [], Pending: [] };
  let deleted: Record<MemberRole, Member[]> | undefined;
  let lastChange: string | undefined;
  for (const service of childElements(child(result, 'Services') ?? result).filter((e) => e.local === 'Service')) {
    const type = textAt(service, 'Info', 'Handle', 'Type');
    if (type !== undefined && type !== 'Messenger') continue;
    lastChange ??= textAt(service, 'LastChange');
    for (const m of childElements(child(service, 'Memberships') ?? service).filter((e) => e.local === 'Membership')) {
      const role = textAt(m, 'MemberRole');
      if (role === undefined || !ROLES.has(role)) continue; // other roles (ProfileExpanded …) are not lists
      for (const member of childElements(child(m, 'Members') ?? m).filter((e) => e.local === 'Member')) {
        const memberType = textAt(member, 'Type') ?? 'Passport';
        const address = textAt(member, 'PassportName') ?? textAt(member, 'Email');
        if (address === undefined || address === '') continue; // circle and phone members carry no address
        const read = clean({ address, type: memberType, membershipId: textAt(member, 'MembershipId'), displayName: textAt(member, 'DisplayName'), cid: textAt(member, 'CID'), lastChanged: textAt(member, 'LastChanged') });
        if (textAt(member, 'Deleted') === 'true') (deleted ??= { Allow: [], Block: [], Reverse: [], Pending: [] })[role as MemberRole].push(read);
        else roles[role as MemberRole].push(read);
      }
    }
  }
  return clean({ type: 'memberships' as const, roles, deleted, lastChange, serviceHeader });
}

/** Server side: the FindMembership answer for the Messenger service. */
export function buildFindMembershipResponse(m: Omit<Memberships, 'type'>): string {
  const member = (x: Member, deleted: boolean): Xml =>
    el(
      'Member',
      { 'xsi:type': x.type === 'Email' ? 'EmailMember' : 'PassportMember' },
      el('MembershipId', undefined, x.membershipId),
      el('Type', undefined, x.type),
      x.displayName === undefined ? undefined : el('DisplayName', undefined, x.displayName),
      MEMBER_ACCEPTED,
      deleted ? MEMBER_DELETED : MEMBER_NOT_DELETED,
      opt('LastChanged', x.lastChanged),
      el(x.type === 'Email' ? 'Email' : 'PassportName', undefined, x.address),
      x.cid === undefined ? undefined : el('CID', undefined, x.cid),
    );
  const memberships = (Object.keys(m.roles) as MemberRole[]).map((role) =>
    el(
      'Membership',
      undefined,
      el('MemberRole', undefined, role),
      el('Members', undefined, [...m.roles[role].map((x) => member(x, false)), ...(m.deleted?.[role] ?? []).map((x) => member(x, true))]),
      el('MembershipIsComplete', undefined, 'true'),
    ),
  );
  const service = el(
    'Service',
    undefined,
    el('Memberships', undefined, memberships),
    el('Info', undefined, el('Handle', undefined, el('Id', undefined, '1'), el('Type', undefined, 'Messenger'), el('ForeignId', undefined)), el('InverseRequired', undefined, 'false')),
    el('LastChange', undefined, m.lastChange),
  );
  return buildEnvelope({ header: headerOf(m.serviceHeader), body: el('FindMembershipResponse', { xmlns: AB_NS }, el('FindMembershipResult', undefined, el('Services', undefined, service))) });
}

// ---------------------------------------------------------------------------------------------
// ABFindAll / ABFindContactsPaged (§6.4)

export function parseAbFindAllResponse(xml: string): AbResult<AddressBook> {
  return parseAddressBook(xml, 'ABFindAllResponse', 'ABFindAllResult');
}

export function parseAbFindContactsPagedResponse(xml: string): AbResult<AddressBook> {
  return parseAddressBook(xml, 'ABFindContactsPagedResponse', 'ABFindContactsPagedResult');
}

function parseAddressBook(xml: string, response: string, resultName: string): AbResult<AddressBook> {
  const opened = open(xml, response);
  if (isCodecError(opened) || 'type' in opened) return opened;
  const { body, serviceHeader } = opened;
  const result = child(body, resultName);
  if (result === undefined) return codecError('BAD_PAYLOAD', `${response} without ${resultName}`);
  const groups: AbGroup[] = [];
  let deletedGroups: string[] | undefined;
  for (const g of childElements(childCi(result, 'groups') ?? result).filter((e) => e.local === 'Group')) {
    const id = textAt(g, 'groupId');
    if (id === undefined) continue;
    if (textAt(g, 'fDeleted') === 'true') {
      (deletedGroups ??= []).push(id);
      continue;
    }
    const name = textAt(g, 'groupInfo', 'name');
    if (name === undefined) continue;
    groups.push({ id, name, isFavorite: textAt(g, 'groupInfo', 'IsFavorite') === 'true' });
  }
  const contacts: AbContact[] = [];
  let me: AbContact | undefined;
  for (const c of childElements(childCi(result, 'contacts') ?? result).filter((e) => e.local === 'Contact')) {
    const contact = readContact(c);
    if (contact === undefined) continue;
    if (contact.type === 'Me') me = contact;
    else contacts.push(contact);
  }
  const ab = childCi(result, 'ab');
  return clean({ type: 'addressBook' as const, groups, contacts, me, lastChange: textAt(ab, 'lastChange'), deletedGroups, serviceHeader });
}

function readContact(c: XmlElement): AbContact | undefined {
  const id = textAt(c, 'contactId');
  const info = child(c, 'contactInfo');
  if (id === undefined || info === undefined) return undefined;
  const annotations: Record<string, string> = {};
  for (const a of childElements(child(info, 'annotations') ?? info).filter((e) => e.local === 'Annotation')) {
    const name = textAt(a, 'Name');
    if (name !== undefined) annotations[name] = textAt(a, 'Value') ?? '';
  }
  const groupIds = childElements(child(info, 'groupIds') ?? info)
    .filter((e) => e.local === 'guid')
    .map((g) => textAt(g) ?? '')
    .filter((g) => g !== '');
  // E-mail (Yahoo!) contacts have no passportName: their Messenger address is a ContactEmail (§6.4).
  const email = childElements(child(info, 'emails') ?? info)
    .filter((e) => e.local === 'ContactEmail' && textAt(e, 'isMessengerEnabled') === 'true')
    .map((e) => textAt(e, 'email'))[0];
  const passportName = textAt(info, 'passportName');
  return clean({
    id,
    type: textAt(info, 'contactType') ?? 'Regular',
    address: passportName || email,
    viaEmail: !passportName && email !== undefined && email !== '' ? true : undefined,
    displayName: textAt(info, 'displayName'),
    isMessengerUser: textAt(info, 'isMessengerUser') === 'true',
    groupIds,
    cid: textAt(info, 'CID'),
    annotations,
    deleted: textAt(c, 'fDeleted') === 'true',
  });
}

/** What the server's address-book answers are built from: the book, the owner's e-mail and CID (`abInfo/OwnerCID`; the Me contact's when absent). */
export type AddressBookAnswer = Omit<AddressBook, 'type'> & { readonly ownerEmail: string; readonly ownerCid?: string };

/** Server side: the `ABFindAll` answer (§6.4). */
export function buildAbFindAllResponse(ab: AddressBookAnswer): string {
  return buildAddressBook(ab, { response: 'ABFindAllResponse', result: 'ABFindAllResult', groups: 'groups', contacts: 'contacts', ab: 'ab' });
}

/**
 * Server side: the `ABFindContactsPaged` answer (§6.4): the same content under `Groups`,
 * `Contacts` and `Ab` (circles, which would add `CircleResult`, are not offered, §11).
 */
export function buildAbFindContactsPagedResponse(ab: AddressBookAnswer): string {
  return buildAddressBook(ab, { response: 'ABFindContactsPagedResponse', result: 'ABFindContactsPagedResult', groups: 'Groups', contacts: 'Contacts', ab: 'Ab' });
}

interface AddressBookNames {
  readonly response: string;
  readonly result: string;
  readonly groups: string;
  readonly contacts: string;
  readonly ab: string;
}

/**
 * The parts of every contact that never vary, built once: a 600-contact book is ~25 `el` calls a
 * contact, and these are more than half of them (each call is string work and garbage for the
 * server on every full sync). The markup is exactly what the `el` calls would give.
 */
const flat = (...parts: Xml[]): Xml => raw(parts.map((p) => p.xml).join(''));
const CONTACT_PASSPORT_HIDDEN = flat(el('IsPassportNameHidden', undefined, 'false'));
const CONTACT_PUID = flat(el('puid', undefined, '0'));
const CONTACT_NOT_MOBILE = flat(el('IsNotMobileVisible', undefined, 'false'), el('isMobileIMEnabled', undefined, 'false'));
const CONTACT_INFO_TAIL = flat(
  el('isFavorite', undefined, 'false'),
  el('isSmtp', undefined, 'false'),
  el('hasSpace', undefined, 'false'),
  el('spotWatchState', undefined, 'NoDevice'),
  el('birthdate', undefined, '0001-01-01T00:00:00'),
  el('primaryEmailType', undefined, 'ContactEmailPersonal'),
  el('PrimaryLocation', undefined, 'ContactLocationPersonal'),
  el('PrimaryPhone', undefined, 'ContactPhonePersonal'),
  el('IsPrivate', undefined, 'false'),
  el('Gender', undefined, 'Unspecified'),
  el('TimeZone', undefined, 'None'),
);
const PROPERTIES_CHANGED = flat(el('propertiesChanged', undefined));
const MEMBER_ACCEPTED = flat(el('State', undefined, 'Accepted'));
const MEMBER_NOT_DELETED = flat(el('Deleted', undefined, 'false'));
const MEMBER_DELETED = flat(el('Deleted', undefined, 'true'));

function buildAddressBook(ab: AddressBookAnswer, names: AddressBookNames): string {
  const group = (g: AbGroup): Xml =>
    el(
      'Group',
      undefined,
      el('groupId', undefined, g.id),
      el(
        'groupInfo',
        undefined,
        el('annotations', undefined, el('Annotation', undefined, el('Name', undefined, 'MSN.IM.Display'), el('Value', undefined, '1'))),
        el('groupType', undefined, USER_GROUP_TYPE.toLowerCase()),
        el('name', undefined, g.name),
        el('IsNotMobileVisible', undefined, 'false'),
        el('IsPrivate', undefined, 'false'),
        el('IsFavorite', undefined, g.isFavorite ? 'true' : 'false'),
      ),
      el('propertiesChanged', undefined),
      el('fDeleted', undefined, 'false'),
      el('lastChange', undefined, ab.lastChange),
    );
  const contact = (c: AbContact): Xml =>
    el(
      'Contact',
      undefined,
      el('contactId', undefined, c.id),
      el(
        'contactInfo',
        undefined,
        Object.keys(c.annotations).length === 0
          ? undefined
          : el('annotations', undefined, Object.entries(c.annotations).map(([n, v]) => el('Annotation', undefined, el('Name', undefined, n), el('Value', undefined, v)))),
        c.groupIds.length === 0 ? undefined : el('groupIds', undefined, c.groupIds.map((g) => el('guid', undefined, g))),
        el('contactType', undefined, c.type),
        opt('quickName', c.displayName),
        c.viaEmail === true ? undefined : opt('passportName', c.address),
        CONTACT_PASSPORT_HIDDEN,
        opt('displayName', c.displayName),
        CONTACT_PUID,
        opt('CID', c.cid),
        CONTACT_NOT_MOBILE,
        el('isMessengerUser', undefined, c.isMessengerUser ? 'true' : 'false'),
        // An e-mail contact's address (§6.4 `emails/ContactEmail`; `Messenger2` is how Yahoo! contacts are written).
        c.viaEmail === true && c.address !== undefined
          ? el('emails', undefined, el('ContactEmail', undefined, el('contactEmailType', undefined, 'Messenger2'), el('email', undefined, c.address), el('isMessengerEnabled', undefined, 'true')))
          : undefined,
        CONTACT_INFO_TAIL,
      ),
      PROPERTIES_CHANGED,
      el('fDeleted', undefined, c.deleted ? 'true' : 'false'),
      el('lastChange', undefined, ab.lastChange),
    );
  const all = ab.me === undefined ? ab.contacts : [...ab.contacts, ab.me];
  const result = el(
    names.result,
    undefined,
    // A deleted group is its id and the flag (what MSNPSharp reads of one, §6.4).
    el(names.groups, undefined, [...ab.groups.map(group), ...(ab.deletedGroups ?? []).map((id) => el('Group', undefined, el('groupId', undefined, id), el('fDeleted', undefined, 'true'), el('lastChange', undefined, ab.lastChange)))]),
    el(names.contacts, undefined, all.map(contact)),
    el(
      names.ab,
      undefined,
      el('abId', undefined, DEFAULT_AB_ID),
      el('abInfo', undefined, el('ownerPuid', undefined, '0'), el('OwnerCID', undefined, ab.ownerCid ?? ab.me?.cid ?? '0'), el('ownerEmail', undefined, ab.ownerEmail), el('fDefault', undefined, 'true'), el('joinedNamespace', undefined, 'false'), el('IsBot', undefined, 'false'), el('IsParentManaged', undefined, 'false'), el('SubscribeExternalPartner', undefined, 'false'), el('NotifyExternalPartner', undefined, 'false'), el('AddressBookType', undefined, 'Individual')),
      el('lastChange', undefined, ab.lastChange),
      el('DynamicItemLastChanged', undefined, '0001-01-01T00:00:00'),
      el('createDate', undefined, ab.lastChange),
      el('propertiesChanged', undefined),
    ),
  );
  return buildEnvelope({ header: headerOf(ab.serviceHeader), body: el(names.response, { xmlns: AB_NS }, result) });
}

// ---------------------------------------------------------------------------------------------
// Mutations (§6.5): empty `…Response`, or `…Result/guid` for ABContactAdd and ABGroupAdd.

export interface MutationResult extends WithServiceHeader {
  readonly type: 'ok';
  /** The new contact's or group's GUID (ABContactAdd, ABGroupAdd). */
  readonly guid?: string;
}

/** Read the answer to any mutation `action` (`ABContactAdd`, `DeleteMember` …). */
export function parseMutationResponse(xml: string, action: string): AbResult<MutationResult> {
  const opened = open(xml, `${action}Response`);
  if (isCodecError(opened) || 'type' in opened) return opened;
  const { body, serviceHeader } = opened;
  const guid = textAt(body, `${action}Result`, 'guid');
  return clean({ type: 'ok' as const, guid: guid === '' ? undefined : guid, serviceHeader });
}

/** Server side: the answer to a mutation, with the new GUID for adds. */
export function buildMutationResponse(action: string, guid?: string, serviceHeader?: AbServiceHeader): string {
  const result = guid === undefined ? undefined : el(`${action}Result`, undefined, el('guid', undefined, guid));
  return buildEnvelope({ header: headerOf(serviceHeader), body: el(`${action}Response`, { xmlns: AB_NS }, result) });
}

/** An element only when it has a value (an empty one would read back as ''). */
function opt(name: string, value: string | undefined): Xml | undefined {
  return value === undefined ? undefined : el(name, undefined, value);
}

/**
 * Drop undefined properties, so results compare and serialise cleanly. A copy of the defined
 * ones, not `delete`: deleting turns each of the book's ~1000 contact objects into a slow
 * dictionary-mode object (the client profile showed `clean` as its largest own cost after parsing).
 */
function clean<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
