/**
 * MSNP13+ list sync (MSNP13-18.md §5.3): `FindMembership` (Allow/Block/Reverse/Pending) and
 * `ABFindAll` (contacts, groups, the Me contact) over SOAP become the same in-memory list the
 * MSNP2–12 `SYN` fills; then the NS learns the result: `BLP` (the Me contact's `MSN.IM.BLP`), the
 * initial `ADL` (every FL/AL/BL contact, in batches of ≤ 150, §7.2) and `PRP MFN` (my name, the Me
 * contact's `displayName`). Presence follows the first `CHG`, which the caller sends.
 *
 * `readAddressBook` is also the re-sync after an address-book ping (`NOT` ABCHInternal, §6.8):
 * the caller diffs the new copy against the shown one.
 */
import {
  LIST_BITS,
  NETWORK,
  buildBlpRequest,
  buildMlRequest,
  buildPrpRequest,
  decodeMlReply,
  isCodecError,
  splitHandle,
  splitMlPayload,
  normalizeHandle,
  type AddressBook,
  type Dialect,
  type Memberships,
  type MlContact,
} from '../../../../shared/msnp';
import type { ListMembership, Privacy } from '../../../../shared/model';
import { RequestError, type Connection } from '../connection';
import { withPendingRule, type ContactList } from '../contact-list';
import { abCacheOf, applyBookDelta, applyMembershipDelta, cachedAnswers, type CachedAddressBook } from './cache';
import { isFullSyncRequired, isNoBook, type AddressBookService } from './service';

/** One contact as the services describe it, before it becomes a ContactRecord. */
export interface AbEntry {
  readonly handle: string;
  /** The address-book contact's GUID (FL contacts only). */
  readonly guid: string | undefined;
  readonly storedName: string;
  readonly groupIds: readonly string[];
  readonly lists: ListMembership;
  /**
   * False for an e-mail contact or member (`ContactEmail`, `EmailMember`) not also known as a
   * Passport one: the services do not say its network, so `FQY` asks before it goes into an `ADL`
   * (MSNP13-18.md §5.3 step 5, §7.2).
   */
  readonly networkKnown: boolean;
}

export interface AbSnapshot {
  readonly entries: ReadonlyMap<string, AbEntry>;
  readonly groups: ReadonlyMap<string, string>;
  readonly privacy: Privacy;
  readonly selfName: string | undefined;
  /** The Me contact's GUID, for `ABContactUpdate` of my own settings. */
  readonly meId: string | undefined;
}

/** §6.4: the Me contact's `MSN.IM.BLP` is 1 for AL ("everyone but blocked"), 2 for BL; `MSN.IM.GTC` 1 = A (ask), 2 = N. */
export function privacyFromMe(me: AddressBook['me']): Privacy {
  const blp = me?.annotations['MSN.IM.BLP'];
  const gtc = me?.annotations['MSN.IM.GTC'];
  return { visibility: blp === '2' ? 'only-allowed' : 'all-but-blocked', promptOnAdd: gtc !== '2' };
}

