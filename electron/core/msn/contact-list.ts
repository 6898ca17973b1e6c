/**
 * The contact list held in memory: contacts, groups, privacy. Wire-free (the sync and
 * operations modules translate), and it turns records into the model's `Contact`.
 */
import {
  DEFAULT_PRIVACY,
  NO_LISTS,
  type Contact,
  type ContactStatus,
  type CurrentMedia,
  type Group,
  type ListMembership,
  type Privacy,
} from '../../../shared/model';
import type { CachedContactList } from './list-cache';

/**
 * Has this person added me and is waiting for my decision? One rule for the list at sign-in
 * (`LST` bits) and for changes while signed in (`ADD`/`ADC`/`REM` pushes): on my reverse list and
 * neither allowed nor blocked (MSNP.md §4.6, "RL entries that are on neither AL nor BL").
 *
 * The server's pending list (PL, MSNP10+) only feeds `reverse`: being on PL means the person
 * added me, so PL implies RL. Escargot keeps someone on PL without the RL bit after I allowed
 * them (seen on a real network, issue 15); reading the bits literally said they had not added me,
 * and taking PL as "pending" asked again about someone already allowed.
 */
export function withPendingRule(lists: Omit<ListMembership, 'pending'>): ListMembership {
  return { forward: lists.forward, allow: lists.allow, block: lists.block, reverse: lists.reverse, pending: lists.reverse && !lists.allow && !lists.block };
}

export interface ContactRecord {
  readonly handle: string;
  guid: string | undefined;
  /** The name stored in my list (`LST`). */
  storedName: string;
  /** The contact's own current name, from presence (`ILN`/`NLN`). */
  liveName: string | undefined;
  status: ContactStatus;
  personalMessage: string;
  currentMedia: CurrentMedia | null;
  groupIds: string[];
  lists: ListMembership;
}

const MAX_HINTS = 200;

/**
 * MSNP7–9 list group 0 ("Other Contacts", never removable) as a real group, and an FL contact in
 * no other group belongs to it: SYN writes its group list as `0` (MSNP.md §4.3 generation 4, §4.7).
 * An `ADD FL` without a group answers without one, so a contact added this session has no group
 * on record until the next sign-in; shown as it is, the list had group 0 empty beside a second
 * "Other Contacts" (the list's own section for contacts in no group) holding the contact.
 * MSNP10+ never list group 0 (its ids are GUIDs there), so this applies to 7–9 only.
 */
const LEGACY_DEFAULT_GROUP = '0';

export class ContactList {
  readonly contacts = new Map<string, ContactRecord>();
  private readonly byGuid = new Map<string, string>();
  readonly groups = new Map<string, string>();
  privacy: Privacy = DEFAULT_PRIVACY;
  /** `SYN` version(s) as last confirmed by the server. */
  version = '0';
  /**
   * The server's lists may hold something this copy does not (see `markStale`): the cached copy
   * then carries version `0`, so the next sign-in downloads the whole list. Ends with a new sync.
   */
  private stale = false;
  selfName: string | undefined;
  /**
   * Presence for handles not on the list yet: `ILN` answers an `ADD FL` in the same TCP chunk
   * as the `ADD` reply, so it is dispatched before the reply's continuation creates the record
   * (MSNP.md §4.5). Applied when the record appears. Bounded.
   */
  private readonly hints = new Map<string, Partial<Pick<ContactRecord, 'status' | 'liveName' | 'personalMessage' | 'currentMedia'>>>();

  hint(handle: string, patch: Partial<Pick<ContactRecord, 'status' | 'liveName' | 'personalMessage' | 'currentMedia'>>): void {
    this.hints.set(handle, { ...this.hints.get(handle), ...patch });
    if (this.hints.size > MAX_HINTS) {
      const oldest = this.hints.keys().next().value;
      if (oldest !== undefined) this.hints.delete(oldest);
    }
  }

  clear(): void {
    this.hints.clear();
    this.contacts.clear();
    this.byGuid.clear();
    this.groups.clear();
    this.privacy = DEFAULT_PRIVACY;
    this.version = '0';
    this.stale = false;
    this.selfName = undefined;
  }

  /** This copy may miss a change the server made: never offer it as current again. */
  markStale(): void {
    this.stale = true;
  }

