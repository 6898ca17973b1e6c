/**
 * Where the contact list is kept between sessions, so a later sign-in whose list did not change
 * takes the short `SYN` answer (MSNP.md §4.3). The app persists it (SQLite); tests and bots use
 * the in-memory one. Stored data is plain JSON.
 */
import type { CurrentMedia, Group, ListMembership, Privacy } from '../../../shared/model';

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
  /** `SYN` version(s) as sent: `"42"` (MSNP2–9) or `"<list-ver> <settings-ver>"` (10–12). */
  readonly version: string;
  readonly contacts: readonly CachedContact[];
  readonly groups: readonly Group[];
  readonly privacy: Privacy;
  /** My friendly name as stored on the server (`PRP MFN`, 10+), when known. */
  readonly selfName?: string;
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

/** The cache key for an account on a server. */
export function listCacheKey(handle: string, host: string, port: number): string {
  return `${handle.toLowerCase()}@${host}:${port}`;
}
