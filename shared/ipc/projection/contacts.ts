/**
 * The contacts slice: every handle on any of my lists, my groups, and the people who added me and
 * wait for my answer ("2 people added you to their list").
 */
import type { Contact, Group } from '../../model';
import type { AppEvent } from '../events';

export interface AddRequest {
  readonly handle: string;
  readonly friendlyName: string;
}

export interface ContactsSlice {
  /** By handle (lower case). Includes people on my allow/block/reverse lists only. */
  readonly contacts: Readonly<Record<string, Contact>>;
  readonly groups: readonly Group[];
  /** In arrival order. */
  readonly addRequests: readonly AddRequest[];
}

export const initialContacts: ContactsSlice = { contacts: {}, groups: [], addRequests: [] };

/** Someone is waiting for my decision: on the pending list, and neither allowed nor blocked yet. */
function awaitsDecision(c: Contact): boolean {
  return c.lists.pending && !c.lists.allow && !c.lists.block;
}

function withContact(s: ContactsSlice, c: Contact): ContactsSlice {
  const contacts = { ...s.contacts, [c.handle]: c };
  const listed = s.addRequests.some((r) => r.handle === c.handle);
  let addRequests = s.addRequests;
  if (awaitsDecision(c) && !listed) addRequests = [...addRequests, { handle: c.handle, friendlyName: c.friendlyName }];
  else if (!awaitsDecision(c) && listed) addRequests = addRequests.filter((r) => r.handle !== c.handle);
  return { ...s, contacts, addRequests };
}

export function reduceContacts(s: ContactsSlice, e: AppEvent): ContactsSlice {
  switch (e.type) {
    case 'contact-list.synced': {
      const contacts: Record<string, Contact> = {};
      for (const c of e.contacts) contacts[c.handle] = c;
      const addRequests = e.contacts.filter(awaitsDecision).map((c) => ({ handle: c.handle, friendlyName: c.friendlyName }));
      return { contacts, groups: e.groups, addRequests };
    }
    case 'presence.changed': {
      const c = s.contacts[e.handle];
      if (!c) return s;
      return { ...s, contacts: { ...s.contacts, [e.handle]: { ...c, status: e.status, friendlyName: e.friendlyName } } };
    }
    case 'personal-message.changed': {
      const c = s.contacts[e.handle];
      if (!c) return s;
      const next = { ...c, personalMessage: e.personalMessage, currentMedia: e.currentMedia };
      return { ...s, contacts: { ...s.contacts, [e.handle]: next } };
    }
    case 'contact.added':
    case 'contact.updated':
      return withContact(s, e.contact);
    case 'contact.removed': {
      if (!s.contacts[e.handle] && !s.addRequests.some((r) => r.handle === e.handle)) return s;
      const { [e.handle]: _gone, ...rest } = s.contacts;
      return { ...s, contacts: rest, addRequests: s.addRequests.filter((r) => r.handle !== e.handle) };
    }
    case 'contact.added-me': {
      if (!e.needsDecision || s.addRequests.some((r) => r.handle === e.handle)) return s;
      return { ...s, addRequests: [...s.addRequests, { handle: e.handle, friendlyName: e.friendlyName }] };
    }
    case 'contact.removed-me': {
      if (!s.addRequests.some((r) => r.handle === e.handle)) return s;
      return { ...s, addRequests: s.addRequests.filter((r) => r.handle !== e.handle) };
    }
    case 'group.added':
      return { ...s, groups: [...s.groups.filter((g) => g.id !== e.group.id), e.group] };
    case 'group.renamed':
      return { ...s, groups: s.groups.map((g) => (g.id === e.group.id ? e.group : g)) };
    case 'group.removed': {
      const contacts: Record<string, Contact> = {};
      for (const [h, c] of Object.entries(s.contacts)) {
        contacts[h] = c.groupIds.includes(e.groupId) ? { ...c, groupIds: c.groupIds.filter((g) => g !== e.groupId) } : c;
      }
      return { ...s, contacts, groups: s.groups.filter((g) => g.id !== e.groupId) };
    }
    default:
      return s;
  }
}
