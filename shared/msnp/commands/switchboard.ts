/**
 * Switchboard commands (MSNP.md §6.1–§6.4) and the NS's `RNG` invitation: CAL, ANS, RNG, IRO, JOI,
 * BYE, MSG (both directions, NS and SB), ACK, NAK. Conventions: see common.ts. `MSG` keeps its
 * payload as bytes; `decodeMessage` (messages.ts) reads them.
 */
import type { Command, CommandInit } from '../command';
import type { Dialect } from '../dialect';
import { codecError, isCodecError } from '../errors';
import {
  badParam,
  capsParam,
  describe,
  fail,
  formatHostPort,
  init,
  name,
  nameParam,
  precheck,
  readCaps,
  readHostPort,
  readUint,
  requireAvailable,
  token,
  uintParam,
  type HostPort,
  type Result,
} from './common';

/** `CAL t handle`: invite someone into this switchboard. */
export interface CalRequest {
  readonly type: 'CAL';
  readonly trId: number;
  readonly handle: string;
}

/** `CAL t RINGING session-id`: the invitation was sent (nothing more). */
export interface CalReply {
  readonly type: 'CAL';
  readonly trId: number;
  readonly sessionId: string;
}

/** `ANS t handle cookie session-id`: join the switchboard I was invited to. */
export interface AnsRequest {
  readonly type: 'ANS';
  readonly trId: number;
  readonly handle: string;
  readonly cookie: string;
  readonly sessionId: string;
}

/** `ANS t OK`: after the `IRO` lines. */
export interface AnsReply {
  readonly type: 'ANS';
  readonly trId: number;
}

/**
 * `RNG session-id host:port CKI cookie caller-handle caller-friendly` (NS, no TrID, §6.2); 13+ append
 * `U messenger.hotmail.com` and 14+ `1` (MSNP13-18.md §3.2), which decoders ignore and builders write.
 */
export interface Rng {
  readonly type: 'RNG';
  readonly sessionId: string;
  readonly address: HostPort;
  readonly cookie: string;
  readonly callerHandle: string;
  readonly callerFriendlyName: string;
}

/** 2–11 `IRO t idx total handle friendly` · 12 `+ caps` (builders send 0 when unknown). */
export interface Iro {
  readonly type: 'IRO';
  readonly trId: number;
  readonly index: number;
  readonly total: number;
  readonly handle: string;
  readonly friendlyName: string;
  readonly caps?: number | undefined;
}

/** 2–11 `JOI handle friendly` · 12 `+ caps`. */
export interface Joi {
  readonly type: 'JOI';
  readonly handle: string;
  readonly friendlyName: string;
  readonly caps?: number | undefined;
}

/** `BYE handle` (left), `BYE handle 1` (removed by the server for inactivity). */
export interface Bye {
  readonly type: 'BYE';
  readonly handle: string;
  readonly timedOut: boolean;
}

/**
 * Acknowledgement modes (§6.4): `U` none, `N` NAK on failure, `A` ACK/NAK, `D` P2P data (9+, like A),
 * `S` success-only (reported for 6.0+ clients, i.e. 9+).
 */
export type AckMode = 'U' | 'N' | 'A' | 'D' | 'S';

/** Client → SB: `MSG t ack len` + payload. */
export interface MsgRequest {
  readonly type: 'MSG';
  readonly trId: number;
  readonly ack: AckMode;
  readonly payload: Uint8Array;
}

/** Server → client: `MSG sender friendly len` + payload (`MSG Hotmail Hotmail len` on the NS). */
export interface MsgDelivery {
  readonly type: 'MSG';
  readonly sender: string;
  readonly friendlyName: string;
  readonly payload: Uint8Array;
}

export interface Ack {
  readonly type: 'ACK' | 'NAK';
  readonly trId: number;
}

export function decodeCalRequest(cmd: Command, dialect: Dialect): Result<CalRequest> {
  const e = precheck(cmd, 'CAL', 'toServer', dialect, 1);
  return e ?? { type: 'CAL', trId: cmd.trId as number, handle: cmd.params[0] as string };
}

