/**
 * MSNP13+ list commands (MSNP13-18.md §7): `ADL` and `RML` (13+) and `FQY` (14+), whose payload is
 * an `<ml>` document (`ml/payload.ts`). Conventions: see common.ts. A bad document decodes to an
 * `MlError`, whose `msnpError` (240/241/204) is what a server answers (§7.1).
 *
 * Client → server: `ADL t len` / `RML t len` / `FQY t len` + XML. Server → client: `ADL t OK` /
 * `RML t OK` (no payload), the pushes `ADL 0 len` / `RML 0 len` + XML (§6.7), `FQY t len` + XML.
 */
import type { Command, CommandInit } from '../command';
import type { Dialect } from '../dialect';
import { utf8Strict } from '../bytes';
import { buildMl, parseMl, type MlError, type MlPayload } from '../ml/payload';
import { badParam, init, precheck, requireAvailable, type Result } from './common';

type MlVerb = 'ADL' | 'RML' | 'FQY';

/** A client's upload or query: `ADL t len`, `RML t len`, `FQY t len` + XML. */
export interface MlRequest {
  readonly type: MlVerb;
  readonly trId: number;
  readonly list: MlPayload;
}

/** The server's `ADL t OK` / `RML t OK`. */
export interface MlOk {
  readonly type: 'ADL_OK' | 'RML_OK';
  readonly trId: number;
}

/** The server's push (`ADL 0 len`, `RML 0 len`, §6.7) or `FQY` answer (§7.3). */
export interface MlPush {
  readonly type: MlVerb;
  readonly trId: number;
  readonly list: MlPayload;
}

function readPayload(cmd: Command, source: 'client' | 'server'): Result<MlPayload> | MlError {
  const text = utf8Strict(cmd.payload ?? new Uint8Array(0));
  if (text === undefined) return { ...badParam(cmd, 'payload is not UTF-8'), code: 'BAD_PAYLOAD', msnpError: 241 };
  return parseMl(text, source);
}

export function decodeMlRequest(cmd: Command, dialect: Dialect): Result<MlRequest> {
  const verb = cmd.verb as MlVerb;
  const e = precheck(cmd, verb, 'toServer', dialect, 0);
  if (e) return e;
  const list = readPayload(cmd, 'client');
  if ('kind' in list) return list;
  return { type: verb, trId: cmd.trId as number, list };
}

export function buildMlRequest(v: MlRequest, dialect: Dialect): CommandInit {
  requireAvailable(v.type, 'toServer', dialect);
  return init(v.type, v.trId, [], buildMl(v.list, v.type === 'FQY' ? 'query' : 'client'));
}

/** Server → client `ADL`/`RML`/`FQY`: the bare OK reply, a push, or an `FQY` answer. */
export function decodeMlReply(cmd: Command, dialect: Dialect): Result<MlOk | MlPush> {
  const verb = cmd.verb as MlVerb;
  const e = precheck(cmd, verb, 'toClient', dialect, 0);
  if (e) return e;
  const trId = cmd.trId as number;
  if (cmd.payload === undefined) {
    if (verb === 'FQY' || cmd.params[0] !== 'OK') return badParam(cmd, 'expected OK or a payload');
    return { type: verb === 'ADL' ? 'ADL_OK' : 'RML_OK', trId };
  }
  const list = readPayload(cmd, 'server');
  if ('kind' in list) return list;
  return { type: verb, trId, list };
}

export function buildMlOk(v: MlOk, dialect: Dialect): CommandInit {
  const verb = v.type === 'ADL_OK' ? 'ADL' : 'RML';
  requireAvailable(verb, 'toClient', dialect);
  return init(verb, v.trId, ['OK']);
}

export function buildMlPush(v: MlPush, dialect: Dialect): CommandInit {
  requireAvailable(v.type, 'toClient', dialect);
  return init(v.type, v.trId, [], buildMl(v.list, v.type === 'FQY' ? 'query' : 'push'));
}
