/**
 * `SYN` in each dialect's shape (MSNP.md §4.3, six generations) and the old client-initiated
 * `LST`/`LSG` (§4.4). A client that sends the current version gets the short answer.
 */
import {
  buildBlpReply,
  buildBpr,
  buildGtcReply,
  buildLsgIndexed,
  buildLsgItem,
  buildLstIndexed,
  buildLstItem,
  buildPrpReply,
  buildSynReply,
  ErrorCode,
  LIST_BITS,
  type CommandInit,
  type Dialect,
  type ListName,
  type LsgRequest,
  type LstRequest,
  type SynRequest,
} from '../../../shared/msnp/index';
import type { Account, ContactRecord } from '../../core/lists';
import type { Reply } from '../dispatch';
import { guidGroups, isoVersion, visibleBits } from '../shapes';
import type { NsSession } from './session';

/**
 * Every line here is built by the codec's per-dialect builders (shared/msnp/commands/lists.ts);
 * this file only decides which lines a dialect's `SYN` has and in what order.
 */

/** Phone properties (MSNP5+) in the order the reference lists them (MSNP.md §4.3 generation 2). */
const OWN_PROPERTIES = ['PHH', 'PHW', 'PHM', 'MOB', 'MBE'] as const;
const CONTACT_PROPERTIES = ['PHH', 'PHW', 'PHM', 'MOB'] as const;

const LEGACY_LISTS = [
  ['FL', LIST_BITS.FL],
  ['AL', LIST_BITS.AL],
  ['BL', LIST_BITS.BL],
  ['RL', LIST_BITS.RL],
] as const;

/** `SYN t ver` (2–9) or `SYN t list-ver settings-ver` (10–12). */
export function syn(s: NsSession, req: SynRequest, r: Reply): void {
  const me = s.me;
  const d = s.negotiatedDialect;
  const t = req.trId;
  const out: CommandInit[] = [];
  if (d >= 10) {
    const lv = isoVersion(me.user.listStamp);
    const sv = isoVersion(me.user.settingsStamp);
    if (req.listVersion === lv && req.settingsVersion === sv) {
      r.send(buildSynReply, { listVersion: lv, settingsVersion: sv });
      return;
    }
    modernSync(propertyLookup(s), me, d, t, lv, sv, out);
  } else {
    const v = String(me.user.listVersion);
    if (req.listVersion === v) {
      r.send(buildSynReply, { listVersion: v });
      return;
    }
    if (d >= 8) generation4(propertyLookup(s), me, d, t, out);
    else legacySync(propertyLookup(s), me, d, t, out);
  }
  for (const c of out) s.conn.send(c);
}

/** Generations 1–3 (MSNP2–7): every item line carries the TrID and the version. */
function legacySync(lookup: PropertyLookup, me: Account, d: Dialect, t: number, out: CommandInit[]): void {
  const version = me.user.listVersion;
  out.push(buildSynReply({ trId: t, listVersion: String(version) }, d));
  out.push(buildGtcReply({ trId: t, version, value: me.user.gtc }, d));
  out.push(buildBlpReply({ trId: t, version, value: me.user.blp }, d));
  if (d >= 5) {
    // Generation 2: unset values are sent with no value (MSNP.md §4.3).
    for (const key of OWN_PROPERTIES) out.push(buildPrpReply({ trId: t, version, key, value: me.properties.get(key) }, d));
  }
  if (d >= 7) out.push(...legacyGroupLines(me, d, t));
  for (const [name, bit] of LEGACY_LISTS) out.push(...legacyListLines(me, d, t, name, bit, lookup));
}

/** `LSG t ver idx total id name 0` (MSNP7, and client `LSG` in 7–8). */
function legacyGroupLines(me: Account, d: Dialect, t: number): CommandInit[] {
  const version = me.user.listVersion;
  const groups = [...me.groups.values()];
  return groups.map((g, i) =>
    buildLsgIndexed({ trId: t, version, index: i + 1, total: groups.length, groupId: String(g.id), name: g.name }, d),
  );
}

/** FL group ids as MSNP7–9 print them (the builders default an empty list to `0`, §4.3). */
function legacyGroupIds(c: ContactRecord): string[] | undefined {
  return c.groups.length === 0 ? undefined : c.groups.map(String);
}

/** `LST t LIST ver idx total handle name {groups}`; empty list `LST t LIST ver 0 0`. */
function legacyListLines(
  me: Account,
  d: Dialect,
  t: number,
  list: ListName,
  bit: number,
  lookup: PropertyLookup | undefined,
): CommandInit[] {
  const version = me.user.listVersion;
  const members: ContactRecord[] = [];
  for (const c of me.contacts.values()) if (c.lists & bit) members.push(c);
  if (members.length === 0) return [buildLstIndexed({ trId: t, list, version, index: 0, total: 0 }, d)];
  const out: CommandInit[] = [];
  members.forEach((c, i) => {
    out.push(
      buildLstIndexed(
        { trId: t, list, version, index: i + 1, total: members.length, handle: c.handle, friendlyName: c.name, groups: legacyGroupIds(c) },
        d,
      ),
    );
    // After an FL `LST` in generations 2–3: that contact's properties `BPR ver handle KEY value`.
    if (lookup !== undefined && d >= 5 && bit === LIST_BITS.FL) {
      for (const [key, value] of contactProperties(lookup, c.handle)) out.push(buildBpr({ version, handle: c.handle, key, value }, d));
    }
  });
  return out;
}

