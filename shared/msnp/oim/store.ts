/**
 * Sending an offline message: `Store2` (MSNP15+; `Store` at 13–14) to `/OimWS/oim.asmx`
 * (MSNP13-18.md §9.2), with the lock-key challenge: the first request goes with an empty `lockkey`,
 * the service answers `AuthenticationFailed` with a `LockKeyChallenge`, and the client answers it
 * with the MSNP11 `QRY` algorithm over its product id/key (MSNP.md §3.5.3) and resends.
 * Both directions: the client builds requests and reads answers, the server the reverse.
 */
import { findProductKey, qryMsnp11, type ProductKey } from '../auth';
import { codecError, isCodecError, type CodecError } from '../errors';
import { buildEnvelope, buildFault, parseEnvelope, type SoapFault } from '../soap/envelope';
import { attr, child, descendants, el, text, textAt } from '../soap/xml';
import { encodeWord, decodeWords } from './rfc2047';

export const OIM_STORE_PATH = '/OimWS/oim.asmx';
/** 15+ (§9.2). */
export const STORE2_ACTION = 'http://messenger.live.com/ws/2006/09/oim/Store2';
/** 13–14 (§9.2). */
export const STORE_ACTION = 'http://messenger.msn.com/ws/2004/09/oim/Store';
const OIM_NS = 'http://messenger.msn.com/ws/2004/09/oim/';
const RM_NS = 'http://schemas.xmlsoap.org/ws/2003/03/rm';
const UTILITY_NS = 'http://schemas.xmlsoap.org/ws/2002/07/utility';

/** The MSNP15 product id/key (MSNP13-18.md §5.3 step 10, §9.2's example): the pair for `CHL` and the lock key. */
export const MSNP15_PRODUCT: ProductKey = findProductKey('PROD0119GSJUC$18') as ProductKey;

/** The lock key for a `LockKeyChallenge` (§9.2): the `QRY` answer of that challenge, 32 hex characters. */
export function oimLockKey(challenge: string, product: ProductKey = MSNP15_PRODUCT): string {
  return qryMsnp11(challenge, product.productId, product.productKey);
}

export interface Store2Request {
  readonly from: string;
  /** Sent as an RFC 2047 word (`=?utf-8?B?…?=`). */
  readonly friendlyName: string;
  readonly to: string;
  /** The `messengersecure.live.com` compact token (escaped here). */
  readonly ticket: string;
  readonly appId: string;
  /** 32 hex characters, or '' on the first try. */
  readonly lockKey: string;
  /** `MessageNumber` = the content's `X-OIM-Sequence-Num`. */
  readonly sequence: number;
  /** The MIME message of `buildOimContent`. */
  readonly content: string;
  /** `msnpVer` / `buildVer` of the From header (`MSNP15`, `8.5.1288` in §13.1). */
  readonly msnpVer?: string;
  readonly buildVer?: string;
}

/** The `Store2` envelope (§9.2 skeleton). */
export function buildStore2Request(r: Store2Request): string {
  const header = [
    el('From', {
      memberName: r.from,
      friendlyName: encodeWord(r.friendlyName),
      'xml:lang': 'en-US',
      proxy: 'MSNMSGR',
      xmlns: OIM_NS,
      msnpVer: r.msnpVer ?? 'MSNP15',
      buildVer: r.buildVer ?? '8.5.1288',
    }),
    el('To', { memberName: r.to, xmlns: OIM_NS }),
    el('Ticket', { passport: r.ticket, appid: r.appId, lockkey: r.lockKey, xmlns: OIM_NS }),
    el(
      'Sequence',
      { xmlns: RM_NS },
      el('Identifier', { xmlns: UTILITY_NS }, 'http://messenger.msn.com'),
      el('MessageNumber', undefined, String(r.sequence)),
    ),
  ];
  const body = [el('MessageType', { xmlns: OIM_NS }, 'text'), el('Content', { xmlns: OIM_NS }, r.content)];
  return buildEnvelope({ header, body });
}

