/**
 * A raw MSNP client for server tests: one TCP socket, the shared codec (Parser with direction
 * `toClient`, serialize `toServer`), auto TrIDs, and `expect`-style waits so tests read like
 * transcripts. Nothing here knows the server's internals.
 */
import { connect, type Socket } from 'node:net';
import {
  Parser,
  clientChallengeResponse,
  isCodecError,
  serialize,
  type Command,
  type Dialect,
} from '../../../shared/msnp/index';

export type Match = (cmd: Command) => boolean;

interface Waiter {
  readonly match: Match;
  readonly resolve: (c: Command) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
  readonly what: string;
}

const DEFAULT_TIMEOUT_MS = 4000;

export class RawClient {
  /** Every command received, in order (for debugging and "nothing else arrived" checks). */
  readonly received: Command[] = [];
  /** Every byte received, in order, for checks on the wire itself (what the parser gives is tokens). */
  private readonly chunks: Buffer[] = [];
  /** Received but not yet consumed by an `expect`. */
  private readonly unread: Command[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly parser = new Parser({ direction: 'toClient' });
  private nextTrId = 1;
  private isClosed = false;
  private readonly closedPromise: Promise<void>;
  /** Set for NS clients after `VER`, so `CHL` can be answered automatically. */
  dialect: Dialect | undefined;
  autoAnswerChallenges = true;
  readonly challenges: string[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly label: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.isClosed = true;
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(new Error(`${this.label}: connection closed while waiting for ${w.what}; got ${this.describeReceived()}`));
        }
        resolve();
      });
    });
    socket.on('error', () => {});
  }

  /** `localAddress`: another loopback address (127.0.0.2 …) to stand for another client machine. */
  static connect(port: number, label = 'client', host = '127.0.0.1', localAddress?: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, ...(localAddress === undefined ? {} : { localAddress }) }, () => resolve(new RawClient(socket, label)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Sends a command with the next TrID; returns that TrID. */
  send(verb: string, params: readonly string[] = [], payload?: string | Uint8Array): number {
    const trId = this.nextTrId++;
    this.socket.write(serialize({ verb, trId, params, payload }, 'toServer'));
    return trId;
  }

  /** Sends a command that carries no TrID (`PNG`, `OUT`). */
  sendBare(verb: string, params: readonly string[] = []): void {
    this.socket.write(serialize({ verb, params }, 'toServer'));
  }

  /** Raw bytes, for malformed input. */
  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  /** Waits for the first (unread) command with this verb that matches; earlier others stay unread. */
  expect(verb: string, match: Match | readonly string[] = () => true, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Command> {
    const m = toMatch(verb, match);
    const what = `${verb} ${Array.isArray(match) ? (match as string[]).join(' ') : ''}`.trim();
    const at = this.unread.findIndex(m);
    if (at >= 0) return Promise.resolve(this.unread.splice(at, 1)[0] as Command);
    if (this.isClosed) return Promise.reject(new Error(`${this.label}: closed; no ${what}; got ${this.describeReceived()}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${this.label}: timed out waiting for ${what}; got ${this.describeReceived()}`));
      }, timeoutMs);
      const waiter: Waiter = { match: m, resolve, reject, timer, what };
      this.waiters.push(waiter);
    });
  }

  /** Waits for the reply carrying this TrID (any verb, including an error code). */
  reply(trId: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Command> {
    return this.expect('*', (c) => c.trId === trId, timeoutMs);
  }

  /** Asserts that no matching command arrives within `ms` (and none is already unread). */
  async expectNone(verb: string, match: Match | readonly string[] = () => true, ms = 300): Promise<void> {
    const m = toMatch(verb, match);
    await new Promise((r) => setTimeout(r, ms));
    const hit = this.unread.find(m);
    if (hit !== undefined) throw new Error(`${this.label}: unexpected ${show(hit)}`);
  }

  /** Resolves when the server has closed the connection (rejects after the timeout). */
  async waitClosed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.label}: still open after ${timeoutMs} ms; got ${this.describeReceived()}`)), timeoutMs);
    });
    try {
      await Promise.race([this.closedPromise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops everything received so far that no `expect` consumed. */
  discardUnread(): Command[] {
    return this.unread.splice(0);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Stop reading from the socket (a slow reader). */
  pauseReading(): void {
    this.socket.pause();
  }

  /** Everything the server sent so far, exactly as it arrived. */
  bytesReceived(): Buffer {
    return Buffer.concat(this.chunks);
  }

  describeReceived(): string {
    return this.received.slice(-12).map(show).join(' | ') || '(nothing)';
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    for (const item of this.parser.push(chunk)) {
      if (isCodecError(item)) throw new Error(`${this.label}: server sent bad bytes: ${item.code} ${item.message}`);
      this.received.push(item);
      if (item.verb === 'CHL' && this.dialect !== undefined && item.params[0] !== undefined) {
        this.challenges.push(item.params[0]);
        if (this.autoAnswerChallenges) {
          const { productId, answer } = clientChallengeResponse(this.dialect, item.params[0]);
          this.send('QRY', [productId], answer);
        }
      }
      const w = this.waiters.find((x) => x.match(item));
      if (w !== undefined) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(item);
      } else {
        this.unread.push(item);
      }
    }
  }
}

function toMatch(verb: string, match: Match | readonly string[]): Match {
  const inner: Match =
    typeof match === 'function' ? match : (c) => (match as readonly string[]).every((p, i) => p === '*' || c.params[i] === p);
  return (c) => (verb === '*' || c.verb === verb) && inner(c);
}

export function show(c: Command): string {
  const parts = [c.verb];
  if (c.trId !== undefined) parts.push(String(c.trId));
  parts.push(...c.params);
  if (c.payload !== undefined) parts.push(`[${c.payload.length} bytes]`);
  return parts.join(' ');
}

export function text(payload: Uint8Array | undefined): string {
  return payload === undefined ? '' : new TextDecoder().decode(payload);
}