  /**
   * MSNP2–9: the reply to a list change, or its push, carries the list version after it (MSNP.md
   * §4.3), one more per change. The copy is current at that version only if it saw every change
   * in between: anything but the next number (a change skipped as malformed, a push handled before
   * the reply it followed) makes it stale, so a later sign-in downloads the whole list rather than
   * trust a copy that might be wrong.
   */
  noteVersion(version: number): void {
    if (this.stale) return;
    const current = Number(this.version);
    if (Number.isSafeInteger(current) && version === current + 1) this.version = String(version);
    else this.markStale();
  }

  get(handle: string): ContactRecord | undefined {
    return this.contacts.get(handle);
  }

  byGuidOrHandle(key: string): ContactRecord | undefined {
    const h = this.byGuid.get(key);
    return h !== undefined ? this.contacts.get(h) : this.contacts.get(key.toLowerCase());
  }

  /** Get or create a record (new ones are on no list, offline). */
  upsert(handle: string, storedName?: string): ContactRecord {
    let r = this.contacts.get(handle);
    if (r === undefined) {
      r = {
        handle,
        guid: undefined,
        storedName: storedName ?? handle,
        liveName: undefined,
        status: 'offline',
        personalMessage: '',
        currentMedia: null,
        groupIds: [],
        lists: { ...NO_LISTS },
      };
      const hint = this.hints.get(handle);
      if (hint !== undefined) {
        this.hints.delete(handle);
        Object.assign(r, hint);
      }
      this.contacts.set(handle, r);
    } else if (storedName !== undefined) {
      r.storedName = storedName;
    }
    return r;
  }

  setGuid(r: ContactRecord, guid: string | undefined): void {
    if (r.guid !== undefined) this.byGuid.delete(r.guid);
    r.guid = guid;
    if (guid !== undefined) this.byGuid.set(guid, r.handle);
  }

  /** Change list memberships; `pending` is derived (withPendingRule). */
  setLists(r: ContactRecord, patch: Partial<Omit<ListMembership, 'pending'>>): void {
    r.lists = withPendingRule({ ...r.lists, ...patch });
  }

  /** Drop a record that is on no list any more; returns whether it was dropped. */
  dropIfUnlisted(r: ContactRecord): boolean {
    const l = r.lists;
    if (l.forward || l.allow || l.block || l.reverse || l.pending) return false;
    this.contacts.delete(r.handle);
    if (r.guid !== undefined) this.byGuid.delete(r.guid);
    return true;
  }

  /** The groups the contact shows in: on record, or group 0 when in none (see LEGACY_DEFAULT_GROUP). */
  private shownGroupIds(r: ContactRecord): string[] {
    if (r.groupIds.length === 0 && r.lists.forward && this.groups.has(LEGACY_DEFAULT_GROUP)) return [LEGACY_DEFAULT_GROUP];
    return [...r.groupIds];
  }

  toContact(r: ContactRecord): Contact {
    return {
      handle: r.handle,
      friendlyName: r.liveName ?? r.storedName,
      storedName: r.storedName,
      personalMessage: r.personalMessage,
      currentMedia: r.currentMedia,
      status: r.status,
      groupIds: this.shownGroupIds(r),
      lists: { ...r.lists },
    };
  }

  allContacts(): Contact[] {
    const out: Contact[] = [];
    for (const r of this.contacts.values()) out.push(this.toContact(r));
    return out;
  }

  allGroups(): Group[] {
    return [...this.groups].map(([id, name]) => ({ id, name }));
  }

  toCache(dialect: number): CachedContactList {
    return {
      dialect,
      version: this.stale ? '0' : this.version,
      contacts: [...this.contacts.values()].map((r) => ({
        handle: r.handle,
        ...(r.guid !== undefined ? { guid: r.guid } : {}),
        storedName: r.storedName,
        groupIds: [...r.groupIds],
        lists: { ...r.lists },
        personalMessage: r.personalMessage,
        currentMedia: r.currentMedia,
      })),
      groups: this.allGroups(),
      privacy: this.privacy,
      ...(this.selfName !== undefined ? { selfName: this.selfName } : {}),
    };
  }

  /** Replace everything with a cached copy (statuses start offline; presence fills them in). */
  loadCache(c: CachedContactList): void {
    this.clear();
    this.version = c.version;
    this.privacy = c.privacy;
    this.selfName = c.selfName;
    for (const g of c.groups) this.groups.set(g.id, g.name);
    for (const cc of c.contacts) {
      const r = this.upsert(cc.handle, cc.storedName);
      this.setGuid(r, cc.guid);
      r.groupIds = [...cc.groupIds];
      r.lists = { ...cc.lists };
      r.personalMessage = cc.personalMessage ?? '';
      r.currentMedia = cc.currentMedia ?? null;
    }
  }
}
