/**
 * NS sign-in: `USR` with MD5 (MSNP2–7, MSNP.md §3.2) or TWN (MSNP8–12, §3.3), then the
 * post-login pushes (§3.3.4). Every failure is `911` then close (§3, §7), never a hang; unknown
 * handles fail exactly like wrong passwords so the answer does not reveal which handles exist.
 */
import {
  buildMsgDelivery,
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
import { md5Challenge, ticketPart } from '../../core/random';
import { MESSENGER } from '../../soap/tokens';
import type { Reply } from '../dispatch';
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
export function usr(s: NsSession, req: UsrAuth | UsrSbLogin, r: Reply): void {
  if (req.type === 'USR') {
    const d = s.negotiatedDialect;
    const { method, stage, value } = req;
    const expected = usesPassport(d) ? 'TWN' : 'MD5';
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
        r.send(buildUsrChallenge, { method: 'TWN', value: twnPolicy(s.ctx.now()) });
      }
      return;
    }
    if (stage === 'S' && s.phase === 'auth' && method === s.authPackage) {
      if (method === 'MD5') {
        const challenge = s.loginChallenge ?? '';
        s.loginChallenge = undefined;
        const outcome = s.ctx.signIns.attempt(s.conn.remoteAddress, s.handle, () => {
          const password = s.ctx.accounts.md5Password(s.handle);
          return password !== undefined && md5LoginResponse(challenge, password) === value.toLowerCase();
        });
        // Throttled (too many failures, server/core/sign-in-throttle.ts) answers 911 like a wrong password.
        if (outcome !== 'ok') return fail(s, r, outcome === 'throttled' ? 'throttled' : 'wrong password or unknown handle');
        s.mspAuth = ticketPart();
      } else {
        const token = ticketToken(value);
        if (token === undefined || !(s.ctx.tickets.redeem(token, s.handle) || redeemServiceTicket(s, token))) return fail(s, r, 'bad ticket');
        s.mspAuth = token;
      }
      return complete(s, r);
    }
  }
  // USR S before USR I, a second USR I, a package switch: out of order (MSNP.md §1.6).
  r.fatal(ErrorCode.NOT_EXPECTED, 'USR out of order');
}

/**
 * The `messenger.msn.com` token of the token service (`/RST.srf`), which MSN 7.5 and WLM 8.0
 * (MSNP11–14) send in `USR TWN S` (MSNP.md §3.3.2, MSNP13-18.md §4.1): for this handle, unexpired,
 * and once only, like a Passport ticket.
 */
function redeemServiceTicket(s: NsSession, token: string): boolean {
  const v = s.ctx.ssoTokens.verify(token, [MESSENGER]);
  return typeof v !== 'string' && v.handle === s.handle && s.ctx.ssoTokens.consume(token, v.expires);
}

function fail(s: NsSession, r: Reply, reason: string): void {
  s.conn.log('info', 'signin-failed', { reason, dialect: s.dialect });
  r.fatal(ErrorCode.AUTHENTICATION_FAILED, 'authentication failed');
}

/** `USR t OK …`, (11+) `SBS 0 null`, the profile `MSG` (MSNP.md §3.3.4). */
function complete(s: NsSession, r: Reply): void {
  const account = s.ctx.lists.acquire(s.handle);
  if (account === undefined) return fail(s, r, 'account vanished');
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
