/**
 * Presence and identity (MSNP.md §5, §2.10, §3.5, §4.8): `CHG`, `REA`, `PRP`, `SBP`, `UUX`,
 * `QRY`/`CHL`, `PNG`, `OUT`.
 */
import {
  buildChg,
  buildChlChallenge,
  buildError,
  buildIln,
  ErrorCode,
  buildPrpReply,
  buildQng,
  buildQryReply,
  buildReaReply,
  buildSbp,
  buildUbx,
  buildUuxReply,
  checkFriendlyName,
  decodeName,
  normalizeHandle,
  verbatim,
  verifyChallengeResponse,
  MAX_FRIENDLY_NAME_ENCODED_LENGTH,
  MAX_PROPERTY_KEY_LENGTH,
  MAX_PROPERTY_VALUE_LENGTH,
  type Command,
  type Verbatim,
} from '../../../shared/msnp/index';
import { fail } from '../../core/errors';
import { ONLINE_STATES, type OnlineState } from '../../core/presence';
import { challengeDigits } from '../../core/random';
import { ListBit } from '../../store/store';
import { presenceOf } from '../shapes';
import type { NsSession } from './session';

const MAX_CAPS = 0xffffffff;
/** An MSNObject is one URL-encoded XML element; real ones are a few hundred bytes. */
const MAX_MSNOBJECT_LENGTH = 2048;

/**
 * `CHG t STATE {caps {msnobj}}` → echo (MSNP.md §5.2). Capabilities are optional even in 8+
 * (msnlib omits them; treat as 0 and echo what was sent). `CHG t FLN` or an unknown state →
 * `201` (§10.3). The first `CHG` brings `ILN` (+ `UBX` 11+) for every visible online contact,
 * then `CHL` (MSNP6+).
 */
export function chg(s: NsSession, cmd: Command): void {
  const d = s.d;
  const state = cmd.params[0] as string;
  if (!ONLINE_STATES.has(state)) fail('invalid-parameter');
  let caps = 0;
  // The echo repeats the client's own tokens (§2.7 "reply echoes the request"), so they are kept
  // as received; the MSNObject is also relayed that way to watchers (§2.9).
  let capsToken: Verbatim | undefined;
  let objectToken: Verbatim | undefined;
  if (d >= 8 && cmd.params[1] !== undefined) {
    const raw = cmd.params[1];
    // `caps` or `caps:extcaps`, which Windows Live clients send even at MSNP12 (MSNP13-18.md §8.1).
    const m = /^(\d{1,10})(?::(\d{1,10}))?$/.exec(raw);
    if (m === null || Number(m[1]) > MAX_CAPS || Number(m[2] ?? 0) > MAX_CAPS) fail('invalid-parameter');
    caps = Number(m[1]);
    capsToken = verbatim(raw);
    if (d >= 9 && cmd.params[2] !== undefined) {
      const obj = cmd.params[2];
      if (obj.length > MAX_MSNOBJECT_LENGTH) fail('invalid-parameter');
      objectToken = verbatim(obj);
    }
  }
  const first = !s.watching;
  // Clients send `0` for "no object" (MSNP.md §2.9): echoed, never relayed.
  const relayed = objectToken?.wire === '0' ? undefined : objectToken;
  const { wasVisible, changed } = s.setPresence(state as OnlineState, caps, relayed, capsToken);
  s.conn.send(buildChg({ trId: cmd.trId as number, state: state as OnlineState, caps: capsToken, msnObject: objectToken }, d));
  if (first) {
    s.watching = true;
    sendInitialPresence(s, cmd.trId as number);
  }
  if (changed || first) s.ctx.presence.broadcast(s.me, s.presence, wasVisible);
  if (first && d >= 6 && s.ctx.config.sendChallenges) sendChallenge(s);
}

/** `ILN t …` per FL contact online and visible to me, each followed by its `UBX` in 11+. */
function sendInitialPresence(s: NsSession, trId: number): void {
  const me = s.me;
  const d = s.d;
  for (const c of me.contacts.values()) {
    if (!(c.lists & ListBit.FL)) continue;
    const view = s.ctx.presence.visibleTo(c.handle, me.handle);
    if (view === undefined) continue;
    s.conn.send(buildIln({ ...presenceOf(view), trId }, d));
    if (d >= 11 && view.personalMessage !== undefined) {
      // Relayed byte for byte (MSNP.md §2.10); see NsSession.contactPersonalMessage.
      s.conn.send(buildUbx({ handle: view.handle, status: view.personalMessage }, d));
    }
  }
}

/** `CHL 0 challenge` (MSNP.md §3.5); no answer in time → disconnect (§1.6). */
function sendChallenge(s: NsSession): void {
  s.challenge = challengeDigits();
  s.conn.send(buildChlChallenge({ trId: 0, challenge: s.challenge }, s.d));
  s.conn.setTimer('challenge', s.ctx.config.challengeTimeoutMs, () => s.conn.end('challenge not answered'));
}

/** A client may ask for a challenge itself: `CHL t` (MSNP.md §3.5). */
export function chl(s: NsSession, _cmd: Command): void {
  if (s.challenge === undefined) sendChallenge(s);
}

