/**
 * Per-dialect helpers for the lines the server sends (MSNP.md §2.7 and the sections cited per
 * function). Every line itself comes from the codec's builders (shared/msnp/commands); what is here
 * maps the server's own records onto them.
 */
import { buildMessage, buildProfileMessage, LIST_BITS, type Dialect, type NlnInit, type OnlineState } from '../../shared/msnp/index';
import type { PresenceView } from '../core/presence';
import type { ContactRecord, GroupRecord } from '../core/lists';

/** MSNP10+ list/settings versions: ISO-8601 with 7 fractional digits (MSNP.md §4.3). */
export function isoVersion(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2005-04-23T18:57:44.813Z
  return `${iso.slice(0, 23)}0000+00:00`;
}

/**
 * A contact's presence as the codec's `buildIln`/`buildNln` take it (MSNP.md §5.3). The MSNObject
 * is the owner's wire token (`Verbatim`), relayed byte for byte as §2.9 asks. `HDN` never reaches
 * here (it is offline to others, §5.1).
 */
export function presenceOf(v: PresenceView): NlnInit {
  return { state: v.state as OnlineState, handle: v.handle, friendlyName: v.friendlyName, caps: v.caps, extendedCaps: v.extendedCaps, msnObject: v.msnObject };
}

/**
 * Which ILN/NLN shape a dialect gets (§2.7; MSNP13-18.md §3.2: 13 as 9–12, 14–15 with the network
 * id after the handle), for sharing serialised bytes in a fan-out.
 */
export function presenceShape(d: Dialect): 'p2' | 'p8' | 'p9' | 'p14' {
  return d < 8 ? 'p2' : d === 8 ? 'p8' : d < 14 ? 'p9' : 'p14';
}

/** 14+ write `FLN`/`UBX` with the network id (MSNP13-18.md §3.2): a second shape to cache. */
export function hasNetworkId(d: Dialect): boolean {
  return d >= 14;
}

/** Bits as a dialect sees them: the pending list only exists from MSNP10 (MSNP.md §4.1). */
export function visibleBits(d: Dialect, lists: number): number {
  return d >= 10 ? lists : lists & ~LIST_BITS.PL;
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

/** The initial profile `MSG Hotmail Hotmail` body (MSNP.md §3.3.4), built by the codec. */
export function profilePayload(
  d: Dialect,
  o: { loginTime: number; handle: string; memberId: number; mspAuth: string; clientIp: string; clientPort: number },
): Uint8Array {
  const profile = buildProfileMessage(
    {
      loginTime: Math.floor(o.loginTime / 1000),
      memberIdHigh: 0,
      memberIdLow: o.memberId,
      preferredEmail: o.handle,
      country: 'US',
      mspAuth: o.mspAuth,
      clientIp: o.clientIp,
      clientPort: o.clientPort,
    },
    d,
  );
  return buildMessage(profile);
}

/** `GCF t Shields.xml` answer (MSNP.md §9.3): an empty policy that denies nothing. */
export const SHIELDS_XML =
  '<?xml version="1.0" encoding="utf-8" ?><config><shield><cli maj="7" min="0" minbld="0" maxbld="9999" deny=" " /></shield><block></block></config>';
