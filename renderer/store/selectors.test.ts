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
  it('groups by group (sorted), online first with online/total counts, Offline group last', () => {
    expect(show(contactListRows(contacts, groups, opts))).toEqual([
      '[Friends 2/3]',
      'amy',
      'Bob',
      '[Work 1/1]',
      'Dan',
      '[Other Contacts 1/1]',
      'Eve',
      '[Offline 0/1]',
      'Carl',
    ]);
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
  });

  it('filters by name, address or personal message, ignoring collapsed groups', () => {
    expect(show(contactListRows(contacts, groups, { ...opts, filter: 'CAR', collapsed: { offline: true } }))).toEqual(['[Offline 0/1]', 'Carl']);
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
