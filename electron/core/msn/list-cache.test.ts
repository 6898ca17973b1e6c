import { describe, expect, it } from 'vitest';
import { ContactList } from './contact-list';
import { usableCache, type CachedContactList } from './list-cache';

const good: CachedContactList = {
  dialect: 8,
  version: '42',
  contacts: [{ handle: 'bob@example.com', storedName: 'Bob', groupIds: ['0'], lists: { forward: true, allow: true, block: false, reverse: true, pending: false }, personalMessage: '', currentMedia: null }],
  groups: [{ id: '0', name: 'Friends' }],
  privacy: { visibility: 'all-but-blocked', promptOnAdd: true },
};

describe('usableCache: a cached list is used only when it can be trusted', () => {
  it('accepts a well-formed copy of the same dialect', () => {
    expect(usableCache(structuredClone(good), 8)).toEqual(good);
    expect(usableCache({ ...good, dialect: 11, version: '2006-01-01T00:00:00.0-08:00 2006-01-01T00:00:00.0-08:00' }, 11)).toBeDefined();
  });

  it('refuses another dialect, a stale or missing version, and damaged data', () => {
    expect(usableCache(good, 9)).toBeUndefined();
    expect(usableCache({ ...good, version: '0' }, 8)).toBeUndefined();
    expect(usableCache({ ...good, dialect: 11, version: '0' }, 11)).toBeUndefined();
    expect(usableCache({ ...good, version: '42 7' }, 8)).toBeUndefined();
    expect(usableCache(undefined, 8)).toBeUndefined();
    expect(usableCache('{"dialect":8}', 8)).toBeUndefined();
    expect(usableCache({ ...good, contacts: [{ handle: 'bob@example.com' }] }, 8)).toBeUndefined();
    expect(usableCache({ ...good, contacts: [{ ...good.contacts[0], lists: { forward: 'yes' } }] }, 8)).toBeUndefined();
    expect(usableCache({ ...good, groups: [{ id: 1, name: 'x' }] }, 8)).toBeUndefined();
    expect(usableCache({ ...good, privacy: { visibility: 'everyone', promptOnAdd: true } }, 8)).toBeUndefined();
  });
});

describe('ContactList versions (MSNP2–9, MSNP.md §4.3)', () => {
  it('follows one change at a time; a missed change makes the copy stale for good', () => {
    const l = new ContactList();
    l.version = '42';
    l.noteVersion(43);
    l.noteVersion(44);
    expect(l.toCache(8).version).toBe('44');
    l.noteVersion(46); // 45 never seen (a malformed push was skipped)
    expect(l.toCache(8).version).toBe('0');
    l.noteVersion(47);
    expect(l.toCache(8).version).toBe('0');
    l.clear(); // a new full sync starts afresh
    l.version = '50';
    expect(l.toCache(8).version).toBe('50');
  });

  it('a push handled before the reply it followed (one TCP read) also makes it stale, never newer than its contents', () => {
    const l = new ContactList();
    l.version = '10';
    l.noteVersion(12);
    l.noteVersion(11);
    expect(l.toCache(8).version).toBe('0');
  });
});
