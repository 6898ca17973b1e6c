/**
 * Presence and identity (MSNP.md §5, §2.10, §3.5, §4.8): `CHG`, `REA`, `PRP`, `SBP`, `UUX`,
 * `QRY`/`CHL`, `PNG`, `OUT`.
 */
import {
  buildChg,
  buildChlChallenge,
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
  encodeName,
  normalizeHandle,
  verifyChallengeResponse,
  LIST_BITS,
  MAX_PROPERTY_VALUE_LENGTH,
  type ChgRequest,
  type PrpRequest,
  type QryRequest,
  type ReaRequest,
  type SbpRequest,
  type UuxRequest,
} from '../../../shared/msnp/index';
import { fail } from '../../core/errors';
import { challengeDigits } from '../../core/random';
import type { Reply } from '../dispatch';
import { presenceOf } from '../shapes';
import { sendInitialMailData } from './offline-notices';
import type { NsSession } from './session';

/** An MSNObject is one URL-encoded XML element; real ones are a few hundred bytes. */
const MAX_MSNOBJECT_LENGTH = 2048;

/**
 * `CHG t STATE {caps {msnobj}}` → echo (MSNP.md §5.2). Capabilities are optional even in 8+
 * (msnlib omits them; treat as 0 and echo what was sent). `CHG t FLN` or an unknown state →
 * `201` (§10.3). The first `CHG` brings `ILN` (+ `UBX` 11+) for every visible online contact,
 * then `CHL` (MSNP6+).
 */
export function chg(s: NsSession, req: ChgRequest, r: Reply): void | Promise<void> {
  const d = s.negotiatedDialect;
  const state = req.state;
  if (state === 'FLN') fail('invalid-parameter');
  // The echo repeats the client's own tokens (§2.7 "reply echoes the request"), so they are kept
  // as received; the MSNObject is also relayed that way to watchers (§2.9).
  // Capabilities may be `caps:extcaps`, which Windows Live clients send even at MSNP12
  // (MSNP13-18.md §8.1; the codec accepts both forms); watchers get both numbers.
  const objectToken = req.msnObject;
  if (objectToken !== undefined && objectToken.wire.length > MAX_MSNOBJECT_LENGTH) fail('invalid-parameter');
  const first = !s.watching;
  // Clients send `0` for "no object" (MSNP.md §2.9): echoed, never relayed.
  const relayed = objectToken?.wire === '0' ? undefined : objectToken;
  const { wasVisible, changed } = s.setPresence(state, req.caps ?? 0, relayed, req.extendedCaps);
  r.send(buildChg, { state, caps: req.capsToken, msnObject: objectToken });
  const announce = (): void => {
    if (changed || first) s.ctx.presence.broadcast(s.me, s.presence, wasVisible);
    if (first && d >= 6 && s.ctx.config.sendChallenges) sendChallenge(s);
  };
  if (!first) return announce();
  s.watching = true;
  sendInitialPresence(s, r);
  // Contacts signed in on other nodes: their nodes answer with `ILN`s (server/cluster/node.ts).
  s.ctx.cluster?.initialPresence(s, r.trId ?? 0);
  // MSNP13+: the waiting offline messages, behind the initial presence (MSNP13-18.md §9.1, §13.1);
  // only this needs the store, so only then does CHG wait for it.
  const mail = sendInitialMailData(s, s.ctx.offline);
  if (mail === undefined) return announce();
  return mail.then(() => {
    if (s.conn.isOpen) announce();
  });
}

/** `ILN t …` per FL contact online and visible to me, each followed by its `UBX` in 11+. */
function sendInitialPresence(s: NsSession, r: Reply): void {
  const me = s.me;
  const d = s.negotiatedDialect;
  for (const c of me.contacts.values()) {
    if (!(c.lists & LIST_BITS.FL)) continue;
    const view = s.ctx.presence.visibleTo(c.handle, me.handle);
    if (view === undefined) continue;
    r.send(buildIln, presenceOf(view));
    if (d >= 11 && view.personalMessage !== undefined) {
      // Relayed byte for byte (MSNP.md §2.10); see NsSession.contactPersonalMessage.
      s.conn.send(buildUbx({ handle: view.handle, status: view.personalMessage }, d));
    }
  }
}

/** `CHL 0 challenge` (MSNP.md §3.5); no answer in time → disconnect (§1.6). */
function sendChallenge(s: NsSession): void {
  s.challenge = challengeDigits();
  s.conn.send(buildChlChallenge({ trId: 0, challenge: s.challenge }, s.negotiatedDialect));
  s.conn.setTimer('challenge', s.ctx.config.challengeTimeoutMs, () => s.conn.end('challenge not answered'));
}

/** A client may ask for a challenge itself: `CHL t` (MSNP.md §3.5). */
export function chl(s: NsSession): void {
  if (s.challenge === undefined) sendChallenge(s);
}

