/**
 * Derived views of the store, as pure functions (memoised in components with useMemo over the
 * slices they read).
 */
import { displayName, isOnline, type Contact, type ContactStatus, type Group, type Participant } from '../../shared/model';
import { DEFAULT_CONTACT_LIST_VIEW, typingNow, type ContactListView, type Preferences, type ConversationState } from '../../shared/ipc';
import type { UiSlice } from './ui-slice';

export type ListRow =
  | {
      readonly kind: 'group';
      readonly key: string;
      readonly title: string;
      readonly online: number;
      readonly total: number;
      readonly collapsed: boolean;
      /** The real group behind the header, for rename/delete; null for Online/Offline/Other. */
      readonly groupId: string | null;
      /** Show "(online/total)" (real groups) or "(n)" (Online, Offline). */
      readonly countStyle: 'ratio' | 'count';
    }
  | { readonly kind: 'contact'; readonly key: string; readonly contact: Contact; readonly groupId: string | null };

export const UNGROUPED_KEY = 'ungrouped';
export const OFFLINE_KEY = 'offline';
export const ONLINE_KEY = 'online';

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Status order for "sort by status" within the Online group. */
const STATUS_RANK: Readonly<Record<ContactStatus, number>> = {
  online: 0,
  busy: 1,
  phone: 2,
  brb: 3,
  away: 4,
  lunch: 5,
  idle: 6,
  offline: 7,
};

export function matchesFilter(c: Contact, needle: string): boolean {
  if (needle === '') return true;
  return (
    c.friendlyName.toLowerCase().includes(needle) ||
    c.handle.includes(needle) ||
    c.personalMessage.toLowerCase().includes(needle)
  );
}

/**
 * Sorts by name. Keys are computed once per contact (not once per comparison) and compared as
 * lower-case strings; the locale-aware collator only breaks ties between equal keys, which keeps
 * sorting 5,000 contacts to a few milliseconds (bench/renderer.bench.ts).
 */
function sortByName(list: Contact[]): Contact[] {
  const keyed = list.map((c) => ({ c, key: displayName(c).toLocaleLowerCase() }));
  keyed.sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : collator.compare(displayName(a.c), displayName(b.c)) || (a.c.handle < b.c.handle ? -1 : 1),
  );
  return keyed.map((k) => k.c);
}

type ListOptions = Pick<UiSlice, 'collapsed' | 'filter'> & ContactListView;

/**
 * The contact list as flat rows (headers and contacts) for a virtualised list. Only people on my
 * contact (forward) list appear. By group, as MSN 7.5 listed them: each group with everyone in
 * it, online first and offline after them (greyed by the row), and an "online/total" count; the
 * people in no group under "Other Contacts", last. By status: Online, then Offline last (UI.md).
 * Hiding offline contacts hides their rows (a group's count still says how many it has). A
 * filter shows every match, offline or not, and ignores collapsed groups.
 */
/** The signed-in account's contact list view (the default until the backend has sent it). */
export function contactListView(preferences: Preferences | null): ContactListView {
  return preferences?.contactList ?? DEFAULT_CONTACT_LIST_VIEW;
}

