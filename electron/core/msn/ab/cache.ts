/**
 * The address-book cache of MSNP13+ (what Windows Live Messenger keeps between sign-ins): the last
 * `FindMembership` and `ABFindAll` results in their parsed form (not the XML), each with the
 * service's `LastChange`, and the `CacheKey` (MSNP13-18.md §6.1). At the next sign-in both services
 * are asked with `deltasOnly=true` and that `lastChange` (§6.3, §6.4), and the answers — empty when
 * nothing changed; changed members, contacts and groups, deleted ones marked, otherwise — are
 * applied to the copy. A `FullSyncRequired` fault (§6.6) or an answer this code cannot apply
 * exactly means the full read, as before.
 *
 * Stored through the same `ListCache` as the MSNP2–12 list (electron/core/msn/list-cache.ts; on disk
 * the owner-only SQLite file of electron/core/list-cache), in the `addressBook` field of the cached
 * list, whose `version` is the two `lastChange` times. What comes back from a store is checked
 * (`usableAbCache`); anything damaged is no cache.
 */
import type { AbContact, AbGroup, AddressBook, Member, MemberRole, Memberships } from '../../../../shared/msnp';

/** The parsed answers as kept between sessions (no service header: it belongs to one answer). */
export interface CachedAddressBook {
  /** `FindMembership`'s `LastChange` (§6.3). */
  readonly membershipsLastChange: string;
  /** `ab/lastChange` of `ABFindAll`/`ABFindContactsPaged` (§6.4). */
  readonly bookLastChange: string;
  /** The last `CacheKey` the services announced (§6.1), echoed in the delta requests. */
  readonly cacheKey?: string;
  readonly roles: Readonly<Record<MemberRole, readonly Member[]>>;
  readonly groups: readonly AbGroup[];
  readonly contacts: readonly AbContact[];
  readonly me?: AbContact;
}

const ROLES: readonly MemberRole[] = ['Allow', 'Block', 'Reverse', 'Pending'];

/** The cache entry for two full (or delta-applied) answers; undefined when a `lastChange` is missing (no delta can be asked then). */
export function abCacheOf(memberships: Memberships, book: AddressBook, cacheKey: string | undefined): CachedAddressBook | undefined {
  if (memberships.lastChange === undefined || book.lastChange === undefined) return undefined;
  return {
    membershipsLastChange: memberships.lastChange,
    bookLastChange: book.lastChange,
    ...(cacheKey !== undefined ? { cacheKey } : {}),
    roles: memberships.roles,
    groups: book.groups,
    contacts: book.contacts,
    ...(book.me !== undefined ? { me: book.me } : {}),
  };
}

/** The cached copy as the answers it was made from (what `snapshotOf` reads). */
export function cachedAnswers(c: CachedAddressBook): { memberships: Memberships; book: AddressBook } {
  return {
    memberships: { type: 'memberships', roles: c.roles, lastChange: c.membershipsLastChange },
    book: { type: 'addressBook', groups: c.groups, contacts: c.contacts, ...(c.me !== undefined ? { me: c.me } : {}), lastChange: c.bookLastChange },
  };
}

/**
 * A `FindMembership` delta applied to the cached memberships (§6.3): per role, a member the delta
 * lists replaces the cached one with its address, and one it marks `Deleted` leaves the role (as
 * MSNPSharp, which synchronised against Microsoft's service, applies them). An empty delta (nothing
 * changed) gives back the cached copy itself, with its own `lastChange`: the next delta, asked from
 * that time, still holds every later change. Undefined (the caller reads in full) only for an
 * answer without the `lastChange` to ask the next delta from.
 */
export function applyMembershipDelta(cached: Memberships, delta: Memberships): Memberships | undefined {
  const changed = ROLES.some((r) => delta.roles[r].length > 0 || (delta.deleted?.[r].length ?? 0) > 0);
  if (!changed) return cached;
  if (delta.lastChange === undefined) return undefined;
  const roles = {} as Record<MemberRole, readonly Member[]>;
  for (const r of ROLES) {
    const byAddress = new Map(cached.roles[r].map((m) => [m.address.toLowerCase(), m]));
    for (const m of delta.deleted?.[r] ?? []) byAddress.delete(m.address.toLowerCase());
    for (const m of delta.roles[r]) byAddress.set(m.address.toLowerCase(), withoutStamp(m));
    roles[r] = [...byAddress.values()];
  }
  return { type: 'memberships', roles, lastChange: delta.lastChange };
}

/** A member as the cache keeps it (its `LastChanged` says nothing the list needs). */
function withoutStamp(m: Member): Member {
  if (m.lastChanged === undefined) return m;
  const { lastChanged: _, ...rest } = m;
  return rest;
}

