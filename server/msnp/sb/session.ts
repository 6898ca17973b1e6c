/**
 * One switchboard connection (MSNP.md §6): admitted by a cookie (`USR` for the caller, `ANS` for
 * an invitee), then `CAL`, `MSG`, `OUT`. It is the core's `Participant`: joins, leaves and relayed
 * messages from others are written here in this connection's dialect (the dialect recorded with
 * the cookie, since switchboards have no `VER`, MSNP.md §2.1).
 */
import {
  buildAck,
  buildAnsReply,
  buildBye,
  buildCalReply,
  buildIro,
  buildJoi,
  buildMsgDelivery,
  buildUsrSbOk,
  checkHandle,
  normalizeHandle,
  serialize,
  ErrorCode,
  type AnsRequest,
  type CalRequest,
  type Command,
  type Dialect,
  type MsgRequest,
  type UsrAuth,
  type UsrSbLogin,
} from '../../../shared/msnp/index';
import { fail } from '../../core/errors';
import { SlidingWindow } from '../../core/rate';
import type { Participant, Session } from '../../core/switchboard';
import type { Connection } from '../connection';
import type { ClusterNode } from '../../cluster/node';
import type { SbGrant, ServerContext } from '../context';
import { dispatch, Reply, type CommandTable, type Dispatching, type Problem } from '../dispatch';
import { NsSession } from '../ns/session';

export type SbPhase = 'new' | 'joined';

/** `CAL`s per window before `713` (MSNP.md §6.1 "too many invites too fast"). */
const CALS_PER_WINDOW = 10;
const CAL_WINDOW_MS = 10_000;

const P2P_CONTENT_TYPE = /^content-type:\s*application\/x-msnmsgrp2p/im;

const CR = 13;
const LF = 10;
const EMPTY: Uint8Array = new Uint8Array(0);

export class SbSession implements Participant, Dispatching<SbSession, SbPhase> {
  phase: SbPhase = 'new';
  handle = '';
  readonly reply: Reply;
  private grant: SbGrant | undefined;
  private session: Session | undefined;
  private readonly cals = new SlidingWindow(CALS_PER_WINDOW, CAL_WINDOW_MS);
  /**
   * The start of every message I send, as others receive it: `MSG handle name ` (the length and
   * payload follow). Built once, by the codec, when I join.
   */
  private msgPrefix = EMPTY;

  constructor(
    readonly conn: Connection,
    readonly ctx: ServerContext,
    readonly table: CommandTable<SbSession, SbPhase>,
  ) {
    this.reply = new Reply(conn);
    conn.sink = this;
    conn.setTimer('login', ctx.config.loginTimeoutMs, () => conn.end('switchboard login timeout'));
  }

  /** The dialect recorded with my cookie (MSNP.md §2.1: switchboards have no `VER`); unknown before I join. */
  get dialect(): Dialect | undefined {
    return this.grant?.dialect;
  }

  /** What I write in: my cookie's dialect (the oldest shapes before I join). */
  private get cookieDialect(): Dialect {
    return this.grant?.dialect ?? 2;
  }

  get friendlyName(): string {
    return this.grant?.friendlyName ?? this.handle;
  }

  get caps(): number {
    return this.grant?.caps ?? 0;
  }

  onCommand(cmd: Command): void | Promise<void> {
    return dispatch(this, cmd);
  }

  /** Switchboards drop what they do not expect (MSNP.md §1.2, §6.1 "bad syntax → disconnect"). */
  reject(cmd: Command, problem: Problem): void {
    this.conn.end(`${problem} switchboard command ${cmd.verb}`);
  }

  onClose(): void {
    this.leave(false);
  }

  // ---- joining ----------------------------------------------------------------------------

  /**
   * `USR t handle cookie` → `USR t OK handle name`; a bad cookie → `911` + close (MSNP.md §6.1).
   * An NS login (`USR t MD5 I …`, as the codec reads `I`/`S` in second place) is a bad cookie too.
   */
  usr(req: UsrAuth | UsrSbLogin, r: Reply): void | Promise<void> {
    if (req.type !== 'USR_SB') return this.refuse(r, 'bad caller cookie');
    const handle = normalizeHandle(req.handle);
    const granted = this.ctx.switchboards.redeemCallerCookie(req.cookie, handle);
    if (granted === undefined) {
      // In a cluster, `XFR SB` cookies are signed (server/cluster/node.ts).
      if (this.ctx.cluster !== undefined) return this.usrSigned(req.cookie, handle, r);
      return this.refuse(r, 'bad caller cookie');
    }
    this.opened(handle, granted.context, granted.session, r);
  }

