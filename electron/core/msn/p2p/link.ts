/**
 * The P2P binary layer with one peer (MSNP-P2P.md §3): our Identifier counter, reassembly of the
 * peer's chunks with the §12 bounds, one ACK per complete message, matching the peer's ACKs to our
 * messages, and sending messages as ordered chunks with a window of unacknowledged SB `MSG D`s
 * (the SB's `ACK t` is the flow control, §3.7). Which switchboard carries the chunks is the
 * transport's business; what the messages mean is the session layer's.
 *
 * Sending: whole messages (signalling, ACKs, pictures) go first and in order, each one's chunks
 * back to back; file data goes as streams read from their source as the window allows (never
 * held whole), taking turns chunk by chunk when several files go to one peer at once (§3.5 allows
 * interleaving different sessions; within one message chunks stay in order). So a BYE, an ACK or
 * a decline never waits behind a large file.
 *
 * Receiving: a data chunk the session layer claims (`stream`) bypasses reassembly, so a file is
 * streamed to its sink instead of being reassembled in memory.
 */
import { randomInt } from 'node:crypto';
import { isCodecError, type CodecError } from '../../../../shared/msnp';
import {
  P2pReassembler,
  P2P_MAX_CHUNK_PAYLOAD,
  buildP2pAck,
  classifyP2pHeader,
  encodeP2pChunk,
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
  /**
   * A data chunk (before reassembly): true when the session layer takes it whole (file data,
   * streamed to disk); it then ACKs the message itself with `acknowledge`.
   */
  stream?(chunk: P2pChunk): boolean;
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

/** A message whose payload is read from `source` as it goes (file data, §7.1 step 5). */
export interface OutgoingStream {
  readonly sessionId: number;
  readonly flags: number;
  readonly footer: number;
  /** The message's TotalSize: the source must yield exactly this many bytes. */
  readonly totalSize: number;
  readonly source: AsyncIterable<Uint8Array>;
  /** Payload bytes the SB has taken so far (each chunk's `ACK t`). */
  readonly onProgress?: (bytes: number) => void;
}

export interface SentStream extends SentMessage {
  /** Stop reading and sending; `written` rejects. Chunks already with the SB still arrive. */
  cancel(): void;
}

/** The source yielded more or fewer bytes than the stream's TotalSize, or could not be read. */
export class StreamSourceError extends Error {
  override readonly name = 'StreamSourceError';
}

export interface SentMessage {
  readonly identifier: number;
  /** Resolves once every chunk is with the SB; rejects when they could not be sent. */
  readonly written: Promise<void>;
  /** Resolves when the peer's P2P ACK arrives; never rejects (the session times out instead). */
  readonly acked: Promise<void>;
  /** True from the moment the ACK is processed (before `acked`'s callbacks run). */
  isAcked(): boolean;
}

/** One message's or stream's chunks on their way out. */
interface Job {
  readonly mayOpen: boolean;
  /** Chunks handed to the SB whose `ACK t` has not come back. */
  outstanding: number;
  /** Every chunk of the job has been taken (none will follow). */
  exhausted(): boolean;
  /** Next chunk ready to go, if any. */
  take(): { readonly bytes: Uint8Array; readonly payload: number } | undefined;
  sent(payload: number): void;
  failed(err: unknown): void;
}

/** Chunks a stream reads ahead of the window (≈ 38 KB per file). */
const STREAM_READ_AHEAD = 32;

class MessageJob implements Job {
  outstanding = 0;
  private index = 0;
  private error: unknown;
  private settled = false;
  readonly written: Promise<void>;
  private resolve!: () => void;
  private reject!: (e: unknown) => void;

  constructor(
    private readonly chunks: readonly Uint8Array[],
    readonly mayOpen: boolean,
  ) {
    this.written = new Promise<void>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    this.written.catch(() => undefined);
  }

  exhausted(): boolean {
    return this.index >= this.chunks.length;
  }

  take(): { bytes: Uint8Array; payload: number } | undefined {
    const bytes = this.chunks[this.index++];
    return bytes === undefined ? undefined : { bytes, payload: 0 };
  }

  sent(): void {
    this.settle();
  }

  failed(err: unknown): void {
    this.error ??= err;
    this.settle();
  }

  /** The link closed before every chunk went out. */
  abandon(err: unknown): void {
    this.index = this.chunks.length;
    this.failed(err);
  }

  private settle(): void {
    if (this.settled || this.outstanding > 0 || !this.exhausted()) return;
    this.settled = true;
    if (this.error !== undefined) this.reject(this.error);
    else this.resolve();
  }
}

class StreamJob implements Job {
  readonly mayOpen = true;
  outstanding = 0;
  private readonly ready: { bytes: Uint8Array; payload: number }[] = [];
  private produced = 0;
  private done = false;
  private stopped = false;
  private error: unknown;
  private accepted = 0;
  private settled = false;
  private space: (() => void) | undefined;
  readonly written: Promise<void>;
  private resolve!: () => void;
  private reject!: (e: unknown) => void;

  constructor(
    private readonly s: OutgoingStream,
    private readonly identifier: number,
    private readonly ackId: number,
    private readonly wake: () => void,
    private readonly onEnd: (job: StreamJob) => void,
  ) {
    this.written = new Promise<void>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    this.written.catch(() => undefined);
    void this.produce();
  }

  exhausted(): boolean {
    return this.stopped || (this.done && this.ready.length === 0);
  }

  hasReady(): boolean {
    return !this.stopped && this.ready.length > 0;
  }

  take(): { bytes: Uint8Array; payload: number } | undefined {
    if (this.stopped) return undefined;
    const c = this.ready.shift();
    if (this.ready.length < STREAM_READ_AHEAD / 2) {
      const s = this.space;
      this.space = undefined;
      s?.();
    }
    return c;
  }

  sent(payload: number): void {
    this.accepted += payload;
    if (!this.stopped && payload > 0) this.s.onProgress?.(this.accepted);
    this.settle();
  }

  failed(err: unknown): void {
    this.stop(err);
  }

  stop(err: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.error ??= err;
    this.ready.length = 0;
    const s = this.space;
    this.space = undefined;
    s?.();
    this.settle();
  }

  /** Read the source into ≤ 1202-byte chunks, a few ahead of the window (§3.5). */
  private async produce(): Promise<void> {
    const total = this.s.totalSize;
    const pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const emit = (n: number): void => {
      const payload = new Uint8Array(n);
      let filled = 0;
      while (filled < n) {
        const head = pending[0] as Uint8Array;
        const take = Math.min(head.length, n - filled);
        payload.set(head.subarray(0, take), filled);
        filled += take;
        if (take === head.length) pending.shift();
        else pending[0] = head.subarray(take);
      }
      pendingBytes -= n;
      const header = { sessionId: this.s.sessionId, identifier: this.identifier, offset: this.produced, totalSize: total, length: n, flags: this.s.flags, ackId: this.ackId, ackUid: 0, ackSize: 0 };
      this.ready.push({ bytes: encodeP2pChunk(header, payload, this.s.footer), payload: n });
      this.produced += n;
    };
    const room = async (): Promise<void> => {
      this.wake();
      while (!this.stopped && this.ready.length >= STREAM_READ_AHEAD) await new Promise<void>((r) => (this.space = r));
    };
    try {
      if (total === 0) {
        // §3.5: a zero-length message is one chunk with Length 0.
        this.ready.push({ bytes: encodeP2pChunk({ sessionId: this.s.sessionId, identifier: this.identifier, offset: 0, totalSize: 0, length: 0, flags: this.s.flags, ackId: this.ackId, ackUid: 0, ackSize: 0 }, new Uint8Array(0), this.s.footer), payload: 0 });
      }
      for await (const piece of this.s.source) {
        if (this.stopped) return;
        if (piece.length === 0) continue;
        if (this.produced + pendingBytes + piece.length > total) throw new StreamSourceError(`the file has more than the ${total} bytes announced`);
        pending.push(piece);
        pendingBytes += piece.length;
        while (pendingBytes >= P2P_MAX_CHUNK_PAYLOAD) {
          emit(P2P_MAX_CHUNK_PAYLOAD);
          if (this.ready.length >= STREAM_READ_AHEAD) await room();
          if (this.stopped) return;
        }
        this.wake();
      }
      if (pendingBytes > 0) emit(pendingBytes);
      if (this.produced !== total) throw new StreamSourceError(`the file has ${this.produced} bytes, not the ${total} announced`);
      this.done = true;
      this.wake();
      this.settle();
    } catch (err) {
      this.stop(err instanceof Error ? err : new StreamSourceError(String(err)));
    }
  }

  private settle(): void {
    if (this.settled || this.outstanding > 0 || !(this.stopped || (this.done && this.ready.length === 0))) return;
    this.settled = true;
    this.onEnd(this);
    if (this.error !== undefined) this.reject(this.error);
    else this.resolve();
    this.wake();
  }
}

export class P2pLink {
  private nextId: number;
  private readonly reassembler: P2pReassembler;
  private readonly ackWaiters = new Map<number, () => void>();
  /** Whole messages, in order (§3.5: no interleaving within a message). */
  private readonly messages: MessageJob[] = [];
  /** File streams, taking turns. */
  private readonly streams: StreamJob[] = [];
  private turn = 0;
  private inFlight = 0;
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
    if ((kind === 'data' || kind === 'data-preparation') && this.handlers.stream?.(chunk) === true) return;
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
    this.acknowledge(r.message.header);
    this.handlers.message(kind, r.message);
  }

  /** Queue a message; its chunks go out in order after every message queued before it. */
  send(m: OutgoingMessage): SentMessage {
    const identifier = this.takeId();
    // §3.4: one random AckID per message, repeated on every chunk.
    const ackId = randomInt(1, 0xffffffff);
    const { acked, isAcked } = this.waitForAck(identifier);
    const chunks = splitP2pMessage({ sessionId: m.sessionId, identifier, flags: m.flags, ackId, payload: m.payload, footer: m.footer });
    const job = this.enqueue(chunks, true);
    return { identifier, written: job.written, acked, isAcked };
  }

  /** Send a message read from a source as the window allows (file data). */
  sendStream(s: OutgoingStream): SentStream {
    const identifier = this.takeId();
    const ackId = randomInt(1, 0xffffffff);
    const { acked, isAcked } = this.waitForAck(identifier);
    if (this.closed) {
      const written = Promise.reject(new P2pError('disconnected', 'the P2P link was closed'));
      written.catch(() => undefined);
      return { identifier, written, acked, isAcked, cancel: () => undefined };
    }
    const job = new StreamJob(s, identifier, ackId, () => this.pump(), (j) => {
      const i = this.streams.indexOf(j);
      if (i >= 0) this.streams.splice(i, 1);
    });
    this.streams.push(job);
    return { identifier, written: job.written, acked, isAcked, cancel: () => job.stop(new P2pError('disconnected', 'cancelled')) };
  }

  private waitForAck(identifier: number): { acked: Promise<void>; isAcked: () => boolean } {
    let done = false;
    const acked = new Promise<void>((resolve) =>
      this.ackWaiters.set(identifier, () => {
        done = true;
        resolve();
      }),
    );
    return { acked, isAcked: () => done };
  }

  /** Send one prepared chunk that needs no ACK (a §3.8 control message). */
  sendControl(chunk: Uint8Array): void {
    this.enqueue([chunk], false);
  }

  /** The one ACK of a complete message (§3.7), for a message the session layer streamed itself. */
  acknowledge(acked: Pick<P2pHeader, 'sessionId' | 'identifier' | 'totalSize' | 'ackId'>): void {
    this.enqueue([buildP2pAck(acked, this.takeId())], false);
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
    const err = new P2pError('disconnected', 'the P2P link was closed');
    for (const m of this.messages.splice(0)) m.abandon(err);
    for (const s of [...this.streams]) s.stop(err);
  }

  takeId(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 4 : this.nextId + 1; // wrap to a small value, never 0
    return id;
  }

  private enqueue(chunks: readonly Uint8Array[], mayOpen: boolean): MessageJob {
    const job = new MessageJob(chunks, mayOpen);
    if (this.closed) job.abandon(new P2pError('disconnected', 'the P2P link was closed'));
    else {
      this.messages.push(job);
      this.pump();
    }
    return job;
  }

  /** Hand chunks to the SB while the window has room: messages first, then streams in turn. */
  private pump(): void {
    while (!this.closed && this.inFlight < this.limits.window) {
      const next = this.pick();
      if (next === undefined) return;
      const { job, chunk } = next;
      this.inFlight++;
      job.outstanding++;
      this.sendChunk(chunk.bytes, job.mayOpen).then(
        () => {
          this.inFlight--;
          job.outstanding--;
          job.sent(chunk.payload);
          this.pump();
        },
        (err: unknown) => {
          this.inFlight--;
          job.outstanding--;
          job.failed(err);
          this.pump();
        },
      );
    }
  }

  private pick(): { job: Job; chunk: { bytes: Uint8Array; payload: number } } | undefined {
    while (this.messages.length > 0) {
      const m = this.messages[0] as MessageJob;
      const chunk = m.take();
      if (chunk !== undefined) return { job: m, chunk };
      this.messages.shift();
    }
    const n = this.streams.length;
    for (let i = 0; i < n; i++) {
      const s = this.streams[(this.turn + i) % n] as StreamJob;
      if (!s.hasReady()) continue;
      this.turn = (this.turn + i + 1) % n;
      const chunk = s.take();
      if (chunk !== undefined) return { job: s, chunk };
    }
    return undefined;
  }
}
