/**
 * Where the contact list is kept between sessions, so a later sign-in whose list did not change
 * takes the short `SYN` answer (MSNP.md §4.3). The app persists it (SQLite,
 * electron/core/list-cache); tests and bots use the in-memory one. Stored data is plain JSON.
 *
 * A cached copy is only ever used when the server says the list has not changed since the version
 * it carries, and only if it passes `usableCache` for the dialect of this session; anything else
 * (no copy, another dialect, a damaged one, a cache that throws) means the full download.
 * At MSNP13+ the same entry carries the address book's answers (ab/cache.ts): there the services
 * say what changed since the cached copy (`deltasOnly`), and refuse (`FullSyncRequired`) when
 * they cannot.
 */
import type { CurrentMedia, Group, ListMembership, Privacy } from '../../../shared/model';
import { usableAbCache, type CachedAddressBook } from './ab/cache';

export interface CachedContact {
  readonly handle: string;
  /** Contact GUID (MSNP10+ `C=`), the FL key for `REM`/group moves. */
  readonly guid?: string;
  readonly storedName: string;
  readonly groupIds: readonly string[];
  readonly lists: ListMembership;
  readonly personalMessage?: string;
  readonly currentMedia?: CurrentMedia | null;
}

export interface CachedContactList {
  /** The dialect the list was synced with: versions and ids are only comparable within one. */
  readonly dialect: number;
  /**
   * `SYN` version(s) as sent: `"42"` (MSNP2–9) or `"<list-ver> <settings-ver>"` (10–12); at 13+
   * the two services' `lastChange` times (`"<memberships> <address book>"`).
   */
  readonly version: string;
  readonly contacts: readonly CachedContact[];
  readonly groups: readonly Group[];
  readonly privacy: Privacy;
  /** My friendly name as stored on the server (`PRP MFN`, 10+), when known. */
  readonly selfName?: string;
  /**
   * MSNP13+: the services' answers the list is made from, for delta requests (ab/cache.ts); the
   * list is not kept a second time in `contacts`/`groups`, which stay empty at 13+.
   */
  readonly addressBook?: CachedAddressBook;
}

export interface ListCache {
  load(key: string): CachedContactList | undefined | Promise<CachedContactList | undefined>;
  save(key: string, list: CachedContactList): void | Promise<void>;
}

/** Keeps lists in memory (structured-cloned, so callers cannot mutate what is stored). */
export class MemoryListCache implements ListCache {
  private readonly lists = new Map<string, CachedContactList>();

  load(key: string): CachedContactList | undefined {
    const l = this.lists.get(key);
    return l === undefined ? undefined : structuredClone(l);
  }

  save(key: string, list: CachedContactList): void {
    this.lists.set(key, structuredClone(list));
  }

  get size(): number {
    return this.lists.size;
  }
}

/**
 * The cached copy, if it can be trusted in this session: made with the same dialect (versions and
 * ids mean nothing across dialects) and well-formed (what a store hands back may be damaged).
 */
export function usableCache(value: unknown, dialect: number): CachedContactList | undefined {
  if (!isRecord(value) || value['dialect'] !== dialect || !isVersionFor(value['version'], dialect)) return undefined;
  const { contacts, groups, privacy } = value;
  if (!Array.isArray(contacts) || !contacts.every(isCachedContact)) return undefined;
  if (!Array.isArray(groups) || !groups.every((g) => isRecord(g) && typeof g['id'] === 'string' && typeof g['name'] === 'string')) return undefined;
  if (!isRecord(privacy) || (privacy['visibility'] !== 'all-but-blocked' && privacy['visibility'] !== 'only-allowed') || typeof privacy['promptOnAdd'] !== 'boolean') return undefined;
  if (value['selfName'] !== undefined && typeof value['selfName'] !== 'string') return undefined;
  if (dialect >= 13) {
    // The address book is what a 13+ sign-in starts from; its times must be the version's.
    const ab = usableAbCache(value['addressBook']);
    if (ab === undefined || value['version'] !== `${ab.membershipsLastChange} ${ab.bookLastChange}`) return undefined;
  }
  return value as unknown as CachedContactList;
}

/** `"42"` (MSNP2–9) or `"<list> <settings>"` (MSNP10+, numbers or timestamps); `0` is "no copy". */
function isVersionFor(v: unknown, dialect: number): boolean {
  if (typeof v !== 'string') return false;
  const parts = v.split(' ');
  if (dialect <= 9) return parts.length === 1 && /^[1-9][0-9]*$/.test(v);
  return parts.length === 2 && parts.every((p) => /^[0-9A-Za-z:.+-]+$/.test(p)) && v !== '0 0';
}

const LIST_FLAGS = ['forward', 'allow', 'block', 'reverse', 'pending'] as const;

function isCachedContact(c: unknown): boolean {
  if (!isRecord(c) || typeof c['handle'] !== 'string' || typeof c['storedName'] !== 'string') return false;
  if (c['guid'] !== undefined && typeof c['guid'] !== 'string') return false;
  if (!Array.isArray(c['groupIds']) || !c['groupIds'].every((g) => typeof g === 'string')) return false;
  const lists = c['lists'];
  if (!isRecord(lists) || !LIST_FLAGS.every((f) => typeof lists[f] === 'boolean')) return false;
  if (c['personalMessage'] !== undefined && typeof c['personalMessage'] !== 'string') return false;
  return c['currentMedia'] === undefined || c['currentMedia'] === null || isRecord(c['currentMedia']);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The cache key for an account on a server. */
export function listCacheKey(handle: string, host: string, port: number): string {
  return `${handle.toLowerCase()}@${host}:${port}`;
}