export function contactListRows(
  contacts: Readonly<Record<string, Contact>>,
  groups: readonly Group[],
  opts: ListOptions,
): ListRow[] {
  const needle = opts.filter.trim().toLowerCase();
  const filtering = needle !== '';
  const showOffline = opts.showOffline || filtering;
  const isCollapsed = (key: string) => !filtering && opts.collapsed[key] === true;
  const listed: Contact[] = [];
  for (const c of Object.values(contacts)) if (c.lists.forward) listed.push(c);
  const visible = filtering ? listed.filter((c) => matchesFilter(c, needle)) : listed;
  const rows: ListRow[] = [];

  const section = (
    key: string,
    title: string,
    members: Contact[],
    total: number,
    groupId: string | null,
    countStyle: 'ratio' | 'count',
    online: number,
  ) => {
    if (filtering && members.length === 0) return;
    const collapsed = isCollapsed(key);
    rows.push({ kind: 'group', key: `g:${key}`, title, online, total, collapsed, groupId, countStyle });
    if (collapsed) return;
    for (const c of members) rows.push({ kind: 'contact', key: `${key}:${c.handle}`, contact: c, groupId });
  };

  if (opts.sortBy === 'status') {
    // A stable sort by status keeps the name order within each status.
    const online = sortByName(visible.filter((c) => isOnline(c.status))).sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status]);
    section(ONLINE_KEY, 'Online', online, online.length, null, 'count', online.length);
    if (showOffline) {
      const offline = sortByName(visible.filter((c) => !isOnline(c.status)));
      section(OFFLINE_KEY, 'Offline', offline, offline.length, null, 'count', 0);
    }
    return rows;
  }

  const members = new Map<string, Contact[]>();
  const totals = new Map<string, { online: number; total: number }>();
  const visibleSet = filtering ? new Set(visible) : null;
  const groupIds = new Set(groups.map((g) => g.id));
  const add = (key: string, c: Contact) => {
    const t = totals.get(key) ?? { online: 0, total: 0 };
    t.total += 1;
    if (isOnline(c.status)) t.online += 1;
    totals.set(key, t);
    if ((visibleSet === null || visibleSet.has(c)) && (showOffline || isOnline(c.status))) {
      const list = members.get(key) ?? [];
      list.push(c);
      members.set(key, list);
    }
  };
  for (const c of listed) {
    const ids = c.groupIds.filter((g) => groupIds.has(g));
    if (ids.length === 0) add(UNGROUPED_KEY, c);
    else for (const g of ids) add(g, c);
  }
  // Online first, then offline; by name within each.
  const ordered = (list: Contact[] | undefined): Contact[] => {
    const sorted = sortByName(list ?? []);
    return [...sorted.filter((c) => isOnline(c.status)), ...sorted.filter((c) => !isOnline(c.status))];
  };
  const sortedGroups = [...groups].sort((a, b) => collator.compare(a.name, b.name));
  for (const g of sortedGroups) {
    const t = totals.get(g.id) ?? { online: 0, total: 0 };
    section(g.id, g.name, ordered(members.get(g.id)), t.total, g.id, 'ratio', t.online);
  }
  const other = totals.get(UNGROUPED_KEY);
  if (other) section(UNGROUPED_KEY, 'Other Contacts', ordered(members.get(UNGROUPED_KEY)), other.total, null, 'ratio', other.online);
  return rows;
}

/** The name to show for a handle: the contact's current name, else the participant's, else the handle. */
export function nameFor(handle: string, contacts: Readonly<Record<string, Contact>>, fallback?: string): string {
  const c = contacts[handle];
  if (c) return displayName(c);
  return fallback && fallback.trim() !== '' ? fallback : handle;
}

export function statusFor(handle: string, contacts: Readonly<Record<string, Contact>>): ContactStatus {
  return contacts[handle]?.status ?? 'online';
}

/** "Alice is typing a message..." / "Alice and Bob are typing..." or null. */
export function typingLine(c: ConversationState, contacts: Readonly<Record<string, Contact>>, now: number): string | null {
  const names = typingNow(c, now).map((h) => nameFor(h, contacts, c.conversation.participants.find((p) => p.handle === h)?.friendlyName));
  if (names.length === 0) return null;
  if (names.length === 1) return `${names[0]} is typing a message...`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing...`;
}

/** Conversations worth showing (open, or with something in them), newest activity first. */
export function visibleConversations(all: Readonly<Record<string, ConversationState>>): ConversationState[] {
  return Object.values(all)
    .filter((c) => c.open || c.entries.length > 0)
    .sort((a, b) => b.lastActivity - a.lastActivity);
}

/**
 * Who the conversation is with: those in it, or, before anyone has joined, those it was opened
 * with (named from the first moment, as the classic client did).
 */
export function conversationPeople(c: ConversationState): readonly Participant[] {
  const { participants, invited } = c.conversation;
  if (participants.length > 0 || !invited) return participants;
  return invited.map((handle) => ({ handle, friendlyName: '' }));
}

/**
 * The browser client's tabs: open conversations (and the one in front, even once ended) in the
 * order they started, so a message arriving never moves a tab (unread marks say where it went).
 */
export function tabConversations(all: Readonly<Record<string, ConversationState>>, active: string | null): ConversationState[] {
  return Object.values(all)
    .filter((c) => c.open || c.conversation.id === active)
    .sort((a, b) => a.conversation.startedAt - b.conversation.startedAt || (a.conversation.id < b.conversation.id ? -1 : 1));
}

export function conversationTitle(c: ConversationState, contacts: Readonly<Record<string, Contact>>): string {
  const names = conversationPeople(c).map((p) => nameFor(p.handle, contacts, p.friendlyName));
  return names.length === 0 ? 'Conversation' : names.join(', ');
}
