/**
 * Presence (MSNP.md §2.7, §2.10, §5): CHG, ILN, NLN, FLN, UUX, UBX. Conventions: see common.ts.
 * MSNObjects come back URL-decoded but otherwise as sent (`0` included: `parseMsnObject` reads it as
 * "none"); capabilities are the 32-bit client id of §2.8, with the extended capabilities beside it
 * when a client sends `caps:extcaps` (Windows Live clients do even at MSNP12, MSNP13-18.md §8.1).
 *
 * Builders also take what a server relays as it received it (see `Verbatim` in common.ts): the
 * MSNObject and capabilities of `CHG`/`ILN`/`NLN` as the owner's wire tokens, and the `UBX`
 * document as the owner's `UUX` bytes (§2.9, §2.10).
 */
import type { Command, CommandInit } from '../command';
import type { Dialect } from '../dialect';
import { isCodecError } from '../errors';
import { buildMsnObject, formatMsnObject, type MsnObject, type MsnObjectInit } from '../msnobject';
import { encodeName } from '../names';
import { buildPersonalStatus, escapeXmlText, parsePersonalStatus, type PersonalStatus } from '../psm';
import {
  capsParam,
  fail,
  init,
  name,
  nameOrVerbatimParam,
  nameParam,
  precheck,
  readCaps,
  readExtendedCaps,
  readOnlineState,
  readState,
  readUint,
  requireAvailable,
  token,
  uintParam,
  type OnlineState,
  type PresenceState,
  type Result,
  verbatim,
  type Verbatim,
} from './common';

/**
 * An MSNObject as the presence builders take it (§2.9): its URL-decoded XML (or `0`, "none"), as
 * the decoders return it; a parsed object, written back from its attributes (`formatMsnObject`);
 * a new one, built with SHA1C computed (`buildMsnObject`); or the owner's wire token, relayed as is.
 */
export type MsnObjectValue = string | MsnObject | MsnObjectInit | Verbatim;

/**
 * What a relaying server may hand the builders in place of the decoded caps and MSNObject. With
 * `caps` a `Verbatim`, `extendedCaps` is ignored: the token already holds what the client sent.
 */
interface RelayedPresence {
  readonly caps?: number | Verbatim | undefined;
  readonly extendedCaps?: number | undefined;
  readonly msnObject?: MsnObjectValue | undefined;
}

function msnObjectParam(v: MsnObjectValue): string {
  if (typeof v === 'string' || 'wire' in v) return nameOrVerbatimParam(v, 'MSNObject');
  if ('attributes' in v) return encodeName(formatMsnObject(v));
  if (!Number.isInteger(v.size) || v.size < 0 || !Number.isInteger(v.type) || v.type < 0) fail('MSNObject size and type must be non-negative integers');
  return encodeName(buildMsnObject(v));
}

/**
 * 2–7 `CHG t STATE` · 8 `CHG t STATE caps` · 9–12 `CHG t STATE caps {msnobj}`; the server echoes the
 * request. Capabilities may be missing even in 8+ (msnlib), so builders send them only when given:
 * an echo then matches what the client sent (§5.2). `caps` may be `caps:extcaps` at every dialect
 * that has capabilities (MSNP13-18.md §8.1). `CHG 0 FLN` is the server forcing me offline.
 */
export interface Chg {
  readonly type: 'CHG';
  readonly trId: number;
  readonly state: PresenceState;
  readonly caps?: number | undefined;
  /** The `:extcaps` half of `caps:extcaps`, when sent. */
  readonly extendedCaps?: number | undefined;
  /** URL-decoded MSNObject XML (or `0`). */
  readonly msnObject?: string | undefined;
}

export function decodeChg(cmd: Command, dialect: Dialect, direction: 'toServer' | 'toClient' = 'toServer'): Result<Chg> {
  const e = precheck(cmd, 'CHG', direction, dialect, 1);
  if (e) return e;
  const state = readState(cmd, cmd.params[0]);
  if (isCodecError(state)) return state;
  const caps = dialect >= 8 ? readCaps(cmd, cmd.params[1]) : undefined;
  if (isCodecError(caps)) return caps;
  const extendedCaps = dialect >= 8 ? readExtendedCaps(cmd.params[1]) : undefined;
  const raw = dialect >= 9 ? cmd.params[2] : undefined;
  return { type: 'CHG', trId: cmd.trId as number, state, caps, extendedCaps, msnObject: raw === undefined ? undefined : name(raw) };
}

