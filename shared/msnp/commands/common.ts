/**
 * Building blocks of the typed decoders and builders: parameter readers that return error values
 * (never throw), and the small value types many commands share (lists, states, addresses).
 *
 * Conventions for every typed command in this folder:
 * - `decodeX(cmd, dialect)` returns the typed value or a `CodecError` (`MISSING_PARAMS`,
 *   `BAD_PARAM`, `BAD_PAYLOAD`, `NOT_IN_DIALECT`, or `BAD_VERB` when handed another verb). Friendly
 *   and group names come back URL-decoded; handles, cookies and opaque tokens stay as sent.
 *   Parameters beyond the dialect's shape are ignored (later dialects append fields).
 * - `buildX(value, dialect)` returns the `CommandInit` with the reference's exact shape for that
 *   dialect (MSNP.md §2.7): fields the dialect lacks are left out, names are URL-encoded. A value that
 *   lacks a field the dialect requires, or a verb the dialect does not have, is a programming error
 *   and throws `SerializeError`.
 */
import type { Command, CommandInit, Direction } from '../command';
import type { Dialect } from '../dialect';
import { codecError, isCodecError, type CodecError } from '../errors';
import { MAX_TRID } from '../limits';
import { decodeName, encodeName } from '../names';
import { SerializeError } from '../serializer';
import { isVerbAvailable, verbSpec } from '../verbs';

export type Result<T> = T | CodecError;

/** Thrown (not returned) by builders: our own code asked for an impossible command. */
export function fail(message: string): never {
  throw new SerializeError(message);
}

/** Contact lists (MSNP.md §4.1). */
export type ListName = 'FL' | 'AL' | 'BL' | 'RL' | 'PL';
export const LIST_BITS: Readonly<Record<ListName, number>> = { FL: 1, AL: 2, BL: 4, RL: 8, PL: 16 };

/** Presence states (MSNP.md §5.1). `HDN` only in `CHG`; `FLN` only in `CHG 0 FLN` and `FLN handle`. */
export type PresenceState = 'NLN' | 'BSY' | 'IDL' | 'BRB' | 'AWY' | 'PHN' | 'LUN' | 'HDN' | 'FLN';
/** The states `ILN`/`NLN` may carry: everything that counts as online (§5.3). */
export type OnlineState = Exclude<PresenceState, 'HDN' | 'FLN'>;
/** A signed-in user's own state, as `CHG` sets it: an online state or `HDN`, offline to others (§5.1, §5.2). */
export type SignedInState = Exclude<PresenceState, 'FLN'>;
const ONLINE_STATES: ReadonlySet<string> = new Set(['NLN', 'BSY', 'IDL', 'BRB', 'AWY', 'PHN', 'LUN']);
const ALL_STATES: ReadonlySet<string> = new Set([...ONLINE_STATES, 'HDN', 'FLN']);

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Check verb, direction/dialect availability and parameter count before a decoder reads anything.
 * `minParams` counts parameters after the TrID (and without a payload length).
 */
export function precheck(cmd: Command, verb: string, direction: Direction, dialect: Dialect, minParams: number): CodecError | undefined {
  if (cmd.verb !== verb) return codecError('BAD_VERB', `expected ${verb}, got ${cmd.verb}`);
  if (!isVerbAvailable(verb, direction, dialect)) {
    return codecError('NOT_IN_DIALECT', `${verb} (${direction}) does not exist in MSNP${dialect}`);
  }
  // The parser guarantees this, but a Command can also be built by hand.
  const rule = verbSpec(verb, direction).trId;
  if (rule === 'always' && cmd.trId === undefined) return codecError('BAD_TRID', `${verb} needs a transaction id`, describe(cmd));
  if (rule === 'never' && cmd.trId !== undefined) return codecError('BAD_TRID', `${verb} carries no transaction id`, describe(cmd));
  if (cmd.params.length < minParams) {
    return codecError('MISSING_PARAMS', `${verb} needs ${minParams} parameters, got ${cmd.params.length}`, describe(cmd));
  }
  return undefined;
}

