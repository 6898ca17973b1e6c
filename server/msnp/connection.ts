/**
 * One TCP connection: the read loop, the send path and the per-connection limits
 * (ARCHITECTURE.md §7). Protocol meaning lives in the sessions; this file only moves commands.
 *
 * Read: bytes → the shared Parser → each command handled at once, strictly in order. A handler may
 * return a promise; the commands after it then wait in a queue, and reading pauses while too many
 * are queued.
 *
 * Rate: a token bucket per connection (`commandsPerSecond`, `commandBurst`). A command over the
 * rate is not handled: it is answered with the reference's "too active" error (`713`, or `800` for
 * changes, see `overRateCode`). Only a client that keeps flooding — more than `overRateBurst`
 * over-rate commands beyond what the sustained rate refills — is disconnected.
 *
 * Write: `send` serialises, `write` queues bytes; everything a connection is sent during one turn
 * of the event loop (every I/O callback of that turn) goes out in one `socket.write` from a single
 * `setImmediate` shared by all connections. A client that does not read is cut off once
 * `maxSendBufferBytes` are queued for it, instead of being buffered without bound.
 */
import type { Socket } from 'node:net';
import {
  buildError,
  ErrorCode,
  Parser,
  serialize,
  type CodecError,
  type Command,
  type CommandInit,
} from '../../shared/msnp/index';
import type { ConnectionLimits } from '../config';
import { TokenBucket } from '../core/rate';
import type { Logger } from '../logger';
import { overRateCode } from './error-codes';

export type ConnectionKind = 'ns' | 'sb' | 'ds';

/** Where the connection's commands go. */
export interface CommandSink {
  onCommand(cmd: Command): void | Promise<void>;
  /** The connection is gone (any reason); called once. */
  onClose(reason: string): void;
}

let nextId = 1;

/** How long a closing connection may take to flush its last lines before it is destroyed. */
const END_GRACE_MS = 2000;

/** A queued command, and whether it came over the rate (answered with an error, not handled). */
interface Queued {
  readonly cmd: Command;
  readonly overRate: boolean;
}

// ---- the shared flush: one socket write per connection per event-loop turn ------------------

let dirty: Connection[] = [];
let flushScheduled = false;

function scheduleFlush(c: Connection): void {
  dirty.push(c);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushAll);
  }
}

function flushAll(): void {
  flushScheduled = false;
  const list = dirty;
  dirty = [];
  for (let i = 0; i < list.length; i++) (list[i] as Connection).flush();
}

export class Connection {
  readonly id = nextId++;
  readonly remoteAddress: string;
  readonly remotePort: number;
  sink: CommandSink | undefined;
  /** The user's handle once known (named in `USR`, or admitted to a switchboard), for log lines. */
  userHandle: string | undefined;

  private readonly parser: Parser;
  private readonly bucket: TokenBucket;
  /** Over-rate commands a client may send (answered with errors) before it is cut off. */
  private readonly floodBucket: TokenBucket;
  /** Commands waiting behind a handler's promise (empty, and unallocated, almost always). */
  private inbox: Queued[] | undefined;
  private busy = false;
  private paused = false;
  /** Set while reading is held back by shaping (`shapeMessages`). */
  private holdTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private closed = false;
  private closedReason: string | undefined;
  /** Bytes queued for the next flush. */
  private out: Uint8Array[] | undefined;
  private outBytes = 0;
  private timers: Map<string, NodeJS.Timeout> | undefined;
  /** When the last command arrived (ms), for `setIdleTimer`. */
  private lastActivity = 0;

