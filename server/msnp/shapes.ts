/**
 * Per-dialect line shapes the server sends (MSNP.md §2.7 and the sections cited per function).
 * Each takes decoded values and returns a `CommandInit` for `serialize(…, 'toClient')`; names are
 * URL-encoded here, once.
 */
import { encodeName, type CommandInit, type Dialect } from '../../shared/msnp/index';
import type { PresenceView } from '../core/presence';
import { ListBit, type ContactRecord, type GroupRecord } from '../store/store';

/** MSNP10+ list/settings versions: ISO-8601 with 7 fractional digits (MSNP.md §4.3). */
export function isoVersion(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2005-04-23T18:57:44.813Z
  return `${iso.slice(0, 23)}0000+00:00`;
}

/** `USR t OK …` on the NS (MSNP.md §2.7): 2–5 handle name · 6–7 + verified · 8–9 + restricted · 10+ no name. */
export function usrOk(d: Dialect, trId: number, handle: string, name: string): CommandInit {
  const n = encodeName(name);
  if (d <= 5) return { verb: 'USR', trId, params: ['OK', handle, n] };
  if (d <= 7) return { verb: 'USR', trId, params: ['OK', handle, n, '1'] };
  if (d <= 9) return { verb: 'USR', trId, params: ['OK', handle, n, '1', '0'] };
  return { verb: 'USR', trId, params: ['OK', handle, '1', '0'] };
}

/** `XFR t NS host:port …` (MSNP.md §2.7): 2 bare · 3–6 + `0` · 7+ + `0 current-host:port`. */
export function xfrNs(d: Dialect, trId: number, nsAddress: string, currentAddress: string): CommandInit {
  if (d === 2) return { verb: 'XFR', trId, params: ['NS', nsAddress] };
  if (d <= 6) return { verb: 'XFR', trId, params: ['NS', nsAddress, '0'] };
  return { verb: 'XFR', trId, params: ['NS', nsAddress, '0', currentAddress] };
}

/** Presence params after the verb (and TrID): `STATE handle name {caps {msnobj}}` (MSNP.md §5.3). */
export function presenceParams(d: Dialect, v: PresenceView): string[] {
  const params = [v.state, v.handle, encodeName(v.friendlyName)];
  if (d >= 8) params.push(String(v.caps));
  if (d >= 9 && v.msnObject !== undefined) params.push(v.msnObject);
  return params;
}

/** Which `presenceParams` shape a dialect gets, for sharing serialised bytes in a fan-out. */
export function presenceShape(d: Dialect): 'p2' | 'p8' | 'p9' {
  return d < 8 ? 'p2' : d === 8 ? 'p8' : 'p9';
}

/** Bits as a dialect sees them: the pending list only exists from MSNP10 (MSNP.md §4.1). */
export function visibleBits(d: Dialect, lists: number): number {
  return d >= 10 ? lists : lists & ~ListBit.PL;
}

/** FL group ids as MSNP7–9 print them: at least `0` (MSNP.md §4.3 generation 3). */
export function legacyGroups(c: ContactRecord): string {
  return c.groups.length === 0 ? '0' : c.groups.join(',');
}

/** MSNP10+ group GUIDs of a contact; group 0 has none there (MSNP.md §10.14). */
export function guidGroups(c: ContactRecord, groups: ReadonlyMap<number, GroupRecord>): string[] {
  const out: string[] = [];
  for (const id of c.groups) {
    if (id === 0) continue;
    const g = groups.get(id);
    if (g !== undefined) out.push(g.guid);
  }
  return out;
}

/** `IRO t idx total handle name {caps in 12}` (MSNP.md §6.2). */
export function iro(d: Dialect, trId: number, idx: number, total: number, handle: string, name: string, caps: number): CommandInit {
  const params = [String(idx), String(total), handle, encodeName(name)];
  if (d >= 12) params.push(String(caps));
  return { verb: 'IRO', trId, params };
}

/** `JOI handle name {caps in 12}` (MSNP.md §6.3). */
export function joi(d: Dialect, handle: string, name: string, caps: number): CommandInit {
  const params = [handle, encodeName(name)];
  if (d >= 12) params.push(String(caps));
  return { verb: 'JOI', params };
}

/** The initial profile `MSG Hotmail Hotmail` body (MSNP.md §3.3.4). */
export function profilePayload(
  d: Dialect,
  o: { loginTime: number; handle: string; memberId: number; mspAuth: string; clientIp: string; clientPort: number },
): string {
  const lines = ['MIME-Version: 1.0', 'Content-Type: text/x-msmsgsprofile; charset=UTF-8', `LoginTime: ${Math.floor(o.loginTime / 1000)}`];
  if (d >= 3) {
    lines.push(
      'EmailEnabled: 0',
      'MemberIdHigh: 0',
      `MemberIdLow: ${o.memberId}`,
      'lang_preference: 1033',
      `preferredEmail: ${o.handle}`,
      'country: US',
      'PostalCode: ',
      'Gender: ',
      'Kid: 0',
      'Age: ',
      'BDayPre: ',
      'Birthday: ',
      'Wallet: ',
      'Flags: 1027',
      'sid: 507',
      'kv: 5',
      `MSPAuth: ${o.mspAuth}`,
    );
  }
  if (d >= 8) {
    // MSNP.md §3.3.4: ClientPort is byte-swapped.
    const swapped = ((o.clientPort & 0xff) << 8) | ((o.clientPort >> 8) & 0xff);
    lines.push(`ClientIP: ${o.clientIp}`, `ClientPort: ${swapped}`);
  }
  if (d >= 10) lines.push('ABCHMigrated: 1');
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** `GCF t Shields.xml` answer (MSNP.md §9.3): an empty policy that denies nothing. */
export const SHIELDS_XML =
  '<?xml version="1.0" encoding="utf-8" ?><config><shield><cli maj="7" min="0" minbld="0" maxbld="9999" deny=" " /></shield><block></block></config>';