  private async usrSigned(cookie: string, handle: string, r: Reply): Promise<void> {
    const grant = await (this.ctx.cluster as ClusterNode).redeemCallerCookie(cookie, handle);
    if (grant === undefined || !this.conn.isOpen) return this.refuse(r, 'bad caller cookie');
    this.opened(handle, grant, this.ctx.switchboards.openSession(), r);
  }

  private opened(handle: string, grant: SbGrant, session: Session, r: Reply): void {
    this.admit(handle, grant, session);
    this.ctx.switchboards.join(session, this);
    r.dialect = this.cookieDialect;
    r.send(buildUsrSbOk, { handle, friendlyName: this.friendlyName });
  }

  /** `ANS t handle cookie session-id` → `IRO`… then `ANS t OK`; others get `JOI` (MSNP.md §6.2). */
  ans(req: AnsRequest, r: Reply): void | Promise<void> {
    const handle = normalizeHandle(req.handle);
    const granted = this.ctx.switchboards.redeemInvite(req.cookie, handle, req.sessionId);
    if (granted === undefined) {
      // An invitation rung by another node carries a signed cookie (server/cluster/node.ts).
      if (this.ctx.cluster !== undefined) return this.ansSigned(req, handle, r);
      return this.refuse(r, 'bad invitation cookie');
    }
    this.answered(handle, granted.context, granted.session, r);
  }

  private async ansSigned(req: AnsRequest, handle: string, r: Reply): Promise<void> {
    const grant = await (this.ctx.cluster as ClusterNode).redeemInviteCookie(req.cookie, handle, req.sessionId);
    // The seat the CAL reserved here (its placeholder cookie) admits the invitee now.
    const seat = grant === undefined ? undefined : this.ctx.switchboards.pendingCookie(req.sessionId, handle);
    const granted = seat === undefined ? undefined : this.ctx.switchboards.redeemInvite(seat, handle, req.sessionId);
    if (grant === undefined || granted === undefined || !this.conn.isOpen) return this.refuse(r, 'bad invitation cookie');
    this.answered(handle, grant, granted.session, r);
  }

  private answered(handle: string, grant: SbGrant, session: Session, r: Reply): void {
    this.admit(handle, grant, session);
    const others = this.ctx.switchboards.join(session, this);
    r.dialect = this.cookieDialect;
    others.forEach((p, i) => {
      const o = p as SbSession;
      r.send(buildIro, { index: i + 1, total: others.length, handle: o.handle, friendlyName: o.friendlyName, caps: o.caps });
    });
    r.send(buildAnsReply, {});
  }

  private admit(handle: string, grant: SbGrant, session: Session): void {
    this.handle = handle;
    this.conn.userHandle = handle;
    this.grant = grant;
    this.session = session;
    this.phase = 'joined';
    this.msgPrefix = deliveryPrefix(handle, grant.friendlyName, grant.dialect);
    this.conn.clearTimer('login');
    this.conn.setIdleTimer(this.ctx.config.sbIdleTimeoutMs, () => this.idleOut());
    this.conn.log('info', 'sb-join', { session: session.id, dialect: grant.dialect });
  }

  private refuse(r: Reply, reason: string): void {
    this.conn.log('info', 'sb-refused', { reason });
    r.fatal(ErrorCode.AUTHENTICATION_FAILED, reason);
  }

  // ---- in the conversation ----------------------------------------------------------------

  /**
   * `CAL t handle` → `CAL t RINGING session-id`, and `RNG` on the invitee's NS (MSNP.md §6.1).
   * `208` malformed handle, `215` myself / already here / already invited, `217` offline, hidden
   * or not allowing me, `713` too fast, `712` the conversation is full.
   */
  cal(req: CalRequest, r: Reply): void | Promise<void> {
    if (checkHandle(req.handle) !== undefined) fail('invalid-handle');
    const target = normalizeHandle(req.handle);
    const session = this.session as Session;
    if (target === this.handle) fail('already-there');
    if (!this.cals.hit()) fail('too-fast');
    const view = this.ctx.presence.visibleTo(target, this.handle);
    const ns = this.ctx.presence.get(target);
    if (ns === undefined && this.ctx.cluster !== undefined) return this.calRemote(this.ctx.cluster, session, target, r);
    if (view === undefined || !(ns instanceof NsSession) || ns.dialect === undefined) fail('offline');
    const cookie = this.ctx.switchboards.invite(session, target, {
      dialect: ns.dialect,
      friendlyName: view.friendlyName,
      caps: view.caps,
    });
    ns.invited(session.id, cookie, this.handle, this.friendlyName);
    r.send(buildCalReply, { sessionId: session.id });
  }

