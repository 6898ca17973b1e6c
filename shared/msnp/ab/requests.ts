/**
 * Request bodies of the address book (`abservice.asmx`) and sharing (`SharingService.asmx`)
 * services (MSNP13-18.md §6), with the element names real clients send (libpurple `contact.h`,
 * AvaMSN, papyon). Every text goes through the escaping XML writer.
 */
import { buildEnvelope } from '../soap/envelope';
import { el, elOpen, type Xml, type XmlContent } from '../soap/xml';

/** Namespace of every body and header (§6.1). */
export const AB_NS = 'http://www.msn.com/webservices/AddressBook';
/** `SOAPAction: http://www.msn.com/webservices/AddressBook/<Action>` (§6.1). */
export function abSoapAction(action: AbAction | SharingAction): string {
  return `${AB_NS}/${action}`;
}
export const AB_SERVICE_PATH = '/abservice/abservice.asmx';
export const SHARING_SERVICE_PATH = '/abservice/SharingService.asmx';

export type AbAction =
  | 'ABFindAll'
  | 'ABFindContactsPaged'
  | 'ABAdd'
  | 'ABContactAdd'
  | 'ABContactDelete'
  | 'ABContactUpdate'
  | 'ABGroupAdd'
  | 'ABGroupUpdate'
  | 'ABGroupDelete'
  | 'ABGroupContactAdd'
  | 'ABGroupContactDelete';
export type SharingAction = 'FindMembership' | 'AddMember' | 'DeleteMember';

/** §6.2 `PartnerScenario` values. */
export type PartnerScenario = 'Initial' | 'ContactSave' | 'GroupSave' | 'Timer' | 'BlockUnblock' | 'ContactMsgrAPI' | 'MessengerPendingList' | '';

/** The default address book's id (§6.4). */
export const DEFAULT_AB_ID = '00000000-0000-0000-0000-000000000000';
/** `groupType` of an ordinary user group (§6.4). */
export const USER_GROUP_TYPE = 'C8529CE2-6EAD-434D-881F-341E17DB3FF8';
/** libpurple's ApplicationId (§6.2). */
export const DEFAULT_APPLICATION_ID = 'F6D2794D-501F-443A-ADBE-8F1490FF30FD';

export interface AbRequestContext {
  /** The `contacts.msn.com` compact token, `t=…&p=…` (escaped here). */
  readonly ticket: string;
  readonly scenario: PartnerScenario;
  readonly applicationId?: string;
  /** The last `ServiceHeader/CacheKey` the service returned (§6.1). */
  readonly cacheKey?: string;
}

/** §6.2: `ABApplicationHeader` + `ABAuthHeader`. */
function header(c: AbRequestContext): Xml[] {
  return [
    el(
      'ABApplicationHeader',
      { xmlns: AB_NS },
      el('ApplicationId', undefined, c.applicationId ?? DEFAULT_APPLICATION_ID),
      el('IsMigration', undefined, 'false'),
      elOpen('PartnerScenario', undefined, c.scenario),
      c.cacheKey === undefined ? undefined : el('CacheKey', undefined, c.cacheKey),
    ),
    el('ABAuthHeader', { xmlns: AB_NS }, el('ManagedGroupRequest', undefined, 'false'), el('TicketToken', undefined, c.ticket)),
  ];
}

function request(c: AbRequestContext, action: string, ...body: XmlContent[]): string {
  return buildEnvelope({ header: header(c), body: el(action, { xmlns: AB_NS }, ...body) });
}

// ---------------------------------------------------------------------------------------------
// Reads (§6.3, §6.4)

/** `FindMembership` for the Messenger service; with `lastChange`, a delta request. */
export function buildFindMembership(c: AbRequestContext, lastChange?: string): string {
  return request(
    c,
    'FindMembership',
    el('serviceFilter', undefined, el('Types', undefined, el('ServiceType', undefined, 'Messenger'))),
    lastChange === undefined ? undefined : [el('View', undefined, 'Full'), el('deltasOnly', undefined, 'true'), el('lastChange', undefined, lastChange)],
  );
}

