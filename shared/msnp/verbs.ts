/**
 * THE verb table: for each verb and direction, whether a TrID follows the verb, whether the line
 * announces a payload, which dialects have it and on which server. The parser, the serializer,
 * the server's dispatcher and the client all read this one table.
 *
 * Sources: MSNP.md §1.3 (commands without TrID), §1.4 (payload commands per direction),
 * §2.6 (availability matrix), §2.7 (parameter shapes); MSNP13-18.md §3.1 (MSNP13–15: which verbs
 * remain, which are new, which carry payloads).
 */
import type { Direction } from './command';
import type { Dialect } from './dialect';

/**
 * How to tell whether the first token after the verb is a TrID:
 * - `always`: it must be one (a non-numeric token there is a malformed line);
 * - `never`: the verb carries none (`NLN`, `RNG`, `MSG` S→C, `QNG 60`, …);
 * - `ifNumeric`: only when the token is a decimal integer. Used where one verb has both shapes,
 *   e.g. `GTC t A` (reply) vs `GTC A` (an MSNP8+ `SYN` item), and for verbs we do not know;
 * - `lsg`: `LSG` is ambiguous even by that test (`LSG 0 Other%20Contacts 0` in MSNP8–9 starts with
 *   a group id); only its 7-token MSNP7 shape `LSG t ver idx total id name 0` has a TrID.
 */
export type TrIdRule = 'always' | 'never' | 'ifNumeric' | 'lsg';

export type ServerRole = 'ns' | 'sb' | 'both';

export interface VerbSpec {
  readonly trId: TrIdRule;
  /** Set when the last token is a payload byte count; `since` is the first dialect that has it. */
  readonly payloadSince?: Dialect;
  /** Dialects in which the verb exists in this direction (MSNP.md §2.6). */
  readonly from: Dialect;
  readonly until: Dialect;
  readonly role: ServerRole;
  /**
   * A payload verb whose reply `VERB t OK` has no payload (MSNP13-18.md §3.1: "the server's
   * replies `ADL t OK`, `RML t OK` … have no payload"): a line whose last token is `OK` is complete.
   */
  readonly okWithoutPayload?: true;
}

function spec(
  trId: TrIdRule,
  from: Dialect,
  until: Dialect,
  role: ServerRole = 'ns',
  payloadSince?: Dialect,
  okWithoutPayload?: true,
): VerbSpec {
  const base = payloadSince === undefined ? { trId, from, until, role } : { trId, from, until, role, payloadSince };
  return okWithoutPayload ? { ...base, okWithoutPayload } : base;
}

/** Client → server. Every client command carries a TrID except `PNG` and `OUT` (MSNP.md §1.3). */
export const TO_SERVER: Readonly<Record<string, VerbSpec>> = {
  VER: spec('always', 2, 15),
  INF: spec('always', 2, 7),
  CVR: spec('always', 2, 15),
  CVQ: spec('always', 2, 12),
  USR: spec('always', 2, 15, 'both'),
  XFR: spec('always', 2, 15),
  OUT: spec('never', 2, 15, 'both'),
  SYN: spec('always', 2, 12),
  LST: spec('always', 2, 8),
  GTC: spec('always', 2, 12),
  BLP: spec('always', 2, 15),
  ADD: spec('always', 2, 9),
  ADC: spec('always', 10, 12),
  SBP: spec('always', 10, 12),
  REM: spec('always', 2, 12),
  REA: spec('always', 2, 9),
  CHG: spec('always', 2, 15),
  PNG: spec('never', 2, 15),
  URL: spec('always', 2, 15),
  SND: spec('always', 2, 12),
  FND: spec('always', 2, 8),
  IMS: spec('always', 3, 15),
  PRP: spec('always', 5, 15),
  PAG: spec('always', 5, 8, 'ns', 5),
  SDC: spec('always', 5, 15, 'ns', 5),
  CHL: spec('always', 6, 15),
  QRY: spec('always', 6, 15, 'ns', 6),
  LSG: spec('always', 7, 8),
  ADG: spec('always', 7, 12),
  RMG: spec('always', 7, 12),
  REG: spec('always', 7, 12),
  PGD: spec('always', 9, 12, 'ns', 9),
  UUX: spec('always', 11, 15, 'ns', 11),
  GCF: spec('always', 11, 15),
  GSB: spec('always', 11, 12),
  LKP: spec('always', 12, 12),
  // MSNP13+ (MSNP13-18.md §3.1): lists travel as XML payloads, the SOAP address book holds them.
  ADL: spec('always', 13, 15, 'ns', 13),
  RML: spec('always', 13, 15, 'ns', 13),
  FQY: spec('always', 14, 15, 'ns', 14),
  UUN: spec('always', 13, 15, 'ns', 13),
  UUM: spec('always', 14, 15, 'ns', 14),
  // Switchboard
  CAL: spec('always', 2, 15, 'sb'),
  ANS: spec('always', 2, 15, 'sb'),
  MSG: spec('always', 2, 15, 'sb', 2),
};