/**
 * A client's `CHG` as the server that echoes and relays it needs it (§2.8, §2.9, §5.2): the
 * capabilities as a number and as the client's own token, the MSNObject as its wire token (the
 * echo repeats the request; watchers get the MSNObject byte for byte). `decodeChg` is the decoded
 * view of the same line.
 */
export interface ChgRequest {
  readonly type: 'CHG';
  readonly trId: number;
  readonly state: PresenceState;
  readonly caps?: number | undefined;
  /** The `:extcaps` half of `caps:extcaps` (MSNP13-18.md §8.1), when sent. */
  readonly extendedCaps?: number | undefined;
  readonly capsToken?: Verbatim | undefined;
  readonly msnObject?: Verbatim | undefined;
}

export function decodeChgRequest(cmd: Command, dialect: Dialect): Result<ChgRequest> {
  const e = precheck(cmd, 'CHG', 'toServer', dialect, 1);
  if (e) return e;
  const state = readState(cmd, cmd.params[0]);
  if (isCodecError(state)) return state;
  const capsWire = dialect >= 8 ? cmd.params[1] : undefined;
  const caps = readCaps(cmd, capsWire);
  if (isCodecError(caps)) return caps;
  const objectWire = dialect >= 9 ? cmd.params[2] : undefined;
  return {
    type: 'CHG',
    trId: cmd.trId as number,
    state,
    caps,
    extendedCaps: readExtendedCaps(capsWire),
    capsToken: capsWire === undefined ? undefined : verbatim(capsWire),
    msnObject: objectWire === undefined ? undefined : verbatim(objectWire),
  };
}

/** A `Chg`, or the request's own tokens for the server's echo (§5.2: "echo what was sent"). */
export type ChgInit = Omit<Chg, 'type' | 'caps' | 'extendedCaps' | 'msnObject'> & RelayedPresence;

export function buildChg(v: ChgInit, dialect: Dialect): CommandInit {
  requireAvailable('CHG', 'toServer', dialect);
  const params: string[] = [v.state];
  if (dialect >= 8 && (v.caps !== undefined || v.extendedCaps !== undefined || (dialect >= 9 && v.msnObject !== undefined))) {
    params.push(capsParam(v.caps, v.extendedCaps));
  }
  if (dialect >= 9 && v.msnObject !== undefined) params.push(msnObjectParam(v.msnObject));
  return init('CHG', v.trId, params);
}

/**
 * A contact who is online: 2–7 `ILN t STATE handle friendly` · 8 `+ caps` · 9–12 `+ caps {msnobj}`.
 * `ILN` answers my `CHG`/`ADD`/`ADC` (TrID); `NLN` is the same without TrID, sent live (§5.3).
 * Builders send capabilities `0` in 8+ when none are known (the shape requires them).
 */
export interface Iln {
  readonly type: 'ILN';
  readonly trId: number;
  readonly state: OnlineState;
  readonly handle: string;
  /** 14+: the contact's network id after the handle (MSNP13-18.md §3.2); builders default to 1 (MSN). */
  readonly network?: number | undefined;
  readonly friendlyName: string;
  readonly caps?: number | undefined;
  /** The `:extcaps` half of `caps:extcaps`, when sent. */
  readonly extendedCaps?: number | undefined;
  readonly msnObject?: string | undefined;
}

export interface Nln {
  readonly type: 'NLN';
  readonly state: OnlineState;
  readonly handle: string;
  /** 14+: network id (MSNP13-18.md §3.2); builders default to 1. */
  readonly network?: number | undefined;
  readonly friendlyName: string;
  readonly caps?: number | undefined;
  /** The `:extcaps` half of `caps:extcaps`, when sent. */
  readonly extendedCaps?: number | undefined;
  readonly msnObject?: string | undefined;
}