/** Both services' answers as one list (§6.3: roles are the old AL/BL/RL/PL; FL is the address book). */
export function snapshotOf(memberships: Memberships, book: AddressBook): AbSnapshot {
  const entries = new Map<string, { handle: string; guid: string | undefined; storedName: string; groupIds: string[]; forward: boolean; allow: boolean; block: boolean; reverse: boolean; passport: boolean }>();
  const entry = (address: string): NonNullable<ReturnType<typeof entries.get>> | undefined => {
    const handle = normalizeHandle(address.trim());
    // Only addresses the NS can carry in ADL (local@domain); phone and circle members have none.
    if (splitHandle(handle) === undefined) return undefined;
    let e = entries.get(handle);
    if (e === undefined) {
      e = { handle, guid: undefined, storedName: handle, groupIds: [], forward: false, allow: false, block: false, reverse: false, passport: false };
      entries.set(handle, e);
    }
    return e;
  };
  const groups = new Map<string, string>();
  for (const g of book.groups) groups.set(g.id, g.name);
  for (const c of book.contacts) {
    if (c.deleted || c.address === undefined || !c.isMessengerUser) continue;
    const e = entry(c.address);
    if (e === undefined) continue;
    e.forward = true;
    if (c.viaEmail !== true) e.passport = true;
    e.guid = c.id;
    e.storedName = c.displayName !== undefined && c.displayName !== '' ? c.displayName : (c.annotations['AB.NickName'] ?? e.handle);
    e.groupIds = c.groupIds.filter((g) => groups.has(g));
  }
  const member = (m: Memberships['roles']['Allow'][number]) => {
    const e = entry(m.address);
    if (e !== undefined && m.type !== 'Email') e.passport = true;
    return e;
  };
  for (const m of memberships.roles.Allow) {
    const e = member(m);
    if (e !== undefined) e.allow = true;
  }
  for (const m of memberships.roles.Block) {
    const e = member(m);
    if (e !== undefined) e.block = true;
  }
  // Pending implies Reverse: being on it means they added me (withPendingRule, contact-list.ts).
  for (const m of [...memberships.roles.Reverse, ...memberships.roles.Pending]) {
    const e = member(m);
    if (e === undefined) continue;
    e.reverse = true;
    if (!e.forward && m.displayName !== undefined && m.displayName !== '') e.storedName = m.displayName;
  }
  const out = new Map<string, AbEntry>();
  for (const e of entries.values()) {
    // §6.3: "a contact should not be in both Allow and Block" — Block wins (libpurple).
    const allow = e.allow && !e.block;
    out.set(e.handle, { handle: e.handle, guid: e.guid, storedName: e.storedName, groupIds: e.groupIds, lists: withPendingRule({ forward: e.forward, allow, block: e.block, reverse: e.reverse }), networkKnown: e.passport });
  }
  const selfName = book.me?.displayName;
  return { entries: out, groups, privacy: privacyFromMe(book.me), selfName: selfName !== undefined && selfName !== '' ? selfName : undefined, meId: book.me?.id };
}

/**
 * Fetch both services. WLM and libpurple ask for the memberships first; nothing in the second
 * request depends on the first answer, so both go at once (one round trip and the two services'
 * work overlap, which is most of the list-ready time at MSNP13+).
 */
export async function readAddressBook(ab: AddressBookService): Promise<AbSnapshot> {
  const [memberships, book] = await Promise.all([ab.findMembership(), ab.findAll()]);
  return snapshotOf(memberships, book);
}

/** What a sign-in read: the list, the cache entry to keep for the next one, and how each service answered. */
export interface AbRead {
  readonly snapshot: AbSnapshot;
  /** Undefined when the services gave no `lastChange` (no delta could be asked next time). */
  readonly cache: CachedAddressBook | undefined;
  /** False when the deltas changed nothing in the cached copy (it need not be written again). */
  readonly cacheChanged: boolean;
  /** Per service: `delta` = a `deltasOnly` answer applied to the cache, `full` = the whole list read. */
  readonly memberships: 'delta' | 'full';
  readonly book: 'delta' | 'full';
}

/**
 * Both services, from a cached copy when there is one (electron/core/msn/ab/cache.ts): each is
 * asked only for what changed since its `lastChange` (`deltasOnly`, MSNP13-18.md §6.3, §6.4), at
 * once as in `readAddressBook`. Each falls back to its full read on its own when the service
 * answers `FullSyncRequired` (§6.6; Escargot always does, ours when a list changed) or
 * `ABDoesNotExist` (the full read creates the book), or sends a delta the cache cannot take exactly.
 */
