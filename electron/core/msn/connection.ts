/**
 * One MSNP connection (NS, DS or SB): one socket, one parser, a status machine with named
 * transitions and a reason on close, TrID allocation, replies matched to pending requests with
 * timeouts, and server-initiated commands dispatched through a handler table.
 * Model: xmpp.js `packages/connection` (ARCHITECTURE.md §4). Retry logic does not live here.
 *
 * Dispatch is synchronous and in wire order: every command of a chunk is routed before the next
 * chunk is read, and handlers run before any `await` continuation of a request. Modules that
 * must see the lines that follow a reply (SYN items, ILN after CHG, IRO before ANS) register
 * handlers for them before sending the request.
 */
import { Socket } from 'node:net';
import {
  MAX_DIALECT,
  Parser,
  buildClientCommand,
  decodeOut,
  decodeProtocolError,
  isCodecError,
  isErrorVerb,
  serialize,
  type CodecError,
  type Command,
  type CommandInit,
  type Dialect,
  type ProtocolError,
} from '../../../shared/msnp';
import { Timers, systemClock, type Clock, type TimerHandle } from './clock';
import { TypedEmitter } from './emitter';
import { maskPayload, maskedLine, type TrafficTap } from './traffic';

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'authenticating' | 'online' | 'closing' | 'closed';

/** Allowed transitions; anything else is a bug in the caller (thrown, not swallowed). */
const TRANSITIONS: Readonly<Record<ConnectionStatus, readonly ConnectionStatus[]>> = {
  idle: ['connecting', 'closing', 'closed'],
  connecting: ['connected', 'closing', 'closed'],
  connected: ['authenticating', 'online', 'closing', 'closed'],
  authenticating: ['online', 'closing', 'closed'],
  online: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

export type CloseReasonKind =
  /** We closed it (sign-out, leaving a conversation, a referral). */
  | 'local'
  /** The peer closed the socket (FIN) without telling us why. */
  | 'remote'
  /** The peer sent `OUT <code>` (MSNP.md §5.5). */
  | 'out'
  /** Socket error (reset, refused, unreachable). */
  | 'socket-error'
  /** Could not connect within the connect timeout. */
  | 'connect-timeout'
  /** The keep-alive saw no answer (dead link). */
  | 'dead'
  /** The peer broke the protocol badly enough that we gave up. */
  | 'protocol';

export interface CloseReason {
  readonly kind: CloseReasonKind;
  readonly message: string;
  /** `out`: the `OUT` reason (`OTH`, `SSD`, `MIG`, `TOU`, `RCT`, …), as the codec decoded it. */
  readonly outCode?: string;
  /** `out`: `OUT RCT n` (MSNP11+): come back after n minutes. */
  readonly outMinutes?: number;
  /** `socket-error`: the Node error code (`ECONNREFUSED`, …). */
  readonly errno?: string;
}

/** Why a request failed. Values, so callers switch on `kind` instead of parsing messages. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly kind: 'protocol' | 'timeout' | 'closed',
    message: string,
    readonly protocolError?: ProtocolError,
    readonly closeReason?: CloseReason,
  ) {
    super(message);
  }

  /** The numeric MSNP error (`911`), when the peer answered with one. */
  get code(): number | undefined {
    return this.protocolError?.code;
  }
}

export interface SocketLike {
  write(data: Uint8Array): boolean;
  end(): void;
  destroy(): void;
  setNoDelay?(noDelay?: boolean): void;
  /** The local end's address once connected (Node's `Socket`); MSNFTP listens there (MSNP.md §6.10). */
  readonly localAddress?: string | undefined;
  on(event: 'data', fn: (chunk: Buffer) => void): this;
  on(event: 'connect', fn: () => void): this;
  on(event: 'error', fn: (err: NodeJS.ErrnoException) => void): this;
  on(event: 'close', fn: () => void): this;
}

/** How sockets are made; tests and the web host may substitute one. */
export type SocketFactory = (host: string, port: number) => SocketLike;

export const tcpSocketFactory: SocketFactory = (host, port) => {
  const s = new Socket();
  s.connect({ host, port });
  return s;
};

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** For logs and the traffic tap: `ns`, `ds`, `sb#2` … */
  readonly name: string;
  readonly socketFactory?: SocketFactory;
  readonly clock?: Clock;
  readonly tap?: TrafficTap;
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

/** How connections are made and timed; the client passes the same settings to every one it opens. */
export type ConnectionTuning = Pick<ConnectionOptions, 'socketFactory' | 'clock' | 'tap' | 'connectTimeoutMs' | 'requestTimeoutMs'>;