/** `FLN handle`: went offline or hidden. 14–15: `FLN handle network caps` (MSNP13-18.md §3.2, `FLN handle 1 0`). */
export interface Fln {
  readonly type: 'FLN';
  readonly handle: string;
  /** 14+; builders default to 1. */
  readonly network?: number | undefined;
}

function decodePresence(cmd: Command, dialect: Dialect, verb: 'ILN' | 'NLN') {
  // 14+ insert the network id after the handle (MSNP13-18.md §3.2): `NLN STATE handle 1 nick caps {msnobj}`.
  const shift = dialect >= NETWORK_ID_SINCE ? 1 : 0;
  const e = precheck(cmd, verb, 'toClient', dialect, 3 + shift);
  if (e) return e;
  const p = cmd.params;
  const state = readOnlineState(cmd, p[0]);
  if (isCodecError(state)) return state;
  const network = shift === 1 ? readUint(cmd, p[2], 'network id', 255) : undefined;
  if (isCodecError(network)) return network;
  const caps = dialect >= 8 ? readCaps(cmd, p[3 + shift]) : undefined;
  if (isCodecError(caps)) return caps;
  const extendedCaps = dialect >= 8 ? readExtendedCaps(p[3 + shift]) : undefined;
  const raw = dialect >= 9 ? p[4 + shift] : undefined;
  const presence = { state, handle: p[1] as string, friendlyName: name(p[2 + shift] as string), caps, extendedCaps, msnObject: raw === undefined ? undefined : name(raw) };
  return network === undefined ? presence : { ...presence, network };
}

/** MSNP14 added the network id to ILN/NLN/FLN/UBX (MSNP13-18.md §2, §3.2). */
const NETWORK_ID_SINCE = 14;

function networkParam(network: number | undefined): string {
  return uintParam(network ?? 1, 'network id', 255);
}

/** An `Iln`/`Nln`, or a contact's presence as the server relays it (§2.8, §2.9). */
export type IlnInit = Omit<Iln, 'type' | 'caps' | 'extendedCaps' | 'msnObject'> & RelayedPresence;
export type NlnInit = Omit<Nln, 'type' | 'caps' | 'extendedCaps' | 'msnObject'> & RelayedPresence;

function presenceParams(v: NlnInit, dialect: Dialect): string[] {
  const params = [v.state, token(v.handle, 'handle')];
  if (dialect >= NETWORK_ID_SINCE) params.push(networkParam(v.network));
  params.push(nameParam(v.friendlyName, 'friendly name'));
  if (dialect >= 8) params.push(capsParam(v.caps, v.extendedCaps));
  if (dialect >= 9 && v.msnObject !== undefined) params.push(msnObjectParam(v.msnObject));
  return params;
}

export function decodeIln(cmd: Command, dialect: Dialect): Result<Iln> {
  const r = decodePresence(cmd, dialect, 'ILN');
  return isCodecError(r) ? r : { type: 'ILN', trId: cmd.trId as number, ...r };
}

export function buildIln(v: IlnInit, dialect: Dialect): CommandInit {
  requireAvailable('ILN', 'toClient', dialect);
  return init('ILN', v.trId, presenceParams(v, dialect));
}

export function decodeNln(cmd: Command, dialect: Dialect): Result<Nln> {
  const r = decodePresence(cmd, dialect, 'NLN');
  return isCodecError(r) ? r : { type: 'NLN', ...r };
}

export function buildNln(v: NlnInit, dialect: Dialect): CommandInit {
  requireAvailable('NLN', 'toClient', dialect);
  return init('NLN', undefined, presenceParams(v, dialect));
}

export function decodeFln(cmd: Command, dialect: Dialect): Result<Fln> {
  const e = precheck(cmd, 'FLN', 'toClient', dialect, 1);
  if (e) return e;
  if (dialect < NETWORK_ID_SINCE || cmd.params[1] === undefined) return { type: 'FLN', handle: cmd.params[0] as string };
  const network = readUint(cmd, cmd.params[1], 'network id', 255);
  return isCodecError(network) ? network : { type: 'FLN', handle: cmd.params[0] as string, network };
}

