/**
 * Sign-in on the notification server (MSNP.md §3.4): dialect negotiation (`VER`), `INF` + MD5
 * (MSNP2–7) or `CVR` + Passport "TWN" (MSNP8–12), following `XFR NS` referrals from a dispatch
 * server (or none: Escargot-style servers answer `USR` directly, MSNP.md §1.1).
 * Every failure becomes a SignInFailure with a model code.
 */
import {
  buildCvrRequest,
  buildInfRequest,
  buildUsrAuth,
  buildVer,
  decodeInfReply,
  decodeUsrReply,
  decodeVer,
  decodeXfrReply,
  highestDialect,
  md5LoginResponse,
  usesPassport,
  DEFAULT_PORT,
  type Command,
  type Dialect,
  type UsrChallenge,
  type UsrOk,
} from '../../../shared/msnp';
import type { Clock } from './clock';
import { Connection, RequestError, connectionTuning, type SocketFactory } from './connection';
import { SignInFailure, decodedOr, toSignInFailure } from './errors';
import type { PassportClient } from './passport-http';
import { CLIENT_VERSION, offeredDialects, verParams, type ServerProfile } from './server-profile';
import type { TrafficTap } from './traffic';

export interface LoginOptions {
  readonly profile: ServerProfile;
  readonly handle: string;
  readonly password: string;
  readonly passport: PassportClient;
  readonly socketFactory?: SocketFactory;
  readonly clock?: Clock;
  readonly tap?: TrafficTap;
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Override the first server (e.g. after an `XFR 0 NS` move). */
  readonly startAt?: { readonly host: string; readonly port: number };
  /**
   * Called with every new NS connection before anything is sent, to install handlers for what
   * the server may push right after `USR OK` (profile `MSG`, `SBS`, `CHL`, `OUT` …).
   */
  readonly prepare?: (conn: Connection, dialectRef: { dialect: Dialect | undefined }) => void;
  readonly signal?: AbortSignal;
}

export interface LoginResult {
  readonly connection: Connection;
  readonly dialect: Dialect;
  readonly handle: string;
  /** From `USR OK` in MSNP2–9; MSNP10+ sends it later as `PRP MFN` (MSNP.md §2.7). */
  readonly friendlyName: string | undefined;
  /** Where the session ended up, for reconnecting there. */
  readonly host: string;
  readonly port: number;
}

/** How many `XFR NS` hops we follow before calling it a loop. */
const MAX_REFERRALS = 5;

export async function login(options: LoginOptions): Promise<LoginResult> {
  const dialects = offeredDialects(options.profile);
  let host = options.startAt?.host ?? options.profile.host;
  let port = options.startAt?.port ?? options.profile.port ?? DEFAULT_PORT;
  for (let hop = 0; hop <= MAX_REFERRALS; hop++) {
    const step = await loginOnce(options, dialects, host, port, hop);
    if (step.kind === 'ok') return step.result;
    host = step.host;
    port = step.port;
  }
  throw new SignInFailure('protocol-error', `more than ${MAX_REFERRALS} XFR NS referrals`);
}

type Step = { kind: 'ok'; result: LoginResult } | { kind: 'referral'; host: string; port: number };