type PropertyLookup = (handle: string) => ReadonlyMap<string, string> | undefined;

/**
 * A contact's phone properties as I may see them: only for contacts visibly online to me (MSNP.md
 * §4.2), so hidden is indistinguishable from signed out (`PresenceHub.visibleProperties`).
 */
function propertyLookup(s: NsSession): PropertyLookup {
  const me = s.me.handle;
  return (handle) => s.ctx.presence.visibleProperties(handle, me);
}

function contactProperties(lookup: PropertyLookup, handle: string): Array<[string, string]> {
  const props = lookup(handle);
  if (props === undefined) return [];
  const out: Array<[string, string]> = [];
  for (const key of CONTACT_PROPERTIES) {
    const value = props.get(key);
    if (value !== undefined) out.push([key, value]);
  }
  return out;
}

/** Item lines common to generations 4–6: GTC, BLP, then my set properties (no TrIDs). */
function settingsItems(me: Account, d: Dialect, out: CommandInit[]): void {
  out.push(buildGtcReply({ value: me.user.gtc }, d));
  out.push(buildBlpReply({ value: me.user.blp }, d));
  if (d >= 10) out.push(buildPrpReply({ key: 'MFN', value: me.user.friendlyName }, d));
  for (const key of OWN_PROPERTIES) {
    const value = me.properties.get(key);
    if (value !== undefined) out.push(buildPrpReply({ key, value }, d));
  }
}

/** Generation 4 (MSNP8–9): no TrIDs on items, one `LST` per contact with list bits. */
function generation4(lookup: PropertyLookup, me: Account, d: Dialect, t: number, out: CommandInit[]): void {
  const contacts = [...me.contacts.values()].filter((c) => visibleBits(d, c.lists) !== 0);
  const groups = [...me.groups.values()];
  out.push(buildSynReply({ trId: t, listVersion: String(me.user.listVersion), contacts: contacts.length, groups: groups.length }, d));
  settingsItems(me, d, out);
  for (const g of groups) out.push(buildLsgItem({ groupId: String(g.id), name: g.name }, d));
  for (const c of contacts) {
    const bits = visibleBits(d, c.lists);
    const fl = (bits & LIST_BITS.FL) !== 0;
    // FL lines always end with their groups, `0` when none (MSNP.md §4.3 generation 4).
    out.push(buildLstItem({ handle: c.handle, friendlyName: c.name, lists: bits, groups: fl ? (legacyGroupIds(c) ?? ['0']) : undefined }, d));
    if (fl) for (const [key, value] of contactProperties(lookup, c.handle)) out.push(buildBpr({ key, value }, d));
  }
}

/** Generations 5–6 (MSNP10–12): ISO versions, `N=`/`F=`/`C=`, GUID groups, (12) network id. */
function modernSync(lookup: PropertyLookup, me: Account, d: Dialect, t: number, lv: string, sv: string, out: CommandInit[]): void {
  const contacts = [...me.contacts.values()].filter((c) => c.lists !== 0);
  const groups = [...me.groups.values()].filter((g) => g.id !== 0);
  out.push(buildSynReply({ trId: t, listVersion: lv, settingsVersion: sv, contacts: contacts.length, groups: groups.length }, d));
  settingsItems(me, d, out);
  for (const g of groups) out.push(buildLsgItem({ groupId: g.guid, name: g.name }, d));
  for (const c of contacts) {
    const fl = (c.lists & LIST_BITS.FL) !== 0;
    out.push(
      buildLstItem(
        { handle: c.handle, friendlyName: c.name, contactId: fl ? c.guid : undefined, lists: c.lists, networkId: 1, groups: fl ? guidGroups(c, me.groups) : undefined },
        d,
      ),
    );
    if (fl) for (const [key, value] of contactProperties(lookup, c.handle)) out.push(buildBpr({ key, value }, d));
  }
}

/** Client `LST t LIST` (MSNP2–8, MSNP.md §4.4); `PL` is not one of those lists → `201`. */
export function lst(s: NsSession, req: LstRequest, r: Reply): void {
  const entry = LEGACY_LISTS.find(([name]) => name === req.list);
  if (entry === undefined) {
    r.error(ErrorCode.INVALID_PARAMETER);
    return;
  }
  for (const c of legacyListLines(s.me, s.negotiatedDialect, req.trId, entry[0], entry[1], undefined)) s.conn.send(c);
}

/** Client `LSG t` (MSNP7–8, MSNP.md §4.4). */
export function lsg(s: NsSession, req: LsgRequest): void {
  for (const c of legacyGroupLines(s.me, s.negotiatedDialect, req.trId)) s.conn.send(c);
}
