/**
 * NS sign-in: `USR` with MD5 (MSNP2–7, MSNP.md §3.2), TWN (MSNP8–14, §3.3; MSNP13-18.md §4.1) or
 * SSO (MSNP15, MSNP13-18.md §4.2), then the post-login pushes (§3.3.4, MSNP13-18.md §5.1). Every failure is `911` then close (§3, §7), never a hang; unknown
 * handles fail exactly like wrong passwords so the answer does not reveal which handles exist.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  buildGcfReply,
  buildMsgDelivery,
  buildUsrSsoChallenge,
  usesSso,
  verifyMbiKeyOld,
  type UsrSso,
  buildSbs,
  ErrorCode,
  buildUsrChallenge,
  buildUsrOk,
  checkHandle,
  md5LoginResponse,
  normalizeHandle,
  ticketToken,
  usesPassport,
  type UsrAuth,
  type UsrSbLogin,
} from '../../../shared/msnp/index';
import { StoreUnavailableError } from '../../core/errors';
import type { Account } from '../../core/lists';
import { md5Challenge, ticketPart } from '../../core/random';
import { MESSENGER, MESSENGER_CLEAR } from '../../soap/tokens';
import type { Reply } from '../dispatch';
import { STORE_UNAVAILABLE_CODE } from '../error-codes';
import { profilePayload } from '../shapes';
import type { NsSession } from './session';

/** The `USR TWN S` policy string; the client passes it to the Nexus unchanged (MSNP.md §3.3.1). */
function twnPolicy(nowMs: number): string {
  return `lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=${Math.floor(nowMs / 1000)},kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619`;
}

/**
 * `USR t MD5|TWN I handle` then `USR t MD5|TWN S response`. (`USR t x y`, which the codec reads as
 * a switchboard login, is out of order here like any other stray `USR`.)
 */
export function usr(s: NsSession, req: UsrAuth | UsrSbLogin | UsrSso, r: Reply): void | Promise<void> {
  if (req.type === 'USR_SSO') return usrSso(s, req, r);
  if (req.type === 'USR') {
    const d = s.negotiatedDialect;
    const { method, stage, value } = req;
    // MSNP15 refuses TWN (Escargot closes it, MSNP13-18.md §2): SSO is its only package.
    const expected = usesSso(d) ? 'SSO' : usesPassport(d) ? 'TWN' : 'MD5';
    if (stage === 'I' && s.phase === 'versioned') {
      if (method !== expected) return fail(s, r, `${method} login in MSNP${d}`);
      if (checkHandle(value) !== undefined) return fail(s, r, 'malformed handle');
      s.handle = normalizeHandle(value);
      s.conn.userHandle = s.handle;
      s.authPackage = method;
      s.phase = 'auth';
      if (method === 'MD5') {
        s.loginChallenge = md5Challenge(s.ctx.now());
        r.send(buildUsrChallenge, { method: 'MD5', value: s.loginChallenge });
      } else {
        sendPolicies(s);
        r.send(buildUsrChallenge, { method: 'TWN', value: twnPolicy(s.ctx.now()) });
      }
      return;
    }
    if (stage === 'S' && s.phase === 'auth' && method === s.authPackage) {
      if (method === 'MD5') {
        const challenge = s.loginChallenge ?? '';
        s.loginChallenge = undefined;
        return signInOrStoreError(s, r, async () => {
          const outcome = await s.ctx.signIns.attemptAsync(s.conn.remoteAddress, s.handle, async () => {
            const password = await s.ctx.accounts.md5Password(s.handle);
            return password !== undefined && md5LoginResponse(challenge, password) === value.toLowerCase();
          });
          // Throttled (too many failures, server/core/sign-in-throttle.ts) answers 911 like a wrong password.
          if (outcome !== 'ok') return fail(s, r, outcome === 'throttled' ? 'throttled' : 'wrong password or unknown handle');
          s.mspAuth = ticketPart();
          return complete(s, r);
        });
      } else {
        const token = ticketToken(value);
        const ok = token === undefined ? false : redeemTicket(s, token);
        if (typeof ok !== 'boolean') return ticketChecked(s, r, token as string, ok);
        if (!ok) return fail(s, r, 'bad ticket');
        s.mspAuth = token as string;
      }
      return complete(s, r);
    }
  }
  // USR S before USR I, a second USR I, a package switch: out of order (MSNP.md §1.6).
  r.fatal(ErrorCode.NOT_EXPECTED, 'USR out of order');
}

