/**
 * The P2P binary layer with one peer (MSNP-P2P.md §3): our Identifier counter, reassembly of the
 * peer's chunks with the §12 bounds, one ACK per complete message, matching the peer's ACKs to our
 * messages, and sending messages as ordered chunks with a window of unacknowledged SB `MSG D`s
 * (the SB's `ACK t` is the flow control, §3.7). Which switchboard carries the chunks is the
 * transport's business; what the messages mean is the session layer's.
 */
import { randomInt } from 'node:crypto';
import { isCodecError, type CodecError } from '../../../../shared/msnp';
import {
  P2pReassembler,
  buildP2pAck,
  classifyP2pHeader,
  splitP2pMessage,
  type CompleteP2pMessage,
  type P2pChunk,
  type P2pChunkKind,
  type P2pHeader,
} from '../../../../shared/msnp/p2p';
import { P2pError } from './errors';

/**
 * Sends one P2P chunk to the peer; resolves once the SB accepted it (`ACK t`, or no answer).
 * `mayOpen` false: do not open a switchboard for it (an ACK is not worth one).
 */
export type ChunkSender = (chunk: Uint8Array, mayOpen: boolean) => Promise<void>;

export interface LinkHandlers {
  /** A complete message that is not an ACK (already acknowledged). */
  message(kind: Exclude<P2pChunkKind, 'ack' | 'abort' | 'other'>, m: CompleteP2pMessage): void;
  /** The peer aborted a session at the binary level (flags 0x01/0x08/0x40/0x80, §3.8). */
  abort(sessionId: number, header: P2pHeader): void;
  /** Progress on an unfinished message (for idle timeouts). */
  progress(sessionId: number): void;
  /** A chunk or message the codec refused; the link dropped it. */
  rejected(error: CodecError, header: P2pHeader | undefined): void;
}

export interface LinkLimits {
  /** Largest message accepted for a first chunk (0 = refuse). */
  readonly maxMessageSize: (first: P2pHeader) => number;
  /** Unfinished messages at once (§12: 16 per peer). */
  readonly maxPartial: number;
  /** SB messages in flight without their `ACK t`. */
  readonly window: number;
}

export interface OutgoingMessage {
  readonly sessionId: number;
  readonly flags: number;
  readonly payload: Uint8Array;
  readonly footer: number;
}

export interface SentMessage {
  readonly identifier: number;
  /** Resolves once every chunk is with the SB; rejects when they could not be sent. */
  readonly written: Promise<void>;
  /** Resolves when the peer's P2P ACK arrives; never rejects (the session times out instead). */
  readonly acked: Promise<void>;
}

export class P2pLink {
  private nextId: number;
  private readonly reassembler: P2pReassembler;
  private readonly ackWaiters = new Map<number, () => void>();
  /** Messages go out one after another, chunks in order (§3.5: no interleaving within a session). */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly sendChunk: ChunkSender,
    private readonly handlers: LinkHandlers,
    private readonly limits: LinkLimits,
  ) {
    // §3.4: a random base (libpurple: rand() % 0xFFFFFF00 + 4), +1 per message, never 0.
    this.nextId = randomInt(4, 0xffffff00);
    this.reassembler = new P2pReassembler({ maxMessageSize: limits.maxMessageSize, maxPartial: limits.maxPartial });
  }

  get partialCount(): number {
    return this.reassembler.partialCount;
  }

  /** Everything the peer sent us, as decoded chunks. */
  receive(chunk: P2pChunk): void {
    if (this.closed) return;
    const h = chunk.header;
    const kind = classifyP2pHeader(h);
    if (kind === 'ack') {
      // AckID names our message's Identifier (§3.7); TotalSize may be 0 (papyon, aMSN 0.99).
      const w = this.ackWaiters.get(h.ackId);
      if (w !== undefined) {
        this.ackWaiters.delete(h.ackId);
        w();
      }
      return;
    }
    if (kind === 'abort') {
      this.reassembler.drop(h.sessionId);
      this.handlers.abort(h.sessionId, h);
      return;
    }
    if (kind === 'other') return; // §3.2: ignore unknown flag values
    const r = this.reassembler.push(h, chunk.payload, chunk.footer);
    if (isCodecError(r)) {
      this.handlers.rejected(r, h);
      return;
    }
    if (r.kind === 'duplicate') return;
    if (r.kind === 'partial') {
      this.handlers.progress(h.sessionId);
      return;
    }
    // One ACK per complete message, before anything it triggers (§3.7, §4.2).
    this.sendAck(r.message.header);
    this.handlers.message(kind, r.message);
  }

  /** Queue a message; chunks go out in order after every message queued before it. */
  send(m: OutgoingMessage): SentMessage {
    const identifier = this.takeId();
    // §3.4: one random AckID per message, repeated on every chunk.
    const ackId = randomInt(1, 0xffffffff);
    const acked = new Promise<void>((resolve) => this.ackWaiters.set(identifier, resolve));
    const chunks = splitP2pMessage({ sessionId: m.sessionId, identifier, flags: m.flags, ackId, payload: m.payload, footer: m.footer });
    const written = this.enqueue(async () => {
      const inFlight: Promise<void>[] = [];
      for (const c of chunks) {
        if (this.closed) throw new P2pError('disconnected', 'the P2P link was closed');
        if (inFlight.length >= this.limits.window) await inFlight.shift();
        const p = this.sendChunk(c, true);
        p.catch(() => undefined);
        inFlight.push(p);
      }
      await Promise.all(inFlight);
    });
    written.catch(() => undefined);
    return { identifier, written, acked };
  }

  /** Stop waiting for the ACK of one of our messages (its session ended). */
  forgetAck(identifier: number): void {
    this.ackWaiters.delete(identifier);
  }

  /** Forget a session's unfinished messages. */
  dropSession(sessionId: number): void {
    this.reassembler.drop(sessionId);
  }

  /** Stop: pending sends fail, nothing more is processed. */
  close(): void {
    this.closed = true;
    this.reassembler.clear();
    this.ackWaiters.clear();
  }

  takeId(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 4 : this.nextId + 1; // wrap to a small value, never 0
    return id;
  }

  private sendAck(acked: P2pHeader): void {
    const ack = buildP2pAck(acked, this.takeId());
    this.enqueue(() => this.sendChunk(ack, false)).catch(() => undefined);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
