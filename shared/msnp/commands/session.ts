/**
 * Connection and login commands: VER, INF, CVR/CVQ, USR (NS and SB), XFR, OUT, CHL/QRY, PNG/QNG,
 * SBS, GCF, URL, IMS, NOT, IPG (MSNP.md §1.6, §2.1–§2.3, §2.7, §3, §5.5, §6.1, §6.11).
 * Conventions: see common.ts.
 */
import type { Command, CommandInit } from '../command';
import { parseDialectName, type Dialect } from '../dialect';
import { codecError, isCodecError, type CodecError } from '../errors';
import { DEFAULT_PING_INTERVAL_SECONDS, QRY_PAYLOAD_LENGTH } from '../limits';
import { utf8OrWindows1252, utf8Strict } from '../bytes';
import {
  badParam,
  describe,
  fail,
  formatHostPort,
  init,
  name,
  nameParam,
  precheck,
  readHostPort,
  readUint,
  requireAvailable,
  required,
  token,
  uintParam,
  type HostPort,
  type Result,
} from './common';

// ---------------------------------------------------------------------------------------------
// VER (§2.1): the same shape both ways. The dialect is not known yet, so it is not a parameter.

/** `VER t MSNP8 MSNP7 CVR0`; the reply `VER t 0` means "none acceptable" (dialects = ['0']). */
export interface Ver {
  readonly type: 'VER';
  readonly trId: number;
  readonly dialects: readonly string[];
}

export function decodeVer(cmd: Command): Result<Ver> {
  if (cmd.verb !== 'VER') return codecError('BAD_VERB', `expected VER, got ${cmd.verb}`);
  if (cmd.trId === undefined) return codecError('BAD_TRID', 'VER needs a transaction id');
  if (cmd.params.length < 1) return codecError('MISSING_PARAMS', 'VER needs at least one dialect', describe(cmd));
  return { type: 'VER', trId: cmd.trId, dialects: cmd.params };
}

export function buildVer(v: Omit<Ver, 'type'>): CommandInit {
  if (v.dialects.length === 0) fail('VER needs at least one dialect');
  return init('VER', v.trId, v.dialects.map((d) => token(d, 'dialect')));
}

/** Client rule (§2.1): the highest `MSNPn` (2 … 12) in a reply; undefined for `VER t 0` or none. */
export function highestDialect(dialects: readonly string[], min = 2, max = 12): Dialect | undefined {
  let best: number | undefined;
  for (const d of dialects) {
    const n = parseDialectName(d);
    if (n !== undefined && n >= min && n <= max && (best === undefined || n > best)) best = n;
  }
  return best as Dialect | undefined;
}

/**
 * Server rule (§2.1): reply with the single highest common dialect, followed by `CVR0` when the
 * client offered it (aMSN 0.90 aborts without it); `['0']` when nothing is acceptable.
 */
export function negotiateVersion(offered: readonly string[], min = 2, max = 12): { dialect: Dialect | undefined; reply: string[] } {
  const dialect = highestDialect(offered, min, max);
  if (dialect === undefined) return { dialect, reply: ['0'] };
  const reply = [`MSNP${dialect}`];
  if (offered.some((d) => d.toUpperCase() === 'CVR0')) reply.push('CVR0');
  return { dialect, reply };
}

// ---------------------------------------------------------------------------------------------
// INF (§2.3, MSNP2–7)

export interface InfRequest {
  readonly type: 'INF';
  readonly trId: number;
}

/** `INF t MD5` (the draft's comma list `MD5,CTP` is read too). */
export interface InfReply {
  readonly type: 'INF';
  readonly trId: number;
  readonly methods: readonly string[];
}

export function decodeInfRequest(cmd: Command, dialect: Dialect): Result<InfRequest> {
  const e = precheck(cmd, 'INF', 'toServer', dialect, 0);
  return e ?? { type: 'INF', trId: cmd.trId as number };
}