/** `QRY t product-id 32` + 32 hex bytes → `QRY t`; wrong → `540` and close (MSNP.md §3.5). */
export function qry(s: NsSession, cmd: Command): void {
  const challenge = s.challenge;
  if (challenge === undefined) {
    s.conn.error(ErrorCode.NOT_EXPECTED, cmd.trId);
    return;
  }
  s.challenge = undefined;
  s.conn.clearTimer('challenge');
  const answer = new TextDecoder().decode(cmd.payload);
  if (!verifyChallengeResponse(s.d, challenge, cmd.params[0] as string, answer)) {
    s.conn.log('info', 'challenge-failed', { productId: cmd.params[0] });
    s.conn.end('wrong challenge answer', buildError({ code: ErrorCode.CHALLENGE_FAILED, trId: cmd.trId }));
    return;
  }
  s.conn.send(buildQryReply({ trId: cmd.trId as number }, s.d));
}

/** A friendly name from the wire, checked (MSNP.md §5.4): `209` when empty or too long. */
function friendlyName(raw: string): string {
  if (raw.length > MAX_FRIENDLY_NAME_ENCODED_LENGTH) fail('bad-name');
  const name = decodeName(raw);
  if (checkFriendlyName(name) !== undefined || /[\r\n]/.test(name)) fail('bad-name');
  return name;
}

function renameSelf(s: NsSession, name: string): void {
  if (!s.renames.hit()) fail('too-fast');
  s.ctx.lists.setFriendlyName(s.me, name);
  s.friendlyNameChanged();
}

/**
 * `REA t handle name` → `REA t ver handle name` (MSNP2–9, MSNP.md §5.4). My own handle renames
 * me (watchers get `NLN` with the new name); a contact's handle renames my stored copy only.
 */
export function rea(s: NsSession, cmd: Command): void {
  const handle = normalizeHandle(cmd.params[0] as string);
  const name = friendlyName(cmd.params[1] as string);
  if (handle === s.me.handle) renameSelf(s, name);
  else s.ctx.lists.renameContact(s.me, handle, name);
  s.conn.send(buildReaReply({ trId: cmd.trId as number, version: s.me.user.listVersion, handle, friendlyName: name }, s.d));
}

const PHONE_KEYS = new Set(['PHH', 'PHW', 'PHM', 'MOB', 'MBE', 'WWE', 'HSB']);

/**
 * `PRP t KEY {value}` (MSNP5+, MSNP.md §4.8): phone numbers and flags; `MFN` (10+) is my
 * friendly name. Unknown key → `715`; a key over 3 characters or an over-long value → close.
 */
export function prp(s: NsSession, cmd: Command): void {
  const key = cmd.params[0] as string;
  const raw = cmd.params[1];
  if (key.length > MAX_PROPERTY_KEY_LENGTH) {
    s.conn.end('PRP key too long');
    return;
  }
  if (key === 'MFN' && s.d >= 10) {
    const name = friendlyName(raw ?? '');
    renameSelf(s, name);
    s.conn.send(buildPrpReply({ trId: cmd.trId as number, key: 'MFN', value: name }, s.d));
    return;
  }
  if (!PHONE_KEYS.has(key)) {
    s.conn.error(ErrorCode.NOT_EXPECTED, cmd.trId);
    return;
  }
  if (raw !== undefined && raw.length > MAX_PROPERTY_VALUE_LENGTH) {
    s.conn.end('PRP value too long');
    return;
  }
  const value = raw === undefined ? undefined : decodeName(raw);
  s.ctx.lists.setProperty(s.me, key, value);
  s.conn.send(buildPrpReply({ trId: cmd.trId as number, version: s.me.user.listVersion, key, value }, s.d));
  s.ctx.presence.broadcastProperty(s.me, key, value);
}

/**
 * `SBP t contact-guid MFN name` → echo (MSNP10+, MSNP.md §4.8): my stored name for a contact. The
 * echo is the request, token for token (the name as the client encoded it, and any parameters
 * after it, such as MSNP11's trailing `1` after `PHM`).
 */
export function sbp(s: NsSession, cmd: Command): void {
  const [ref, key, raw] = cmd.params as [string, string, string | undefined];
  const entry = ref.includes('@') ? s.me.contacts.get(normalizeHandle(ref)) : s.me.contactByGuid(ref);
  if (entry === undefined) fail('not-on-list');
  if (key === 'MFN') {
    s.ctx.lists.renameContact(s.me, entry.handle, friendlyName(raw ?? ''));
  } else if (!PHONE_KEYS.has(key)) {
    s.conn.error(ErrorCode.NOT_EXPECTED, cmd.trId);
    return;
  }
  const value = raw === undefined ? undefined : verbatim(raw);
  s.conn.send(buildSbp({ trId: cmd.trId as number, contactId: ref, key, value, extra: cmd.params.slice(3) }, s.d));
}

/** `UUX t len` + XML → `UUX t 0`; watchers get `UBX` (MSNP11+, MSNP.md §2.10). */
export function uux(s: NsSession, cmd: Command): void {
  const payload = cmd.payload as Uint8Array;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    s.conn.error(ErrorCode.INVALID_XML, cmd.trId);
    return;
  }
  const changed = s.setPersonalMessage(payload);
  s.conn.send(buildUuxReply({ trId: cmd.trId as number }, s.d));
  if (changed) s.ctx.presence.broadcastPersonalMessage(s.me, s.presence);
}

/** `PNG` → `QNG` (2–8) / `QNG 60` (9+) (MSNP.md §1.6). */
export function png(s: NsSession, _cmd: Command): void {
  // Before VER there is no dialect yet: the oldest shape, a bare `QNG`.
  s.conn.send(buildQng({}, s.dialect ?? 2));
}

/** `OUT`: the client leaves; we close (MSNP.md §5.5). */
export function out(s: NsSession, _cmd: Command): void {
  s.conn.end('client OUT');
}