/** `ABFindAll` (MSNP15); with `lastChange`, a delta request (servers may answer `FullSyncRequired`). */
export function buildAbFindAll(c: AbRequestContext, lastChange?: string): string {
  return request(
    c,
    'ABFindAll',
    el('abId', undefined, DEFAULT_AB_ID),
    el('abView', undefined, 'Full'),
    lastChange === undefined ? undefined : [el('deltasOnly', undefined, 'true'), el('lastChange', undefined, lastChange)],
  );
}

/** `ABFindContactsPaged` (MSNP18 clients; §6.4). */
export function buildAbFindContactsPaged(c: AbRequestContext, lastChange?: string): string {
  return request(
    c,
    'ABFindContactsPaged',
    el('abView', undefined, 'Full'),
    el('extendedContent', undefined, 'AB AllGroups CircleResult'),
    lastChange === undefined ? undefined : el('filterOptions', undefined, el('deltasOnly', undefined, 'true'), el('lastChange', undefined, lastChange)),
  );
}

/** `ABAdd`: create the address book after an `ABDoesNotExist` fault (§5.3 step 3). */
export function buildAbAdd(c: AbRequestContext, ownerEmail: string): string {
  return request(
    c,
    'ABAdd',
    el('abInfo', undefined, el('name', undefined), el('ownerPuid', undefined, '0'), el('ownerEmail', undefined, ownerEmail), el('fDefault', undefined, 'true')),
  );
}

// ---------------------------------------------------------------------------------------------
// Contacts and groups (§6.5)

/** `ABContactAdd` (ContactSave): `passportName`, `isMessengerUser true`, `EnableAllowListManagement`. */
export function buildAbContactAdd(c: AbRequestContext, contact: { passportName: string; displayName?: string; pending?: boolean }): string {
  return request(
    c,
    'ABContactAdd',
    el('abId', undefined, DEFAULT_AB_ID),
    el(
      'contacts',
      undefined,
      el(
        'Contact',
        { xmlns: AB_NS },
        el(
          'contactInfo',
          undefined,
          contact.pending ? el('contactType', undefined, 'LivePending') : undefined,
          el('passportName', undefined, contact.passportName),
          el('isMessengerUser', undefined, 'true'),
          contact.displayName === undefined ? undefined : el('displayName', undefined, contact.displayName),
        ),
      ),
    ),
    el('options', undefined, el('EnableAllowListManagement', undefined, 'true')),
  );
}

/** `ABContactDelete` (Timer) by contact GUIDs. */
export function buildAbContactDelete(c: AbRequestContext, contactIds: readonly string[]): string {
  return request(
    c,
    'ABContactDelete',
    el('abId', undefined, DEFAULT_AB_ID),
    el('contacts', undefined, contactIds.map((id) => el('Contact', undefined, el('contactId', undefined, id)))),
  );
}