/** Builders' counterpart of precheck's availability test. */
export function requireAvailable(verb: string, direction: Direction, dialect: Dialect): void {
  if (!isVerbAvailable(verb, direction, dialect)) fail(`${verb} (${direction}) does not exist in MSNP${dialect}`);
}

export function describe(cmd: Command): string {
  return [cmd.verb, ...(cmd.trId === undefined ? [] : [String(cmd.trId)]), ...cmd.params].join(' ');
}

export function badParam(cmd: Command, what: string): CodecError {
  return codecError('BAD_PARAM', `${cmd.verb}: ${what}`, describe(cmd));
}

/** The TrID a command must have (verbs whose table rule is `ifNumeric` may lack one). */
export function needTrId(cmd: Command): number | CodecError {
  return cmd.trId ?? codecError('BAD_TRID', `${cmd.verb} needs a transaction id here`, describe(cmd));
}

/** A non-negative decimal integer without sign or leading zeros' ambiguity, ≤ max. */
export function readUint(cmd: Command, token: string | undefined, what: string, max = Number.MAX_SAFE_INTEGER): number | CodecError {
  if (token === undefined) return codecError('MISSING_PARAMS', `${cmd.verb}: missing ${what}`, describe(cmd));
  if (!/^\d{1,16}$/.test(token)) return badParam(cmd, `${what} is not a non-negative integer: ${token}`);
  const n = Number(token);
  return n <= max ? n : badParam(cmd, `${what} out of range: ${token}`);
}

/**
 * Client capabilities (MSNP.md §2.8): a decimal 32-bit unsigned integer, or `caps:extcaps`, the
 * client id and the extended capabilities, which Windows Live clients send even at MSNP12
 * (MSNP13-18.md §8.1; Escargot accepts it). Returns the client id; `readExtendedCaps` the other.
 */
export function readCaps(cmd: Command, token: string | undefined): number | undefined | CodecError {
  if (token === undefined) return undefined;
  const colon = token.indexOf(':');
  if (colon < 0) return readUint(cmd, token, 'capabilities', MAX_TRID);
  const ext = readUint(cmd, token.slice(colon + 1), 'extended capabilities', MAX_TRID);
  if (isCodecError(ext)) return ext;
  return readUint(cmd, token.slice(0, colon), 'capabilities', MAX_TRID);
}

/** The extended capabilities of a `caps:extcaps` token already accepted by `readCaps`; else undefined. */
export function readExtendedCaps(token: string | undefined): number | undefined {
  const colon = token === undefined ? -1 : token.indexOf(':');
  return colon < 0 ? undefined : Number((token as string).slice(colon + 1));
}

export function readList(cmd: Command, token: string | undefined): ListName | CodecError {
  if (token === 'FL' || token === 'AL' || token === 'BL' || token === 'RL' || token === 'PL') return token;
  return badParam(cmd, `not a list name: ${token ?? '(none)'}`);
}

export function readState(cmd: Command, token: string | undefined): PresenceState | CodecError {
  if (token !== undefined && ALL_STATES.has(token)) return token as PresenceState;
  return badParam(cmd, `not a presence state: ${token ?? '(none)'}`);
}

export function readOnlineState(cmd: Command, token: string | undefined): OnlineState | CodecError {
  if (token !== undefined && ONLINE_STATES.has(token)) return token as OnlineState;
  return badParam(cmd, `not an online presence state: ${token ?? '(none)'}`);
}

/** `host:port` (or `[v6]:port`); port 1–65535. */
export function parseHostPort(s: string): HostPort | undefined {
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return undefined;
  let host = s.slice(0, colon);
  const portText = s.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) return undefined;
  if (host.length === 0 || /[\s/]/.test(host)) return undefined;
  return { host, port };
}