/** Server side: read a `Store`/`Store2` request. */
export function parseStore2Request(xml: string): Store2Request | CodecError {
  const env = parseEnvelope(xml);
  if (isCodecError(env)) return env;
  if (env.type === 'fault') return codecError('BAD_PAYLOAD', 'Store2: a fault is not a request');
  const from = child(env.header, 'From');
  const to = child(env.header, 'To');
  const ticket = child(env.header, 'Ticket');
  const sequence = textAt(env.header, 'Sequence', 'MessageNumber');
  // The body holds MessageType, then Content.
  const content = text(child(env.bodyElement, 'Content'));
  const memberName = attr(from, 'memberName');
  const toName = attr(to, 'memberName');
  const passport = attr(ticket, 'passport');
  if (!memberName || !toName || passport === undefined || content === undefined) return codecError('BAD_PAYLOAD', 'Store2: From, To, Ticket or Content missing');
  if (sequence === undefined || !/^\d{1,9}$/.test(sequence)) return codecError('BAD_PAYLOAD', 'Store2: bad MessageNumber');
  const msnpVer = attr(from, 'msnpVer');
  const buildVer = attr(from, 'buildVer');
  return {
    from: memberName,
    friendlyName: decodeWords(attr(from, 'friendlyName') ?? ''),
    to: toName,
    ticket: passport,
    appId: attr(ticket, 'appid') ?? '',
    lockKey: attr(ticket, 'lockkey') ?? '',
    sequence: Number(sequence),
    content,
    ...(msnpVer === undefined ? {} : { msnpVer }),
    ...(buildVer === undefined ? {} : { buildVer }),
  };
}

/** What a `Store2` answer means for the client (§9.2). */
export type Store2Result =
  | { readonly type: 'stored'; readonly sequence: number | undefined }
  /** Resend the same message with `lockkey` = `oimLockKey(challenge)`. */
  | { readonly type: 'lockKeyChallenge'; readonly challenge: string }
  /** The ticket expired (`TweenerChallenge`, `RequiredAuthPolicy`): renew it and resend. */
  | { readonly type: 'ticketExpired' }
  | SoapFault;

export function parseStore2Response(xml: string): Store2Result | CodecError {
  const env = parseEnvelope(xml);
  if (isCodecError(env)) return env;
  if (env.type === 'fault') {
    const challenge = env.detail === undefined ? undefined : text(descendants(env.detail, 'LockKeyChallenge')[0])?.trim();
    if (challenge) return { type: 'lockKeyChallenge', challenge };
    const expired = env.detail !== undefined && (descendants(env.detail, 'TweenerChallenge').length > 0 || descendants(env.detail, 'RequiredAuthPolicy').length > 0);
    return expired ? { type: 'ticketExpired' } : env;
  }
  if (env.body.local !== 'StoreResponse') return codecError('BAD_PAYLOAD', `Store2: unexpected ${env.body.name}`);
  const upper = attr(descendants(env.header ?? env.body, 'AcknowledgmentRange')[0], 'Upper');
  return { type: 'stored', sequence: upper !== undefined && /^\d{1,9}$/.test(upper) ? Number(upper) : undefined };
}

/** Server side: success, acknowledging `sequence` (§9.2). */
export function buildStore2Response(sequence: number): string {
  const header = el(
    'SequenceAcknowledgment',
    { xmlns: RM_NS },
    el('Identifier', { xmlns: UTILITY_NS }, 'http://messenger.msn.com'),
    el('AcknowledgmentRange', { Upper: sequence, Lower: sequence }),
  );
  return buildEnvelope({ header, body: el('StoreResponse', { xmlns: OIM_NS }, el('PointsConsumed', undefined, '0')) });
}

/**
 * Server side: an OIM fault (`q0:` codes of §9.2); with `lockKeyChallenge` the challenge fault;
 * with `requiredAuthPolicy` the "ticket expired, renew it" fault (`RequiredAuthPolicy` in the
 * detail and no `LockKeyChallenge`, which `parseStore2Response` reads as `ticketExpired`).
 */
export function buildStore2Fault(
  code: 'AuthenticationFailed' | 'SystemUnavailable' | 'SenderThrottleLimitExceeded' | 'InvalidContent' | 'BadContextToken',
  message: string,
  lockKeyChallenge?: string,
  opts: { readonly requiredAuthPolicy?: string } = {},
): string {
  const detail =
    lockKeyChallenge !== undefined
      ? [el('TweenerChallenge', { xmlns: OIM_NS }), el('LockKeyChallenge', { xmlns: OIM_NS }, lockKeyChallenge)]
      : opts.requiredAuthPolicy !== undefined
        ? [el('RequiredAuthPolicy', { xmlns: OIM_NS }, opts.requiredAuthPolicy)]
        : undefined;
  return buildFault({ code: `q0:${code}`, message, namespaces: { q0: OIM_NS }, ...(detail === undefined ? {} : { detail }) });
}
