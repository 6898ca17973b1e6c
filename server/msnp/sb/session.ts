/**
 * One switchboard connection (MSNP.md §6): admitted by a cookie (`USR` for the caller, `ANS` for
 * an invitee), then `CAL`, `MSG`, `OUT`. It is the core's `Participant`: joins, leaves and relayed
 * messages from others are written here in this connection's dialect (the dialect recorded with
 * the cookie, since switchboards have no `VER`, MSNP.md §2.1).
 */
import {
  buildAck,
  buildError,
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
  type Command,
  type Dialect,
} from '../../../shared/msnp/index';
import { DomainError, fail } from '../../core/errors';
import { SlidingWindow } from '../../core/rate';
import type { Participant, Session } from '../../core/switchboard';
import type { Connection } from '../connection';
import type { SbGrant, ServerContext } from '../context';
import { route, type CommandTable } from '../dispatch';
import { errorCodeFor } from '../error-codes';
import { NsSession } from '../ns/session';

export type SbPhase = 'new' | 'joined';

/** `CAL`s per window before `713` (MSNP.md §6.1 "too many invites too fast"). */
const CALS_PER_WINDOW = 10;
const CAL_WINDOW_MS = 10_000;

const ACK_TYPES = new Set(['U', 'N', 'A', 'D', 'S']);
const P2P_CONTENT_TYPE = /^content-type:\s*application\/x-msnmsgrp2p/im;

const CR = 13;
const LF = 10;
const EMPTY: Uint8Array = new Uint8Array(0);

