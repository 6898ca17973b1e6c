/**
 * One switchboard connection (MSNP.md §6): authenticate as caller (`USR t handle cookie`) or
 * callee (`ANS t handle cookie session-id`), invite (`CAL`), track participants (`IRO`, `JOI`,
 * `BYE`), send `MSG` with an acknowledgement mode and report `ACK`/`NAK`, and hand received
 * `MSG` payloads up. No queueing or re-opening here: that is the conversation's job.
 */
import {
  buildAnsRequest,
  buildCalRequest,
  buildMsgRequest,
  buildUsrSbLogin,
  decodeAnsReply,
  decodeBye,
  decodeCalReply,
  decodeIro,
  decodeJoi,
  decodeMsgDelivery,
  decodeUsrSbOk,
  isCodecError,
  normalizeHandle,
  type AckMode,
  type CommandInit,
  type Dialect,
} from '../../../shared/msnp';
import type { Clock } from './clock';
import { Connection, RequestError, connectionTuning, type CloseReason, type SocketFactory } from './connection';
import { TypedEmitter } from './emitter';
import { decodedOr } from './errors';
import type { TrafficTap } from './traffic';

export type SwitchboardAuth =
  | { readonly kind: 'caller'; readonly cookie: string }
  | { readonly kind: 'callee'; readonly cookie: string; readonly sessionId: string };

export interface SwitchboardOptions {
  readonly host: string;
  readonly port: number;
  readonly me: string;
  readonly dialect: Dialect;
  readonly auth: SwitchboardAuth;
  readonly name: string;
  readonly clock?: Clock;
  readonly tap?: TrafficTap;
  readonly socketFactory?: SocketFactory;
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

export interface SwitchboardEvents {
  /** `initial`: listed by `IRO` when we answered (they were there before us). */
  joined: { readonly handle: string; readonly friendlyName: string; readonly initial: boolean };
  /** `idle`: `BYE handle 1`, the server removed them for inactivity (MSNP.md §6.3). */
  left: { readonly handle: string; readonly idle: boolean };
  message: { readonly sender: string; readonly senderName: string; readonly payload: Uint8Array };
  closed: CloseReason;
}

/** How the server answered an `MSG` (MSNP.md §6.4). `none`: no ACK within the wait. */
export type AckResult = 'ack' | 'nak' | 'none';

export class Switchboard {
  readonly events = new TypedEmitter<SwitchboardEvents>();
  readonly connection: Connection;
  /** Everyone in the session but me: handle → friendly name. */
  readonly participants = new Map<string, string>();
  private readonly me: string;

  constructor(private readonly options: SwitchboardOptions) {
    this.me = normalizeHandle(options.me);
    this.connection = new Connection({
      host: options.host,
      port: options.port,
      name: options.name,
      ...connectionTuning(options),
    });
    const c = this.connection;
    const d = options.dialect;
    c.dialect = d;
    // Malformed lines are skipped: one bad line must not end the conversation (MSNP.md §1.7).
    /** IRO t idx total handle friendly {caps} (MSNP.md §6.2; caps in 12) */
    c.handle('IRO', (cmd) => {
      const iro = decodeIro(cmd, d);
      if (!isCodecError(iro)) this.join(iro.handle, iro.friendlyName, true);
    });
    /** JOI handle friendly {caps} (MSNP.md §6.1, §6.3) */
    c.handle('JOI', (cmd) => {
      const joi = decodeJoi(cmd, d);
      if (!isCodecError(joi)) this.join(joi.handle, joi.friendlyName, false);
    });
    /** BYE handle {1} (MSNP.md §6.3) */
    c.handle('BYE', (cmd) => {
      const bye = decodeBye(cmd, d);
      if (isCodecError(bye)) return;
      const handle = normalizeHandle(bye.handle);
      if (!this.participants.delete(handle)) return;
      this.events.emit('left', { handle, idle: bye.timedOut });
    });
    /** MSG sender-handle sender-friendly len (MSNP.md §6.4) */
    c.handle('MSG', (cmd) => {
      const msg = decodeMsgDelivery(cmd, d);
      if (isCodecError(msg)) return;
      this.events.emit('message', { sender: normalizeHandle(msg.sender), senderName: msg.friendlyName, payload: msg.payload });
    });
    // A stray ACK/NAK (its MSG already timed out) is harmless.
    c.handle('ACK', () => undefined);
    c.handle('NAK', () => undefined);
    c.handle('OUT', () => undefined);
    c.events.on('close', (reason) => this.events.emit('closed', reason));
  }