export function buildInfRequest(v: Omit<InfRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('INF', 'toServer', dialect);
  return init('INF', v.trId, []);
}

export function decodeInfReply(cmd: Command, dialect: Dialect): Result<InfReply> {
  const e = precheck(cmd, 'INF', 'toClient', dialect, 1);
  if (e) return e;
  const methods = cmd.params.flatMap((p) => p.split(',')).filter((m) => m.length > 0);
  if (methods.length === 0) return badParam(cmd, 'no authentication method');
  return { type: 'INF', trId: cmd.trId as number, methods };
}

export function buildInfReply(v: Omit<InfReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('INF', 'toClient', dialect);
  if (v.methods.length === 0) fail('INF needs at least one method');
  return init('INF', v.trId, v.methods.map((m) => token(m, 'method')));
}

// ---------------------------------------------------------------------------------------------
// CVR / CVQ (§2.2)

/** `CVR t locale os-type os-ver arch library client-ver {client-name (4+)} {handle (8+)}`. */
export interface CvrRequest {
  readonly type: 'CVR' | 'CVQ';
  readonly trId: number;
  readonly locale: string;
  readonly osType: string;
  readonly osVersion: string;
  readonly arch: string;
  readonly library: string;
  readonly clientVersion: string;
  readonly clientName?: string | undefined;
  readonly handle?: string | undefined;
}

/** `CVR t recommended recommended-2 minimum download-url info-url`. */
export interface CvrReply {
  readonly type: 'CVR';
  readonly trId: number;
  readonly recommended: string;
  readonly recommended2: string;
  readonly minimum: string;
  readonly downloadUrl: string;
  readonly infoUrl: string;
}

export function decodeCvrRequest(cmd: Command, dialect: Dialect): Result<CvrRequest> {
  const verb = cmd.verb === 'CVQ' ? 'CVQ' : 'CVR';
  const e = precheck(cmd, verb, 'toServer', dialect, 6);
  if (e) return e;
  const p = cmd.params;
  return {
    type: verb,
    trId: cmd.trId as number,
    locale: p[0] as string,
    osType: p[1] as string,
    osVersion: p[2] as string,
    arch: p[3] as string,
    library: p[4] as string,
    clientVersion: p[5] as string,
    clientName: dialect >= 4 ? p[6] : undefined,
    handle: dialect >= 8 ? p[7] : undefined,
  };
}

export function buildCvrRequest(v: Omit<CvrRequest, 'type'> & { type?: 'CVR' | 'CVQ' }, dialect: Dialect): CommandInit {
  const verb = v.type ?? 'CVR';
  requireAvailable(verb, 'toServer', dialect);
  const params = [v.locale, v.osType, v.osVersion, v.arch, v.library, v.clientVersion].map((t) => token(t, 'CVR field'));
  if (dialect >= 8) {
    params.push(token(required(v.clientName, 'CVR client name', dialect), 'client name'));
    params.push(token(required(v.handle, 'CVR handle', dialect), 'handle'));
  } else if (dialect >= 4 && v.clientName !== undefined && v.clientName !== '') {
    params.push(token(v.clientName, 'client name'));
  }
  return init(verb, v.trId, params);
}

export function decodeCvrReply(cmd: Command, dialect: Dialect): Result<CvrReply> {
  const e = precheck(cmd, 'CVR', 'toClient', dialect, 5);
  if (e) return e;
  const [recommended, recommended2, minimum, downloadUrl, infoUrl] = cmd.params as [string, string, string, string, string];
  return { type: 'CVR', trId: cmd.trId as number, recommended, recommended2, minimum, downloadUrl, infoUrl };
}

export function buildCvrReply(v: Omit<CvrReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('CVR', 'toClient', dialect);
  return init(
    'CVR',
    v.trId,
    [v.recommended, v.recommended2, v.minimum, v.downloadUrl, v.infoUrl].map((t) => token(t, 'CVR reply field')),
  );
}

// ---------------------------------------------------------------------------------------------
// USR (§3, §6.1)