export class SbSession implements Participant {
  phase: SbPhase = 'new';
  handle = '';
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
  ) {
    conn.sink = this;
    conn.setTimer('login', ctx.config.loginTimeoutMs, () => conn.end('switchboard login timeout'));
  }

  get dialect(): Dialect {
    return this.grant?.dialect ?? 2;
  }

  get friendlyName(): string {
    return this.grant?.friendlyName ?? this.handle;
  }

  get caps(): number {
    return this.grant?.caps ?? 0;
  }

  onCommand(cmd: Command): void {
    const r = route(SB_TABLE, cmd, this.phase, this.grant?.dialect);
    if (!r.ok) {
      // Switchboards drop what they do not expect (MSNP.md §1.2, §6.1 "bad syntax → disconnect").
      this.conn.end(`${r.problem} switchboard command ${cmd.verb}`);
      return;
    }
    try {
      r.spec.run(this, cmd);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      this.conn.error(errorCodeFor(e.kind, cmd.verb), cmd.trId);
    }
  }

  onClose(): void {
    this.leave(false);
  }

  // ---- joining ----------------------------------------------------------------------------

  /** `USR t handle cookie` → `USR t OK handle name`; a bad cookie → `911` + close (MSNP.md §6.1). */
  usr(cmd: Command): void {
    const handle = normalizeHandle(cmd.params[0] as string);
    const r = this.ctx.switchboards.redeemCallerCookie(cmd.params[1] as string, handle);
    if (r === undefined) return this.refuse(cmd, 'bad caller cookie');
    this.admit(handle, r.context, r.session);
    this.ctx.switchboards.join(r.session, this);
    this.conn.send(buildUsrSbOk({ trId: cmd.trId as number, handle, friendlyName: this.friendlyName }, this.dialect));
  }

  /** `ANS t handle cookie session-id` → `IRO`… then `ANS t OK`; others get `JOI` (MSNP.md §6.2). */
  ans(cmd: Command): void {
    const [rawHandle, cookie, id] = cmd.params as [string, string, string];
    const handle = normalizeHandle(rawHandle);
    const r = this.ctx.switchboards.redeemInvite(cookie, handle, id);
    if (r === undefined) return this.refuse(cmd, 'bad invitation cookie');
    this.admit(handle, r.context, r.session);
    const others = this.ctx.switchboards.join(r.session, this);
    const d = this.dialect;
    others.forEach((p, i) => {
      const o = p as SbSession;
      this.conn.send(buildIro({ trId: cmd.trId as number, index: i + 1, total: others.length, handle: o.handle, friendlyName: o.friendlyName, caps: o.caps }, d));
    });
    this.conn.send(buildAnsReply({ trId: cmd.trId as number }, d));
  }

  private admit(handle: string, grant: SbGrant, session: Session): void {
    this.handle = handle;
    this.conn.handle = handle;
    this.grant = grant;
    this.session = session;
    this.phase = 'joined';
    this.msgPrefix = deliveryPrefix(handle, grant.friendlyName, grant.dialect);
    this.conn.clearTimer('login');
    this.conn.setIdleTimer(this.ctx.config.sbIdleTimeoutMs, () => this.idleOut());
    this.conn.log('info', 'sb-join', { session: session.id, dialect: grant.dialect });
  }

  private refuse(cmd: Command, reason: string): void {
    this.conn.log('info', 'sb-refused', { reason });
    this.conn.end(reason, buildError({ code: ErrorCode.AUTHENTICATION_FAILED, trId: cmd.trId }));
  }

  // ---- in the conversation ----------------------------------------------------------------

  /**
   * `CAL t handle` → `CAL t RINGING session-id`, and `RNG` on the invitee's NS (MSNP.md §6.1).
   * `208` malformed handle, `215` myself / already here / already invited, `217` offline, hidden
   * or not allowing me, `713` too fast, `712` the conversation is full.
   */
  cal(cmd: Command): void {
    const raw = cmd.params[0] as string;
    if (checkHandle(raw) !== undefined) fail('invalid-handle');
    const target = normalizeHandle(raw);
    const session = this.session as Session;
    if (target === this.handle) fail('already-there');
    if (!this.cals.hit()) fail('too-fast');
    const view = this.ctx.presence.visibleTo(target, this.handle);
    const ns = this.ctx.presence.get(target);
    if (view === undefined || !(ns instanceof NsSession) || ns.dialect === undefined) fail('offline');
    const cookie = this.ctx.switchboards.invite(session, target, {
      dialect: ns.dialect,
      friendlyName: view.friendlyName,
      caps: view.caps,
    });
    ns.invited(session.id, cookie, this.handle, this.friendlyName);
    this.conn.send(buildCalReply({ trId: cmd.trId as number, sessionId: session.id }, this.dialect));
  }

  /**
   * `MSG t ack len` + payload (≤ 1664 bytes, enforced by the parser limit: larger → close,
   * MSNP.md §6.4). Relayed to every other participant; `ACK`/`NAK` per the ack type.
   */
  msg(cmd: Command): void {
    const ack = cmd.params[0] as string;
    if (!ACK_TYPES.has(ack) || (ack === 'D' && this.dialect < 9)) {
      this.conn.end(`bad ack type ${ack}`);
      return;
    }
    const payload = cmd.payload as Uint8Array;
    if (ack === 'D' && !P2P_CONTENT_TYPE.test(headerText(payload))) {
      this.conn.error(ErrorCode.BAD_P2P_DATA, cmd.trId);
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
    if (ok && (ack === 'A' || ack === 'D' || ack === 'S')) this.conn.send(buildAck({ type: 'ACK', trId: cmd.trId as number }, this.dialect));
    else if (!ok && ack !== 'S') this.conn.send(buildAck({ type: 'NAK', trId: cmd.trId as number }, this.dialect));
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
    this.conn.send(buildJoi({ handle: o.handle, friendlyName: o.friendlyName, caps: o.caps }, this.dialect));
  }

  left(handle: string, idle: boolean): void {
    this.conn.send(buildBye({ handle, timedOut: idle }, this.dialect));
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

const SB_TABLE: CommandTable<SbSession, SbPhase> = {
  USR: { minParams: 2, phases: ['new'], run: (s, c) => s.usr(c) },
  ANS: { minParams: 3, phases: ['new'], run: (s, c) => s.ans(c) },
  CAL: { minParams: 1, phases: ['joined'], run: (s, c) => s.cal(c) },
  MSG: { minParams: 1, phases: ['joined'], payload: true, run: (s, c) => s.msg(c) },
  OUT: { minParams: 0, phases: ['new', 'joined'], run: (s) => s.out() },
};