/**
 * An address-book delta applied to the cached book (§6.4): changed contacts and groups replace
 * theirs by id, those marked `fDeleted` go (a deleted group also leaves its contacts' `groupIds`),
 * a `Me` contact replaces the cached one. A delta that changes nothing (no contact or group, and
 * the Me contact as cached or absent) gives back the cached copy itself, as `applyMembershipDelta`.
 */
export function applyBookDelta(cached: AddressBook, delta: AddressBook): AddressBook | undefined {
  const deletedGroups = new Set(delta.deletedGroups ?? []);
  if (delta.groups.length === 0 && deletedGroups.size === 0 && delta.contacts.length === 0 && (delta.me === undefined || sameContact(delta.me, cached.me))) return cached;
  let groups = cached.groups;
  if (delta.groups.length > 0 || deletedGroups.size > 0) {
    const byId = new Map(cached.groups.map((g) => [g.id, g]));
    for (const id of deletedGroups) byId.delete(id);
    for (const g of delta.groups) byId.set(g.id, g);
    groups = [...byId.values()];
  }
  let contacts = cached.contacts;
  if (delta.contacts.length > 0 || deletedGroups.size > 0) {
    const byId = new Map(cached.contacts.map((c) => [c.id, c]));
    for (const c of delta.contacts) {
      if (c.deleted) byId.delete(c.id);
      else byId.set(c.id, c);
    }
    contacts = [...byId.values()].map((c) => (c.groupIds.some((g) => deletedGroups.has(g)) ? { ...c, groupIds: c.groupIds.filter((g) => !deletedGroups.has(g)) } : c));
  }
  const me = delta.me ?? cached.me;
  return { type: 'addressBook', groups, contacts, ...(me !== undefined ? { me } : {}), lastChange: delta.lastChange ?? cached.lastChange };
}

/** The same contact as far as the list is concerned (what `AbContact` holds, field by field). */
function sameContact(a: AbContact, b: AbContact | undefined): boolean {
  if (b === undefined) return false;
  const keys: (keyof AbContact)[] = ['id', 'type', 'address', 'displayName', 'isMessengerUser', 'cid', 'deleted', 'viaEmail'];
  if (keys.some((k) => a[k] !== b[k])) return false;
  if (a.groupIds.length !== b.groupIds.length || a.groupIds.some((g, i) => g !== b.groupIds[i])) return false;
  const an = Object.entries(a.annotations);
  return an.length === Object.keys(b.annotations).length && an.every(([k, v]) => b.annotations[k] === v);
}

/** The cached address book if it is well-formed (what a store hands back may be damaged). */
export function usableAbCache(value: unknown): CachedAddressBook | undefined {
  if (!isRecord(value) || !isStamp(value['membershipsLastChange']) || !isStamp(value['bookLastChange'])) return undefined;
  if (value['cacheKey'] !== undefined && typeof value['cacheKey'] !== 'string') return undefined;
  const roles = value['roles'];
  if (!isRecord(roles) || !ROLES.every((r) => Array.isArray(roles[r]) && (roles[r] as unknown[]).every(isMember))) return undefined;
  if (!Array.isArray(value['groups']) || !value['groups'].every(isGroup)) return undefined;
  if (!Array.isArray(value['contacts']) || !value['contacts'].every(isContact)) return undefined;
  if (value['me'] !== undefined && !isContact(value['me'])) return undefined;
  return value as unknown as CachedAddressBook;
}

/** A `lastChange` as the services write it: an ISO 8601 time (one word, as the list-cache version needs). */
function isStamp(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9][0-9A-Za-z:.+-]*$/.test(v) && Number.isFinite(Date.parse(v));
}

function isMember(m: unknown): boolean {
  return isRecord(m) && typeof m['address'] === 'string' && typeof m['type'] === 'string' && optionalStrings(m, 'membershipId', 'displayName', 'cid');
}

function isGroup(g: unknown): boolean {
  return isRecord(g) && typeof g['id'] === 'string' && typeof g['name'] === 'string' && typeof g['isFavorite'] === 'boolean';
}

function isContact(c: unknown): boolean {
  if (!isRecord(c) || typeof c['id'] !== 'string' || typeof c['type'] !== 'string' || typeof c['isMessengerUser'] !== 'boolean' || typeof c['deleted'] !== 'boolean') return false;
  if (!optionalStrings(c, 'address', 'displayName', 'cid')) return false;
  if (c['viaEmail'] !== undefined && typeof c['viaEmail'] !== 'boolean') return false;
  if (!Array.isArray(c['groupIds']) || !c['groupIds'].every((g) => typeof g === 'string')) return false;
  const a = c['annotations'];
  return isRecord(a) && Object.values(a).every((v) => typeof v === 'string');
}

function optionalStrings(r: Record<string, unknown>, ...keys: string[]): boolean {
  return keys.every((k) => r[k] === undefined || typeof r[k] === 'string');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
