/**
 * Contact lists, groups, privacy settings and properties (MSNP.md §4), protocol-free.
 *
 * `ListManager` owns the in-memory copies: an account is loaded when its owner signs in
 * (`acquire`) and dropped when they leave (`release`); an offline user's account is loaded for
 * one operation and written straight back. Every mutation is one store transaction and bumps the
 * owner's versions (MSNP.md §4.3). Who gets told about a change is contacts.ts's business.
 */
import { randomUUID } from 'node:crypto';
import { LIST_BITS, MAX_FORWARD_LIST, MAX_GROUPS } from '../../shared/msnp/index';
import type { AccountData, ContactRecord, GroupRecord, Privacy, Store, UserRecord } from '../store/store';
import { fail } from './errors';

/** The stored records the MSNP front reads (it reaches the store only through the core). */
export type { ContactRecord, GroupRecord } from '../store/store';

export type EditableList = 'FL' | 'AL' | 'BL';

export class Account {
  readonly user: UserRecord;
  readonly contacts = new Map<string, ContactRecord>();
  readonly groups = new Map<number, GroupRecord>();
  readonly properties: Map<string, string>;

  constructor(data: AccountData) {
    this.user = data.user;
    for (const c of data.contacts) this.contacts.set(c.handle, c);
    for (const g of data.groups) this.groups.set(g.id, g);
    this.properties = data.properties;
  }

  get handle(): string {
    return this.user.handle;
  }

  contactByGuid(guid: string): ContactRecord | undefined {
    for (const c of this.contacts.values()) if (c.guid === guid) return c;
    return undefined;
  }

  groupByGuid(guid: string): GroupRecord | undefined {
    for (const g of this.groups.values()) if (g.guid === guid) return g;
    return undefined;
  }

  count(bit: number): number {
    let n = 0;
    for (const c of this.contacts.values()) if (c.lists & bit) n++;
    return n;
  }

  /**
   * May `watcher` see my presence and invite me (MSNP.md §4.2)? `W ∈ AL`, or `BLP = AL` and
   * `W ∉ BL`.
   */
  allows(watcher: string): boolean {
    const c = this.contacts.get(watcher);
    if (c !== undefined) {
      if (c.lists & LIST_BITS.AL) return true;
      if (c.lists & LIST_BITS.BL) return false;
    }
    return this.user.blp === 'AL';
  }
}

const LIST_BIT: Record<EditableList, number> = { FL: LIST_BITS.FL, AL: LIST_BITS.AL, BL: LIST_BITS.BL };

export class ListManager {
  private readonly pinned = new Map<string, { account: Account; pins: number }>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads and pins an account for a signed-in session. */
  acquire(handle: string): Account | undefined {
    const p = this.pinned.get(handle);
    if (p !== undefined) {
      p.pins++;
      return p.account;
    }
    const data = this.store.loadAccount(handle);
    if (data === undefined) return undefined;
    const account = new Account(data);
    this.pinned.set(handle, { account, pins: 1 });
    return account;
  }

  release(handle: string): void {
    const p = this.pinned.get(handle);
    if (p === undefined) return;
    if (--p.pins <= 0) this.pinned.delete(handle);
  }

  /** The pinned (signed-in) account, if any. */
  peek(handle: string): Account | undefined {
    return this.pinned.get(handle)?.account;
  }

  /** The pinned account, or a transient copy loaded from the store. */
  load(handle: string): Account | undefined {
    const p = this.peek(handle);
    if (p !== undefined) return p;
    const data = this.store.loadAccount(handle);
    return data === undefined ? undefined : new Account(data);
  }

  exists(handle: string): boolean {
    return this.pinned.has(handle) || this.store.getUser(handle) !== undefined;
  }

  /** After an account is deleted: drop every cached entry pointing at it. */
  forget(handle: string, listedBy: readonly string[]): void {
    this.pinned.delete(handle);
    for (const owner of listedBy) this.peek(owner)?.contacts.delete(handle);
  }

  // ---- list edits -------------------------------------------------------------------------