/** NS login steps: `USR t MD5 I handle`, `USR t MD5 S response`, `USR t TWN I handle`, `USR t TWN S ticket`. */
export interface UsrAuth {
  readonly type: 'USR';
  readonly trId: number;
  /** `MD5` (2–7), `TWN` (8–12), `CTP` (early 2); any other upper-case token is kept for the server to refuse. */
  readonly method: string;
  readonly stage: 'I' | 'S';
  /** Stage I: the handle. Stage S: the MD5 response or the Passport ticket, verbatim. */
  readonly value: string;
}

/** SB login: `USR t handle cookie` (§6.1). */
export interface UsrSbLogin {
  readonly type: 'USR_SB';
  readonly trId: number;
  readonly handle: string;
  readonly cookie: string;
}

/** Server's step S: `USR t MD5 S challenge` or `USR t TWN S policy` (the policy is opaque, never decoded). */
export interface UsrChallenge {
  readonly type: 'USR';
  readonly trId: number;
  readonly method: string;
  readonly stage: 'S';
  readonly value: string;
}

/**
 * NS success (§2.7): 2–5 `USR t OK handle friendly` · 6–7 `+ verified` · 8–9 `+ verified restricted`
 * · 10–12 `USR t OK handle verified restricted` (no name: it arrives as `PRP MFN`).
 */
export interface UsrOk {
  readonly type: 'USR_OK';
  readonly trId: number;
  readonly handle: string;
  /** 2–9 only. */
  readonly friendlyName?: string | undefined;
  /** 6+; builders default to true. `false` makes the official client warn (unverified e-mail). */
  readonly verified?: boolean | undefined;
  /** 8+; builders default to false. `true` makes the official client sign out (§3.3.1). */
  readonly restricted?: boolean | undefined;
}

/** SB success: `USR t OK handle friendly` in every dialect (§6.1). */
export interface UsrSbOk {
  readonly type: 'USR_SB_OK';
  readonly trId: number;
  readonly handle: string;
  readonly friendlyName: string;
}

/** Client → server `USR`: an NS login step, or an SB login (told apart by shape). */
export function decodeUsrRequest(cmd: Command, dialect: Dialect): Result<UsrAuth | UsrSbLogin> {
  const e = precheck(cmd, 'USR', 'toServer', dialect, 2);
  if (e) return e;
  const p = cmd.params;
  const trId = cmd.trId as number;
  if (p[1] === 'I' || p[1] === 'S') {
    const method = p[0] as string;
    if (!/^[A-Z0-9]{2,8}$/.test(method)) return badParam(cmd, `not a security package: ${method}`);
    if (p[2] === undefined) return codecError('MISSING_PARAMS', `USR ${method} ${p[1]} needs a value`, describe(cmd));
    return { type: 'USR', trId, method, stage: p[1], value: p[2] };
  }
  return { type: 'USR_SB', trId, handle: p[0] as string, cookie: p[1] as string };
}

export function buildUsrAuth(v: Omit<UsrAuth, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('USR', 'toServer', dialect);
  return init('USR', v.trId, [token(v.method, 'method'), v.stage, token(v.value, 'USR value')]);
}

export function buildUsrSbLogin(v: Omit<UsrSbLogin, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('USR', 'toServer', dialect);
  return init('USR', v.trId, [token(v.handle, 'handle'), token(v.cookie, 'cookie')]);
}

