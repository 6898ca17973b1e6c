/**
 * One switchboard connection (MSNP.md §6): authenticate as caller (`USR t handle cookie`) or
 * callee (`ANS t handle cookie session-id`), invite (`CAL`), track participants (`IRO`, `JOI`,
 * `BYE`), send `MSG` with an acknowledgement mode and report `ACK`/`NAK`, and hand received
 * `MSG` payloads up. No queueing or re-opening here: that is the conversation's job.
 */
import { decodeName, normalizeHandle, type Dialect } from '../../../shared/msnp';
import type { Clock } from './clock';
import { Connection, RequestError, type CloseReason, type SocketFactory } from './connection';
import { TypedEmitter } from './emitter';
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

export type AckMode = 'U' | 'N' | 'A' | 'D';

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
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.tap ? { tap: options.tap } : {}),
      ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    });
    const c = this.connection;
    /** IRO t idx total handle friendly {caps} (MSNP.md §6.2; caps in 12) */
    c.handle('IRO', (cmd) => {
      const handle = cmd.params[2];
      if (handle !== undefined) this.join(handle, cmd.params[3], true);
    });
    /** JOI handle friendly {caps} (MSNP.md §6.1, §6.3) */
    c.handle('JOI', (cmd) => {
      const handle = cmd.params[0];
      if (handle !== undefined) this.join(handle, cmd.params[1], false);
    });
    /** BYE handle {1} (MSNP.md §6.3) */
    c.handle('BYE', (cmd) => {
      const raw = cmd.params[0];
      if (raw === undefined) return;
      const handle = normalizeHandle(raw);
      if (!this.participants.delete(handle)) return;
      this.events.emit('left', { handle, idle: cmd.params[1] === '1' });
    });
    /** MSG sender-handle sender-friendly len (MSNP.md §6.4) */
    c.handle('MSG', (cmd) => {
      const sender = cmd.params[0];
      if (sender === undefined || cmd.payload === undefined) return;
      this.events.emit('message', {
        sender: normalizeHandle(sender),
        senderName: cmd.params[1] !== undefined ? decodeName(cmd.params[1]) : sender,
        payload: cmd.payload,
      });
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
    if (auth.kind === 'caller') {
      // USR t handle cookie → USR t OK handle friendly (MSNP.md §6.1)
      await c.request({ verb: 'USR', params: [this.options.me, auth.cookie] });
    } else {
      // ANS t handle cookie session-id → IRO … → ANS t OK (MSNP.md §6.2)
      await c.request({ verb: 'ANS', params: [this.options.me, auth.cookie, auth.sessionId] });
    }
    c.transition('online');
  }

  /** CAL t handle → CAL t RINGING session-id (only "invitation sent", MSNP.md §6.1). */
  async invite(handle: string): Promise<void> {
    await this.connection.request({ verb: 'CAL', params: [handle] });
  }

  /**
   * Send one `MSG` payload. `U` resolves at once with `none`; `A`/`D` wait for `ACK`/`NAK` up to
   * `ackTimeoutMs` (servers that never acknowledge give `none`); `N` waits for a `NAK` only.
   * Rejects with a RequestError when the switchboard closes first.
   */
  send(payload: Uint8Array, ack: AckMode, ackTimeoutMs: number): Promise<AckResult> {
    const c = this.connection;
    if (!this.isOpen) return Promise.reject(new RequestError('closed', 'the switchboard is not open', undefined, c.closeReason));
    if (ack === 'U') {
      c.send({ verb: 'MSG', trId: c.nextTrId(), params: ['U'], payload });
      return Promise.resolve('none');
    }
    return c.request({ verb: 'MSG', params: [ack], payload }, { replyVerbs: ack === 'N' ? ['NAK'] : ['ACK', 'NAK'], timeoutMs: ackTimeoutMs }).then(
      (reply) => (reply.verb === 'ACK' ? 'ack' : 'nak'),
      (err: unknown) => {
        if (err instanceof RequestError && err.kind === 'timeout') return 'none';
        // 282 and friends: the server refused this payload; report it as not delivered.
        if (err instanceof RequestError && err.kind === 'protocol') return 'nak';
        throw err;
      },
    );
  }

  /** Leave: `OUT`, then close (MSNP.md §5.5). */
  close(): void {
    this.connection.close({ kind: 'local', message: 'left the conversation' }, true);
  }

  private join(rawHandle: string, rawName: string | undefined, initial: boolean): void {
    const handle = normalizeHandle(rawHandle);
    if (handle === this.me) return;
    const friendlyName = rawName !== undefined ? decodeName(rawName) : handle;
    this.participants.set(handle, friendlyName);
    this.events.emit('joined', { handle, friendlyName, initial });
  }
}
