import { describe, expect, it } from 'vitest';
import { NO_LISTS, type Contact, type Group } from '../../shared/model';
import { contactListRows, type ListRow } from './selectors';

const c = (handle: string, name: string, status: Contact['status'], groupIds: string[] = [], patch: Partial<Contact> = {}): Contact => ({
  handle,
  friendlyName: name,
  personalMessage: '',
  currentMedia: null,
  status,
  groupIds,
  lists: { ...NO_LISTS, forward: true, allow: true },
  ...patch,
});

const groups: Group[] = [
  { id: 'g2', name: 'Work' },
  { id: 'g1', name: 'Friends' },
];
const contacts: Record<string, Contact> = Object.fromEntries(
  [
    c('bob@x', 'Bob', 'online', ['g1']),
    c('amy@x', 'amy', 'away', ['g1']),
    c('carl@x', 'Carl', 'offline', ['g1']),
    c('dan@x', 'Dan', 'busy', ['g2']),
    c('eve@x', 'Eve', 'online'),
    c('pending@x', 'P', 'online', [], { lists: { ...NO_LISTS, reverse: true, pending: true } }),
  ].map((x) => [x.handle, x]),
);

const opts = { sortBy: 'group' as const, showOffline: true, collapsed: {}, filter: '' };
const show = (rows: ListRow[]) => rows.map((r) => (r.kind === 'group' ? `[${r.title} ${r.online}/${r.total}]` : r.contact.friendlyName));

describe('contact list rows', () => {
  it('groups by group (sorted): everyone in their group, online first then offline, online/total counts; no Offline group', () => {
    expect(show(contactListRows(contacts, groups, opts))).toEqual([
      '[Friends 2/3]',
      'amy',
      'Bob',
      'Carl',
      '[Work 1/1]',
      'Dan',
      '[Other Contacts 1/1]',
      'Eve',
    ]);
  });

  it('lists an offline contact in no group under Other Contacts, never an empty group (0/1) and the contact elsewhere', () => {
    const one = { 'zed@x': c('zed@x', 'Zed', 'offline') };
    expect(show(contactListRows(one, [], opts))).toEqual(['[Other Contacts 0/1]', 'Zed']);
    expect(show(contactListRows(one, [], { ...opts, sortBy: 'status' }))).toEqual(['[Online 0/0]', '[Offline 0/1]', 'Zed']);
  });

  it('every row shown under a group header is counted in it', () => {
    for (const sortBy of ['group', 'status'] as const) {
      const rows = contactListRows(contacts, groups, { ...opts, sortBy });
      rows.forEach((r, i) => {
        if (r.kind !== 'group') return;
        const next = rows.slice(i + 1);
        const end = next.findIndex((x) => x.kind === 'group');
        const shown = (end < 0 ? next : next.slice(0, end)) as Extract<ListRow, { kind: 'contact' }>[];
        expect(shown.length, r.title).toBe(r.total);
        expect(shown.filter((x) => x.contact.status !== 'offline').length, r.title).toBe(r.online);
      });
    }
  });

  it('sorts by status into Online and Offline', () => {
    expect(show(contactListRows(contacts, groups, { ...opts, sortBy: 'status' }))).toEqual([
      '[Online 4/4]',
      'Bob',
      'Eve',
      'Dan',
      'amy',
      '[Offline 0/1]',
      'Carl',
    ]);
  });

  it('collapses groups and hides offline contacts on request', () => {
    const rows = contactListRows(contacts, groups, { ...opts, collapsed: { g1: true }, showOffline: false });
    expect(show(rows)).toEqual(['[Friends 2/3]', '[Work 1/1]', 'Dan', '[Other Contacts 1/1]', 'Eve']);
    const open = contactListRows(contacts, groups, { ...opts, showOffline: false });
    expect(show(open)).toEqual(['[Friends 2/3]', 'amy', 'Bob', '[Work 1/1]', 'Dan', '[Other Contacts 1/1]', 'Eve']);
    expect(show(contactListRows(contacts, groups, { ...opts, sortBy: 'status', showOffline: false }))).toEqual(['[Online 4/4]', 'Bob', 'Eve', 'Dan', 'amy']);
  });

  it('filters by name, address or personal message, ignoring collapsed groups', () => {
    expect(show(contactListRows(contacts, groups, { ...opts, filter: 'CAR', collapsed: { g1: true } }))).toEqual(['[Friends 2/3]', 'Carl']);
    expect(show(contactListRows(contacts, groups, { ...opts, filter: 'CAR', showOffline: false }))).toEqual(['[Friends 2/3]', 'Carl']);
    expect(show(contactListRows(contacts, groups, { ...opts, sortBy: 'status', filter: 'CAR', collapsed: { offline: true } }))).toEqual(['[Offline 0/1]', 'Carl']);
    expect(show(contactListRows(contacts, groups, { ...opts, filter: 'dan@', collapsed: { g2: true } }))).toEqual(['[Work 1/1]', 'Dan']);
  });

  it('shows a contact in each of its groups with a key of its own', () => {
    const both = { ...contacts, 'bob@x': c('bob@x', 'Bob', 'online', ['g1', 'g2']) };
    const rows = contactListRows(both, groups, opts);
    const bobs = rows.filter((r) => r.kind === 'contact' && r.contact.handle === 'bob@x');
    expect(bobs).toHaveLength(2);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });
});