/** What `ABContactUpdate` changes: the display name and/or annotations (`AB.NickName`, Me's `MSN.IM.BLP` …). */
export interface ContactUpdate {
  readonly contactId: string;
  /** `Me` for the owner's own contact (the Me contact is addressed by `contactType`, §6.4). */
  readonly me?: boolean;
  readonly displayName?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** `ABContactUpdate` with `propertiesChanged` naming what changed (§6.5). */
export function buildAbContactUpdate(c: AbRequestContext, u: ContactUpdate): string {
  const changed = [u.displayName === undefined ? undefined : 'DisplayName', u.annotations === undefined ? undefined : 'Annotation'].filter((x) => x !== undefined);
  return request(
    c,
    'ABContactUpdate',
    el('abId', undefined, DEFAULT_AB_ID),
    el(
      'contacts',
      undefined,
      el(
        'Contact',
        { xmlns: AB_NS },
        u.me ? undefined : el('contactId', undefined, u.contactId),
        el(
          'contactInfo',
          undefined,
          u.me ? el('contactType', undefined, 'Me') : undefined,
          u.displayName === undefined ? undefined : el('displayName', undefined, u.displayName),
          u.annotations === undefined ? undefined : el('annotations', undefined, annotations(u.annotations)),
        ),
        el('propertiesChanged', undefined, changed.join(' ')),
      ),
    ),
  );
}

function annotations(a: Readonly<Record<string, string>>): Xml[] {
  return Object.entries(a).map(([name, value]) => el('Annotation', undefined, el('Name', undefined, name), el('Value', undefined, value)));
}

/** `ABGroupAdd` (GroupSave): user group type, `MSN.IM.Display 1` (§6.5). */
export function buildAbGroupAdd(c: AbRequestContext, name: string): string {
  return request(
    c,
    'ABGroupAdd',
    el('abId', undefined, DEFAULT_AB_ID),
    el('groupAddOptions', undefined, el('fRenameOnMsgrConflict', undefined, 'false')),
    el(
      'groupInfo',
      undefined,
      el(
        'GroupInfo',
        undefined,
        el('name', undefined, name),
        el('groupType', undefined, USER_GROUP_TYPE),
        el('fMessenger', undefined, 'false'),
        el('annotations', undefined, annotations({ 'MSN.IM.Display': '1' })),
      ),
    ),
  );
}

/** `ABGroupUpdate` (Timer): rename, `propertiesChanged GroupName`. */
export function buildAbGroupUpdate(c: AbRequestContext, groupId: string, name: string): string {
  return request(
    c,
    'ABGroupUpdate',
    el('abId', undefined, DEFAULT_AB_ID),
    el(
      'groups',
      undefined,
      el('Group', undefined, el('groupId', undefined, groupId), el('groupInfo', undefined, el('name', undefined, name)), el('propertiesChanged', undefined, 'GroupName')),
    ),
  );
}

/** `ABGroupDelete` (Timer). */
export function buildAbGroupDelete(c: AbRequestContext, groupIds: readonly string[]): string {
  return request(c, 'ABGroupDelete', el('abId', undefined, DEFAULT_AB_ID), groupFilter(groupIds));
}

/** `ABGroupContactAdd` (ContactSave) / `ABGroupContactDelete` (Timer): contacts into / out of a group. */
export function buildAbGroupContact(c: AbRequestContext, action: 'ABGroupContactAdd' | 'ABGroupContactDelete', groupId: string, contactIds: readonly string[]): string {
  return request(
    c,
    action,
    el('abId', undefined, DEFAULT_AB_ID),
    groupFilter([groupId]),
    el('contacts', undefined, contactIds.map((id) => el('Contact', undefined, el('contactId', undefined, id)))),
  );
}

function groupFilter(ids: readonly string[]): Xml {
  return el('groupFilter', undefined, el('groupIds', undefined, ids.map((id) => el('guid', undefined, id))));
}

// ---------------------------------------------------------------------------------------------
// Memberships (§6.3, §6.5)

/** Roles map to the old lists: Allow = AL, Block = BL, Reverse = RL, Pending = PL (§6.3). */
export type MemberRole = 'Allow' | 'Block' | 'Reverse' | 'Pending';

export interface MemberRef {
  /** The member's address; or `membershipId` (DeleteMember may identify by id, §6.5). */
  readonly passportName?: string;
  readonly membershipId?: string;
  /** `EmailMember` for Yahoo!/e-mail members; Passport otherwise. */
  readonly email?: boolean;
}

/** `AddMember` / `DeleteMember` on the Messenger service (BlockUnblock / ContactMsgrAPI, §6.5). */
export function buildMemberChange(c: AbRequestContext, action: 'AddMember' | 'DeleteMember', role: MemberRole, members: readonly MemberRef[]): string {
  return request(
    c,
    action,
    el('serviceHandle', undefined, el('Id', undefined, '0'), el('Type', undefined, 'Messenger'), elOpen('ForeignId', undefined)),
    el(
      'memberships',
      undefined,
      el(
        'Membership',
        undefined,
        el('MemberRole', undefined, role),
        el(
          'Members',
          undefined,
          members.map((m) =>
            el(
              'Member',
              { 'xsi:type': m.email ? 'EmailMember' : 'PassportMember', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' },
              el('Type', undefined, m.email ? 'Email' : 'Passport'),
              m.membershipId === undefined ? undefined : el('MembershipId', undefined, m.membershipId),
              el('State', undefined, 'Accepted'),
              m.passportName === undefined ? undefined : el(m.email ? 'Email' : 'PassportName', undefined, m.passportName),
            ),
          ),
        ),
      ),
    ),
  );
}