/** Server → client `USR` on the NS: a challenge/policy step or success in the dialect's shape. */
export function decodeUsrReply(cmd: Command, dialect: Dialect): Result<UsrChallenge | UsrOk> {
  const e = precheck(cmd, 'USR', 'toClient', dialect, 2);
  if (e) return e;
  const p = cmd.params;
  const trId = cmd.trId as number;
  if (p[0] !== 'OK') {
    if (p[1] !== 'S') return badParam(cmd, 'expected OK or a package with stage S');
    if (p[2] === undefined) return codecError('MISSING_PARAMS', 'USR S needs a challenge', describe(cmd));
    return { type: 'USR', trId, method: p[0] as string, stage: 'S', value: p[2] };
  }
  const handle = p[1] as string;
  if (dialect >= 10) {
    const verified = flag(cmd, p[2]);
    const restricted = flag(cmd, p[3]);
    if (isCodecError(verified)) return verified;
    if (isCodecError(restricted)) return restricted;
    return { type: 'USR_OK', trId, handle, verified, restricted };
  }
  if (p[2] === undefined) return codecError('MISSING_PARAMS', 'USR OK needs a friendly name before MSNP10', describe(cmd));
  const verified = dialect >= 6 ? flag(cmd, p[3]) : undefined;
  const restricted = dialect >= 8 ? flag(cmd, p[4]) : undefined;
  if (isCodecError(verified)) return verified;
  if (isCodecError(restricted)) return restricted;
  return { type: 'USR_OK', trId, handle, friendlyName: name(p[2]), verified, restricted };
}

function flag(cmd: Command, t: string | undefined): boolean | undefined | CodecError {
  if (t === undefined) return undefined;
  if (t === '0') return false;
  if (t === '1') return true;
  return badParam(cmd, `expected 0 or 1, got ${t}`);
}

export function buildUsrChallenge(v: Omit<UsrChallenge, 'type' | 'stage'>, dialect: Dialect): CommandInit {
  requireAvailable('USR', 'toClient', dialect);
  return init('USR', v.trId, [token(v.method, 'method'), 'S', token(v.value, 'challenge')]);
}

export function buildUsrOk(v: Omit<UsrOk, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('USR', 'toClient', dialect);
  const params = ['OK', token(v.handle, 'handle')];
  if (dialect <= 9) params.push(nameParam(required(v.friendlyName, 'USR OK friendly name', dialect), 'friendly name'));
  if (dialect >= 6) params.push(v.verified === false ? '0' : '1');
  if (dialect >= 8) params.push(v.restricted === true ? '1' : '0');
  return init('USR', v.trId, params);
}

export function decodeUsrSbOk(cmd: Command, dialect: Dialect): Result<UsrSbOk> {
  const e = precheck(cmd, 'USR', 'toClient', dialect, 3);
  if (e) return e;
  if (cmd.params[0] !== 'OK') return badParam(cmd, 'expected OK');
  return { type: 'USR_SB_OK', trId: cmd.trId as number, handle: cmd.params[1] as string, friendlyName: name(cmd.params[2] as string) };
}

export function buildUsrSbOk(v: Omit<UsrSbOk, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('USR', 'toClient', dialect);
  return init('USR', v.trId, ['OK', token(v.handle, 'handle'), nameParam(v.friendlyName, 'friendly name')]);
}

// ---------------------------------------------------------------------------------------------
// XFR (§1.6, §2.7, §6.1)

/** `XFR t SB` (ask for a switchboard); `XFR t NS` is accepted for completeness. */
export interface XfrRequest {
  readonly type: 'XFR';
  readonly trId: number;
  readonly target: 'SB' | 'NS';
}

/**
 * NS referral (§2.7): 2 `XFR t NS host:port` · 3–6 `… 0` · 7–12 `… 0 current-host:port`.
 * `XFR 0 NS 0` (address undefined) = restart the login on this connection from `VER` (§1.6).
 */
export interface XfrNs {
  readonly type: 'XFR_NS';
  readonly trId: number;
  readonly address: HostPort | undefined;
  /** 7–12: the server the client is on now. */
  readonly currentAddress?: HostPort | undefined;
}

/** `XFR t SB host:port CKI cookie` (2–12); 13 `… U messenger.msn.com`, 14+ `… 1` (MSNP13-18.md §3.2). */
export interface XfrSb {
  readonly type: 'XFR_SB';
  readonly trId: number;
  readonly address: HostPort;
  readonly cookie: string;
}