/**
 * A Passport ticket of the Nexus, else a token-service ticket: once only. Synchronous in one
 * process; in a cluster the ticket is spent through the cluster, so a replay on another node is
 * refused as it is here.
 */
function redeemTicket(s: NsSession, token: string): boolean | Promise<boolean> {
  const passport = s.ctx.tickets.redeem(token, s.handle);
  if (passport === true) return true;
  if (passport === false) return redeemServiceTicket(s, token);
  return passport.then((ok) => ok || redeemServiceTicket(s, token));
}

/** The end of `USR TWN S` once a cluster has spent the ticket (or could not: then 911, nothing spent is reused). */
function ticketChecked(s: NsSession, r: Reply, token: string, ok: Promise<boolean>): Promise<void> {
  return ok.then(
    (good) => {
      if (!good) return fail(s, r, 'bad ticket');
      s.mspAuth = token;
      return complete(s, r);
    },
    (err: unknown) => {
      s.conn.log('warn', 'signin-ticket-check-failed', { error: String(err) });
      return fail(s, r, 'ticket could not be checked');
    },
  );
}

/**
 * The `messenger.msn.com` token of the token service (`/RST.srf`), which MSN 7.5 and WLM 8.0
 * (MSNP11–14) send in `USR TWN S` (MSNP.md §3.3.2, MSNP13-18.md §4.1): for this handle, unexpired,
 * and once only, like a Passport ticket (once per process, and in a cluster once across it).
 */
function redeemServiceTicket(s: NsSession, token: string): boolean | Promise<boolean> {
  const v = s.ctx.ssoTokens.verify(token, [MESSENGER]);
  if (typeof v === 'string' || v.handle !== s.handle || !s.ctx.ssoTokens.consume(token, v.expires)) return false;
  const cluster = s.ctx.cluster?.cluster;
  if (cluster === undefined) return true;
  const key = `sso-ticket:${createHash('sha256').update(token).digest('base64url')}`;
  return cluster.takeOnce(key, v.expires - s.ctx.now() + 1000);
}

/**
 * `USR t SSO I handle` → (`GCF 0` policies) `USR t SSO S MBI_KEY_OLD nonce`; then
 * `USR t SSO S ticket proof` → `USR t OK handle 1 0` (MSNP13-18.md §4.2). The ticket must be an
 * unexpired `messengerclear.live.com` token of the token service for this handle, and the proof
 * the MBI_KEY_OLD blob over this connection's nonce with that token's BinarySecret (§4.5). A
 * missing proof fails (§14 point 6: we require it). Every check goes through the sign-in guard,
 * so wrong proofs are throttled like wrong passwords.
 */
function usrSso(s: NsSession, req: UsrSso, r: Reply): void | Promise<void> {
  const d = s.negotiatedDialect;
  if (req.stage === 'I' && s.phase === 'versioned') {
    if (!usesSso(d)) return fail(s, r, `SSO login in MSNP${d}`);
    if (checkHandle(req.handle) !== undefined) return fail(s, r, 'malformed handle');
    s.handle = normalizeHandle(req.handle);
    s.conn.userHandle = s.handle;
    s.authPackage = 'SSO';
    s.phase = 'auth';
    // §4.2: printable, no spaces, 64 characters (§14 point 5): base64 of 48 random bytes.
    s.loginChallenge = randomBytes(48).toString('base64');
    sendPolicies(s);
    r.send(buildUsrSsoChallenge, { policy: MBI_POLICY, nonce: s.loginChallenge });
    return;
  }
  if (req.stage === 'S' && s.phase === 'auth' && s.authPackage === 'SSO') {
    const nonce = s.loginChallenge ?? '';
    s.loginChallenge = undefined;
    const { ticket, proof } = req;
    const outcome = s.ctx.signIns.attempt(s.conn.remoteAddress, s.handle, () => {
      const v = s.ctx.ssoTokens.verify(ticket, [MESSENGER_CLEAR]);
      if (typeof v === 'string' || v.handle !== s.handle || proof === undefined) return false;
      return verifyMbiKeyOld(s.ctx.ssoTokens.binarySecret(ticket), nonce, proof);
    });
    if (outcome !== 'ok') return fail(s, r, outcome === 'throttled' ? 'throttled' : 'bad ticket or proof');
    s.mspAuth = ticketToken(ticket) ?? ticketPart();
    return complete(s, r);
  }
  r.fatal(ErrorCode.NOT_EXPECTED, 'USR out of order');
}

