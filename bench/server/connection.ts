/**
 * One client-side MSNP TCP connection (NS or SB) for the load generator: the shared codec does
 * the framing (Parser 'toClient' in, serialize 'toServer' out); this class adds TrIDs, request/
 * reply matching with a timeout on every wait, and a callback for everything else. It is built
 * for many thousands of instances in one process: no per-command promises unless asked for, and
 * Nagle off so a relayed message's latency is the server's, not the kernel's.
 */
import net from 'node:net';
import { isErrorVerb, Parser, serialize, type CodecError, type Command, type CommandInit } from '../../shared/msnp';

/** The server answered a request with a numeric error (MSNP.md §1.5, §7). */
export class ReplyError extends Error {
  override readonly name = 'ReplyError';
  constructor(
    readonly code: number,
    readonly request: string,
  ) {
    super(`server answered ${request} with error ${code}`);
  }
}

/** A wait ran out. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export interface RequestOptions {
  readonly payload?: Uint8Array | string;
  /** Reply verbs that complete the request (default: the request's own verb). Other lines with
   * the same TrID (ILN after CHG, IRO before ANS, SYN items in MSNP2–7) go to `onCommand`. */
  readonly expect?: readonly string[];
  readonly timeoutMs?: number;
}

interface Pending {
  readonly request: string;
  readonly expect: readonly string[];
  readonly resolve: (cmd: Command) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class MsnpConnection {
  /** Asynchronous commands and replies nobody waits for (NLN, RNG, MSG, JOI, CHL, ACK …). */
  onCommand: (cmd: Command) => void = () => {};
  /** Called once when the socket closes, whoever closed it. */
  onClose: (reason: string) => void = () => {};
  /** Lines the codec could not frame; counted, and the parser resynchronises on the next line. */
  codecErrors = 0;
  lastCodecError: CodecError | undefined;
  closed = false;

  private readonly parser = new Parser({ direction: 'toClient' });
  private readonly pending = new Map<number, Pending>();
  private nextTrId = 1;

  private constructor(
    private readonly socket: net.Socket,
    readonly label: string,
    private readonly defaultTimeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.shutdown(`socket error: ${err.message}`));
    socket.on('close', () => this.shutdown('closed by peer'));
  }

  /** Opens a TCP connection; rejects with a clear message on refusal or after `timeoutMs`. */
  static connect(host: string, port: number, label: string, timeoutMs: number): Promise<MsnpConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TimeoutError(`${label}: no TCP connection to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new MsnpConnection(socket, label, timeoutMs));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`${label}: cannot connect to ${host}:${port}: ${err.message}`));
      });
    });
  }

  /** Sends a command with the next TrID and returns that TrID (fire and forget). */
  send(verb: string, params: readonly string[] = [], payload?: Uint8Array | string): number {
    const trId = this.nextTrId++;
    this.write({ verb, trId, params, payload });
    return trId;
  }

  /** Sends a command without a TrID (`PNG`, `OUT`). */
  sendBare(verb: string, params: readonly string[] = []): void {
    this.write({ verb, params });
  }

  /** Sends a command and waits for its reply; rejects on a numeric error, close or timeout. */
  request(verb: string, params: readonly string[] = [], options: RequestOptions = {}): Promise<Command> {
    if (this.closed) return Promise.reject(new Error(`${this.label}: ${verb} on a closed connection`));
    const trId = this.nextTrId++;
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(trId);
        reject(new TimeoutError(`${this.label}: no reply to ${verb} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(trId, { request: verb, expect: options.expect ?? [verb], resolve, reject, timer });
      this.write({ verb, trId, params, payload: options.payload });
    });
  }

  /** Polite end: `OUT`, then close our side (MSNP.md §5.5). */
  quit(): void {
    if (this.closed) return;
    try {
      this.sendBare('OUT');
    } catch {
      // Closing anyway.
    }
    this.socket.end();
    this.socket.destroySoon?.();
  }

  /** Immediate close. */
  destroy(reason = 'closed by the load generator'): void {
    this.socket.destroy();
    this.shutdown(reason);
  }

  private write(cmd: CommandInit): void {
    if (this.closed) return;
    this.socket.write(serialize(cmd, 'toServer'));
  }

  private receive(chunk: Buffer): void {
    const out = this.parser.push(chunk);
    for (let i = 0; i < out.length; i++) {
      const item = out[i] as Command | CodecError;
      if (item.kind === 'error') {
        this.codecErrors++;
        this.lastCodecError = item;
        continue;
      }
      const p = item.trId === undefined ? undefined : this.pending.get(item.trId);
      if (p !== undefined && (p.expect.includes(item.verb) || isErrorVerb(item.verb))) {
        this.pending.delete(item.trId as number);
        clearTimeout(p.timer);
        if (isErrorVerb(item.verb)) p.reject(new ReplyError(Number(item.verb), p.request));
        else p.resolve(item);
        continue;
      }
      this.onCommand(item);
    }
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`${this.label}: connection ${reason} while waiting for the reply to ${p.request}`));
    }
    this.pending.clear();
    this.onClose(reason);
  }
}