  /**
   * Adds `contact` to one of my lists (MSNP.md §4.5). For FL with a group that the contact is
   * already in another group of, only the membership is added. Returns the stored entry and
   * whether the contact newly joined the list.
   */
  addToList(
    owner: Account,
    list: EditableList,
    contact: string,
    name: string,
    groupId: number | undefined,
    clearsPending: boolean,
  ): { entry: ContactRecord; newOnList: boolean } {
    const bit = LIST_BIT[list];
    let entry = owner.contacts.get(contact);
    if (groupId !== undefined && !owner.groups.has(groupId)) fail('no-such-group');
    if (entry !== undefined && entry.lists & bit) {
      if (list !== 'FL' || groupId === undefined || entry.groups.includes(groupId)) fail('already-there');
      entry.groups.push(groupId);
      this.commit(owner, 'list', () => this.store.saveContact(owner.user.id, entry as ContactRecord));
      return { entry, newOnList: false };
    }
    if (list === 'AL' && entry !== undefined && entry.lists & LIST_BITS.BL) fail('opposite-list');
    if (list === 'BL' && entry !== undefined && entry.lists & LIST_BITS.AL) fail('opposite-list');
    if (list === 'FL' && owner.count(LIST_BITS.FL) >= MAX_FORWARD_LIST) fail('list-full');
    if (entry === undefined) {
      entry = { handle: contact, lists: 0, name, guid: randomUUID(), groups: [] };
      owner.contacts.set(contact, entry);
    }
    entry.lists |= bit;
    if (list === 'FL') {
      entry.name = name;
      entry.groups = groupId === undefined ? [] : [groupId];
    }
    if (clearsPending && list !== 'FL') entry.lists &= ~LIST_BITS.PL;
    const e = entry;
    this.commit(owner, 'list', () => this.store.saveContact(owner.user.id, e));
    return { entry: e, newOnList: true };
  }

  /** Removes from a list, or (FL with a group) only from that group (MSNP.md §4.5). */
  removeFromList(owner: Account, list: EditableList | 'PL', contact: string, groupId: number | undefined): ContactRecord {
    const bit = list === 'PL' ? LIST_BITS.PL : LIST_BIT[list];
    const entry = owner.contacts.get(contact);
    if (entry === undefined || !(entry.lists & bit)) fail('not-on-list');
    if (list === 'FL' && groupId !== undefined) {
      if (!owner.groups.has(groupId)) fail('no-such-group');
      const at = entry.groups.indexOf(groupId);
      if (at < 0) fail('not-in-group');
      entry.groups.splice(at, 1);
    } else {
      entry.lists &= ~bit;
      if (list === 'FL') entry.groups = [];
    }
    this.commit(owner, 'list', () => this.saveOrDrop(owner, entry));
    return entry;
  }

  /** The other side of an FL add: `watcher` lands on my RL (and PL, until I act on it; §4.6). */
  addReverse(owner: Account, watcher: string, watcherName: string): void {
    let entry = owner.contacts.get(watcher);
    if (entry !== undefined && entry.lists & LIST_BITS.RL) return;
    if (entry === undefined) {
      entry = { handle: watcher, lists: 0, name: watcherName, guid: randomUUID(), groups: [] };
      owner.contacts.set(watcher, entry);
    }
    entry.lists |= LIST_BITS.RL;
    // Someone already on my AL or BL has been decided on: no pending prompt.
    if (!(entry.lists & (LIST_BITS.AL | LIST_BITS.BL))) entry.lists |= LIST_BITS.PL;
    const e = entry;
    this.commit(owner, 'list', () => this.store.saveContact(owner.user.id, e));
  }

  /** `watcher` removed me from their FL: off my RL and PL. False when it was not there. */
  removeReverse(owner: Account, watcher: string): boolean {
    const entry = owner.contacts.get(watcher);
    if (entry === undefined || !(entry.lists & LIST_BITS.RL)) return false;
    entry.lists &= ~(LIST_BITS.RL | LIST_BITS.PL);
    this.commit(owner, 'list', () => this.saveOrDrop(owner, entry));
    return true;
  }

