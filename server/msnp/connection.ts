/**
 * One TCP connection: the read loop, the send path and the per-connection limits
 * (ARCHITECTURE.md §7). Protocol meaning lives in the sessions; this file only moves commands.
 *
 * Read: bytes → the shared Parser → a queue of commands handled strictly in order (a handler may
 * return a promise; the next command waits). Reading pauses while too many commands are queued.
 * Write: `send` serialises and writes; writes made in one tick are corked into one syscall. A
 * client that does not read is cut off once `maxSendBufferBytes` are queued for it, instead of
 * being buffered without bound.
 */
import type { Socket } from 'node:net';
import {
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

export class Connection {
  readonly id = nextId++;
  readonly remoteAddress: string;
  readonly remotePort: number;
  sink: CommandSink | undefined;

  private readonly parser: Parser;
  private readonly bucket: TokenBucket;
  private readonly inbox: Command[] = [];
  private busy = false;
  private paused = false;
  private corked = false;
  private closing = false;
  private closedReason: string | undefined;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Optional context for log lines (the handle, once known). */
  handle: string | undefined;

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
    return this.write(serialize(cmd, 'toClient'));
  }

  /** Write pre-serialised bytes (shared between receivers of one fan-out). */
  write(bytes: Uint8Array): boolean {
    if (!this.isOpen) return false;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.socket.write(bytes);
    if (this.socket.writableLength > this.limits.maxSendBufferBytes) {
      this.destroy('slow reader: send buffer over limit');
      return false;
    }
    return true;
  }

  /** An error reply `NNN TrID` (MSNP.md §1.5). */
  error(code: number, trId: number | undefined): void {
    this.send({ verb: String(code), trId });
  }

  /** Optionally send last words (e.g. `911 7`, `OUT OTH`), then close gracefully. */
  end(reason: string, ...last: CommandInit[]): void {
    if (!this.isOpen) return;
    for (const cmd of last) this.send(cmd);
    this.closing = true;
    this.closedReason = reason;
    this.clearTimers();
    this.inbox.length = 0;
    this.uncork();
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), END_GRACE_MS);
    t.unref();
  }

  /** Close at once, dropping anything unsent. */
  destroy(reason: string): void {
    if (this.closedReason === undefined) this.closedReason = reason;
    this.closing = true;
    this.inbox.length = 0;
    this.socket.destroy();
  }

  /** A named one-shot timer, cleared when the connection closes. Re-arming replaces it. */
  setTimer(name: string, ms: number, fn: () => void): void {
    this.clearTimer(name);
    if (!this.isOpen || ms <= 0) return;
    const t = setTimeout(() => {
      this.timers.delete(name);
      fn();
    }, ms);
    t.unref();
    this.timers.set(name, t);
  }

  /** Restart a running timer from now (cheap: used on every command for idle timeouts). */
  refreshTimer(name: string): void {
    this.timers.get(name)?.refresh();
  }

  clearTimer(name: string): void {
    const t = this.timers.get(name);
    if (t !== undefined) {
      clearTimeout(t);
      this.timers.delete(name);
    }
  }

  log(level: 'info' | 'warn' | 'error', event: string, fields: Record<string, string | number | boolean | undefined> = {}): void {
    this.logger.log(level, event, {
      conn: this.id,
      kind: this.kind,
      remote: `${this.remoteAddress}:${this.remotePort}`,
      handle: this.handle,
      ...fields,
    });
  }

  private readonly uncork = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  };

  private onData(chunk: Buffer): void {
    if (!this.isOpen) return;
    const out = this.parser.push(chunk);
    for (const item of out) {
      if (item.kind === 'error') {
        this.onCodecError(item);
        if (!this.isOpen) return;
        continue;
      }
      if (!this.bucket.take()) {
        this.destroy('rate limit: too many commands per second');
        return;
      }
      this.inbox.push(item);
    }
    if (this.inbox.length > this.limits.maxPendingCommands * 4) {
      this.destroy('too many commands in flight');
      return;
    }
    this.pump();
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

  private pump(): void {
    while (!this.busy && this.isOpen) {
      const cmd = this.inbox.shift();
      if (cmd === undefined) break;
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
        break;
      }
    }
    this.applyBackPressure();
  }

  private applyBackPressure(): void {
    const full = this.inbox.length >= this.limits.maxPendingCommands;
    if (full && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!full && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** A bug in a handler: answer 500 and close, never crash the process. */
  private internalError(cmd: Command, err: unknown): void {
    this.log('error', 'internal-error', { verb: cmd.verb, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    this.end('internal error', { verb: String(ErrorCode.INTERNAL_SERVER), trId: cmd.trId });
  }

  private closed = false;

  private onClosed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    // Keep the first reason (ours, when we closed it) over what the socket reports afterwards.
    this.closedReason ??= reason;
    this.clearTimers();
    this.inbox.length = 0;
    this.log('info', 'disconnect', { reason: this.closedReason });
    try {
      this.sink?.onClose(this.closedReason);
    } catch (err) {
      this.log('error', 'internal-error', { phase: 'close', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  }

  private clearTimers(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