  /**
   * `CAL` for someone not signed in on this node: a seat is reserved here, the invitee's node
   * (if any) checks its privacy and rings it with a signed cookie for this switchboard.
   */
  private async calRemote(node: ClusterNode, session: Session, target: string, r: Reply): Promise<void> {
    // The placeholder grant only holds the seat; the invitee joins with the grant its node signed.
    this.ctx.switchboards.invite(session, target, { dialect: 2, friendlyName: target, caps: 0 });
    const rang = await node.ring(target, this.handle, this.friendlyName, session.id, this.ctx.sbAddress);
    if (!rang) {
      this.ctx.switchboards.cancelInvite(session, target);
      fail('offline');
    }
    r.send(buildCalReply, { sessionId: session.id });
  }

  /**
   * `MSG t ack len` + payload (≤ 1664 bytes, enforced by the parser limit: larger → close,
   * MSNP.md §6.4; an ack letter the dialect lacks → close, by the codec). Relayed to every other
   * participant; `ACK`/`NAK` per the ack type.
   */
  msg(req: MsgRequest, r: Reply): void {
    const { ack, payload } = req;
    if (ack === 'D' && !P2P_CONTENT_TYPE.test(headerText(payload))) {
      r.error(ErrorCode.BAD_P2P_DATA);
      return;
    }
    const session = this.session as Session;
    const bytes = delivery(this.msgPrefix, payload);
    let delivered = 0;
    let failed = 0;
    for (const p of session.participants) {
      if (p === this) continue;
      if (p.deliver(this, bytes)) delivered++;
      else failed++;
    }
    const ok = delivered > 0 && failed === 0;
    if (ack === 'U') return;
    if (ok && (ack === 'A' || ack === 'D' || ack === 'S')) r.send(buildAck, { type: 'ACK' });
    else if (!ok && ack !== 'S') r.send(buildAck, { type: 'NAK' });
  }

  /** `OUT`: leave; the others get `BYE handle` (MSNP.md §5.5, §6.3). */
  out(): void {
    this.leave(false);
    this.conn.end('client OUT');
  }

  private idleOut(): void {
    this.leave(true);
    this.conn.end('switchboard idle timeout');
  }

  private leave(idle: boolean): void {
    const session = this.session;
    if (session === undefined) return;
    this.session = undefined;
    this.ctx.switchboards.leave(session, this, idle);
  }

  // ---- Participant: what others do --------------------------------------------------------

  joined(p: Participant): void {
    const o = p as SbSession;
    this.conn.send(buildJoi({ handle: o.handle, friendlyName: o.friendlyName, caps: o.caps }, this.cookieDialect));
  }

  left(handle: string, idle: boolean): void {
    this.conn.send(buildBye({ handle, timedOut: idle }, this.cookieDialect));
  }

  deliver(_from: Participant, bytes: Uint8Array): boolean {
    return this.conn.write(bytes);
  }
}

/**
 * `MSG sender name ` as the codec's `buildMsgDelivery` writes it (MSNP.md §6.4): serialised once
 * with an empty payload, cut before the length. The shape is the same in every dialect.
 */
function deliveryPrefix(handle: string, friendlyName: string, d: Dialect): Uint8Array {
  const line = serialize(buildMsgDelivery({ sender: handle, friendlyName, payload: EMPTY }, d), 'toClient');
  // The line ends `… 0\r\n`: keep everything up to and including the space before the `0`.
  return line.slice(0, line.length - 3);
}

/**
 * One relayed message, `prefix` + length + CRLF + payload, in one buffer (from Node's pool) shared
 * by every receiver: no string building or UTF-8 encoding per message (payload ≤ 1664 bytes, §6.4).
 */
function delivery(prefix: Uint8Array, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : String(n).length;
  const out = Buffer.allocUnsafe(prefix.length + digits + 2 + n);
  out.set(prefix, 0);
  let at = prefix.length + digits;
  for (let v = n, i = at - 1; i >= prefix.length; i--, v = Math.floor(v / 10)) out[i] = 48 + (v % 10);
  out[at++] = CR;
  out[at++] = LF;
  out.set(payload, at);
  return out;
}

/** The MIME header block of a message payload, as text (for the P2P content-type check). */
function headerText(payload: Uint8Array): string {
  let end = payload.length;
  for (let i = 0; i + 3 < payload.length; i++) {
    if (payload[i] === 13 && payload[i + 1] === 10 && payload[i + 2] === 13 && payload[i + 3] === 10) {
      end = i;
      break;
    }
  }
  return new TextDecoder('latin1').decode(payload.subarray(0, end));
}