  get dialect(): Dialect {
    return this.options.dialect;
  }

  get isOpen(): boolean {
    return this.connection.status === 'online';
  }

  /** Connect and authenticate. For a callee, `IRO` lines arrive (as `joined`) before this resolves. */
  async open(): Promise<void> {
    const c = this.connection;
    await c.open();
    c.transition('authenticating');
    const auth = this.options.auth;
    const malformed = (message: string): RequestError => new RequestError('protocol', `${c.name}: malformed reply (${message})`);
    if (auth.kind === 'caller') {
      // USR t handle cookie → USR t OK handle friendly (MSNP.md §6.1)
      const reply = await c.call((trId) => buildUsrSbLogin({ trId, handle: this.options.me, cookie: auth.cookie }, this.dialect));
      decodedOr(decodeUsrSbOk(reply, this.dialect), malformed);
    } else {
      // ANS t handle cookie session-id → IRO … → ANS t OK (MSNP.md §6.2)
      const reply = await c.call((trId) => buildAnsRequest({ trId, handle: this.options.me, cookie: auth.cookie, sessionId: auth.sessionId }, this.dialect));
      decodedOr(decodeAnsReply(reply, this.dialect), malformed);
    }
    c.transition('online');
  }

  /** CAL t handle → CAL t RINGING session-id (only "invitation sent", MSNP.md §6.1). */
  async invite(handle: string): Promise<void> {
    const reply = await this.connection.call((trId) => buildCalRequest({ trId, handle }, this.dialect));
    decodedOr(decodeCalReply(reply, this.dialect), (message) => new RequestError('protocol', `${this.connection.name}: malformed CAL reply (${message})`));
  }

  /**
   * Send one `MSG` payload (ack modes: the codec's `AckMode`, MSNP.md §6.4). `U` resolves at once
   * with `none`; `A`/`D`/`S` wait for `ACK`/`NAK` up to `ackTimeoutMs` (servers that never
   * acknowledge give `none`); `N` waits for a `NAK` only. Rejects with a RequestError when the
   * switchboard closes first, and with a SerializeError for a mode the dialect lacks (`D`, `S`
   * before MSNP9).
   */
  async send(payload: Uint8Array, ack: AckMode, ackTimeoutMs: number): Promise<AckResult> {
    const c = this.connection;
    if (!this.isOpen) throw new RequestError('closed', 'the switchboard is not open', undefined, c.closeReason);
    // MSG t ack len + payload (MSNP.md §6.4); the builder refuses an ack mode the dialect lacks (D before 9).
    const build = (trId: number): CommandInit => buildMsgRequest({ trId, ack, payload }, this.dialect);
    if (ack === 'U') {
      c.send(build(c.nextTrId()));
      return 'none';
    }
    try {
      const reply = await c.call(build, { replyVerbs: ack === 'N' ? ['NAK'] : ['ACK', 'NAK'], timeoutMs: ackTimeoutMs });
      return reply.verb === 'ACK' ? 'ack' : 'nak';
    } catch (err) {
      if (err instanceof RequestError && err.kind === 'timeout') return 'none';
      // 282 and friends: the server refused this payload; report it as not delivered.
      if (err instanceof RequestError && err.kind === 'protocol') return 'nak';
      throw err;
    }
  }

  /** Leave: `OUT`, then close (MSNP.md §5.5). */
  close(): void {
    this.connection.close({ kind: 'local', message: 'left the conversation' }, true);
  }

  /** `friendlyName` comes URL-decoded from the codec. */
  private join(rawHandle: string, friendlyName: string, initial: boolean): void {
    const handle = normalizeHandle(rawHandle);
    if (handle === this.me) return;
    this.participants.set(handle, friendlyName);
    this.events.emit('joined', { handle, friendlyName, initial });
  }
}