/** `QRY t product-id 32` + 32 hex bytes → `QRY t`; wrong → `540` and close (MSNP.md §3.5). */
export function qry(s: NsSession, req: QryRequest, r: Reply): void {
  const challenge = s.challenge;
  if (challenge === undefined) {
    r.error(ErrorCode.NOT_EXPECTED);
    return;
  }
  s.challenge = undefined;
  s.conn.clearTimer('challenge');
  if (!verifyChallengeResponse(s.negotiatedDialect, challenge, req.productId, req.answer)) {
    s.conn.log('info', 'challenge-failed', { productId: req.productId });
    r.fatal(ErrorCode.CHALLENGE_FAILED, 'wrong challenge answer');
    return;
  }
  r.send(buildQryReply, {});
}

/** A friendly name from the wire (decoded by the codec), checked (MSNP.md §5.4): `209` when empty or too long. */
function friendlyName(name: string): string {
  if (checkFriendlyName(name) !== undefined || /[\r\n]/.test(name)) fail('bad-name');
  return name;
}

async function renameSelf(s: NsSession, name: string): Promise<void> {
  if (!s.renames.hit()) fail('too-fast');
  await s.ctx.lists.setFriendlyName(s.me, name);
  s.friendlyNameChanged();
}

/**
 * `REA t handle name` → `REA t ver handle name` (MSNP2–9, MSNP.md §5.4). My own handle renames
 * me (watchers get `NLN` with the new name); a contact's handle renames my stored copy only.
 */
export async function rea(s: NsSession, req: ReaRequest, r: Reply): Promise<void> {
  const handle = normalizeHandle(req.handle);
  const name = friendlyName(req.friendlyName);
  if (handle === s.me.handle) await renameSelf(s, name);
  else await s.ctx.lists.renameContact(s.me, handle, name);
  r.send(buildReaReply, { version: s.me.user.listVersion, handle, friendlyName: name });
}

const PHONE_KEYS = new Set(['PHH', 'PHW', 'PHM', 'MOB', 'MBE', 'WWE', 'HSB']);

/**
 * `PRP t KEY {value}` (MSNP5+, MSNP.md §4.8): phone numbers and flags; `MFN` (10+) is my
 * friendly name. Unknown key → `715`; a key that is not 1–3 capitals (the codec refuses it) or an
 * over-long value → close.
 */
export async function prp(s: NsSession, req: PrpRequest, r: Reply): Promise<void> {
  const { key, value } = req;
  if (key === 'MFN' && s.negotiatedDialect >= 10) {
    const name = friendlyName(value ?? '');
    await renameSelf(s, name);
    r.send(buildPrpReply, { key: 'MFN', value: name });
    return;
  }
  if (!PHONE_KEYS.has(key)) {
    r.error(ErrorCode.NOT_EXPECTED);
    return;
  }
  if (value !== undefined && encodeName(value).length > MAX_PROPERTY_VALUE_LENGTH) {
    s.conn.end('PRP value too long');
    return;
  }
  await s.ctx.lists.setProperty(s.me, key, value);
  r.send(buildPrpReply, { version: s.me.user.listVersion, key, value });
  s.ctx.presence.broadcastProperty(s.me, key, value);
}

/**
 * `SBP t contact-guid MFN name` → echo (MSNP10+, MSNP.md §4.8): my stored name for a contact. The
 * echo is the request, token for token (the name as the client encoded it, and any parameters
 * after it, such as MSNP11's trailing `1` after `PHM`).
 */
export async function sbp(s: NsSession, req: SbpRequest, r: Reply): Promise<void> {
  const ref = req.contactId;
  const entry = ref.includes('@') ? s.me.contacts.get(normalizeHandle(ref)) : s.me.contactByGuid(ref);
  if (entry === undefined) fail('not-on-list');
  if (req.key === 'MFN') {
    await s.ctx.lists.renameContact(s.me, entry.handle, friendlyName(decodeName(req.value?.wire ?? '')));
  } else if (!PHONE_KEYS.has(req.key)) {
    r.error(ErrorCode.NOT_EXPECTED);
    return;
  }
  r.send(buildSbp, { contactId: ref, key: req.key, value: req.value, extra: req.extra });
}

/** `UUX t len` + XML → `UUX t 0`; watchers get `UBX` (MSNP11+, MSNP.md §2.10). */
export function uux(s: NsSession, req: UuxRequest, r: Reply): void {
  const document = req.document ?? new Uint8Array(0);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(document);
  } catch {
    r.error(ErrorCode.INVALID_XML);
    return;
  }
  const changed = s.setPersonalMessage(document);
  r.send(buildUuxReply, {});
  if (changed) s.ctx.presence.broadcastPersonalMessage(s.me, s.presence);
}

/** `PNG` → `QNG` (2–8) / `QNG 60` (9+) (MSNP.md §1.6). */
export function png(s: NsSession): void {
  // Before VER there is no dialect yet: the oldest shape, a bare `QNG`.
  s.conn.send(buildQng({}, s.dialect ?? 2));
}

/** `OUT`: the client leaves; we close (MSNP.md §5.5). */
export function out(s: NsSession): void {
  s.conn.end('client OUT');
}
