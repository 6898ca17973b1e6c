/**
 * Endpoint-to-endpoint notifications (MSNP13+, MSNP13-18.md §8.4):
 * ```
 * C: UUN t handle{;{guid}} type len   + payload
 * S: UUN t OK
 * S: UBN handle{;{guid}} type len     + payload   (to the target's session(s))
 * ```
 * Types: 1 shared folders, 2 unknown, 3 P2P bootstrap, 4 MPOP sign-out (`goawyplzthxbye`).
 * The server relays the payload bytes as received. Conventions: see common.ts.
 */
import type { Command, CommandInit } from '../command';
import type { Dialect } from '../dialect';
import { badParam, init, precheck, readUint, requireAvailable, token, uintParam, type Result } from './common';
import { isCodecError } from '../errors';

/** §8.4 type 4: what an endpoint sends to sign another endpoint of the same account out. */
export const UUN_SIGN_OUT = 4;
export const UUN_SIGN_OUT_PAYLOAD = 'goawyplzthxbye';

export interface UunRequest {
  readonly type: 'UUN';
  readonly trId: number;
  /** `handle` or `handle;{guid}` as sent. */
  readonly to: string;
  readonly notification: number;
  readonly payload: Uint8Array;
}

export interface UunOk {
  readonly type: 'UUN_OK';
  readonly trId: number;
}

export interface Ubn {
  readonly type: 'UBN';
  /** The sender, `handle` or `handle;{guid}`. */
  readonly from: string;
  readonly notification: number;
  readonly payload: Uint8Array;
}

export function decodeUunRequest(cmd: Command, dialect: Dialect): Result<UunRequest> {
  const e = precheck(cmd, 'UUN', 'toServer', dialect, 2);
  if (e) return e;
  const notification = readUint(cmd, cmd.params[1], 'notification type', 255);
  if (isCodecError(notification)) return notification;
  return { type: 'UUN', trId: cmd.trId as number, to: cmd.params[0] as string, notification, payload: cmd.payload ?? new Uint8Array(0) };
}

export function buildUunRequest(v: Omit<UunRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('UUN', 'toServer', dialect);
  return init('UUN', v.trId, [token(v.to, 'target'), uintParam(v.notification, 'notification type', 255)], v.payload);
}

export function decodeUunOk(cmd: Command, dialect: Dialect): Result<UunOk> {
  const e = precheck(cmd, 'UUN', 'toClient', dialect, 1);
  if (e) return e;
  return cmd.params[0] === 'OK' ? { type: 'UUN_OK', trId: cmd.trId as number } : badParam(cmd, 'expected OK');
}

export function buildUunOk(v: Omit<UunOk, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('UUN', 'toClient', dialect);
  return init('UUN', v.trId, ['OK']);
}

export function decodeUbn(cmd: Command, dialect: Dialect): Result<Ubn> {
  const e = precheck(cmd, 'UBN', 'toClient', dialect, 2);
  if (e) return e;
  const notification = readUint(cmd, cmd.params[1], 'notification type', 255);
  if (isCodecError(notification)) return notification;
  return { type: 'UBN', from: cmd.params[0] as string, notification, payload: cmd.payload ?? new Uint8Array(0) };
}

export function buildUbn(v: Omit<Ubn, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('UBN', 'toClient', dialect);
  return init('UBN', undefined, [token(v.from, 'sender'), uintParam(v.notification, 'notification type', 255)], v.payload);
}