async function loginOnce(options: LoginOptions, offered: readonly Dialect[], host: string, port: number, hop: number): Promise<Step> {
  const conn = new Connection({
    host,
    port,
    name: hop === 0 ? 'ns' : `ns#${hop}`,
    ...connectionTuning(options),
  });
  const dialectRef: { dialect: Dialect | undefined } = { dialect: undefined };
  options.prepare?.(conn, dialectRef);
  const signal = options.signal;
  const onAbort = (): void => conn.close({ kind: 'local', message: 'sign-in cancelled' });
  if (signal?.aborted) throw new SignInFailure('cancelled', 'sign-in cancelled');
  signal?.addEventListener('abort', onAbort, { once: true });
  let stage = `connecting to ${host}:${port}`;
  try {
    await conn.open();

    // VER (MSNP.md §2.1): the reply may list one dialect or echo several; take the highest we offered.
    stage = 'version negotiation';
    let ver: Command;
    try {
      // VER comes before any dialect is agreed, so its builder takes none.
      ver = await conn.call((trId) => buildVer({ trId, dialects: verParams(offered) }));
    } catch (err) {
      // Official servers simply close when nothing matches (MSNP.md §1.2, §2.1).
      if (err instanceof RequestError && err.kind === 'closed' && err.closeReason?.kind === 'remote') {
        throw new SignInFailure('no-common-version', `${host}:${port} closed the connection during version negotiation`);
      }
      throw err;
    }
    const { dialects: serverDialects } = decodedOr(decodeVer(ver), protocolFailure('VER'));
    const dialect = pickDialect(serverDialects, offered);
    if (dialect === undefined) {
      throw new SignInFailure('no-common-version', `the server offers ${serverDialects.join(' ')}; we offered ${verParamsText(offered)}`);
    }
    dialectRef.dialect = dialect;
    conn.dialect = dialect;

    let usr: Command;
    if (!usesPassport(dialect)) {
      // MSNP2–7: INF, then MD5 (MSNP.md §2.3, §3.2).
      stage = 'INF';
      try {
        // INF t → INF t MD5 (the draft's `MD5,CTP` list is read by the codec).
        const inf = decodedOr(decodeInfReply(await conn.call((trId) => buildInfRequest({ trId }, dialect)), dialect), protocolFailure('INF'));
        if (!inf.methods.includes('MD5')) {
          throw new SignInFailure('protocol-error', `the server offers ${inf.methods.join(' ')}, not MD5`);
        }
      } catch (err) {
        if (!(err instanceof RequestError && err.kind === 'protocol')) throw err;
        // A server that does not know INF: carry on with MD5.
      }
      conn.transition('authenticating');
      stage = 'USR MD5 I';
      const first = await usrStep(conn, dialect, 'MD5', 'I', options.handle, ['USR', 'XFR']);
      const referral = asReferral(first, dialect, host, port);
      if (referral) return close(conn, referral);
      const challenge = expectChallenge(first, dialect, 'MD5');
      stage = 'USR MD5 S';
      usr = await usrStep(conn, dialect, 'MD5', 'S', md5LoginResponse(challenge, options.password));
    } else {
      // MSNP8–12: CVR, then TWN through Passport (MSNP.md §2.2, §3.3).
      stage = 'CVR';
      try {
        await conn.call((trId) => buildCvrRequest({ trId, ...CLIENT_VERSION, handle: options.handle }, dialect));
      } catch (err) {
        // Servers must not insist on CVR; one that rejects it still lets us sign in.
        if (!(err instanceof RequestError && err.kind === 'protocol')) throw err;
      }
      conn.transition('authenticating');
      stage = 'USR TWN I';
      const first = await usrStep(conn, dialect, 'TWN', 'I', options.handle, ['USR', 'XFR']);
      const referral = asReferral(first, dialect, host, port);
      if (referral) return close(conn, referral);
      const policy = expectChallenge(first, dialect, 'TWN');
      stage = 'Passport';
      const ticket = await options.passport.login(options.handle, options.password, policy, {
        ...(options.profile.nexusUrl !== undefined ? { nexusUrl: options.profile.nexusUrl } : {}),
        ...(options.profile.loginUrl !== undefined ? { loginUrl: options.profile.loginUrl } : {}),
        ...(options.profile.tls !== undefined ? { tls: options.profile.tls } : {}),
        ...(options.tap !== undefined ? { tap: options.tap } : {}),
      });
      if (signal?.aborted) throw new SignInFailure('cancelled', 'sign-in cancelled');
      stage = 'USR TWN S';
      usr = await usrStep(conn, dialect, 'TWN', 'S', ticket);
    }
    const ok = expectOk(usr, dialect);
    conn.transition('online');
    signal?.removeEventListener('abort', onAbort);
    return {
      kind: 'ok',
      result: {
        connection: conn,
        dialect,
        handle: ok.handle,
        // USR OK handle friendly … in MSNP2–9 only (MSNP.md §2.7); the codec leaves it out after.
        friendlyName: ok.friendlyName,
        host,
        port,
      },
    };
  } catch (err) {
    signal?.removeEventListener('abort', onAbort);
    const failure = signal?.aborted ? new SignInFailure('cancelled', 'sign-in cancelled') : toSignInFailure(err, stage);
    conn.destroy({ kind: 'local', message: failure.message });
    throw failure;
  }
}

