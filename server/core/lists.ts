/**
 * Contact lists, groups, privacy settings and properties (MSNP.md §4), protocol-free.
 *
 * `ListManager` owns the in-memory copies: an account is loaded when its owner signs in
 * (`acquire`) and dropped when they leave (`release`); an offline user's account is pinned the
 * same way for the length of one operation (`withAccount`). Every mutation is one store
 * transaction, queued behind the account's earlier ones, and bumps the owner's versions (MSNP.md
 * §4.3). Who gets told about a change is contacts.ts's business.
 */
import { randomUUID } from 'node:crypto';
import { LIST_BITS, MAX_FORWARD_LIST, MAX_GROUPS } from '../../shared/msnp/index';
import type { AbChange, AccountData, AccountWrite, ContactRecord, GroupRecord, Privacy, Store, UserRecord } from '../store/store';
import { fail } from './errors';

/** The stored records the MSNP front reads (it reaches the store only through the core). */
export type { AbChange, ContactRecord, GroupRecord } from '../store/store';

export type EditableList = 'FL' | 'AL' | 'BL';

/**
 * Journal rows kept per account (`AbChange`): beyond this the oldest go, and `historySince` moves
 * to the newest of them (a delta from before it is answered `FullSyncRequired`). One row per entry,
 * so an account reaches it only with that many entries changed or deleted since the oldest kept;
 * the forward list alone holds up to 600 (MSNP.md §8).
 */
export const MAX_AB_CHANGES = 2000;

export class Account {
  readonly user: UserRecord;
  readonly contacts = new Map<string, ContactRecord>();
  readonly groups = new Map<number, GroupRecord>();
  readonly properties: Map<string, string>;
  /** The change journal by `kind:guid`, oldest first (a change moves its entry to the end). */
  readonly changes = new Map<string, AbChange>();

  constructor(data: AccountData) {
    this.user = data.user;
    for (const c of data.contacts) this.contacts.set(c.handle, c);
    for (const g of data.groups) this.groups.set(g.id, g);
    this.properties = data.properties;
    for (const ch of data.changes) this.changes.set(`${ch.kind}:${ch.guid}`, ch);
  }

  /** Journal entries changed after `since` (epoch ms), oldest first. */
  changedSince(since: number): AbChange[] {
    const out: AbChange[] = [];
    for (const ch of this.changes.values()) if (ch.changedAt > since) out.push(ch);
    return out;
  }

  get handle(): string {
    return this.user.handle;
  }