export function formatHostPort(a: HostPort): string {
  if (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535) fail(`bad port ${a.port}`);
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

export function readHostPort(cmd: Command, token: string | undefined): HostPort | CodecError {
  if (token === undefined) return codecError('MISSING_PARAMS', `${cmd.verb}: missing host:port`, describe(cmd));
  return parseHostPort(token) ?? badParam(cmd, `not host:port: ${token}`);
}

/** A URL-encoded name parameter, decoded (MSNP.md §1.2, §5.4). */
export function name(token: string): string {
  return decodeName(token);
}

/** Encode a name for a parameter; an empty name cannot be a token, so it fails. */
export function nameParam(value: string, what: string): string {
  if (value.length === 0) fail(`${what} may not be empty`);
  return encodeName(value);
}

/** A raw token as a parameter: it must already be a valid token (no whitespace, not empty). */
export function token(value: string | number, what: string): string {
  const s = String(value);
  if (s.length === 0 || /\s/.test(s)) fail(`${what} must be a non-empty token without whitespace, got ${JSON.stringify(s)}`);
  return s;
}

/**
 * A parameter exactly as it stood on the wire (still URL-encoded), for the fields a server relays or
 * echoes byte for byte: the MSNObject (MSNP.md §2.9: "the server just stores and relays the
 * string"; clients compare and hash it), the capabilities (§2.8: "relays it verbatim"), and the
 * `CHG` and `SBP` replies, which repeat the request (§2.7, §4.8, §5.2). Decoding and encoding again
 * need not give back the same bytes (`%3c` → `%3C`, `+` → `%2B`, `007` → `7`), so builders write
 * a `Verbatim` as it is. Wrap a value once, where it is received, and keep the wrapper: relaying it
 * then costs nothing per message.
 */
export interface Verbatim {
  readonly wire: string;
}

export function verbatim(wire: string): Verbatim {
  return { wire };
}

/**
 * A relayed token as a parameter. Not scanned here: relayed tokens are on the presence fan-out's
 * path and an MSNObject is hundreds of characters, while `serialize` checks every parameter's
 * characters as it writes them and throws `SerializeError` for whitespace. An empty one fails here,
 * since it would make no token at all.
 */
export function verbatimParam(v: Verbatim, what: string): string {
  if (v.wire.length === 0) fail(`${what} may not be empty`);
  return v.wire;
}

/** A name parameter: URL-encoded from its decoded text, or a `Verbatim` written as received. */
export function nameOrVerbatimParam(value: string | Verbatim, what: string): string {
  return typeof value === 'string' ? nameParam(value, what) : verbatimParam(value, what);
}

export function uintParam(n: number, what: string, max = Number.MAX_SAFE_INTEGER): string {
  if (!Number.isInteger(n) || n < 0 || n > max) fail(`${what} must be an integer 0 … ${max}, got ${n}`);
  return String(n);
}

/**
 * Capabilities (§2.8): a 32-bit number, `0` when unknown, with `:extcaps` when extended
 * capabilities are given (MSNP13-18.md §8.1); or the client's own token relayed as it is.
 */
export function capsParam(n: number | Verbatim | undefined, extended?: number): string {
  if (n !== undefined && typeof n !== 'number') return verbatimParam(n, 'capabilities');
  const caps = uintParam(n ?? 0, 'capabilities', MAX_TRID);
  return extended === undefined ? caps : `${caps}:${uintParam(extended, 'extended capabilities', MAX_TRID)}`;
}

export function required<T>(value: T | undefined, what: string, dialect: Dialect): T {
  if (value === undefined) fail(`${what} is required in MSNP${dialect}`);
  return value;
}

/** A CommandInit, leaving out an undefined TrID. */
export function init(verb: string, trId: number | undefined, params: readonly string[], payload?: Uint8Array | string): CommandInit {
  const base: { verb: string; trId?: number; params: readonly string[]; payload?: Uint8Array | string } = { verb, params };
  if (trId !== undefined) base.trId = trId;
  if (payload !== undefined) base.payload = payload;
  return base;
}

/** Is this a decimal token (versions, group ids in MSNP7–9)? */
export function isDecimal(t: string | undefined): t is string {
  return t !== undefined && /^\d{1,16}$/.test(t);
}