export function decodeXfrRequest(cmd: Command, dialect: Dialect): Result<XfrRequest> {
  const e = precheck(cmd, 'XFR', 'toServer', dialect, 1);
  if (e) return e;
  const target = cmd.params[0];
  if (target !== 'SB' && target !== 'NS') return badParam(cmd, `unknown target ${target}`);
  return { type: 'XFR', trId: cmd.trId as number, target };
}

export function buildXfrRequest(v: Omit<XfrRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('XFR', 'toServer', dialect);
  return init('XFR', v.trId, [v.target]);
}

export function decodeXfrReply(cmd: Command, dialect: Dialect): Result<XfrNs | XfrSb> {
  const e = precheck(cmd, 'XFR', 'toClient', dialect, 2);
  if (e) return e;
  const p = cmd.params;
  const trId = cmd.trId as number;
  if (p[0] === 'SB') {
    const address = readHostPort(cmd, p[1]);
    if (isCodecError(address)) return address;
    if (p[2] !== 'CKI') return badParam(cmd, `unknown auth package ${p[2] ?? '(none)'}`);
    if (p[3] === undefined) return codecError('MISSING_PARAMS', 'XFR SB needs a cookie', describe(cmd));
    return { type: 'XFR_SB', trId, address, cookie: p[3] };
  }
  if (p[0] !== 'NS') return badParam(cmd, `unknown referral ${p[0]}`);
  if (p[1] === '0') return { type: 'XFR_NS', trId, address: undefined };
  const address = readHostPort(cmd, p[1]);
  if (isCodecError(address)) return address;
  // 13+ `XFR t NS h:p U D` (MSNP13-18.md §3.2): no current address.
  if (dialect >= 7 && dialect <= 12 && p[3] !== undefined) {
    const currentAddress = readHostPort(cmd, p[3]);
    if (isCodecError(currentAddress)) return currentAddress;
    return { type: 'XFR_NS', trId, address, currentAddress };
  }
  return { type: 'XFR_NS', trId, address };
}

export function buildXfrNs(v: Omit<XfrNs, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('XFR', 'toClient', dialect);
  if (v.address === undefined) return init('XFR', v.trId, ['NS', '0']);
  const params = ['NS', formatHostPort(v.address)];
  if (dialect >= 13) return init('XFR', v.trId, [...params, 'U', 'D']); // MSNP13-18.md §3.2
  if (dialect >= 3) params.push('0');
  if (dialect >= 7) params.push(formatHostPort(required(v.currentAddress, 'XFR NS current address', dialect)));
  return init('XFR', v.trId, params);
}

export function buildXfrSb(v: Omit<XfrSb, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('XFR', 'toClient', dialect);
  const params = ['SB', formatHostPort(v.address), 'CKI', token(v.cookie, 'cookie')];
  // 13+ `… U messenger.msn.com`, 14+ `… 1` (MSNP13-18.md §3.2); decoders ignore the suffix.
  if (dialect >= 13) params.push('U', 'messenger.msn.com');
  if (dialect >= 14) params.push('1');
  return init('XFR', v.trId, params);
}

// ---------------------------------------------------------------------------------------------
// OUT (§5.5)

/** The server's reasons; other tokens are kept as they are. */
export type OutReason = 'OTH' | 'SSD' | 'MIG' | 'TOU' | 'RCT';

/** Client: `OUT`. Server: `OUT {reason} {minutes for RCT}`. */
export interface Out {
  readonly type: 'OUT';
  readonly reason?: OutReason | (string & {}) | undefined;
  /** `OUT RCT n` (11+): reconnect after n minutes. */
  readonly minutes?: number | undefined;
}

export function decodeOut(cmd: Command, dialect: Dialect, direction: 'toServer' | 'toClient' = 'toClient'): Result<Out> {
  const e = precheck(cmd, 'OUT', direction, dialect, 0);
  if (e) return e;
  if (direction === 'toServer' || cmd.params.length === 0) return { type: 'OUT' };
  const reason = cmd.params[0] as string;
  if (cmd.params[1] !== undefined) {
    const minutes = readUint(cmd, cmd.params[1], 'minutes');
    if (isCodecError(minutes)) return minutes;
    return { type: 'OUT', reason, minutes };
  }
  return { type: 'OUT', reason };
}