  /** Takes the store's copy in place (holders keep their reference to this object). */
  replaceWith(data: AccountData): void {
    Object.assign(this.user, data.user);
    this.contacts.clear();
    for (const c of data.contacts) this.contacts.set(c.handle, c);
    this.groups.clear();
    for (const g of data.groups) this.groups.set(g.id, g);
    this.properties.clear();
    for (const [k, v] of data.properties) this.properties.set(k, v);
    this.changes.clear();
    for (const ch of data.changes) this.changes.set(`${ch.kind}:${ch.guid}`, ch);
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

/**
 * Writes of one account, in the order they were made: a write starts only when the one before it
 * has settled, so two edits of the same account can never commit out of order (a networked store
 * runs them on different pooled connections). With nothing pending (always, on SQLite, whose
 * writes settle at once) a write starts at once, with no extra hop.
 */
class WriteQueue {
  private readonly tails = new Map<number, Promise<void>>();

  run(userId: number, write: () => Promise<void>): Promise<void> {
    const before = this.tails.get(userId);
    const done = before === undefined ? write() : before.then(write, write);
    const tail: Promise<void> = done.then(
      () => this.settle(userId, tail),
      () => this.settle(userId, tail),
    );
    this.tails.set(userId, tail);
    return done;
  }

  /** Settles when every write queued for this account so far has settled. */
  idle(userId: number): Promise<void> | undefined {
    return this.tails.get(userId);
  }

  private settle(userId: number, tail: Promise<void>): void {
    if (this.tails.get(userId) === tail) this.tails.delete(userId);
  }
}

export class ListManager {
  private readonly pinned = new Map<string, { account: Account; pins: number }>();
  /** Loads under way, so two operations on the same account at once share one copy. */
  private readonly loading = new Map<string, Promise<AccountData | undefined>>();
  private readonly writes = new WriteQueue();
  /** Accounts whose last write failed: memory may hold what the store does not; reloaded before the next edit. */
  private readonly stale = new WeakSet<Account>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    private readonly maxChanges: number = MAX_AB_CHANGES,
  ) {}

  /**
   * Loads and pins an account: for a signed-in session, and for the length of one operation on
   * someone else's account (`release` after). Every holder of the same handle shares one copy,
   * so concurrent edits of an offline account cannot overwrite each other's versions.
   */
  async acquire(handle: string): Promise<Account | undefined> {
    const held = this.pinned.get(handle)?.account;
    // A copy whose last write failed is replaced by the store's before anyone else is handed it.
    if (held !== undefined && this.stale.has(held)) await this.reload(held);
    const p = this.pinned.get(handle);
    if (p !== undefined) {
      p.pins++;
      return p.account;
    }
    let loading = this.loading.get(handle);
    if (loading === undefined) {
      const load = this.store.loadAccount(handle);
      loading = load.finally(() => {
        if (this.loading.get(handle) === loading) this.loading.delete(handle);
      });
      this.loading.set(handle, loading);
    }
    const data = await loading;
    const again = this.pinned.get(handle);
    if (again !== undefined) {
      again.pins++;
      return again.account;
    }
    if (data === undefined) return undefined;
    const account = new Account(data);
    this.pinned.set(handle, { account, pins: 1 });
    return account;
  }

  /**
   * Unpins. The last holder's copy is dropped once its writes have settled, so a sign-in right
   * after a sign-out never loads the account from behind a write still on its way.
   */
  release(handle: string): void {
    const p = this.pinned.get(handle);
    if (p === undefined) return;
    if (--p.pins > 0) return;
    const pending = this.writes.idle(p.account.user.id);
    if (pending === undefined) {
      this.pinned.delete(handle);
      return;
    }
    void pending.then(() => {
      if (this.pinned.get(handle) === p && p.pins <= 0) this.pinned.delete(handle);
    });
  }

  /** The pinned (signed-in) account, if any. */
  peek(handle: string): Account | undefined {
    return this.pinned.get(handle)?.account;
  }

  /** Runs `fn` on the account (pinned for the duration); undefined when there is no such account. */
  async withAccount<T>(handle: string, fn: (account: Account) => Promise<T> | T): Promise<T | undefined> {
    const account = await this.acquire(handle);
    if (account === undefined) return undefined;
    try {
      return await fn(account);
    } finally {
      this.release(handle);
    }
  }

  async exists(handle: string): Promise<boolean> {
    return this.pinned.has(handle) || (await this.store.getUser(handle)) !== undefined;
  }

  /** After an account is deleted: drop every cached entry pointing at it. */
  /**
   * An account about to be deleted leaves every list holding it, each as a list change of that
   * list's owner (versions bumped, the change journal's row written), so an address-book delta
   * shows it gone (MSNP13-18.md §6.4) and an MSNP10–12 cached list is not offered as current.
   */
  async dropEverywhere(handle: string, listedBy: readonly string[]): Promise<void> {
    for (const owner of listedBy) {
      await this.withAccount(owner, async (account) => {
        if (this.stale.has(account)) await this.reload(account);
        const entry = account.contacts.get(handle);
        if (entry === undefined) return;
        account.contacts.delete(handle);
        await this.commit(account, 'list', [{ kind: 'delete-contact', handle, guid: entry.guid }]);
      });
    }
  }

  forget(handle: string, listedBy: readonly string[]): void {
    this.pinned.delete(handle);
    for (const owner of listedBy) this.peek(owner)?.contacts.delete(handle);
  }

  // ---- list edits -------------------------------------------------------------------------
  //
  // Each edit checks and changes the in-memory account synchronously (so two edits of one
  // account never interleave their checks), then settles when the store has committed it: the
  // caller answers the client only then (acknowledged = durable).

  /**
   * Adds `contact` to one of my lists (MSNP.md §4.5). For FL with a group that the contact is
   * already in another group of, only the membership is added. Returns the stored entry and
   * whether the contact newly joined the list.
   */
  async addToList(
    owner: Account,
    list: EditableList,
    contact: string,
    name: string,
    groupId: number | undefined,
    clearsPending: boolean,
  ): Promise<{ entry: ContactRecord; newOnList: boolean }> {
    if (this.stale.has(owner)) await this.reload(owner);
    const bit = LIST_BIT[list];
    let entry = owner.contacts.get(contact);
    if (groupId !== undefined && !owner.groups.has(groupId)) fail('no-such-group');
    if (entry !== undefined && entry.lists & bit) {
      if (list !== 'FL' || groupId === undefined || entry.groups.includes(groupId)) fail('already-there');
      entry.groups.push(groupId);
      await this.commit(owner, 'list', [{ kind: 'contact', contact: entry }]);
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
    await this.commit(owner, 'list', [{ kind: 'contact', contact: entry }]);
    return { entry, newOnList: true };
  }

  /** Removes from a list, or (FL with a group) only from that group (MSNP.md §4.5). */
  async removeFromList(owner: Account, list: EditableList | 'PL', contact: string, groupId: number | undefined): Promise<ContactRecord> {
    if (this.stale.has(owner)) await this.reload(owner);
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
    await this.commit(owner, 'list', [this.saveOrDrop(owner, entry)]);
    return entry;
  }

  /** The other side of an FL add: `watcher` lands on my RL (and PL, until I act on it; §4.6). */
  async addReverse(owner: Account, watcher: string, watcherName: string): Promise<void> {
    if (this.stale.has(owner)) await this.reload(owner);
    let entry = owner.contacts.get(watcher);
    if (entry !== undefined && entry.lists & LIST_BITS.RL) return;
    if (entry === undefined) {
      entry = { handle: watcher, lists: 0, name: watcherName, guid: randomUUID(), groups: [] };
      owner.contacts.set(watcher, entry);
    }
    entry.lists |= LIST_BITS.RL;
    // Someone already on my AL or BL has been decided on: no pending prompt.
    if (!(entry.lists & (LIST_BITS.AL | LIST_BITS.BL))) entry.lists |= LIST_BITS.PL;
    await this.commit(owner, 'list', [{ kind: 'contact', contact: entry }]);
  }

  /** `watcher` removed me from their FL: off my RL and PL. False when it was not there. */
  async removeReverse(owner: Account, watcher: string): Promise<boolean> {
    if (this.stale.has(owner)) await this.reload(owner);
    const entry = owner.contacts.get(watcher);
    if (entry === undefined || !(entry.lists & LIST_BITS.RL)) return false;
    entry.lists &= ~(LIST_BITS.RL | LIST_BITS.PL);
    await this.commit(owner, 'list', [this.saveOrDrop(owner, entry)]);
    return true;
  }

  /** The name stored for a contact in my lists (`REA` on a contact, `SBP MFN`). */
  async renameContact(owner: Account, contact: string, name: string): Promise<void> {
    if (this.stale.has(owner)) await this.reload(owner);
    const entry = owner.contacts.get(contact);
    if (entry === undefined) fail('not-on-list');
    entry.name = name;
    await this.commit(owner, 'list', [{ kind: 'contact', contact: entry }]);
  }

  // ---- groups (MSNP.md §4.7) --------------------------------------------------------------

  async addGroup(owner: Account, name: string): Promise<GroupRecord> {
    if (this.stale.has(owner)) await this.reload(owner);
    if (owner.groups.size >= MAX_GROUPS) fail('too-many-groups');
    this.checkGroupNameFree(owner, name, undefined);
    let id = 1;
    while (owner.groups.has(id)) id++;
    const g: GroupRecord = { id, guid: randomUUID(), name };
    owner.groups.set(id, g);
    await this.commit(owner, 'list', [{ kind: 'group', group: g }]);
    return g;
  }

  async renameGroup(owner: Account, id: number, name: string): Promise<GroupRecord> {
    if (this.stale.has(owner)) await this.reload(owner);
    const g = owner.groups.get(id);
    if (g === undefined) fail('no-such-group');
    this.checkGroupNameFree(owner, name, id);
    g.name = name;
    await this.commit(owner, 'list', [{ kind: 'group', group: g }]);
    return g;
  }

  /**
   * Deletes a group. Its members stay on the FL without that group (msnp-wiki's "they lose their
   * FL entry" is unverified, MSNP.md §10.15; keeping them loses nothing).
   */
  async removeGroup(owner: Account, id: number): Promise<void> {
    if (this.stale.has(owner)) await this.reload(owner);
    if (id === 0) fail('cannot-remove-group-zero');
    const group = owner.groups.get(id);
    if (group === undefined) fail('no-such-group');
    owner.groups.delete(id);
    const writes: AccountWrite[] = [{ kind: 'delete-group', id, guid: group.guid }];
    for (const c of owner.contacts.values()) {
      const at = c.groups.indexOf(id);
      if (at >= 0) {
        c.groups.splice(at, 1);
        writes.push({ kind: 'contact', contact: c });
      }
    }
    await this.commit(owner, 'list', writes);
  }

  // ---- settings and properties (MSNP.md §4.2, §4.8, §5.4) ----------------------------------

  async setPrivacy(owner: Account, blp: Privacy): Promise<void> {
    if (this.stale.has(owner)) await this.reload(owner);
    if (owner.user.blp === blp) fail('same-mode');
    owner.user.blp = blp;
    await this.commit(owner, 'settings', []);
  }

  async setAddPrompt(owner: Account, gtc: 'A' | 'N'): Promise<void> {
    if (this.stale.has(owner)) await this.reload(owner);
    if (owner.user.gtc === gtc) fail('same-mode');
    owner.user.gtc = gtc;
    await this.commit(owner, 'settings', []);
  }

  async setProperty(owner: Account, key: string, value: string | undefined): Promise<void> {
    if (this.stale.has(owner)) await this.reload(owner);
    if (value === undefined) owner.properties.delete(key);
    else owner.properties.set(key, value);
    await this.commit(owner, 'settings', [{ kind: 'property', key, value }]);
  }

  /**
   * My friendly name. The same name changes nothing: clients send `PRP MFN` with it at every
   * sign-in (MSNP13-18.md §5.3 step 6), and a bumped settings stamp would put the Me contact into
   * every later address-book delta (§6.4) and move the MSNP10+ settings version for nothing.
   */
  async setFriendlyName(owner: Account, name: string): Promise<void> {
    if (this.stale.has(owner)) await this.reload(owner);
    if (owner.user.friendlyName === name) return;
    owner.user.friendlyName = name;
    await this.commit(owner, 'settings', []);
  }

  // ---- internals --------------------------------------------------------------------------

  private checkGroupNameFree(owner: Account, name: string, except: number | undefined): void {
    const lower = name.toLowerCase();
    for (const g of owner.groups.values()) {
      if (g.id !== except && g.name.toLowerCase() === lower) fail('group-exists');
    }
  }

  private saveOrDrop(owner: Account, entry: ContactRecord): AccountWrite {
    if (entry.lists !== 0) return { kind: 'contact', contact: entry };
    owner.contacts.delete(entry.handle);
    return { kind: 'delete-contact', handle: entry.handle, guid: entry.guid };
  }

  /**
   * Bumps the versions (MSNP.md §4.3: every change bumps the MSNP2–9 integer; MSNP10+ keeps one
   * stamp for lists and one for settings) and writes the change and the user row atomically,
   * behind the account's earlier writes. When the write fails (the store unreachable) the
   * change is not acknowledged, and the account is marked stale: the copy in memory may hold what
   * the store does not, so it is reloaded from the store before the next edit.
   */
  private async commit(owner: Account, what: 'list' | 'settings', writes: readonly AccountWrite[]): Promise<void> {
    const u = owner.user;
    u.listVersion += 1;
    // One rising sequence for both stamps: an address-book answer's lastChange is the later of the
    // two, and a list change must come after it to be in the next delta (MSNP13-18.md §6.4).
    const next = Math.max(this.now(), u.listStamp + 1, u.settingsStamp + 1);
    if (what === 'list') u.listStamp = next;
    else u.settingsStamp = next;
    const all = what === 'list' ? [...writes, ...this.journal(owner, writes, next)] : writes;
    try {
      await this.writes.run(u.id, () => this.store.applyAccountChanges(u, all));
    } catch (e) {
      this.stale.add(owner);
      void this.reload(owner).catch(() => {});
      throw e;
    }
  }

  /**
   * The journal rows for a list change (`AbChange`): every contact entry and group it wrote or
   * deleted, stamped with the change's list stamp; beyond `maxChanges` the oldest are forgotten
   * and `historySince` moves up to them.
   */
  private journal(owner: Account, writes: readonly AccountWrite[], at: number): AccountWrite[] {
    const out: AccountWrite[] = [];
    const note = (kind: AbChange['kind'], guid: string | undefined, handle: string): void => {
      if (guid === undefined) return;
      const change: AbChange = { kind, guid, handle, changedAt: at };
      const key = `${kind}:${guid}`;
      owner.changes.delete(key);
      owner.changes.set(key, change);
      out.push({ kind: 'ab-change', change });
    };
    for (const w of writes) {
      if (w.kind === 'contact') note('contact', w.contact.guid, w.contact.handle);
      else if (w.kind === 'delete-contact') note('contact', w.guid, w.handle);
      else if (w.kind === 'group') note('group', w.group.guid, '');
      else if (w.kind === 'delete-group') note('group', w.guid, '');
    }
    if (owner.changes.size > this.maxChanges) {
      let upTo = owner.user.historySince;
      for (const [key, ch] of owner.changes) {
        if (owner.changes.size <= this.maxChanges) break;
        owner.changes.delete(key);
        upTo = Math.max(upTo, ch.changedAt);
      }
      // Rows of the same stamp as the last one dropped go too: history is whole from `upTo` on.
      for (const [key, ch] of owner.changes) if (ch.changedAt <= upTo) owner.changes.delete(key);
      owner.user.historySince = upTo;
      out.push({ kind: 'forget-ab-changes', upTo });
    }
    return out;
  }

  /** Replaces the in-memory copy with the store's (after a failed write); stays stale while it fails. */
  private async reload(owner: Account): Promise<void> {
    await this.writes.idle(owner.user.id);
    const data = await this.store.loadAccount(owner.handle);
    if (!this.stale.has(owner)) return;
    this.stale.delete(owner);
    if (data === undefined) return;
    owner.replaceWith(data);
  }
}