  constructor(
    private readonly socket: Socket,
    readonly kind: ConnectionKind,
    private readonly limits: ConnectionLimits,
    private readonly logger: Logger,
  ) {
    this.remoteAddress = socket.remoteAddress ?? '?';
    this.remotePort = socket.remotePort ?? 0;
    this.parser = new Parser({
      direction: 'toServer',
      maxLineLength: limits.maxLineLength,
      maxPayloadLength: limits.maxPayloadLength,
    });
    this.bucket = new TokenBucket(limits.commandsPerSecond, limits.commandBurst);
    this.floodBucket = new TokenBucket(limits.commandsPerSecond, limits.overRateBurst);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.onClosed(`socket error: ${err.message}`));
    socket.on('close', () => this.onClosed(this.closedReason ?? 'peer closed'));
    socket.on('end', () => {
      // The peer half-closed: nothing more will arrive; finish our side too.
      if (!this.closing) this.end('peer ended');
    });
    this.log('info', 'connect');
  }

  get isOpen(): boolean {
    return !this.closing && this.closedReason === undefined;
  }

  /** Serialise and write one command. False if the connection is closing or was just cut off. */
  send(cmd: CommandInit): boolean {
    if (!this.isOpen) return false;
    return this.write(serialize(cmd, 'toClient'));
  }

  /** Queue pre-serialised bytes (possibly shared between receivers of one fan-out). */
  write(bytes: Uint8Array): boolean {
    if (!this.isOpen) return false;
    if (this.out === undefined) {
      this.out = [bytes];
      scheduleFlush(this);
    } else {
      this.out.push(bytes);
    }
    this.outBytes += bytes.length;
    if (this.outBytes + this.socket.writableLength > this.limits.maxSendBufferBytes) {
      this.destroy('slow reader: send buffer over limit');
      return false;
    }
    return true;
  }

  /** Hand everything queued to the socket in one write (called by the shared flush, and `end`). */
  flush(): void {
    const out = this.out;
    if (out === undefined) return;
    this.out = undefined;
    const n = this.outBytes;
    this.outBytes = 0;
    if (this.closed || this.socket.destroyed) return;
    this.socket.write(out.length === 1 ? (out[0] as Uint8Array) : Buffer.concat(out, n));
  }

  /** An error reply `NNN TrID` (MSNP.md §1.5). */
  error(code: number, trId: number | undefined): void {
    this.send(buildError({ code, trId }));
  }

  /** Optionally send last words (e.g. `911 7`, `OUT OTH`), then close gracefully. */
  end(reason: string, ...last: CommandInit[]): void {
    if (!this.isOpen) return;
    for (const cmd of last) this.send(cmd);
    if (!this.isOpen) return; // cut off while writing them
    this.closing = true;
    this.closedReason = reason;
    this.clearTimers();
    this.inbox = undefined;
    this.flush();
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), END_GRACE_MS);
    t.unref();
  }

  /** Close at once, dropping anything unsent. */
  destroy(reason: string): void {
    if (this.closedReason === undefined) this.closedReason = reason;
    this.closing = true;
    this.inbox = undefined;
    this.out = undefined;
    this.outBytes = 0;
    this.socket.destroy();
  }

  /** A named one-shot timer, cleared when the connection closes. Re-arming replaces it. */
  setTimer(name: string, ms: number, fn: () => void): void {
    this.clearTimer(name);
    if (!this.isOpen || ms <= 0) return;
    const t = setTimeout(() => {
      this.forgetTimer(name);
      fn();
    }, ms);
    t.unref();
    (this.timers ??= new Map()).set(name, t);
  }

  /**
   * Call `fn` once no command has arrived for `ms`. Every command counts as activity without
   * touching a timer (the time of the last read is kept, and the timer, when it fires early,
   * re-arms itself for the rest), so the per-command cost is one assignment.
   */
  setIdleTimer(ms: number, fn: () => void): void {
    this.lastActivity = Date.now();
    const check = (): void => {
      const quiet = Date.now() - this.lastActivity;
      if (quiet >= ms) fn();
      else this.setTimer('idle', ms - quiet, check);
    };
    this.setTimer('idle', ms, check);
  }

  clearTimer(name: string): void {
    const t = this.timers?.get(name);
    if (t !== undefined) {
      clearTimeout(t);
      this.forgetTimer(name);
    }
  }

  /** Drops the map with its last timer: a held connection usually has none left. */
  private forgetTimer(name: string): void {
    this.timers?.delete(name);
    if (this.timers?.size === 0) this.timers = undefined;
  }

  log(level: 'info' | 'warn' | 'error', event: string, fields: Record<string, string | number | boolean | undefined> = {}): void {
    this.logger.log(level, event, {
      conn: this.id,
      kind: this.kind,
      remote: `${this.remoteAddress}:${this.remotePort}`,
      handle: this.userHandle,
      ...fields,
    });
  }

  private onData(chunk: Buffer): void {
    if (!this.isOpen) return;
    const items = this.parser.push(chunk);
    const now = Date.now();
    if (items.length > 0) this.lastActivity = now;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as Command | CodecError;
      if (item.kind === 'error') {
        this.onCodecError(item);
        if (!this.isOpen) return;
        continue;
      }
      let overRate = false;
      if (!this.bucket.take(1, now)) {
        if (this.limits.shapeMessages === true && item.verb === 'MSG') {
          // Shaped: relay it, then read nothing more until the rate has paid for it.
          this.holdReading(this.bucket.borrow(1, now));
        } else if (!this.floodBucket.take(1, now)) {
          this.destroy('rate limit: flooding beyond the over-rate allowance');
          return;
        } else {
          overRate = true;
        }
      }
      if (this.busy || this.inbox !== undefined) {
        (this.inbox ??= []).push({ cmd: item, overRate });
        if (this.inbox.length > this.limits.maxPendingCommands * 4) {
          this.destroy('too many commands in flight');
          return;
        }
      } else {
        this.runCommand(item, overRate);
        if (!this.isOpen) return;
      }
    }
    this.applyBackPressure();
  }

  /**
   * Codec errors (ARCHITECTURE.md §3: values; the connection decides). A stray empty line is
   * tolerated; anything that breaks framing is a disconnect, as the reference's servers did
   * with malformed input (MSNP.md §1.2, §1.6). An over-long SB `MSG` payload is MSNP.md §6.4.
   */
  private onCodecError(err: CodecError): void {
    if (err.code === 'EMPTY_LINE') return;
    this.destroy(`bad input: ${err.code}`);
  }

  /** Handle one command now; a returned promise holds the commands after it until it settles. */
  private runCommand(cmd: Command, overRate: boolean): void {
    if (overRate) {
      // MSNP.md §7: 713 "too active" / 800 "too many changes too quickly". A command without a
      // TrID (PNG) cannot carry an error reply; it is dropped.
      if (cmd.trId !== undefined) this.error(overRateCode(cmd.verb), cmd.trId);
      return;
    }
    let result: void | Promise<void>;
    try {
      result = this.sink?.onCommand(cmd);
    } catch (err) {
      this.internalError(cmd, err);
      return;
    }
    if (result instanceof Promise) {
      this.busy = true;
      result.then(
        () => {
          this.busy = false;
          this.pump();
        },
        (err: unknown) => {
          this.busy = false;
          this.internalError(cmd, err);
        },
      );
    }
  }

  /** Run queued commands until one is asynchronous again or the queue is empty. */
  private pump(): void {
    while (!this.busy && this.isOpen && this.inbox !== undefined) {
      const q = this.inbox.shift();
      if (q === undefined) {
        this.inbox = undefined;
        break;
      }
      if (this.inbox.length === 0) this.inbox = undefined;
      this.runCommand(q.cmd, q.overRate);
    }
    this.applyBackPressure();
  }

  /** Pause reading for `ms` (shaping); the reads pause once, however many commands borrowed. */
  private holdReading(ms: number): void {
    if (ms <= 0) return;
    // The latest borrow's wait covers the whole debt.
    if (this.holdTimer !== undefined) clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      this.applyBackPressure();
    }, ms);
    this.applyBackPressure();
  }

  private applyBackPressure(): void {
    const full = (this.inbox !== undefined && this.inbox.length >= this.limits.maxPendingCommands) || this.holdTimer !== undefined;
    if (full && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!full && this.paused) {
      this.paused = false;
      if (this.isOpen) this.socket.resume();
    }
  }

  /** A bug in a handler: answer 500 and close, never crash the process. */
  private internalError(cmd: Command, err: unknown): void {
    this.log('error', 'internal-error', { verb: cmd.verb, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    this.end('internal error', buildError({ code: ErrorCode.INTERNAL_SERVER, trId: cmd.trId }));
  }

  private onClosed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    // Keep the first reason (ours, when we closed it) over what the socket reports afterwards.
    this.closedReason ??= reason;
    this.clearTimers();
    if (this.holdTimer !== undefined) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.inbox = undefined;
    this.out = undefined;
    this.outBytes = 0;
    this.log('info', 'disconnect', { reason: this.closedReason });
    try {
      this.sink?.onClose(this.closedReason);
    } catch (err) {
      this.log('error', 'internal-error', { phase: 'close', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  }

  private clearTimers(): void {
    if (this.timers === undefined) return;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers = undefined;
  }
}
