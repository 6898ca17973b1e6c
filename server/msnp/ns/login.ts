/**
 * NS sign-in: `USR` with MD5 (MSNP2–7, MSNP.md §3.2) or TWN (MSNP8–12, §3.3), then the
 * post-login pushes (§3.3.4). Every failure is `911` then close (§3, §7), never a hang; unknown
 * handles fail exactly like wrong passwords so the answer does not reveal which handles exist.
 */
import {
  buildError,
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
  type Command,
} from '../../../shared/msnp/index';
import { md5Challenge, ticketPart } from '../../core/random';
import { profilePayload } from '../shapes';
import type { NsSession } from './session';

/** The `USR TWN S` policy string; the client passes it to the Nexus unchanged (MSNP.md §3.3.1). */
function twnPolicy(nowMs: number): string {
  return `lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=${Math.floor(nowMs / 1000)},kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619`;
}

/** `USR t MD5|TWN I handle` then `USR t MD5|TWN S response`. */
export function usr(s: NsSession, cmd: Command): void {
  const [pkg, stage, value] = cmd.params as [string, string, string];
  const expected = usesPassport(s.d) ? 'TWN' : 'MD5';
  if (stage === 'I' && s.phase === 'versioned') {
    if (pkg !== expected) return fail(s, cmd, `${pkg} login in MSNP${s.d}`);
    if (checkHandle(value) !== undefined) return fail(s, cmd, 'malformed handle');
    s.handle = normalizeHandle(value);
    s.conn.handle = s.handle;
    s.authPackage = pkg;
    s.phase = 'auth';
    if (pkg === 'MD5') {
      s.loginChallenge = md5Challenge(s.ctx.now());
      s.conn.send(buildUsrChallenge({ trId: cmd.trId as number, method: 'MD5', value: s.loginChallenge }, s.d));
    } else {
      s.conn.send(buildUsrChallenge({ trId: cmd.trId as number, method: 'TWN', value: twnPolicy(s.ctx.now()) }, s.d));
    }
    return;
  }
  if (stage === 'S' && s.phase === 'auth' && pkg === s.authPackage) {
    if (pkg === 'MD5') {
      const password = s.ctx.accounts.md5Password(s.handle);
      const challenge = s.loginChallenge ?? '';
      s.loginChallenge = undefined;
      if (password === undefined || md5LoginResponse(challenge, password) !== value.toLowerCase()) {
        return fail(s, cmd, password === undefined ? 'unknown handle or no MD5 secret' : 'wrong password');
      }
      s.mspAuth = ticketPart();
    } else {
      const token = ticketToken(value);
      if (token === undefined || !s.ctx.tickets.redeem(token, s.handle)) return fail(s, cmd, 'bad ticket');
      s.mspAuth = token;
    }
    return complete(s, cmd);
  }
  // USR S before USR I, a second USR I, a package switch: out of order (MSNP.md §1.6).
  s.conn.end('USR out of order', buildError({ code: ErrorCode.NOT_EXPECTED, trId: cmd.trId }));
}

function fail(s: NsSession, cmd: Command, reason: string): void {
  s.conn.log('info', 'signin-failed', { reason, dialect: s.dialect });
  s.conn.end('authentication failed', buildError({ code: ErrorCode.AUTHENTICATION_FAILED, trId: cmd.trId }));
}

/** `USR t OK …`, (11+) `SBS 0 null`, the profile `MSG` (MSNP.md §3.3.4). */
function complete(s: NsSession, cmd: Command): void {
  const account = s.ctx.lists.acquire(s.handle);
  if (account === undefined) return fail(s, cmd, 'account vanished');
  s.signIn(account);
  const d = s.d;
  s.conn.send(buildUsrOk({ trId: cmd.trId as number, handle: account.handle, friendlyName: account.user.friendlyName, verified: true, restricted: false }, d));
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