export async function readAddressBookFrom(ab: AddressBookService, cached: CachedAddressBook | undefined): Promise<AbRead> {
  if (cached === undefined) {
    const [memberships, book] = await Promise.all([ab.findMembership(), ab.findAll()]);
    return { snapshot: snapshotOf(memberships, book), cache: abCacheOf(memberships, book, ab.currentCacheKey), cacheChanged: true, memberships: 'full', book: 'full' };
  }
  if (cached.cacheKey !== undefined) ab.useCacheKey(cached.cacheKey);
  const old = cachedAnswers(cached);
  const viaDelta = async <T>(delta: () => Promise<T>, apply: (d: T) => T | undefined, full: () => Promise<T>): Promise<{ value: T; how: 'delta' | 'full' }> => {
    try {
      const applied = apply(await delta());
      if (applied !== undefined) return { value: applied, how: 'delta' };
    } catch (err) {
      if (!isFullSyncRequired(err) && !isNoBook(err)) throw err;
    }
    return { value: await full(), how: 'full' };
  };
  const [m, b] = await Promise.all([
    viaDelta(() => ab.findMembership(cached.membershipsLastChange), (d) => applyMembershipDelta(old.memberships, d), () => ab.findMembership()),
    viaDelta(() => ab.findAll(cached.bookLastChange), (d) => applyBookDelta(old.book, d), () => ab.findAll()),
  ]);
  // The apply functions give the cached answers back as they were when a delta changed nothing.
  const cacheChanged = m.value !== old.memberships || b.value !== old.book || ab.currentCacheKey !== cached.cacheKey;
  return { snapshot: snapshotOf(m.value, b.value), cache: abCacheOf(m.value, b.value, ab.currentCacheKey), cacheChanged, memberships: m.how, book: b.how };
}

/** Replace the in-memory list with a snapshot, keeping what presence said in this session. */
export function applySnapshot(list: ContactList, snap: AbSnapshot): void {
  const previous = new Map(list.contacts);
  list.clear();
  list.privacy = snap.privacy;
  list.selfName = snap.selfName;
  for (const [id, name] of snap.groups) list.groups.set(id, name);
  for (const e of snap.entries.values()) {
    const r = list.upsert(e.handle, e.storedName);
    const before = previous.get(e.handle);
    if (before !== undefined) {
      r.status = before.status;
      r.liveName = before.liveName;
      r.personalMessage = before.personalMessage;
      r.currentMedia = before.currentMedia;
    }
    list.setGuid(r, e.guid);
    r.groupIds = [...e.groupIds];
    r.lists = { ...e.lists };
  }
}

/** The `l` bits a client may upload for a contact (FL 1, AL 2, BL 4; never RL/PL, §7.1). */
export function clientBits(lists: ListMembership): number {
  return (lists.forward ? LIST_BITS.FL : 0) | (lists.allow ? LIST_BITS.AL : 0) | (lists.block ? LIST_BITS.BL : 0);
}

/**
 * `ADL`/`RML` payloads for some contacts and bits, split at the payload limit (§7.1). The batches
 * are sent one after another without waiting (each has its own TrID and `OK`); the call ends when
 * every one was answered, and fails with the first refusal.
 */
export async function sendMl(conn: Connection, dialect: Dialect, verb: 'ADL' | 'RML', initial: boolean, contacts: readonly MlContact[], timeoutMs?: number): Promise<void> {
  const replies = splitMlPayload({ initial, contacts }, 'client').map((batch) =>
    conn.call((trId) => buildMlRequest({ type: verb, trId, list: batch }, dialect), timeoutMs !== undefined ? { timeoutMs } : {}),
  );
  await Promise.all(replies);
}

/**
 * The sign-in part after `USR OK` (§5.3 steps 2–6): read both services (only their changes when
 * there is a cached copy, `readAddressBookFrom`), fill `list`, then `BLP`,
 * the initial `ADL` (an empty `<ml l="1"></ml>` when there is no one, §7.2) and `PRP MFN`.
 */