/** The tuning fields of `o` that are set (so spreading it never writes an explicit `undefined`). */
export function connectionTuning(o: ConnectionTuning): ConnectionTuning {
  const t: { -readonly [K in keyof ConnectionTuning]: ConnectionTuning[K] } = {};
  if (o.socketFactory !== undefined) t.socketFactory = o.socketFactory;
  if (o.clock !== undefined) t.clock = o.clock;
  if (o.tap !== undefined) t.tap = o.tap;
  if (o.connectTimeoutMs !== undefined) t.connectTimeoutMs = o.connectTimeoutMs;
  if (o.requestTimeoutMs !== undefined) t.requestTimeoutMs = o.requestTimeoutMs;
  return t;
}

export interface RequestOptions {
  /** Reply verbs that complete the request (default: the request's own verb). */
  readonly replyVerbs?: readonly string[];
  readonly timeoutMs?: number;
}

interface Pending {
  readonly verb: string;
  readonly replyVerbs: readonly string[];
  readonly resolve: (cmd: Command) => void;
  readonly reject: (err: RequestError) => void;
  readonly timer: TimerHandle;
}

export type CommandHandler = (cmd: Command) => void;

export interface ConnectionEvents {
  status: { readonly status: ConnectionStatus; readonly reason?: CloseReason };
  /** A command no handler and no request took (unknown verbs, unsolicited replies). */
  unhandled: Command;
  /** A line the codec could not frame; the connection carries on (MSNP.md §1.2). */
  'codec-error': CodecError;
  /** A handler threw; the connection carries on (a bug of ours must not kill the session). */
  'handler-error': { readonly verb: string; readonly error: unknown };
  close: CloseReason;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Codec errors in a row before we treat the stream as desynchronised and give up. */
const MAX_CONSECUTIVE_CODEC_ERRORS = 20;

export class Connection {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly events = new TypedEmitter<ConnectionEvents>();
  private statusValue: ConnectionStatus = 'idle';
  private closeReasonValue: CloseReason | undefined;
  private socket: SocketLike | undefined;
  private readonly parser = new Parser({ direction: 'toClient' });
  private readonly handlers = new Map<string, CommandHandler>();
  private readonly pending = new Map<number, Pending>();
  private readonly timers: Timers;
  private readonly clock: Clock;
  private readonly tap: TrafficTap | undefined;
  private readonly socketFactory: SocketFactory;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private lastTrId = 0;
  /** The negotiated dialect, once known (set by login after `VER`; a switchboard knows it up front). */
  dialect: Dialect | undefined;
  private codecErrorsInARow = 0;
  private tearingDown = false;

  constructor(options: ConnectionOptions) {
    this.name = options.name;
    this.host = options.host;
    this.port = options.port;
    this.clock = options.clock ?? systemClock;
    this.timers = new Timers(this.clock);
    this.tap = options.tap;
    this.socketFactory = options.socketFactory ?? tcpSocketFactory;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  get status(): ConnectionStatus {
    return this.statusValue;
  }

  get closeReason(): CloseReason | undefined {
    return this.closeReasonValue;
  }

  /** The address of our end of the socket (undefined before connecting, or for a socket without one). */
  get localAddress(): string | undefined {
    return this.socket?.localAddress;
  }

  get isOpen(): boolean {
    return this.statusValue === 'connected' || this.statusValue === 'authenticating' || this.statusValue === 'online';
  }

  /** Named transition; throws on an impossible one (a bug, not bad input). */
  transition(to: ConnectionStatus, reason?: CloseReason): void {
    const from = this.statusValue;
    if (from === to) return;
    if (!TRANSITIONS[from].includes(to)) throw new Error(`${this.name}: illegal transition ${from} → ${to}`);
    this.statusValue = to;
    this.events.emit('status', reason === undefined ? { status: to } : { status: to, reason });
  }

  /** Open the socket. Rejects with a CloseReason-bearing RequestError when it cannot connect. */
  open(): Promise<void> {
    this.transition('connecting');
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (reason: CloseReason): void => {
        if (settled) return;
        settled = true;
        reject(new RequestError('closed', reason.message, undefined, reason));
      };
      const timer = this.timers.set(() => {
        const reason: CloseReason = { kind: 'connect-timeout', message: `no connection to ${this.host}:${this.port} within ${this.connectTimeoutMs} ms` };
        this.teardown(reason);
        fail(reason);
      }, this.connectTimeoutMs);
      let socket: SocketLike;
      try {
        socket = this.socketFactory(this.host, this.port);
      } catch (err) {
        this.timers.clear(timer);
        const reason: CloseReason = { kind: 'socket-error', message: String(err) };
        this.teardown(reason);
        fail(reason);
        return;
      }
      this.socket = socket;
      socket.setNoDelay?.(true);
      socket.on('connect', () => {
        this.timers.clear(timer);
        if (this.statusValue !== 'connecting') return;
        this.transition('connected');
        settled = true;
        resolve();
      });
      socket.on('data', (chunk) => this.onData(chunk));
      socket.on('error', (err) => {
        const reason: CloseReason = { kind: 'socket-error', message: err.message, ...(err.code ? { errno: err.code } : {}) };
        this.timers.clear(timer);
        this.teardown(reason);
        fail(reason);
      });
      socket.on('close', () => {
        this.timers.clear(timer);
        const reason: CloseReason = { kind: 'remote', message: `${this.host}:${this.port} closed the connection` };
        this.teardown(reason);
        fail(reason);
      });
    });
  }

