/**
 * ListManager over an asynchronous store: one account's writes commit in the order they were
 * made, concurrent operations on an offline account share one copy, and a write the store could
 * not take is not acknowledged and leaves memory as the store has it.
 */
import { describe, expect, it } from 'vitest';
import { LIST_BITS } from '../../shared/msnp/index';
import { openSqliteStore } from '../store/sqlite-store';
import { StoreUnavailableError, type AccountWrite, type Store, type UserRecord } from '../store/store';
import { ContactService } from './contacts';
import { ListManager } from './lists';
import { PresenceHub } from './presence';

const creds = { passwordHash: 'scrypt$x', md5Secret: undefined };

/** SQLite underneath; account writes can be held back or refused, as a networked store's can. */
function controlledStore(): { store: Store; held: Array<() => void>; committed: string[]; setDown: (down: boolean) => void; hold: (on: boolean) => void } {
  const inner = openSqliteStore(undefined);
  const held: Array<() => void> = [];
  const committed: string[] = [];
  let down = false;
  let holding = false;
  const unavailable = (): never => {
    throw new StoreUnavailableError('store down (test)');
  };
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'applyAccountChanges') {
        return async (user: UserRecord, writes: readonly AccountWrite[]) => {
          if (down) unavailable();
          if (holding) await new Promise<void>((resolve) => held.push(resolve));
          // What the write carries is read when it runs, as a real store's would be.
          committed.push(`${user.handle}:${writes.map((w) => (w.kind === 'contact' ? `${w.contact.handle}=${w.contact.lists}` : w.kind)).join(',')}`);
          return target.applyAccountChanges(user, writes);
        };
      }
      if (key === 'loadAccount') {
        return async (handle: string) => {
          if (down) unavailable();
          return target.loadAccount(handle);
        };
      }
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store, held, committed, setDown: (d) => (down = d), hold: (h) => (holding = h) };
}

async function setup() {
  const c = controlledStore();
  for (const h of ['a@x.com', 'b@x.com', 'c@x.com']) await c.store.createUser({ handle: h, friendlyName: h, credentials: creds, now: 1 });
  const lists = new ListManager(c.store, () => 1);
  const contacts = new ContactService(lists, new PresenceHub(lists));
  return { ...c, lists, contacts };
}

