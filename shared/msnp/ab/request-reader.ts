/**
 * Server side of the address book and sharing services (MSNP13-18.md §6): read any request a client
 * sends into one typed value per action, with the `ABApplicationHeader`/`ABAuthHeader` context.
 * Element names are those `requests.ts` writes and real clients send (§6.2–§6.5); unknown actions
 * and missing parts are error values (the server answers them with a SOAP fault, §6.6).
 */
import { codecError, isCodecError, type CodecError } from '../errors';
import { parseEnvelope } from '../soap/envelope';
import { attr, child, childElements, children, text, textAt, type XmlElement } from '../soap/xml';
import type { AbAction, ContactUpdate, MemberRef, MemberRole, PartnerScenario, SharingAction } from './requests';

export interface AbRequestHeader {
  readonly ticket: string;
  readonly scenario: PartnerScenario | (string & {});
  readonly applicationId?: string;
  readonly cacheKey?: string;
}

export interface NewContact {
  readonly passportName?: string;
  /** E-mail (Yahoo!) contacts: a Messenger-enabled `ContactEmail`. */
  readonly email?: string;
  readonly displayName?: string;
  readonly pending: boolean;
  readonly isMessengerUser: boolean;
}

export type AbRequest = { readonly header: AbRequestHeader } & (
  | { readonly action: 'FindMembership' | 'ABFindAll' | 'ABFindContactsPaged'; readonly lastChange?: string }
  | { readonly action: 'ABAdd'; readonly ownerEmail: string }
  | { readonly action: 'ABContactAdd'; readonly contacts: readonly NewContact[] }
  | { readonly action: 'ABContactDelete'; readonly contactIds: readonly string[] }
  | { readonly action: 'ABContactUpdate'; readonly contacts: readonly ContactUpdate[] }
  | { readonly action: 'ABGroupAdd'; readonly name: string }
  | { readonly action: 'ABGroupUpdate'; readonly groups: readonly { readonly groupId: string; readonly name: string }[] }
  | { readonly action: 'ABGroupDelete'; readonly groupIds: readonly string[] }
  | { readonly action: 'ABGroupContactAdd' | 'ABGroupContactDelete'; readonly groupIds: readonly string[]; readonly contactIds: readonly string[] }
  | { readonly action: 'AddMember' | 'DeleteMember'; readonly memberships: readonly { readonly role: MemberRole; readonly members: readonly MemberRef[] }[] }
);

/** Ours: bounds the work one request can ask for (a whole 600-contact list fits many times over). */
export const AB_MAX_ITEMS = 5000;
const ROLES: ReadonlySet<string> = new Set(['Allow', 'Block', 'Reverse', 'Pending']);