  /** Register the handler for a server-initiated verb (one per verb; replaces the previous). */
  handle(verb: string, handler: CommandHandler): void {
    this.handlers.set(verb, handler);
  }

  unhandle(verb: string): void {
    this.handlers.delete(verb);
  }

  nextTrId(): number {
    // 1, 2, 3 … per connection (MSNP.md §1.3); wraps long before 2^32 in any real session.
    this.lastTrId = this.lastTrId >= 4294967295 ? 1 : this.lastTrId + 1;
    return this.lastTrId;
  }

  /**
   * Send a builder's command without waiting for anything (`PNG`, `MSG t U`, `OUT`). Returns false
   * when the connection is not open.
   */
  send(cmd: CommandInit): boolean {
    if (!this.isOpen || this.socket === undefined) return false;
    const bytes = serialize(cmd, 'toServer');
    if (this.tap !== undefined) this.tapOut(cmd);
    this.socket.write(bytes);
    return true;
  }

  /**
   * Send the command one of the codec's builders makes for a fresh TrID, and resolve on the reply
   * with that TrID and one of `replyVerbs`: `conn.call((trId) => buildSbp({ trId, … }, dialect))`.
   * Taking a builder, not a parameter list, keeps every line in its dialect's exact shape (the
   * builders encode MSNP.md §2.7). Rejects on a numeric error with that TrID, on timeout, when the
   * connection closes, and when the builder refuses the value (`SerializeError`).
   */
  call(build: (trId: number) => CommandInit, options: RequestOptions = {}): Promise<Command> {
    const trId = this.nextTrId();
    let cmd: CommandInit;
    try {
      cmd = build(trId);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.requestWithTrId({ ...cmd, trId }, options);
  }

  private requestWithTrId(cmd: CommandInit & { trId: number }, options: RequestOptions): Promise<Command> {
    return new Promise<Command>((resolve, reject) => {
      if (!this.isOpen) {
        reject(new RequestError('closed', `${this.name} is ${this.statusValue}`, undefined, this.closeReasonValue));
        return;
      }
      const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
      const timer = this.timers.set(() => {
        this.pending.delete(cmd.trId);
        reject(new RequestError('timeout', `${cmd.verb} ${cmd.trId}: no reply from ${this.name} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(cmd.trId, { verb: cmd.verb, replyVerbs: options.replyVerbs ?? [cmd.verb], resolve, reject, timer });
      this.send(cmd);
    });
  }

  /** Polite close: optionally send `OUT`, then end the socket. Idempotent. */
  close(reason: CloseReason = { kind: 'local', message: 'closed by the client' }, sayOut = false): void {
    if (this.statusValue === 'closed' || this.statusValue === 'closing') return;
    // The client's `OUT` has no parameters in any dialect (MSNP.md §5.5); before `VER` is answered
    // the newest dialect builds it.
    if (sayOut && this.isOpen) this.send(buildClientCommand({ type: 'OUT' }, this.dialect ?? MAX_DIALECT));
    if (this.statusValue === 'idle') {
      this.teardown(reason);
      return;
    }
    this.closeReasonValue ??= reason;
    this.transition('closing', this.closeReasonValue);
    this.socket?.end();
    // A peer that never closes its side must not keep us waiting.
    this.timers.set(() => this.teardown(reason), 2000);
  }

  /** Abort now: destroy the socket and fail everything pending with `reason`. */
  destroy(reason: CloseReason): void {
    this.teardown(reason);
  }

  private teardown(reason: CloseReason): void {
    // Re-entrant: destroying the socket may emit 'close' synchronously.
    if (this.statusValue === 'closed' || this.tearingDown) return;
    this.tearingDown = true;
    const final = this.closeReasonValue ?? reason;
    this.closeReasonValue = final;
    this.timers.clearAll();
    this.socket?.destroy();
    for (const [trId, p] of this.pending) {
      this.pending.delete(trId);
      p.reject(new RequestError('closed', `${p.verb} ${trId}: ${final.message}`, undefined, final));
    }
    // Anything half-read is dropped; report it for the tap.
    for (const e of this.parser.finish()) if (isCodecError(e)) this.events.emit('codec-error', e);
    this.statusValue = 'closed';
    this.events.emit('status', { status: 'closed', reason: final });
    this.events.emit('close', final);
  }

  private onData(chunk: Uint8Array): void {
    if (this.statusValue === 'closed') return;
    const outputs = this.parser.push(chunk);
    for (const out of outputs) {
      if (this.tearingDown) return;
      if (isCodecError(out)) {
        this.codecErrorsInARow += 1;
        this.tap?.({ at: this.clock.now(), connection: this.name, direction: 'in', line: `<codec error ${out.code}: ${out.message}>` });
        this.events.emit('codec-error', out);
        if (this.codecErrorsInARow >= MAX_CONSECUTIVE_CODEC_ERRORS) {
          this.teardown({ kind: 'protocol', message: `${this.name}: ${this.codecErrorsInARow} malformed lines in a row` });
        }
        continue;
      }
      this.codecErrorsInARow = 0;
      this.dispatch(out);
    }
  }

  private dispatch(cmd: Command): void {
    if (this.tap !== undefined) {
      this.tap({
        at: this.clock.now(),
        connection: this.name,
        direction: 'in',
        line: maskedLine('in', cmd.verb, cmd.trId, cmd.params, cmd.payload?.length),
        ...(cmd.payload !== undefined ? { payload: maskPayload(cmd.verb, cmd.payload) ?? '' } : {}),
      });
    }
    if (cmd.trId !== undefined) {
      const p = this.pending.get(cmd.trId);
      if (p !== undefined) {
        if (isErrorVerb(cmd.verb)) {
          this.pending.delete(cmd.trId);
          this.timers.clear(p.timer);
          const pe = decodeProtocolError(cmd);
          p.reject(new RequestError('protocol', `${p.verb} ${cmd.trId}: ${cmd.verb} ${pe?.description ?? ''}`.trim(), pe));
          return;
        }
        if (p.replyVerbs.includes(cmd.verb)) {
          this.pending.delete(cmd.trId);
          this.timers.clear(p.timer);
          p.resolve(cmd);
          return;
        }
      }
    }
    if (cmd.verb === 'OUT' && this.closeReasonValue === undefined) {
      // `OUT {reason} {minutes}`: the server is about to close; remember why (MSNP.md §5.5).
      // OUT has the same shape in every dialect, so before VER the newest one decodes it.
      const out = decodeOut(cmd, this.dialect ?? MAX_DIALECT);
      this.closeReasonValue = isCodecError(out)
        ? { kind: 'out', message: `${this.name}: server sent a malformed OUT (${out.message})` }
        : {
            kind: 'out',
            message: `${this.name}: server sent OUT${out.reason !== undefined ? ` ${out.reason}` : ''}${out.minutes !== undefined ? ` ${out.minutes}` : ''}`,
            ...(out.reason !== undefined ? { outCode: out.reason } : {}),
            ...(out.minutes !== undefined ? { outMinutes: out.minutes } : {}),
          };
    }
    const handler = this.handlers.get(cmd.verb);
    if (handler !== undefined) {
      try {
        handler(cmd);
      } catch (error) {
        this.events.emit('handler-error', { verb: cmd.verb, error });
      }
      return;
    }
    this.events.emit('unhandled', cmd);
  }

  private tapOut(cmd: CommandInit): void {
    const payload = typeof cmd.payload === 'string' ? new TextEncoder().encode(cmd.payload) : cmd.payload;
    this.tap?.({
      at: this.clock.now(),
      connection: this.name,
      direction: 'out',
      line: maskedLine('out', cmd.verb, cmd.trId, cmd.params ?? [], payload?.length),
      ...(payload !== undefined ? { payload: maskPayload(cmd.verb, payload) ?? '' } : {}),
    });
  }
}