/**
 * `USR t MD5|TWN I handle` / `USR t MD5|TWN S response-or-ticket` (MSNP.md §3.2, §3.3.1). Stage I
 * may also be answered with an `XFR NS` referral (§1.1), hence `replyVerbs`.
 */
function usrStep(conn: Connection, dialect: Dialect, method: 'MD5' | 'TWN', stage: 'I' | 'S', value: string, replyVerbs?: readonly string[]): Promise<Command> {
  return conn.call((trId) => buildUsrAuth({ trId, method, stage, value }, dialect), replyVerbs === undefined ? {} : { replyVerbs });
}

/** Highest `MSNPn` in the reply that we offered (MSNP.md §2.1, §10.1); the offer is a contiguous range. */
export function pickDialect(params: readonly string[], offered: readonly Dialect[]): Dialect | undefined {
  if (offered.length === 0) return undefined;
  return highestDialect(params, Math.min(...offered), Math.max(...offered));
}

/**
 * `XFR t NS host:port {0 {current}}` (MSNP.md §2.7), decoded by the codec. `XFR t NS 0` means
 * "start again from VER" (§1.6): a fresh connection to the same server does exactly that.
 */
function asReferral(cmd: Command, dialect: Dialect, host: string, port: number): { host: string; port: number } | undefined {
  if (cmd.verb !== 'XFR') return undefined;
  const xfr = decodedOr(decodeXfrReply(cmd, dialect), protocolFailure('XFR'));
  if (xfr.type !== 'XFR_NS') throw new SignInFailure('protocol-error', 'the server offered a switchboard instead of signing us in');
  return xfr.address ?? { host, port };
}

/** `USR t MD5 S challenge` / `USR t TWN S policy` (MSNP.md §3.2, §3.3.1). */
function expectChallenge(cmd: Command, dialect: Dialect, method: 'MD5' | 'TWN'): string {
  const usr: UsrChallenge | UsrOk = decodedOr(decodeUsrReply(cmd, dialect), protocolFailure(`USR ${method} I`));
  if (usr.type !== 'USR' || usr.method !== method) throw new SignInFailure('protocol-error', `unexpected reply to USR ${method} I: ${cmd.params.join(' ')}`);
  return usr.value;
}

/** `USR t OK handle …` in the dialect's shape (MSNP.md §2.7). */
function expectOk(cmd: Command, dialect: Dialect): UsrOk {
  const usr = decodedOr(decodeUsrReply(cmd, dialect), protocolFailure('USR'));
  if (usr.type !== 'USR_OK') throw new SignInFailure('protocol-error', `unexpected reply to USR ${usr.method} S: ${cmd.params.join(' ')}`);
  return usr;
}

function protocolFailure(what: string): (message: string) => SignInFailure {
  return (message) => new SignInFailure('protocol-error', `malformed ${what} reply: ${message}`);
}

function close(conn: Connection, to: { host: string; port: number }): Step {
  conn.close({ kind: 'local', message: `referred to ${to.host}:${to.port}` });
  return { kind: 'referral', host: to.host, port: to.port };
}

function verParamsText(offered: readonly Dialect[]): string {
  return verParams(offered).join(' ');
}