export function buildFln(v: Omit<Fln, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('FLN', 'toClient', dialect);
  // 14–15 `FLN handle 1 0`: the trailing `0` is the capabilities (Escargot; MSNP13-18.md §3.2, §14 point 4).
  if (dialect >= NETWORK_ID_SINCE) return init('FLN', undefined, [token(v.handle, 'handle'), networkParam(v.network), '0']);
  return init('FLN', undefined, [token(v.handle, 'handle')]);
}

/** `UUX t len` + `<Data>` XML (11+, §2.10): publish my personal message / current media. */
export interface UuxRequest {
  readonly type: 'UUX';
  readonly trId: number;
  readonly status: PersonalStatus;
  /**
   * The document as received (decoders fill it in): a server relays it to watchers byte for byte
   * in `UBX` (§2.10), which a rebuilt `status` would not be.
   */
  readonly document?: Uint8Array | undefined;
}

/** `UUX t 0`: the server's acknowledgement (an empty payload). */
export interface UuxReply {
  readonly type: 'UUX';
  readonly trId: number;
}

/** `UBX handle len` + `<Data>` XML (11+): a contact's personal message / current media. 14+ `UBX handle 1 len`. */
export interface Ubx {
  readonly type: 'UBX';
  readonly handle: string;
  /** 14+ (MSNP13-18.md §3.2); builders default to 1. */
  readonly network?: number | undefined;
  readonly status: PersonalStatus;
}

export function decodeUuxRequest(cmd: Command, dialect: Dialect): Result<UuxRequest> {
  const e = precheck(cmd, 'UUX', 'toServer', dialect, 0);
  if (e) return e;
  const document = cmd.payload ?? new Uint8Array(0);
  return { type: 'UUX', trId: cmd.trId as number, status: parsePersonalStatus(document), document };
}

export function buildUuxRequest(v: Omit<UuxRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('UUX', 'toServer', dialect);
  return init('UUX', v.trId, [], statusPayload(v.status, dialect));
}

export function decodeUuxReply(cmd: Command, dialect: Dialect): Result<UuxReply> {
  return precheck(cmd, 'UUX', 'toClient', dialect, 0) ?? { type: 'UUX', trId: cmd.trId as number };
}

export function buildUuxReply(v: Omit<UuxReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('UUX', 'toClient', dialect);
  return init('UUX', v.trId, [], '');
}

/**
 * `buildPersonalStatus`, plus 13+ `<MachineGuid>` after `<CurrentMedia>` when the status has one
 * (MSNP13-18.md §8.2, §13.1); MSNP2–12 never get it.
 */
function statusPayload(status: PersonalStatus, dialect: Dialect): string {
  const base = buildPersonalStatus(status);
  if (dialect < 13 || status.machineGuid === undefined) return base;
  return `${base.slice(0, -'</Data>'.length)}<MachineGuid>${escapeXmlText(status.machineGuid)}</MachineGuid></Data>`;
}

export function decodeUbx(cmd: Command, dialect: Dialect): Result<Ubx> {
  const e = precheck(cmd, 'UBX', 'toClient', dialect, dialect >= NETWORK_ID_SINCE ? 2 : 1);
  if (e) return e;
  const ubx: Ubx = { type: 'UBX', handle: cmd.params[0] as string, status: parsePersonalStatus(cmd.payload ?? new Uint8Array(0)) };
  if (dialect < NETWORK_ID_SINCE) return ubx;
  const network = readUint(cmd, cmd.params[1], 'network id', 255);
  return isCodecError(network) ? network : { ...ubx, network };
}

/**
 * A `Ubx`, or with `status` the contact's `UUX` document as received: §2.10 has the server push what
 * the contact published, and rebuilding a parsed status would drop what `PersonalStatus` does not
 * keep (13+ `<MachineGuid>`, character references, the client's own spelling of empty elements).
 */
export type UbxInit = Omit<Ubx, 'type' | 'status'> & { readonly status: PersonalStatus | Uint8Array };

export function buildUbx(v: UbxInit, dialect: Dialect): CommandInit {
  requireAvailable('UBX', 'toClient', dialect);
  const payload = v.status instanceof Uint8Array ? v.status : statusPayload(v.status, dialect);
  const params = [token(v.handle, 'handle')];
  if (dialect >= NETWORK_ID_SINCE) params.push(networkParam(v.network));
  return init('UBX', undefined, params, payload);
}