export function buildOut(v: Omit<Out, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('OUT', 'toClient', dialect);
  const params: string[] = [];
  if (v.reason !== undefined) params.push(token(v.reason, 'reason'));
  if (v.minutes !== undefined) params.push(uintParam(v.minutes, 'minutes'));
  return init('OUT', undefined, params);
}

// ---------------------------------------------------------------------------------------------
// CHL / QRY (§3.5)

/** Server: `CHL 0 challenge` (any time). */
export interface ChlChallenge {
  readonly type: 'CHL';
  readonly trId: number;
  readonly challenge: string;
}

/** Client: `CHL t` (asks for a challenge; rare). */
export interface ChlRequest {
  readonly type: 'CHL';
  readonly trId: number;
}

/** Client: `QRY t product-id 32` + 32 bytes of lower-case hex. */
export interface QryRequest {
  readonly type: 'QRY';
  readonly trId: number;
  readonly productId: string;
  readonly answer: string;
}

/** Server: `QRY t` (accepted; no payload). */
export interface QryReply {
  readonly type: 'QRY';
  readonly trId: number;
}

export function decodeChlChallenge(cmd: Command, dialect: Dialect): Result<ChlChallenge> {
  const e = precheck(cmd, 'CHL', 'toClient', dialect, 1);
  return e ?? { type: 'CHL', trId: cmd.trId as number, challenge: cmd.params[0] as string };
}

export function buildChlChallenge(v: Omit<ChlChallenge, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('CHL', 'toClient', dialect);
  return init('CHL', v.trId, [token(v.challenge, 'challenge')]);
}

export function decodeChlRequest(cmd: Command, dialect: Dialect): Result<ChlRequest> {
  const e = precheck(cmd, 'CHL', 'toServer', dialect, 0);
  return e ?? { type: 'CHL', trId: cmd.trId as number };
}

export function buildChlRequest(v: Omit<ChlRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('CHL', 'toServer', dialect);
  return init('CHL', v.trId, []);
}

export function decodeQryRequest(cmd: Command, dialect: Dialect): Result<QryRequest> {
  const e = precheck(cmd, 'QRY', 'toServer', dialect, 1);
  if (e) return e;
  const payload = cmd.payload ?? new Uint8Array(0);
  const answer = utf8Strict(payload);
  if (payload.length !== QRY_PAYLOAD_LENGTH || answer === undefined || !/^[0-9a-fA-F]{32}$/.test(answer)) {
    return codecError('BAD_PAYLOAD', `QRY payload must be ${QRY_PAYLOAD_LENGTH} hex characters`, describe(cmd));
  }
  return { type: 'QRY', trId: cmd.trId as number, productId: cmd.params[0] as string, answer };
}

export function buildQryRequest(v: Omit<QryRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('QRY', 'toServer', dialect);
  if (!/^[0-9a-f]{32}$/.test(v.answer)) fail('QRY answer must be 32 lower-case hex characters');
  return init('QRY', v.trId, [token(v.productId, 'product id')], v.answer);
}

export function decodeQryReply(cmd: Command, dialect: Dialect): Result<QryReply> {
  const e = precheck(cmd, 'QRY', 'toClient', dialect, 0);
  return e ?? { type: 'QRY', trId: cmd.trId as number };
}

export function buildQryReply(v: Omit<QryReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('QRY', 'toClient', dialect);
  return init('QRY', v.trId, []);
}

// ---------------------------------------------------------------------------------------------
// PNG / QNG (§1.6)

export interface Png {
  readonly type: 'PNG';
}

/** 2–8 `QNG` · 9+ `QNG seconds` (when to ping next). */
export interface Qng {
  readonly type: 'QNG';
  readonly seconds?: number | undefined;
}

