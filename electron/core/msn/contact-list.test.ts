import { describe, expect, it } from 'vitest';
import { ContactList } from './contact-list';

function listWith(groups: Array<[string, string]>): ContactList {
  const list = new ContactList();
  for (const [id, name] of groups) list.groups.set(id, name);
  return list;
}

describe('ContactList group membership as shown', () => {
  it('shows an FL contact in no group in group 0 when group 0 is listed (MSNP7–9)', () => {
    const list = listWith([['0', 'Other Contacts'], ['1', 'Friends']]);
    const r = list.upsert('bob@example.com', 'Bob');
    list.setLists(r, { forward: true });
    expect(list.toContact(r).groupIds).toEqual(['0']);
    // The record keeps what the server said: leaving group 0 is then nothing to send.
    expect(r.groupIds).toEqual([]);
  });

  it('keeps real memberships as they are', () => {
    const list = listWith([['0', 'Other Contacts'], ['1', 'Friends']]);
    const r = list.upsert('bob@example.com', 'Bob');
    list.setLists(r, { forward: true });
    r.groupIds = ['1'];
    expect(list.toContact(r).groupIds).toEqual(['1']);
    r.groupIds = ['0', '1'];
    expect(list.toContact(r).groupIds).toEqual(['0', '1']);
  });

  it('leaves contacts ungrouped where no group 0 is listed (MSNP10+ GUID groups, before MSNP7)', () => {
    const list = listWith([['5f6e4c8e-1d36-4d3a-9cc7-9fd8f8a5f2a1', 'Friends']]);
    const r = list.upsert('bob@example.com', 'Bob');
    list.setLists(r, { forward: true });
    expect(list.toContact(r).groupIds).toEqual([]);
    expect(new ContactList().toContact(r).groupIds).toEqual([]);
  });

  it('puts no one in group 0 who is not on my contact list (only added me, or blocked)', () => {
    const list = listWith([['0', 'Other Contacts']]);
    const r = list.upsert('carol@example.com', 'Carol');
    list.setLists(r, { reverse: true });
    expect(list.toContact(r).groupIds).toEqual([]);
  });
});