/** Server → client. */
export const TO_CLIENT: Readonly<Record<string, VerbSpec>> = {
  VER: spec('always', 2, 15),
  INF: spec('always', 2, 7),
  CVR: spec('always', 2, 15),
  CVQ: spec('always', 2, 12),
  USR: spec('always', 2, 15, 'both'),
  XFR: spec('always', 2, 15),
  OUT: spec('never', 2, 15, 'both'),
  SYN: spec('always', 2, 12),
  // Inside an MSNP8+ SYN reply these have no TrID; as replies to the client's own command they do.
  LST: spec('ifNumeric', 2, 12),
  GTC: spec('ifNumeric', 2, 12),
  BLP: spec('ifNumeric', 2, 15),
  PRP: spec('ifNumeric', 5, 15),
  LSG: spec('lsg', 7, 12),
  BPR: spec('never', 5, 12),
  ADD: spec('always', 2, 9),
  ADC: spec('always', 10, 12),
  SBP: spec('always', 10, 12),
  REM: spec('always', 2, 12),
  REA: spec('always', 2, 9),
  CHG: spec('always', 2, 15),
  ILN: spec('always', 2, 15),
  NLN: spec('never', 2, 15),
  FLN: spec('never', 2, 15),
  QNG: spec('never', 2, 15),
  RNG: spec('never', 2, 15),
  URL: spec('always', 2, 15),
  SND: spec('always', 2, 12),
  FND: spec('always', 2, 8),
  IMS: spec('always', 3, 15),
  NOT: spec('never', 5, 15, 'ns', 5),
  CHL: spec('always', 6, 15),
  QRY: spec('always', 6, 15),
  IPG: spec('never', 6, 12, 'ns', 6),
  ADG: spec('always', 7, 12),
  RMG: spec('always', 7, 12),
  REG: spec('always', 7, 12),
  UBX: spec('never', 11, 15, 'ns', 11),
  UUX: spec('always', 11, 15, 'ns', 11),
  GCF: spec('always', 11, 15, 'ns', 11),
  SBS: spec('always', 11, 15),
  GSB: spec('always', 11, 12),
  LKP: spec('always', 12, 12),
  // MSNP13+ (MSNP13-18.md §3.1). `ADL`/`RML` are both the reply `ADL t OK` (no payload) and the
  // server's push `ADL 0 len` + XML (§6.7, §7.1); `UUN t OK` is a bare reply; `UBN`/`UBM` relay a
  // sender's payload without TrID (§8.4, §8.5); `FQY` answers with XML (§7.3).
  ADL: spec('always', 13, 15, 'ns', 13, true),
  RML: spec('always', 13, 15, 'ns', 13, true),
  FQY: spec('always', 14, 15, 'ns', 14),
  UUN: spec('always', 13, 15),
  UBN: spec('never', 13, 15, 'ns', 13),
  UBM: spec('never', 14, 15, 'ns', 14),
  // `MSG Hotmail Hotmail len` on the NS, `MSG handle friendly len` on the SB: no TrID either way.
  MSG: spec('never', 2, 15, 'both', 2),
  // Switchboard
  CAL: spec('always', 2, 15, 'sb'),
  ANS: spec('always', 2, 15, 'sb'),
  IRO: spec('always', 2, 15, 'sb'),
  JOI: spec('never', 2, 15, 'sb'),
  BYE: spec('never', 2, 15, 'sb'),
  ACK: spec('always', 2, 15, 'sb'),
  NAK: spec('always', 2, 15, 'sb'),
};

/** Errors (`911 7`) may omit the TrID when they are not replies (MSNP.md §1.5). */
const ERROR_SPEC: VerbSpec = spec('ifNumeric', 2, 15, 'both');
/** A verb we do not know: keep it, and read a leading decimal token as its TrID. */
const UNKNOWN_SPEC: VerbSpec = spec('ifNumeric', 2, 15, 'both');

export function verbTable(direction: Direction): Readonly<Record<string, VerbSpec>> {
  return direction === 'toServer' ? TO_SERVER : TO_CLIENT;
}

/** The spec for a verb; error codes and unknown verbs get the lenient `ifNumeric` spec. */
export function verbSpec(verb: string, direction: Direction): VerbSpec {
  const known = verbTable(direction)[verb];
  if (known) return known;
  return isThreeDigits(verb) ? ERROR_SPEC : UNKNOWN_SPEC;
}

/** Is `verb` a known command in `dialect` in this direction (MSNP.md §2.6)? Errors always are. */
export function isVerbAvailable(verb: string, direction: Direction, dialect: Dialect): boolean {
  if (isThreeDigits(verb)) return true;
  const s = verbTable(direction)[verb];
  return s !== undefined && dialect >= s.from && dialect <= s.until;
}

/**
 * Does this line announce a payload? Framing ignores the dialect on purpose: a payload verb sent
 * in a dialect that lacks it still carries its bytes, and treating them as lines would desync the
 * stream. Whether the verb is allowed in the dialect is `isVerbAvailable`'s question.
 */
export function hasPayload(verb: string, direction: Direction): boolean {
  return verbTable(direction)[verb]?.payloadSince !== undefined;
}

/**
 * Does this particular line carry a payload? As `hasPayload`, except that a verb with
 * `okWithoutPayload` whose last parameter is `OK` does not (`ADL 6 OK`, MSNP13-18.md §3.1).
 */
export function lineHasPayload(verb: string, direction: Direction, params: readonly string[]): boolean {
  const s = verbTable(direction)[verb];
  if (s?.payloadSince === undefined) return false;
  return !(s.okWithoutPayload === true && params[params.length - 1] === 'OK');
}

function isThreeDigits(verb: string): boolean {
  return /^\d{3}$/.test(verb);
}