export function decodePng(cmd: Command, dialect: Dialect): Result<Png> {
  return precheck(cmd, 'PNG', 'toServer', dialect, 0) ?? { type: 'PNG' };
}

export function buildPng(_v: Omit<Png, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('PNG', 'toServer', dialect);
  return init('PNG', undefined, []);
}

export function decodeQng(cmd: Command, dialect: Dialect): Result<Qng> {
  const e = precheck(cmd, 'QNG', 'toClient', dialect, 0);
  if (e) return e;
  if (dialect < 9 || cmd.params[0] === undefined) return { type: 'QNG' };
  const seconds = readUint(cmd, cmd.params[0], 'seconds');
  return isCodecError(seconds) ? seconds : { type: 'QNG', seconds };
}

/** 9+: `seconds` defaults to 60, what Escargot sends (§8). */
export function buildQng(v: Omit<Qng, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('QNG', 'toClient', dialect);
  return init('QNG', undefined, dialect >= 9 ? [uintParam(v.seconds ?? DEFAULT_PING_INTERVAL_SECONDS, 'seconds')] : []);
}

// ---------------------------------------------------------------------------------------------
// SBS (11+, `SBS 0 null` after login; meaning unknown, clients ignore it)

export interface Sbs {
  readonly type: 'SBS';
  readonly trId: number;
  readonly params: readonly string[];
}

export function decodeSbs(cmd: Command, dialect: Dialect): Result<Sbs> {
  return precheck(cmd, 'SBS', 'toClient', dialect, 0) ?? { type: 'SBS', trId: cmd.trId as number, params: cmd.params };
}

export function buildSbs(v: Omit<Sbs, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('SBS', 'toClient', dialect);
  return init('SBS', v.trId, v.params.map((p) => token(p, 'SBS parameter')));
}

// ---------------------------------------------------------------------------------------------
// GCF (11+): `GCF t Shields.xml` → `GCF t Shields.xml len` + XML

export interface GcfRequest {
  readonly type: 'GCF';
  readonly trId: number;
  readonly file: string;
}

export interface GcfReply {
  readonly type: 'GCF';
  readonly trId: number;
  readonly file: string;
  readonly xml: string;
}

export function decodeGcfRequest(cmd: Command, dialect: Dialect): Result<GcfRequest> {
  const e = precheck(cmd, 'GCF', 'toServer', dialect, 1);
  return e ?? { type: 'GCF', trId: cmd.trId as number, file: cmd.params[0] as string };
}

export function buildGcfRequest(v: Omit<GcfRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('GCF', 'toServer', dialect);
  return init('GCF', v.trId, [token(v.file, 'file')]);
}

/** 13+ servers also push `GCF 0 len` + `<Policies>` with no file name (MSNP13-18.md §5.2): `file` is then ''. */
export function decodeGcfReply(cmd: Command, dialect: Dialect): Result<GcfReply> {
  const e = precheck(cmd, 'GCF', 'toClient', dialect, dialect >= 13 ? 0 : 1);
  if (e) return e;
  return { type: 'GCF', trId: cmd.trId as number, file: cmd.params[0] ?? '', xml: utf8OrWindows1252(cmd.payload ?? new Uint8Array(0)) };
}

export function buildGcfReply(v: Omit<GcfReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('GCF', 'toClient', dialect);
  if (v.file === '' && dialect >= 13) return init('GCF', v.trId, [], v.xml);
  return init('GCF', v.trId, [token(v.file, 'file')], v.xml);
}

// ---------------------------------------------------------------------------------------------
// URL (§6.11): `URL t INBOX|COMPOSE {addr}|PROFILE 0x0409|…` → `URL t redirect login-url {site-id (3+)}`

export interface UrlRequest {
  readonly type: 'URL';
  readonly trId: number;
  readonly service: string;
  readonly param?: string | undefined;
}

export interface UrlReply {
  readonly type: 'URL';
  readonly trId: number;
  readonly redirect: string;
  readonly loginUrl: string;
  /** 3+: the Passport site id. */
  readonly siteId?: number | undefined;
}