export async function syncAddressBook(options: {
  readonly conn: Connection;
  readonly dialect: Dialect;
  readonly list: ContactList;
  readonly ab: AddressBookService;
  readonly myHandle: string;
  readonly timeoutMs?: number;
  /** The address book kept from the last sign-in, if any: then only the changes are asked for. */
  readonly cached?: CachedAddressBook;
}): Promise<AbRead> {
  const { conn, dialect, list } = options;
  const read = await readAddressBookFrom(options.ab, options.cached);
  const snap = read.snapshot;
  applySnapshot(list, snap);
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  // BLP t AL|BL: the privacy default the NS applies (§5.3 step 4). Nothing after it depends on its
  // answer, so the FQYs and the initial ADL follow on the wire without waiting for its `BLP` echo
  // (NS commands pipeline, each answered by its own TrID); both are awaited before `PRP`, and a
  // refused `BLP` still fails the sign-in. The order on the wire stays BLP, FQY…, ADL… (§5.3).
  const blp = conn.call((trId) => buildBlpRequest({ trId, value: snap.privacy.visibility === 'only-allowed' ? 'BL' : 'AL' }, dialect), timeout);
  const initialAdl = async (): Promise<void> => {
    const initial: MlContact[] = [];
    const networks = await networksOfEmailEntries(conn, dialect, snap, options.timeoutMs);
    for (const e of snap.entries.values()) {
      const l = clientBits(e.lists);
      if (l === 0) continue;
      // An e-mail entry goes in only when FQY says it is a Messenger account (below).
      if (!e.networkKnown && dialect >= 14 && networks.get(e.handle) !== NETWORK.PASSPORT) continue;
      initial.push({ handle: e.handle, lists: l, network: NETWORK.PASSPORT });
    }
    await sendMl(conn, dialect, 'ADL', true, initial, options.timeoutMs);
  };
  // Both promises get their handlers here at once, so a BLP refused while the FQYs are out is not
  // an unhandled rejection. §5.3 step 5: every `ADL OK` before `PRP`.
  await Promise.all([blp, initialAdl()]);
  // PRP t MFN name (§5.3 step 6): WLM takes it from the Me contact; without one, my address. Sent
  // at every sign-in even when unchanged, as libpurple and AvaMSN do (the NS has no other way to
  // learn it for this session's NLN); an unchanged name moves no stamp on our server.
  const name = snap.selfName ?? options.myHandle;
  await conn.call((trId) => buildPrpRequest({ trId, key: 'MFN', value: name }, dialect), timeout);
  list.selfName = name;
  return read;
}

/**
 * `FQY` (14+) for every entry whose network the services did not say (MSNP13-18.md §5.3 step 5,
 * §7.2, §7.3; libpurple `msn_notification_dump_contact`): one address per request, as Escargot
 * takes them, all sent at once. An address the NS does not know (`208`), any other refusal or an
 * unreadable answer has no network here; one on another network (Yahoo! 32 …) has that number.
 * The caller uploads only the network-1 ones: this client speaks only to Messenger accounts, so an
 * entry on another network stays on the list without being watched. Before 14 there is no `FQY`
 * (and no other network): nothing is asked.
 */
export async function networksOfEmailEntries(conn: Connection, dialect: Dialect, snap: AbSnapshot, timeoutMs?: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (dialect < 14) return out;
  const unknown = [...snap.entries.values()].filter((e) => !e.networkKnown && clientBits(e.lists) !== 0).map((e) => e.handle);
  await Promise.all(
    unknown.map(async (handle) => {
      try {
        const reply = await conn.call((trId) => buildMlRequest({ type: 'FQY', trId, list: { initial: false, contacts: [{ handle }] } }, dialect), timeoutMs !== undefined ? { timeoutMs } : {});
        const answer = decodeMlReply(reply, dialect);
        if (isCodecError(answer) || answer.type !== 'FQY') return;
        const network = answer.list.contacts.find((c) => normalizeHandle(c.handle) === handle)?.network;
        if (network !== undefined) out.set(handle, network);
      } catch (err) {
        // A refusal leaves it out; a dead connection ends the sign-in as any other command would.
        if (err instanceof RequestError && err.kind === 'protocol') return;
        throw err;
      }
    }),
  );
  return out;
}