export function parseAbRequest(xml: string): AbRequest | CodecError {
  const env = parseEnvelope(xml);
  if (isCodecError(env)) return env;
  if (env.type === 'fault') return codecError('BAD_PAYLOAD', 'address book: a fault is not a request');
  const app = child(env.header, 'ABApplicationHeader');
  const ticket = textAt(env.header, 'ABAuthHeader', 'TicketToken');
  if (ticket === undefined || ticket === '') return codecError('BAD_PAYLOAD', 'address book: no TicketToken');
  const applicationId = textAt(app, 'ApplicationId');
  const cacheKey = textAt(app, 'CacheKey');
  const header: AbRequestHeader = {
    ticket,
    scenario: textAt(app, 'PartnerScenario') ?? '',
    ...(applicationId ? { applicationId } : {}),
    ...(cacheKey ? { cacheKey } : {}),
  };
  const b = env.body;
  const action = b.local as AbAction | SharingAction;
  const list = (items: readonly string[], what: string): readonly string[] | CodecError => {
    if (items.length === 0) return codecError('BAD_PAYLOAD', `${action}: no ${what}`);
    if (items.length > AB_MAX_ITEMS) return codecError('PAYLOAD_TOO_LARGE', `${action}: more than ${AB_MAX_ITEMS} ${what}`);
    return items;
  };
  switch (action) {
    case 'FindMembership':
    case 'ABFindAll':
    case 'ABFindContactsPaged': {
      const lastChange = textAt(b, 'lastChange') ?? textAt(b, 'filterOptions', 'lastChange');
      const deltas = (textAt(b, 'deltasOnly') ?? textAt(b, 'filterOptions', 'deltasOnly')) === 'true';
      return deltas && lastChange ? { header, action, lastChange } : { header, action };
    }
    case 'ABAdd': {
      const ownerEmail = textAt(b, 'abInfo', 'ownerEmail');
      return ownerEmail ? { header, action, ownerEmail } : codecError('BAD_PAYLOAD', 'ABAdd: no ownerEmail');
    }
    case 'ABContactAdd': {
      const contacts: NewContact[] = [];
      for (const c of children(child(b, 'contacts'), 'Contact')) {
        const info = child(c, 'contactInfo');
        const passportName = textAt(info, 'passportName');
        const email = children(child(info, 'emails'), 'ContactEmail').map((e) => textAt(e, 'email'))[0];
        if (!passportName && !email) return codecError('BAD_PAYLOAD', 'ABContactAdd: a contact without passportName or email');
        const displayName = textAt(info, 'displayName');
        contacts.push({
          ...(passportName ? { passportName } : {}),
          ...(email ? { email } : {}),
          ...(displayName ? { displayName } : {}),
          pending: textAt(info, 'contactType') === 'LivePending',
          isMessengerUser: textAt(info, 'isMessengerUser') !== 'false',
        });
      }
      const checked = list(contacts.map((c) => c.passportName ?? c.email ?? ''), 'contacts');
      return isCodecError(checked) ? checked : { header, action, contacts };
    }
    case 'ABContactDelete': {
      const ids = list(idsOf(children(child(b, 'contacts'), 'Contact'), 'contactId'), 'contactId');
      return isCodecError(ids) ? ids : { header, action, contactIds: ids };
    }
    case 'ABContactUpdate': {
      const contacts: ContactUpdate[] = [];
      for (const c of children(child(b, 'contacts'), 'Contact')) {
        const info = child(c, 'contactInfo');
        const me = textAt(info, 'contactType') === 'Me';
        const contactId = textAt(c, 'contactId') ?? '';
        if (!me && contactId === '') return codecError('BAD_PAYLOAD', 'ABContactUpdate: a contact without contactId');
        const displayName = text(child(info, 'displayName'));
        const annotations = readAnnotations(info);
        contacts.push({
          contactId,
          ...(me ? { me } : {}),
          ...(displayName === undefined ? {} : { displayName }),
          ...(annotations === undefined ? {} : { annotations }),
        });
      }
      const checked = list(contacts.map((c) => c.contactId), 'contacts');
      return isCodecError(checked) ? checked : { header, action, contacts };
    }
    case 'ABGroupAdd': {
      const name = text(child(path2(b, 'groupInfo', 'GroupInfo'), 'name'));
      return name === undefined || name === '' ? codecError('BAD_PAYLOAD', 'ABGroupAdd: no name') : { header, action, name };
    }
    case 'ABGroupUpdate': {
      const groups: { groupId: string; name: string }[] = [];
      for (const g of children(child(b, 'groups'), 'Group')) {
        const groupId = textAt(g, 'groupId');
        const name = text(child(child(g, 'groupInfo'), 'name'));
        if (!groupId || name === undefined || name === '') return codecError('BAD_PAYLOAD', 'ABGroupUpdate: a group without id or name');
        groups.push({ groupId, name });
      }
      const checked = list(groups.map((g) => g.groupId), 'groups');
      return isCodecError(checked) ? checked : { header, action, groups };
    }
    case 'ABGroupDelete': {
      const ids = list(groupIdsOf(b), 'group ids');
      return isCodecError(ids) ? ids : { header, action, groupIds: ids };
    }
    case 'ABGroupContactAdd':
    case 'ABGroupContactDelete': {
      const groupIds = list(groupIdsOf(b), 'group ids');
      if (isCodecError(groupIds)) return groupIds;
      const contactIds = list(idsOf(children(child(b, 'contacts'), 'Contact'), 'contactId'), 'contactId');
      return isCodecError(contactIds) ? contactIds : { header, action, groupIds, contactIds };
    }
    case 'AddMember':
    case 'DeleteMember': {
      const memberships: { role: MemberRole; members: MemberRef[] }[] = [];
      for (const m of children(child(b, 'memberships'), 'Membership')) {
        const role = textAt(m, 'MemberRole');
        if (role === undefined || !ROLES.has(role)) return codecError('BAD_PAYLOAD', `${action}: unknown role ${role ?? '(none)'}`);
        const members: MemberRef[] = [];
        for (const x of children(child(m, 'Members'), 'Member')) {
          const email = (attr(x, 'type') ?? '').endsWith('EmailMember') || textAt(x, 'Type') === 'Email';
          const passportName = textAt(x, 'PassportName') ?? textAt(x, 'Email');
          const membershipId = textAt(x, 'MembershipId');
          if (!passportName && !membershipId) return codecError('BAD_PAYLOAD', `${action}: a member without PassportName, Email or MembershipId`);
          members.push({ ...(passportName ? { passportName } : {}), ...(membershipId ? { membershipId } : {}), ...(email ? { email } : {}) });
        }
        memberships.push({ role: role as MemberRole, members });
      }
      const checked = list(memberships.flatMap((m) => m.members.map((x) => x.passportName ?? x.membershipId ?? '')), 'members');
      return isCodecError(checked) ? checked : { header, action, memberships };
    }
    default:
      return codecError('BAD_PAYLOAD', `address book: unsupported action ${b.name}`);
  }
}

function path2(el: XmlElement | undefined, a: string, b: string): XmlElement | undefined {
  return child(child(el, a), b);
}

function idsOf(items: readonly XmlElement[], name: string): string[] {
  return items.map((c) => textAt(c, name) ?? '').filter((id) => id !== '');
}

function groupIdsOf(b: XmlElement): string[] {
  return children(path2(b, 'groupFilter', 'groupIds'), 'guid')
    .map((g) => text(g)?.trim() ?? '')
    .filter((id) => id !== '');
}

function readAnnotations(info: XmlElement | undefined): Record<string, string> | undefined {
  const list = child(info, 'annotations');
  if (list === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const a of childElements(list).filter((e) => e.local === 'Annotation')) {
    const name = textAt(a, 'Name');
    if (name) out[name] = textAt(a, 'Value') ?? '';
  }
  return out;
}