export function decodeUrlRequest(cmd: Command, dialect: Dialect): Result<UrlRequest> {
  const e = precheck(cmd, 'URL', 'toServer', dialect, 1);
  return e ?? { type: 'URL', trId: cmd.trId as number, service: cmd.params[0] as string, param: cmd.params[1] };
}

export function buildUrlRequest(v: Omit<UrlRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('URL', 'toServer', dialect);
  const params = [token(v.service, 'service')];
  if (v.param !== undefined) params.push(token(v.param, 'URL parameter'));
  return init('URL', v.trId, params);
}

export function decodeUrlReply(cmd: Command, dialect: Dialect): Result<UrlReply> {
  const e = precheck(cmd, 'URL', 'toClient', dialect, 2);
  if (e) return e;
  const base = { type: 'URL' as const, trId: cmd.trId as number, redirect: cmd.params[0] as string, loginUrl: cmd.params[1] as string };
  if (dialect < 3 || cmd.params[2] === undefined) return base;
  const siteId = readUint(cmd, cmd.params[2], 'site id');
  return isCodecError(siteId) ? siteId : { ...base, siteId };
}

export function buildUrlReply(v: Omit<UrlReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('URL', 'toClient', dialect);
  const params = [token(v.redirect, 'redirect'), token(v.loginUrl, 'login url')];
  if (dialect >= 3) params.push(uintParam(required(v.siteId, 'URL site id', dialect), 'site id'));
  return init('URL', v.trId, params);
}

// ---------------------------------------------------------------------------------------------
// IMS (3+): `IMS t ON|OFF` → `IMS t 0 ON|OFF` (§2.5)

export interface Ims {
  readonly type: 'IMS';
  readonly trId: number;
  readonly on: boolean;
}

export function decodeImsRequest(cmd: Command, dialect: Dialect): Result<Ims> {
  const e = precheck(cmd, 'IMS', 'toServer', dialect, 1);
  if (e) return e;
  const v = cmd.params[0];
  return v === 'ON' || v === 'OFF' ? { type: 'IMS', trId: cmd.trId as number, on: v === 'ON' } : badParam(cmd, `expected ON or OFF, got ${v}`);
}

export function buildImsRequest(v: Omit<Ims, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('IMS', 'toServer', dialect);
  return init('IMS', v.trId, [v.on ? 'ON' : 'OFF']);
}

export function decodeImsReply(cmd: Command, dialect: Dialect): Result<Ims> {
  const e = precheck(cmd, 'IMS', 'toClient', dialect, 2);
  if (e) return e;
  const v = cmd.params[1];
  return v === 'ON' || v === 'OFF' ? { type: 'IMS', trId: cmd.trId as number, on: v === 'ON' } : badParam(cmd, `expected ON or OFF, got ${v}`);
}

export function buildImsReply(v: Omit<Ims, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('IMS', 'toClient', dialect);
  return init('IMS', v.trId, ['0', v.on ? 'ON' : 'OFF']);
}

// ---------------------------------------------------------------------------------------------
// NOT / IPG (§6.11): `NOT len` + `<NOTIFICATION>` XML; `IPG len` + mobile page XML. No TrID.

export interface XmlNotice {
  readonly type: 'NOT' | 'IPG';
  readonly xml: string;
}

export function decodeXmlNotice(cmd: Command, dialect: Dialect): Result<XmlNotice> {
  const verb = cmd.verb === 'IPG' ? 'IPG' : 'NOT';
  const e = precheck(cmd, verb, 'toClient', dialect, 0);
  return e ?? { type: verb, xml: utf8OrWindows1252(cmd.payload ?? new Uint8Array(0)) };
}

export function buildXmlNotice(v: XmlNotice, dialect: Dialect): CommandInit {
  requireAvailable(v.type, 'toClient', dialect);
  return init(v.type, undefined, [], v.xml);
}