  /** The name stored for a contact in my lists (`REA` on a contact, `SBP MFN`). */
  renameContact(owner: Account, contact: string, name: string): void {
    const entry = owner.contacts.get(contact);
    if (entry === undefined) fail('not-on-list');
    entry.name = name;
    this.commit(owner, 'list', () => this.store.saveContact(owner.user.id, entry));
  }

  // ---- groups (MSNP.md §4.7) --------------------------------------------------------------

  addGroup(owner: Account, name: string): GroupRecord {
    if (owner.groups.size >= MAX_GROUPS) fail('too-many-groups');
    this.checkGroupNameFree(owner, name, undefined);
    let id = 1;
    while (owner.groups.has(id)) id++;
    const g: GroupRecord = { id, guid: randomUUID(), name };
    owner.groups.set(id, g);
    this.commit(owner, 'list', () => this.store.saveGroup(owner.user.id, g));
    return g;
  }

  renameGroup(owner: Account, id: number, name: string): GroupRecord {
    const g = owner.groups.get(id);
    if (g === undefined) fail('no-such-group');
    this.checkGroupNameFree(owner, name, id);
    g.name = name;
    this.commit(owner, 'list', () => this.store.saveGroup(owner.user.id, g));
    return g;
  }

  /**
   * Deletes a group. Its members stay on the FL without that group (msnp-wiki's "they lose their
   * FL entry" is unverified, MSNP.md §10.15; keeping them loses nothing).
   */
  removeGroup(owner: Account, id: number): void {
    if (id === 0) fail('cannot-remove-group-zero');
    if (!owner.groups.has(id)) fail('no-such-group');
    owner.groups.delete(id);
    const touched: ContactRecord[] = [];
    for (const c of owner.contacts.values()) {
      const at = c.groups.indexOf(id);
      if (at >= 0) {
        c.groups.splice(at, 1);
        touched.push(c);
      }
    }
    this.commit(owner, 'list', () => {
      this.store.deleteGroup(owner.user.id, id);
      for (const c of touched) this.store.saveContact(owner.user.id, c);
    });
  }

  // ---- settings and properties (MSNP.md §4.2, §4.8, §5.4) ----------------------------------

  setPrivacy(owner: Account, blp: Privacy): void {
    if (owner.user.blp === blp) fail('same-mode');
    owner.user.blp = blp;
    this.commit(owner, 'settings', () => {});
  }

  setAddPrompt(owner: Account, gtc: 'A' | 'N'): void {
    if (owner.user.gtc === gtc) fail('same-mode');
    owner.user.gtc = gtc;
    this.commit(owner, 'settings', () => {});
  }

  setProperty(owner: Account, key: string, value: string | undefined): void {
    if (value === undefined) owner.properties.delete(key);
    else owner.properties.set(key, value);
    this.commit(owner, 'settings', () => this.store.saveProperty(owner.user.id, key, value));
  }

  setFriendlyName(owner: Account, name: string): void {
    owner.user.friendlyName = name;
    this.commit(owner, 'settings', () => {});
  }

  // ---- internals --------------------------------------------------------------------------

  private checkGroupNameFree(owner: Account, name: string, except: number | undefined): void {
    const lower = name.toLowerCase();
    for (const g of owner.groups.values()) {
      if (g.id !== except && g.name.toLowerCase() === lower) fail('group-exists');
    }
  }

  private saveOrDrop(owner: Account, entry: ContactRecord): void {
    if (entry.lists === 0) {
      owner.contacts.delete(entry.handle);
      this.store.deleteContact(owner.user.id, entry.handle);
    } else {
      this.store.saveContact(owner.user.id, entry);
    }
  }

  /**
   * Bumps the versions (MSNP.md §4.3: every change bumps the MSNP2–9 integer; MSNP10+ keeps one
   * stamp for lists and one for settings) and writes the change and the user row atomically.
   */
  private commit(owner: Account, what: 'list' | 'settings', write: () => void): void {
    const u = owner.user;
    u.listVersion += 1;
    const now = this.now();
    if (what === 'list') u.listStamp = Math.max(now, u.listStamp + 1);
    else u.settingsStamp = Math.max(now, u.settingsStamp + 1);
    this.store.transaction(() => {
      write();
      this.store.saveUser(u);
    });
  }
}