describe('ListManager on an asynchronous store', () => {
  it("commits one account's edits in the order they were made, each settling only once written", async () => {
    const { store, lists, hold, held, committed } = await setup();
    const a = (await lists.acquire('a@x.com'))!;
    hold(true);
    let firstDone = false;
    const first = lists.addToList(a, 'AL', 'b@x.com', 'b@x.com', undefined, false).then(() => (firstDone = true));
    const second = lists.addGroup(a, 'Friends');
    await new Promise((r) => setTimeout(r, 5));
    // The first write is held: nothing is acknowledged, and the second waits behind it.
    expect(firstDone).toBe(false);
    expect(held).toHaveLength(1);
    hold(false);
    held.shift()?.();
    await Promise.all([first, second]);
    // Each with its change-journal row, in the same transaction.
    expect(committed).toEqual([`a@x.com:b@x.com=${LIST_BITS.AL},ab-change`, 'a@x.com:group,ab-change']);
    const stored = (await store.loadAccount('a@x.com'))!;
    expect(stored.user.listVersion).toBe(a.user.listVersion);
    expect(stored.groups.map((g) => g.name)).toEqual(['~', 'Friends']);
  });

  it("two users adding the same offline user at once share its copy: both reverse entries and both version bumps are kept", async () => {
    const { store, lists, contacts, hold, held } = await setup();
    const a = (await lists.acquire('a@x.com'))!;
    const b = (await lists.acquire('b@x.com'))!;
    const before = (await store.getUser('c@x.com'))!.listVersion;
    hold(true);
    const adds = [contacts.add(a, 'FL', 'c@x.com', 'c', undefined, false), contacts.add(b, 'FL', 'c@x.com', 'c', undefined, false)];
    // Release held writes as they come until both adds have settled.
    let settled = false;
    const all = Promise.all(adds).then(() => (settled = true));
    while (!settled) {
      held.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    await all;
    hold(false);
    const c = (await store.loadAccount('c@x.com'))!;
    expect(c.contacts.map((e) => e.handle).sort()).toEqual(['a@x.com', 'b@x.com']);
    expect(c.user.listVersion).toBe(before + 2);
    // Nobody holds c's copy any more.
    expect(lists.peek('c@x.com')).toBeUndefined();
  });

  it('a write the store refuses is not acknowledged; memory goes back to what the store has before the next edit', async () => {
    const { store, lists, setDown } = await setup();
    const a = (await lists.acquire('a@x.com'))!;
    await lists.addToList(a, 'AL', 'b@x.com', 'b@x.com', undefined, false);
    const version = a.user.listVersion;
    setDown(true);
    await expect(lists.addToList(a, 'BL', 'c@x.com', 'c@x.com', undefined, false)).rejects.toThrow(StoreUnavailableError);
    // Still down: the next edit cannot reload and fails too, without touching memory further.
    await expect(lists.addGroup(a, 'G')).rejects.toThrow(StoreUnavailableError);
    setDown(false);
    // Back: the edit first takes the store's copy (no c@x.com on BL), then applies.
    await lists.addToList(a, 'FL', 'c@x.com', 'c', undefined, false);
    expect(a.contacts.get('c@x.com')?.lists).toBe(LIST_BITS.FL);
    expect(a.user.listVersion).toBe(version + 1);
    const stored = (await store.loadAccount('a@x.com'))!;
    expect(stored.contacts.find((c) => c.handle === 'c@x.com')?.lists).toBe(LIST_BITS.FL);
    expect(stored.user.listVersion).toBe(a.user.listVersion);
  });
});

describe('settings that do not change', () => {
  it('setting my friendly name to the one I have commits nothing and moves no stamp (clients send PRP MFN at every sign-in)', async () => {
    const { store, committed } = controlledStore();
    await store.createUser({ handle: 'same@example.com', friendlyName: 'Same', credentials: creds, now: 1_000 });
    let now = 5_000;
    const lists = new ListManager(store, () => now);
    const me = (await lists.acquire('same@example.com'))!;
    const { settingsStamp, listVersion } = me.user;
    now = 9_000;
    await lists.setFriendlyName(me, 'Same');
    expect(me.user).toMatchObject({ settingsStamp, listVersion });
    expect(committed).toEqual([]);
    await lists.setFriendlyName(me, 'Other');
    expect(me.user.settingsStamp).toBe(9_000);
    expect(committed).toHaveLength(1);
  });
});

describe('the change journal behind address-book deltas', () => {
  it('records every entry and group a list change writes or deletes, and beyond its bound forgets the oldest and moves historySince', async () => {
    const { store } = controlledStore();
    await store.createUser({ handle: 'j@example.com', friendlyName: 'J', credentials: creds, now: 1_000 });
    let now = 10_000;
    const lists = new ListManager(store, () => now, 3);
    const me = (await lists.acquire('j@example.com'))!;
    const stampOf = (guid: string | undefined) => [...me.changes.values()].find((c) => c.guid === guid)?.changedAt;
    const b = (await lists.addToList(me, 'FL', 'b@example.com', 'B', undefined, false)).entry;
    now = 10_010;
    const g = await lists.addGroup(me, 'Work');
    now = 10_020;
    await lists.removeFromList(me, 'FL', 'b@example.com', undefined); // no list left: the entry is deleted
    expect(me.contacts.has('b@example.com')).toBe(false);
    expect(stampOf(b.guid)).toBe(10_020);
    expect(me.changedSince(10_010).map((c) => [c.kind, c.handle])).toEqual([['contact', 'b@example.com']]);
    now = 10_030;
    await lists.removeGroup(me, g.id);
    expect(stampOf(g.guid)).toBe(10_030);
    // A settings change is no list change: no row (the Me contact has the settings stamp).
    now = 10_040;
    await lists.setFriendlyName(me, 'J2');
    expect(me.changes.size).toBe(2);
    // The stamps are one rising sequence: a list change in the same millisecond comes after it.
    const c = (await lists.addToList(me, 'AL', 'c@example.com', 'C', undefined, false)).entry;
    expect(stampOf(c.guid)).toBeGreaterThan(me.user.settingsStamp - 1);
    expect(me.user.listStamp).toBeGreaterThan(me.user.settingsStamp);
    expect(me.user.historySince).toBe(0);
    // A fourth row is one too many for a bound of 3: the oldest (b, 10 020) goes, history starts there.
    now = 10_050;
    await lists.addToList(me, 'AL', 'd@example.com', 'D', undefined, false);
    expect(me.changes.size).toBe(3);
    expect(me.user.historySince).toBe(10_020);
    expect(stampOf(b.guid)).toBeUndefined();
    // The store has the same journal and history.
    lists.release('j@example.com');
    const stored = (await store.loadAccount('j@example.com'))!;
    expect(stored.user.historySince).toBe(10_020);
    expect(stored.changes.map((x) => x.guid)).toEqual([...me.changes.values()].map((x) => x.guid));
  });
});
