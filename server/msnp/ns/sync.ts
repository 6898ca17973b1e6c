/**
 * `SYN` in each dialect's shape (MSNP.md §4.3, six generations) and the old client-initiated
 * `LST`/`LSG` (§4.4). A client that sends the current version gets the short answer.
 */
import { encodeName, type Command, type CommandInit, type Dialect } from '../../../shared/msnp/index';
import type { Account } from '../../core/lists';
import { ListBit, type ContactRecord } from '../../store/store';
import { guidGroups, isoVersion, legacyGroups, visibleBits } from '../shapes';
import type { NsSession } from './session';

/** Phone properties (MSNP5+) in the order the reference lists them (MSNP.md §4.3 generation 2). */
const OWN_PROPERTIES = ['PHH', 'PHW', 'PHM', 'MOB', 'MBE'] as const;
const CONTACT_PROPERTIES = ['PHH', 'PHW', 'PHM', 'MOB'] as const;

const LEGACY_LISTS = [
  ['FL', ListBit.FL],
  ['AL', ListBit.AL],
  ['BL', ListBit.BL],
  ['RL', ListBit.RL],
] as const;

/** `SYN t ver` (2–9) or `SYN t list-ver settings-ver` (10–12). */
export function syn(s: NsSession, cmd: Command): void {
  const me = s.me;
  const d = s.d;
  const t = cmd.trId as number;
  const out: CommandInit[] = [];
  if (d >= 10) {
    const lv = isoVersion(me.user.listStamp);
    const sv = isoVersion(me.user.settingsStamp);
    if (cmd.params[0] === lv && cmd.params[1] === sv) {
      s.conn.send({ verb: 'SYN', trId: t, params: [lv, sv] });
      return;
    }
    modernSync(propertyLookup(s), me, d, t, lv, sv, out);
  } else {
    const v = String(me.user.listVersion);
    if (cmd.params[0] === v) {
      s.conn.send({ verb: 'SYN', trId: t, params: [v] });
      return;
    }
    if (d >= 8) generation4(propertyLookup(s), me, d, t, out);
    else legacySync(propertyLookup(s), me, d, t, out);
  }
  for (const c of out) s.conn.send(c);
}

/** Generations 1–3 (MSNP2–7): every item line carries the TrID and the version. */
function legacySync(lookup: PropertyLookup, me: Account, d: Dialect, t: number, out: CommandInit[]): void {
  const v = String(me.user.listVersion);
  out.push({ verb: 'SYN', trId: t, params: [v] });
  out.push({ verb: 'GTC', trId: t, params: [v, me.user.gtc] });
  out.push({ verb: 'BLP', trId: t, params: [v, me.user.blp] });
  if (d >= 5) {
    for (const key of OWN_PROPERTIES) out.push(ownPropertyLegacy(me, t, v, key));
  }
  if (d >= 7) out.push(...legacyGroupLines(me, t));
  for (const [name, bit] of LEGACY_LISTS) out.push(...legacyListLines(me, d, t, name, bit, lookup));
}

function ownPropertyLegacy(me: Account, t: number, v: string, key: string): CommandInit {
  const value = me.properties.get(key);
  // Generation 2: unset values are sent with no value (MSNP.md §4.3).
  return { verb: 'PRP', trId: t, params: value === undefined ? [v, key] : [v, key, encodeName(value)] };
}

/** `LSG t ver idx total id name 0` (MSNP7, and client `LSG` in 7–8). */
function legacyGroupLines(me: Account, t: number): CommandInit[] {
  const v = String(me.user.listVersion);
  const groups = [...me.groups.values()];
  return groups.map((g, i) => ({
    verb: 'LSG',
    trId: t,
    params: [v, String(i + 1), String(groups.length), String(g.id), encodeName(g.name), '0'],
  }));
}

/** `LST t LIST ver idx total handle name {groups}`; empty list `LST t LIST ver 0 0`. */
export function legacyListLines(
  me: Account,
  d: Dialect,
  t: number,
  list: string,
  bit: number,
  lookup: PropertyLookup | undefined,
): CommandInit[] {
  const v = String(me.user.listVersion);
  const members: ContactRecord[] = [];
  for (const c of me.contacts.values()) if (c.lists & bit) members.push(c);
  if (members.length === 0) return [{ verb: 'LST', trId: t, params: [list, v, '0', '0'] }];
  const out: CommandInit[] = [];
  members.forEach((c, i) => {
    const params = [list, v, String(i + 1), String(members.length), c.handle, encodeName(c.name)];
    if (d >= 7 && bit === ListBit.FL) params.push(legacyGroups(c));
    out.push({ verb: 'LST', trId: t, params });
    if (lookup !== undefined && d >= 5 && bit === ListBit.FL) out.push(...contactPropertiesLegacy(lookup, v, c));
  });
  return out;
}