export function buildCalRequest(v: Omit<CalRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('CAL', 'toServer', dialect);
  return init('CAL', v.trId, [token(v.handle, 'handle')]);
}

export function decodeCalReply(cmd: Command, dialect: Dialect): Result<CalReply> {
  const e = precheck(cmd, 'CAL', 'toClient', dialect, 2);
  if (e) return e;
  if (cmd.params[0] !== 'RINGING') return badParam(cmd, `expected RINGING, got ${cmd.params[0]}`);
  return { type: 'CAL', trId: cmd.trId as number, sessionId: cmd.params[1] as string };
}

export function buildCalReply(v: Omit<CalReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('CAL', 'toClient', dialect);
  return init('CAL', v.trId, ['RINGING', token(v.sessionId, 'session id')]);
}

export function decodeAnsRequest(cmd: Command, dialect: Dialect): Result<AnsRequest> {
  const e = precheck(cmd, 'ANS', 'toServer', dialect, 3);
  if (e) return e;
  const [handle, cookie, sessionId] = cmd.params as [string, string, string];
  return { type: 'ANS', trId: cmd.trId as number, handle, cookie, sessionId };
}

export function buildAnsRequest(v: Omit<AnsRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('ANS', 'toServer', dialect);
  return init('ANS', v.trId, [token(v.handle, 'handle'), token(v.cookie, 'cookie'), token(v.sessionId, 'session id')]);
}

export function decodeAnsReply(cmd: Command, dialect: Dialect): Result<AnsReply> {
  const e = precheck(cmd, 'ANS', 'toClient', dialect, 1);
  if (e) return e;
  return cmd.params[0] === 'OK' ? { type: 'ANS', trId: cmd.trId as number } : badParam(cmd, `expected OK, got ${cmd.params[0]}`);
}

export function buildAnsReply(v: Omit<AnsReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('ANS', 'toClient', dialect);
  return init('ANS', v.trId, ['OK']);
}

export function decodeRng(cmd: Command, dialect: Dialect): Result<Rng> {
  const e = precheck(cmd, 'RNG', 'toClient', dialect, 6);
  if (e) return e;
  const p = cmd.params;
  const address = readHostPort(cmd, p[1]);
  if (isCodecError(address)) return address;
  if (p[2] !== 'CKI') return badParam(cmd, `unknown auth package ${p[2]}`);
  return {
    type: 'RNG',
    sessionId: p[0] as string,
    address,
    cookie: p[3] as string,
    callerHandle: p[4] as string,
    callerFriendlyName: name(p[5] as string),
  };
}

export function buildRng(v: Omit<Rng, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('RNG', 'toClient', dialect);
  return init('RNG', undefined, [
    token(v.sessionId, 'session id'),
    formatHostPort(v.address),
    'CKI',
    token(v.cookie, 'cookie'),
    token(v.callerHandle, 'handle'),
    nameParam(v.callerFriendlyName, 'friendly name'),
    // 13+ `… U messenger.hotmail.com`, 14+ `… 1` (direct connections allowed) (MSNP13-18.md §3.2).
    ...(dialect >= 13 ? ['U', 'messenger.hotmail.com'] : []),
    ...(dialect >= 14 ? ['1'] : []),
  ]);
}

export function decodeIro(cmd: Command, dialect: Dialect): Result<Iro> {
  const e = precheck(cmd, 'IRO', 'toClient', dialect, 4);
  if (e) return e;
  const p = cmd.params;
  const index = readUint(cmd, p[0], 'participant number');
  if (isCodecError(index)) return index;
  const total = readUint(cmd, p[1], 'participant count');
  if (isCodecError(total)) return total;
  if (index < 1 || index > total) return badParam(cmd, `participant ${index} of ${total}`);
  const caps = dialect >= 12 ? readCaps(cmd, p[4]) : undefined;
  if (isCodecError(caps)) return caps;
  return { type: 'IRO', trId: cmd.trId as number, index, total, handle: p[2] as string, friendlyName: name(p[3] as string), caps };
}

