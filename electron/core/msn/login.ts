/**
 * Sign-in on the notification server (MSNP.md §3.4): dialect negotiation (`VER`), `INF` + MD5
 * (MSNP2–7) or `CVR` + Passport "TWN" (MSNP8–12), following `XFR NS` referrals from a dispatch
 * server (or none: Escargot-style servers answer `USR` directly, MSNP.md §1.1). MSNP13–14 take
 * the TWN ticket from the SOAP token service, MSNP15 signs in with `USR SSO` and the MBI_KEY_OLD
 * proof (MSNP13-18.md §4); both keep the token service's tickets for the session's web services.
 * Every failure becomes a SignInFailure with a model code.
 */
import { randomBytes } from 'node:crypto';
import {
  PASSPORT_TB,
  buildCvrRequest,
  buildUsrSso,
  decodeUsrSsoChallenge,
  isCodecError,
  mbiKeyOld,
  usesAddressBook,
  usesSso,
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
import { systemClock, type Clock } from './clock';
import { Connection, RequestError, connectionTuning, type SocketFactory } from './connection';
import { SignInFailure, decodedOr, toSignInFailure } from './errors';
import type { PassportClient } from './passport-http';
import { CLIENT_VERSION, SOAP_CLIENT_VERSION, offeredDialects, verParams, webServiceUrls, type ServerProfile } from './server-profile';
import { DOMAIN, TokenService } from './sso/token-service';
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
  /** MSNP13+: the token service holding this session's tickets (address book, OIM …), renewing them. */
  readonly tokens?: TokenService;
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
  let tokens: TokenService | undefined;
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
      // MSNP8+: CVR, then TWN through Passport (8–12, MSNP.md §2.2, §3.3), TWN with a ticket from
      // the token service (13–14, MSNP13-18.md §4.1) or SSO (15, §4.2).
      stage = 'CVR';
      try {
        const cvr = usesAddressBook(dialect) ? SOAP_CLIENT_VERSION : CLIENT_VERSION;
        await conn.call((trId) => buildCvrRequest({ trId, ...cvr, handle: options.handle }, dialect));
      } catch (err) {
        // Servers must not insist on CVR; one that rejects it still lets us sign in.
        if (!(err instanceof RequestError && err.kind === 'protocol')) throw err;
      }
      conn.transition('authenticating');
      const method = usesSso(dialect) ? 'SSO' : 'TWN';
      stage = `USR ${method} I`;
      const first = await usrStep(conn, dialect, method, 'I', options.handle, ['USR', 'XFR']);
      const referral = asReferral(first, dialect, host, port);
      if (referral) return close(conn, referral);
      if (usesSso(dialect)) {
        // USR t SSO S MBI_KEY_OLD nonce → tokens → USR t SSO S ticket proof (§4.2, §4.5)
        const challenge = decodedOr(decodeUsrSsoChallenge(first, dialect), protocolFailure('USR SSO I'));
        stage = 'token service';
        tokens = newTokenService(options);
        await tokens.signIn(challenge.policy);
        if (signal?.aborted) throw new SignInFailure('cancelled', 'sign-in cancelled');
        const clear = tokens.token(DOMAIN.messengerClear);
        if (clear?.binarySecret === undefined) throw new SignInFailure('passport-unreachable', `the token service issued no ${DOMAIN.messengerClear} ticket with a key`);
        const proof = mbiKeyOld(clear.binarySecret, challenge.nonce, randomBytes(8));
        if (isCodecError(proof)) throw new SignInFailure('protocol-error', `cannot answer the server's challenge: ${proof.message}`);
        stage = 'USR SSO S';
        usr = await usrStep(conn, dialect, 'SSO', 'S', clear.token, undefined, proof);
      } else {
        const policy = expectChallenge(first, dialect, 'TWN');
        let ticket: string;
        if (usesAddressBook(dialect)) {
          // MSNP13–14: the ticket is the messenger.msn.com token asked for with the TWN policy (§4.1).
          stage = 'token service';
          tokens = newTokenService(options);
          await tokens.signIn(twnTokenRequests(policy));
          const t = tokens.token(DOMAIN.messenger);
          if (t === undefined) throw new SignInFailure('passport-unreachable', `the token service issued no ${DOMAIN.messenger} ticket`);
          ticket = t.token;
        } else {
          stage = 'Passport';
          ticket = await options.passport.login(options.handle, options.password, policy, {
            ...(options.profile.nexusUrl !== undefined ? { nexusUrl: options.profile.nexusUrl } : {}),
            ...(options.profile.loginUrl !== undefined ? { loginUrl: options.profile.loginUrl } : {}),
            ...(options.profile.tls !== undefined ? { tls: options.profile.tls } : {}),
            ...(options.tap !== undefined ? { tap: options.tap } : {}),
          });
        }
        if (signal?.aborted) throw new SignInFailure('cancelled', 'sign-in cancelled');
        stage = 'USR TWN S';
        usr = await usrStep(conn, dialect, 'TWN', 'S', ticket);
      }
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
        ...(tokens !== undefined ? { tokens } : {}),
      },
    };
  } catch (err) {
    tokens?.stop();
    signal?.removeEventListener('abort', onAbort);
    const failure = signal?.aborted ? new SignInFailure('cancelled', 'sign-in cancelled') : toSignInFailure(err, stage);
    conn.destroy({ kind: 'local', message: failure.message });
    throw failure;
  }
}

/**
 * `USR t MD5|TWN|SSO I handle` / `USR t MD5|TWN S response-or-ticket` / `USR t SSO S ticket proof`
 * (MSNP.md §3.2, §3.3.1; MSNP13-18.md §4.2). Stage I may also be answered with an `XFR NS`
 * referral (§1.1), hence `replyVerbs`.
 */
function usrStep(conn: Connection, dialect: Dialect, method: 'MD5' | 'TWN' | 'SSO', stage: 'I' | 'S', value: string, replyVerbs?: readonly string[], proof?: string): Promise<Command> {
  const options = replyVerbs === undefined ? {} : { replyVerbs };
  if (method === 'SSO') {
    return conn.call(
      (trId) => buildUsrSso(stage === 'I' ? { type: 'USR_SSO', trId, stage, handle: value } : { type: 'USR_SSO', trId, stage, ticket: value, proof }, dialect),
      options,
    );
  }
  return conn.call((trId) => buildUsrAuth({ trId, method, stage, value }, dialect), options);
}

function newTokenService(options: LoginOptions): TokenService {
  return new TokenService({
    url: webServiceUrls(options.profile).rst,
    handle: options.handle,
    password: options.password,
    clock: options.clock ?? systemClock,
    ...(options.profile.tls !== undefined ? { tls: options.profile.tls } : {}),
    ...(options.tap !== undefined ? { tap: options.tap } : {}),
    ...(options.requestTimeoutMs !== undefined ? { timeoutMs: options.requestTimeoutMs } : {}),
  });
}

/**
 * MSNP13–14 (WLM 8.0, MSNP13-18.md §4.1): the NS ticket is the `messenger.msn.com` token requested
 * with `PolicyReference URI="?<the USR TWN S string>"`; the other domains as at MSNP15.
 */
function twnTokenRequests(policy: string): { address: string; policy?: string }[] {
  return [
    { address: PASSPORT_TB },
    { address: DOMAIN.messenger, policy: `?${policy}` },
    { address: DOMAIN.contacts, policy: 'MBI' },
    { address: DOMAIN.messengerSecure, policy: 'MBI_SSL' },
  ];
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