/** After an FL `LST` in generations 2–3: that contact's properties `BPR ver handle KEY value`. */
function contactPropertiesLegacy(lookup: PropertyLookup, v: string, c: ContactRecord): CommandInit[] {
  return contactProperties(lookup, c.handle).map(([key, value]) => ({ verb: 'BPR', params: [v, c.handle, key, encodeName(value)] }));
}

type PropertyLookup = (handle: string) => ReadonlyMap<string, string> | undefined;

/**
 * A contact's phone properties as I may see them: only for signed-in contacts (their account is
 * in memory) who allow me (MSNP.md §4.2). Offline contacts' numbers are not sent in `SYN`.
 */
function propertyLookup(s: NsSession): PropertyLookup {
  const me = s.me.handle;
  return (handle) => {
    const a = s.ctx.lists.peek(handle);
    return a !== undefined && a.allows(me) ? a.properties : undefined;
  };
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

/** Generation 4 (MSNP8–9): no TrIDs on items, one `LST` per contact with list bits. */
function generation4(lookup: PropertyLookup, me: Account, d: Dialect, t: number, out: CommandInit[]): void {
  const contacts = [...me.contacts.values()].filter((c) => visibleBits(d, c.lists) !== 0);
  const groups = [...me.groups.values()];
  out.push({ verb: 'SYN', trId: t, params: [String(me.user.listVersion), String(contacts.length), String(groups.length)] });
  out.push({ verb: 'GTC', params: [me.user.gtc] });
  out.push({ verb: 'BLP', params: [me.user.blp] });
  for (const key of OWN_PROPERTIES) {
    const value = me.properties.get(key);
    if (value !== undefined) out.push({ verb: 'PRP', params: [key, encodeName(value)] });
  }
  for (const g of groups) out.push({ verb: 'LSG', params: [String(g.id), encodeName(g.name), '0'] });
  for (const c of contacts) {
    const bits = visibleBits(d, c.lists);
    const params = [c.handle, encodeName(c.name), String(bits)];
    if (bits & ListBit.FL) params.push(legacyGroups(c));
    out.push({ verb: 'LST', params });
    if (bits & ListBit.FL) for (const [key, value] of contactProperties(lookup, c.handle)) out.push({ verb: 'BPR', params: [key, encodeName(value)] });
  }
}

/** Generations 5–6 (MSNP10–12): ISO versions, `N=`/`F=`/`C=`, GUID groups, (12) network id. */
function modernSync(lookup: PropertyLookup, me: Account, d: Dialect, t: number, lv: string, sv: string, out: CommandInit[]): void {
  const contacts = [...me.contacts.values()].filter((c) => c.lists !== 0);
  const groups = [...me.groups.values()].filter((g) => g.id !== 0);
  out.push({ verb: 'SYN', trId: t, params: [lv, sv, String(contacts.length), String(groups.length)] });
  out.push({ verb: 'GTC', params: [me.user.gtc] });
  out.push({ verb: 'BLP', params: [me.user.blp] });
  out.push({ verb: 'PRP', params: ['MFN', encodeName(me.user.friendlyName)] });
  for (const key of OWN_PROPERTIES) {
    const value = me.properties.get(key);
    if (value !== undefined) out.push({ verb: 'PRP', params: [key, encodeName(value)] });
  }
  for (const g of groups) out.push({ verb: 'LSG', params: [encodeName(g.name), g.guid] });
  for (const c of contacts) {
    const params = [`N=${c.handle}`, `F=${encodeName(c.name)}`];
    if (c.lists & ListBit.FL) params.push(`C=${c.guid}`);
    params.push(String(c.lists));
    if (d >= 12) params.push('1');
    if (c.lists & ListBit.FL) {
      const gs = guidGroups(c, me.groups);
      if (gs.length > 0) params.push(gs.join(','));
    }
    out.push({ verb: 'LST', params });
    if (c.lists & ListBit.FL) for (const [key, value] of contactProperties(lookup, c.handle)) out.push({ verb: 'BPR', params: [key, encodeName(value)] });
  }
}

/** Client `LST t LIST` (MSNP2–8, MSNP.md §4.4). */
export function lst(s: NsSession, cmd: Command): void {
  const entry = LEGACY_LISTS.find(([name]) => name === cmd.params[0]);
  if (entry === undefined) {
    s.conn.error(201, cmd.trId);
    return;
  }
  for (const c of legacyListLines(s.me, s.d, cmd.trId as number, entry[0], entry[1], undefined)) s.conn.send(c);
}

/** Client `LSG t` (MSNP7–8, MSNP.md §4.4). */
export function lsg(s: NsSession, cmd: Command): void {
  for (const c of legacyGroupLines(s.me, cmd.trId as number)) s.conn.send(c);
}