/** The policy named in `USR t SSO S`; clients put it in the messengerclear token request (§4.2). */
const MBI_POLICY = 'MBI_KEY_OLD';

/**
 * MSNP13+: `GCF 0 len` with the policies before `USR … S` (MSNP13-18.md §5.2, Escargot; §14 point
 * 13): just the SHIELDS policy, which denies nothing.
 */
function sendPolicies(s: NsSession): void {
  const d = s.negotiatedDialect;
  if (d < 13) return;
  s.conn.send(buildGcfReply({ trId: 0, file: '', xml: POLICIES_XML }, d));
}

/** §13.1's policy document (159 bytes). */
const POLICIES_XML =
  '<Policies><Policy type="SHIELDS"><config><shield><cli maj="7" min="0" minbld="0" maxbld="9999" deny=" " /></shield><block></block></config></Policy></Policies>';

function fail(s: NsSession, r: Reply, reason: string): void {
  s.conn.log('info', 'signin-failed', { reason, dialect: s.dialect });
  r.fatal(ErrorCode.AUTHENTICATION_FAILED, 'authentication failed');
}

/**
 * The last steps of a sign-in need the store (the MD5 secret, the account's lists). While it
 * cannot be reached the sign-in is refused with `603` (MSNP.md §7 ERR_DB_CONNECT) and closed: the
 * client may sign in again; the attempt does not count as a wrong password.
 */
function signInOrStoreError(s: NsSession, r: Reply, steps: () => Promise<void>): Promise<void> {
  return steps().catch((e: unknown) => {
    if (!(e instanceof StoreUnavailableError)) throw e;
    s.conn.log('warn', 'signin-failed', { reason: 'store unavailable', dialect: s.dialect });
    r.fatal(STORE_UNAVAILABLE_CODE, 'store unavailable');
  });
}

/** `USR t OK …`, (11+) `SBS 0 null`, the profile `MSG` (MSNP.md §3.3.4). */
function complete(s: NsSession, r: Reply): Promise<void> {
  return signInOrStoreError(s, r, async () => {
    const account = await s.ctx.lists.acquire(s.handle);
    if (account === undefined) return fail(s, r, 'account vanished');
    // The client may have gone while the account loaded.
    if (!s.conn.isOpen) return s.ctx.lists.release(account.handle);
    signedIn(s, r, account);
  });
}

function signedIn(s: NsSession, r: Reply, account: Account): void {
  s.signIn(account);
  const d = s.negotiatedDialect;
  r.send(buildUsrOk, { handle: account.handle, friendlyName: account.user.friendlyName, verified: true, restricted: false });
  if (d >= 11) s.conn.send(buildSbs({ trId: 0, params: ['null'] }, d));
  const payload = profilePayload(d, {
    loginTime: s.ctx.now(),
    handle: account.handle,
    memberId: account.user.id,
    mspAuth: s.mspAuth,
    clientIp: s.conn.remoteAddress.replace(/^::ffff:/, ''),
    clientPort: s.conn.remotePort,
  });
  s.conn.send(buildMsgDelivery({ sender: 'Hotmail', friendlyName: 'Hotmail', payload }, d));
  s.conn.log('info', 'signin', { dialect: d, method: s.authPackage });
}