export function buildIro(v: Omit<Iro, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('IRO', 'toClient', dialect);
  const params = [uintParam(v.index, 'participant number'), uintParam(v.total, 'participant count'), token(v.handle, 'handle'), nameParam(v.friendlyName, 'friendly name')];
  if (dialect >= 12) params.push(capsParam(v.caps));
  return init('IRO', v.trId, params);
}

export function decodeJoi(cmd: Command, dialect: Dialect): Result<Joi> {
  const e = precheck(cmd, 'JOI', 'toClient', dialect, 2);
  if (e) return e;
  const caps = dialect >= 12 ? readCaps(cmd, cmd.params[2]) : undefined;
  if (isCodecError(caps)) return caps;
  return { type: 'JOI', handle: cmd.params[0] as string, friendlyName: name(cmd.params[1] as string), caps };
}

export function buildJoi(v: Omit<Joi, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('JOI', 'toClient', dialect);
  const params = [token(v.handle, 'handle'), nameParam(v.friendlyName, 'friendly name')];
  if (dialect >= 12) params.push(capsParam(v.caps));
  return init('JOI', undefined, params);
}

export function decodeBye(cmd: Command, dialect: Dialect): Result<Bye> {
  const e = precheck(cmd, 'BYE', 'toClient', dialect, 1);
  return e ?? { type: 'BYE', handle: cmd.params[0] as string, timedOut: cmd.params[1] === '1' };
}

export function buildBye(v: Omit<Bye, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('BYE', 'toClient', dialect);
  return init('BYE', undefined, v.timedOut ? [token(v.handle, 'handle'), '1'] : [token(v.handle, 'handle')]);
}

function isAckMode(t: string | undefined, dialect: Dialect): t is AckMode {
  return t === 'U' || t === 'N' || t === 'A' || (dialect >= 9 && (t === 'D' || t === 'S'));
}

export function decodeMsgRequest(cmd: Command, dialect: Dialect): Result<MsgRequest> {
  const e = precheck(cmd, 'MSG', 'toServer', dialect, 1);
  if (e) return e;
  const ack = cmd.params[0];
  // The ack letter is case-sensitive and anything else makes the SB disconnect (§6.4).
  if (!isAckMode(ack, dialect)) return badParam(cmd, `not an acknowledgement mode in MSNP${dialect}: ${ack}`);
  if (cmd.payload === undefined) return codecError('BAD_PAYLOAD', 'MSG without payload', describe(cmd));
  return { type: 'MSG', trId: cmd.trId as number, ack, payload: cmd.payload };
}

export function buildMsgRequest(v: Omit<MsgRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('MSG', 'toServer', dialect);
  if (!isAckMode(v.ack, dialect)) fail(`ack mode ${v.ack} does not exist in MSNP${dialect}`);
  return init('MSG', v.trId, [v.ack], v.payload);
}

export function decodeMsgDelivery(cmd: Command, dialect: Dialect): Result<MsgDelivery> {
  const e = precheck(cmd, 'MSG', 'toClient', dialect, 2);
  if (e) return e;
  if (cmd.payload === undefined) return codecError('BAD_PAYLOAD', 'MSG without payload', describe(cmd));
  return { type: 'MSG', sender: cmd.params[0] as string, friendlyName: name(cmd.params[1] as string), payload: cmd.payload };
}

export function buildMsgDelivery(v: Omit<MsgDelivery, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('MSG', 'toClient', dialect);
  return init('MSG', undefined, [token(v.sender, 'sender'), nameParam(v.friendlyName, 'friendly name')], v.payload);
}

export function decodeAck(cmd: Command, dialect: Dialect): Result<Ack> {
  const verb = cmd.verb === 'NAK' ? 'NAK' : 'ACK';
  return precheck(cmd, verb, 'toClient', dialect, 0) ?? { type: verb, trId: cmd.trId as number };
}

export function buildAck(v: Ack, dialect: Dialect): CommandInit {
  requireAvailable(v.type, 'toClient', dialect);
  return init(v.type, v.trId, []);
}
