import { describe, expect, it } from 'vitest';
import type { AbContact, AddressBook, Memberships } from '../../../../shared/msnp';
import { abCacheOf, applyBookDelta, applyMembershipDelta, cachedAnswers, usableAbCache } from './cache';

const contact = (id: string, address: string, extra: Partial<AbContact> = {}): AbContact => ({ id, type: 'Regular', address, isMessengerUser: true, groupIds: [], annotations: {}, deleted: false, ...extra });
const none = { Allow: [], Block: [], Reverse: [], Pending: [] };
const memberships: Memberships = { type: 'memberships', roles: { ...none, Allow: [{ address: 'bob@x.com', type: 'Passport' }] }, lastChange: '2026-01-01T00:00:00.000Z' };
const book: AddressBook = {
  type: 'addressBook',
  groups: [{ id: 'g1', name: 'Friends', isFavorite: false }],
  contacts: [contact('c1', 'bob@x.com', { groupIds: ['g1'] }), contact('c2', 'carol@x.com')],
  me: contact('me', 'alice@x.com', { type: 'Me', annotations: { 'MSN.IM.BLP': '1' } }),
  lastChange: '2026-01-01T00:00:01.000Z',
};

describe('address-book cache (MSNP13-18.md §6.3, §6.4)', () => {
  it('keeps the parsed answers with their lastChange times and CacheKey, and gives them back', () => {
    const c = abCacheOf(memberships, book, 'key-1')!;
    expect(c).toMatchObject({ membershipsLastChange: memberships.lastChange, bookLastChange: book.lastChange, cacheKey: 'key-1' });
    // What a store hands back went through JSON.
    const back = usableAbCache(JSON.parse(JSON.stringify(c)));
    expect(back).toBeDefined();
    expect(cachedAnswers(back!)).toEqual({ memberships, book });
  });

  it('no lastChange, no cache (no delta could be asked)', () => {
    expect(abCacheOf({ ...memberships, lastChange: undefined }, book, undefined)).toBeUndefined();
    expect(abCacheOf(memberships, { ...book, lastChange: undefined }, undefined)).toBeUndefined();
  });

  it('applies a book delta: changed contacts replace theirs, fDeleted ones go, a new Me replaces the old', () => {
    const delta: AddressBook = {
      type: 'addressBook',
      groups: [],
      contacts: [contact('c2', 'carol@x.com', { deleted: true }), contact('c1', 'bob@x.com', { displayName: 'Bobby' }), contact('c3', 'dave@x.com')],
      me: contact('me', 'alice@x.com', { type: 'Me', annotations: { 'MSN.IM.BLP': '2' } }),
      lastChange: '2026-01-02T00:00:00.000Z',
    };
    const out = applyBookDelta(book, delta)!;
    expect(out.contacts.map((c) => [c.id, c.displayName])).toEqual([
      ['c1', 'Bobby'],
      ['c3', undefined],
    ]);
    expect(out.me?.annotations['MSN.IM.BLP']).toBe('2');
    expect(out.groups).toEqual(book.groups);
    expect(out.lastChange).toBe(delta.lastChange);
  });

  it('a delta that changes nothing gives the cached copy back as it was (its lastChange too)', () => {
    expect(applyMembershipDelta(memberships, { type: 'memberships', roles: none, lastChange: 'T2' })).toBe(memberships);
    expect(applyBookDelta(book, { type: 'addressBook', groups: [], contacts: [], lastChange: 'T2' })).toBe(book);
    // The Me contact as cached (our server sends it after every sign-in's PRP MFN): no change.
    expect(applyBookDelta(book, { type: 'addressBook', groups: [], contacts: [], me: structuredClone(book.me), lastChange: 'T2' })).toBe(book);
    const renamed = applyBookDelta(book, { type: 'addressBook', groups: [], contacts: [], me: { ...book.me!, displayName: 'Al' }, lastChange: 'T2' });
    expect(renamed).not.toBe(book);
    expect(renamed).toMatchObject({ me: { displayName: 'Al' }, lastChange: 'T2', contacts: book.contacts });
    // Members without the lastChange to ask the next delta from: read in full.
    expect(applyMembershipDelta(memberships, { type: 'memberships', roles: { ...none, Block: [{ address: 'eve@x.com', type: 'Passport' }] } })).toBeUndefined();
  });

  it('applies a membership delta: listed members join or replace theirs by address, Deleted ones leave the role', () => {
    const cached: Memberships = { type: 'memberships', roles: { ...none, Allow: [{ address: 'bob@x.com', type: 'Passport' }, { address: 'carol@x.com', type: 'Passport' }], Reverse: [{ address: 'bob@x.com', type: 'Passport' }] }, lastChange: 'T1' };
    const out = applyMembershipDelta(cached, {
      type: 'memberships',
      roles: { ...none, Block: [{ address: 'Carol@x.com', type: 'Passport', lastChanged: 'T2' }], Pending: [{ address: 'eve@x.com', type: 'Passport', displayName: 'Eve', lastChanged: 'T2' }], Reverse: [{ address: 'eve@x.com', type: 'Passport' }] },
      deleted: { ...none, Allow: [{ address: 'CAROL@x.com', type: 'Passport' }, { address: 'nobody@x.com', type: 'Passport' }], Reverse: [{ address: 'bob@x.com', type: 'Passport' }] },
      lastChange: 'T2',
    });
    expect(out).toEqual({
      type: 'memberships',
      roles: {
        Allow: [{ address: 'bob@x.com', type: 'Passport' }],
        Block: [{ address: 'Carol@x.com', type: 'Passport' }],
        Reverse: [{ address: 'eve@x.com', type: 'Passport' }],
        Pending: [{ address: 'eve@x.com', type: 'Passport', displayName: 'Eve' }],
      },
      lastChange: 'T2',
    });
  });

  it('applies a book delta with groups: changed ones replace theirs, fDeleted ones go and leave their contacts', () => {
    const out = applyBookDelta(book, { type: 'addressBook', groups: [{ id: 'g2', name: 'Work', isFavorite: false }], deletedGroups: ['g1', 'unknown'], contacts: [], lastChange: 'T2' });
    expect(out?.groups).toEqual([{ id: 'g2', name: 'Work', isFavorite: false }]);
    expect(out?.contacts.map((c) => [c.id, c.groupIds])).toEqual([
      ['c1', []],
      ['c2', []],
    ]);
    expect(out?.lastChange).toBe('T2');
    const renamed = applyBookDelta(book, { type: 'addressBook', groups: [{ id: 'g1', name: 'Best friends', isFavorite: true }], contacts: [], lastChange: 'T3' });
    expect(renamed?.groups).toEqual([{ id: 'g1', name: 'Best friends', isFavorite: true }]);
    expect(renamed?.contacts).toBe(book.contacts);
  });

  it('refuses anything damaged', () => {
    const good = JSON.parse(JSON.stringify(abCacheOf(memberships, book, undefined))) as Record<string, unknown>;
    const bad: unknown[] = [
      undefined,
      null,
      [],
      'x',
      { ...good, membershipsLastChange: 'not a time' },
      { ...good, bookLastChange: '2026-01-01 00:00' },
      { ...good, cacheKey: 5 },
      { ...good, roles: { ...none, Allow: undefined } },
      { ...good, roles: { ...none, Allow: [{ address: 1, type: 'Passport' }] } },
      { ...good, groups: [{ id: 'g', name: 'n' }] },
      { ...good, contacts: [{ ...contact('c', 'a@b.c'), annotations: { x: 1 } }] },
      { ...good, contacts: [{ ...contact('c', 'a@b.c'), groupIds: 'g1' }] },
      { ...good, me: 'me' },
    ];
    for (const b of bad) expect(usableAbCache(b)).toBeUndefined();
    expect(usableAbCache(good)).toBeDefined();
  });
});
