/**
 * `USR … SSO` (MSNP15+, MSNP13-18.md §4.2):
 * ```
 * C: USR t SSO I handle
 * S: USR t SSO S MBI_KEY_OLD nonce
 * C: USR t SSO S ticket proof        (proof absent from patched clients; §4.2, §14 point 6)
 * S: USR t OK handle 1 0             (UsrOk, as MSNP10–12)
 * ```
 * The `TWN` and `MD5` steps stay in session.ts; `decodeClientCommand`/`decodeServerCommand` route
 * a `USR` whose package is `SSO` here. Conventions: see common.ts.
 */
import type { Command, CommandInit } from '../command';
import type { Dialect } from '../dialect';
import { codecError } from '../errors';
import { badParam, describe, fail, init, precheck, requireAvailable, token, type Result } from './common';

/** SSO exists from MSNP15 (§3.1: "USR SSO – – – ● …"). */
const SSO_SINCE = 15;

export interface UsrSsoInitial {
  readonly type: 'USR_SSO';
  readonly trId: number;
  readonly stage: 'I';
  readonly handle: string;
}

export interface UsrSsoResponse {
  readonly type: 'USR_SSO';
  readonly trId: number;
  readonly stage: 'S';
  /** The `messengerclear.live.com` compact token, `t=…&p=…`, as sent. */
  readonly ticket: string;
  /** The 172-character MBI_KEY_OLD proof (`sso/mbi.ts`); undefined when the client sent none. */
  readonly proof: string | undefined;
}

export type UsrSso = UsrSsoInitial | UsrSsoResponse;

/** `USR t SSO S policy nonce`: the policy (`MBI_KEY_OLD`) and the nonce the proof is computed over. */
export interface UsrSsoChallenge {
  readonly type: 'USR_SSO_CHALLENGE';
  readonly trId: number;
  readonly policy: string;
  readonly nonce: string;
}

function notInDialect(cmd: Command, dialect: Dialect) {
  return codecError('NOT_IN_DIALECT', `USR SSO does not exist in MSNP${dialect}`, describe(cmd));
}

export function decodeUsrSso(cmd: Command, dialect: Dialect): Result<UsrSso> {
  const e = precheck(cmd, 'USR', 'toServer', dialect, 3);
  if (e) return e;
  if (dialect < SSO_SINCE) return notInDialect(cmd, dialect);
  const p = cmd.params;
  if (p[0] !== 'SSO') return badParam(cmd, 'expected SSO');
  const trId = cmd.trId as number;
  if (p[1] === 'I') return { type: 'USR_SSO', trId, stage: 'I', handle: p[2] as string };
  if (p[1] === 'S') return { type: 'USR_SSO', trId, stage: 'S', ticket: p[2] as string, proof: p[3] };
  return badParam(cmd, `unknown SSO stage ${p[1]}`);
}

export function buildUsrSso(v: UsrSso, dialect: Dialect): CommandInit {
  requireAvailable('USR', 'toServer', dialect);
  if (dialect < SSO_SINCE) fail(`USR SSO does not exist in MSNP${dialect}`);
  if (v.stage === 'I') return init('USR', v.trId, ['SSO', 'I', token(v.handle, 'handle')]);
  const params = ['SSO', 'S', token(v.ticket, 'ticket')];
  if (v.proof !== undefined) params.push(token(v.proof, 'proof'));
  return init('USR', v.trId, params);
}

export function decodeUsrSsoChallenge(cmd: Command, dialect: Dialect): Result<UsrSsoChallenge> {
  const e = precheck(cmd, 'USR', 'toClient', dialect, 4);
  if (e) return e;
  if (dialect < SSO_SINCE) return notInDialect(cmd, dialect);
  const p = cmd.params;
  if (p[0] !== 'SSO' || p[1] !== 'S') return badParam(cmd, 'expected SSO S');
  return { type: 'USR_SSO_CHALLENGE', trId: cmd.trId as number, policy: p[2] as string, nonce: p[3] as string };
}

export function buildUsrSsoChallenge(v: Omit<UsrSsoChallenge, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('USR', 'toClient', dialect);
  if (dialect < SSO_SINCE) fail(`USR SSO does not exist in MSNP${dialect}`);
  return init('USR', v.trId, ['SSO', 'S', token(v.policy, 'policy'), token(v.nonce, 'nonce')]);
}
