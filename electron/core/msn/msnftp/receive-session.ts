/**
 * The file's receiver side of one MSNFTP TCP session (MSNP.md §6.10): we connect to the address
 * the sender gave in its ACCEPT and
 *
 *   R: VER MSNFTP  ← S: VER MSNFTP
 *   R: USR me AuthCookie  ← S: FIL size   (must be the size the INVITE announced)
 *   R: TFR  ← S: blocks (00 lenLo lenHi <bytes>), or 01 00 00 when the sender aborts
 *   R: BYE 16777989 once every byte is in the sink and the sink finished; the sender closes.
 *
 * Each socket read goes to the sink as one write; when the sink falls behind by more than 1 MiB the
 * socket is paused until it catches up (backpressure: a slow disk slows the sender, memory stays
 * bounded). More bytes than announced,
 * a different `FIL`, garbage, silence or a closed socket end the session with an outcome; the sink
 * itself is aborted by the registry, never here. `cancel()` sends `CCL`.
 */
import type { Socket } from 'node:net';
import { MsnftpByeCode, MsnftpReader, buildMsnftpLine, type MsnftpLine } from '../../../../shared/msnp/msnftp';
import { Timers, type Clock } from '../clock';
import type { FileSink, TransferEndReason } from '../files/types';
import type { SessionOutcome, SessionProgress, SessionTimeouts } from './outcome';

/** Bytes read from the socket and waiting for the sink, at most (then reading pauses). */
const MAX_QUEUED = 1024 * 1024;

export interface ReceiveSessionOptions {
  /** A socket connecting (or connected) to the sender. */
  readonly socket: Socket;
  /** My handle, for `USR`. */
  readonly me: string;
  readonly authCookie: number;
  /** The size the INVITE announced. */
  readonly size: number;
  readonly sink: FileSink;
  readonly clock: Clock;
  readonly timeouts: SessionTimeouts;
  readonly events: SessionProgress;
}

type Phase = 'connecting' | 'ver' | 'fil' | 'receiving' | 'finishing' | 'done';

export class ReceiveSession {
  readonly outcome: Promise<SessionOutcome>;
  private resolveOutcome!: (o: SessionOutcome) => void;
  private phase: Phase = 'connecting';
  private readonly reader = new MsnftpReader({ from: 'sender' });
  private readonly timers: Timers;
  private timer: ReturnType<Timers['set']> | undefined;
  private received = 0;
  /** Sink writes in flight, in order. */
  private writing: Promise<void> = Promise.resolve();
  /** Bytes handed to `writing` and not yet taken by the sink. */
  private queued = 0;
  private paused = false;

  constructor(private readonly o: ReceiveSessionOptions) {
    this.timers = new Timers(o.clock);
    this.outcome = new Promise((resolve) => (this.resolveOutcome = resolve));
    const s = o.socket;
    s.setNoDelay(true);
    s.on('connect', () => {
      if (this.phase !== 'connecting') return;
      this.phase = 'ver';
      s.write(buildMsnftpLine({ verb: 'VER', protocols: ['MSNFTP'] }));
    });
    s.on('data', (chunk: Buffer) => this.onData(chunk));
    s.on('error', () => undefined); // 'close' follows
    s.on('close', () => {
      if (this.phase === 'done' || this.phase === 'finishing') return;
      const detail =
        this.phase === 'connecting'
          ? "could not connect to the sender's address"
          : this.phase === 'receiving'
            ? `the connection closed after ${this.received} of ${o.size} bytes`
            : 'the connection closed during the handshake';
      this.end({ kind: 'failed', reason: 'peer-gone', detail, tellPeer: this.phase === 'connecting' });
    });
    this.arm(o.timeouts.handshakeMs, 'the sender did not complete the MSNFTP handshake in time');
  }

  /** The user cancelled: `CCL` (§6.10), then close. */
  cancel(): void {
    if (this.isDone()) return;
    const connected = this.phase !== 'connecting';
    this.finish();
    if (connected) this.o.socket.end(buildMsnftpLine({ verb: 'CCL' }));
    else this.o.socket.destroy();
    this.destroyLater();
  }

  private onData(chunk: Buffer): void {
    if (this.isDone()) return;
    let data: Uint8Array[] | undefined;
    for (const item of this.reader.push(chunk)) {
      if (item.kind === 'error') return this.fail('protocol-error', `the sender sent ${item.message}`);
      if (item.kind === 'abort') {
        if (this.received === this.o.size) break; // some senders mark the end with it; we are done anyway
        this.end({ kind: 'cancelled-by-peer', detail: 'the sender cancelled' });
        this.o.socket.destroy();
        return;
      }
      if (item.kind === 'line') {
        this.onLine(item.line);
        if (this.isDone()) return;
        continue;
      }
      if (this.phase === 'finishing' && item.bytes.length > 0) return this.fail('size-mismatch', `the sender sent more than the ${this.o.size} bytes announced`);
      if (this.phase !== 'receiving') return this.fail('protocol-error', 'the sender sent data before TFR');
      if (this.received + item.bytes.length > this.o.size) {
        return this.fail('size-mismatch', `the sender sent more than the ${this.o.size} bytes announced`);
      }
      this.received += item.bytes.length;
      (data ??= []).push(item.bytes);
    }
    if (data !== undefined) this.deliver(data);
  }

  private onLine(line: MsnftpLine): void {
    if (line.verb === 'BYE' || line.verb === 'CCL') {
      // A sender that gives up before the data.
      this.end({ kind: 'cancelled-by-peer', detail: 'the sender cancelled' });
      this.o.socket.destroy();
      return;
    }
    switch (this.phase) {
      case 'ver':
        if (line.verb !== 'VER' || !line.protocols.includes('MSNFTP')) return this.fail('protocol-error', `expected VER MSNFTP, got ${line.verb}`);
        this.o.socket.write(buildMsnftpLine({ verb: 'USR', handle: this.o.me, cookie: this.o.authCookie }));
        this.phase = 'fil';
        return;
      case 'fil':
        if (line.verb !== 'FIL') return this.fail('protocol-error', `expected FIL, got ${line.verb}`);
        if (line.size !== this.o.size) return this.fail('size-mismatch', `the invitation announced ${this.o.size} bytes, the session ${line.size}`);
        this.o.socket.write(buildMsnftpLine({ verb: 'TFR' }));
        this.phase = 'receiving';
        this.o.events.transferring();
        this.arm(this.o.timeouts.idleMs, 'the sender stopped sending');
        if (this.o.size === 0) this.complete();
        return;
      default:
        return this.fail('protocol-error', `unexpected ${line.verb} during the transfer`);
    }
  }

  /**
   * One sink write per socket read, in order. Reading goes on while less than `MAX_QUEUED` bytes
   * wait for the sink; above that the socket is paused until the sink catches up (backpressure
   * without a pause/resume round trip per read when the sink keeps up).
   */
  private deliver(pieces: Uint8Array[]): void {
    const bytes = pieces.length === 1 ? (pieces[0] as Uint8Array) : joinInPlace(pieces);
    const total = this.received;
    this.queued += bytes.length;
    if (this.queued > MAX_QUEUED && !this.paused) {
      this.paused = true;
      this.o.socket.pause();
    }
    this.writing = this.writing.then(async () => {
      if (this.isDone()) return;
      try {
        await this.o.sink.write(bytes);
      } catch (err) {
        this.fail('write-failed', err instanceof Error ? err.message : String(err), MsnftpByeCode.DISK_FULL);
        return;
      }
      this.queued -= bytes.length;
      if (this.isDone()) return;
      this.o.events.progress(total);
      this.arm(this.o.timeouts.idleMs, 'the sender stopped sending');
      if (total === this.o.size) this.complete();
      else if (this.paused && this.queued <= MAX_QUEUED / 2) {
        this.paused = false;
        this.o.socket.resume();
      }
    });
  }

  /** Every byte is in: finish the sink, then `BYE 16777989` (the sender closes). */
  private complete(): void {
    if (this.phase !== 'receiving') return;
    this.phase = 'finishing';
    this.timers.clearAll();
    this.writing = this.writing.then(async () => {
      try {
        await this.o.sink.finish();
      } catch (err) {
        this.fail('write-failed', err instanceof Error ? err.message : String(err), MsnftpByeCode.DISK_FULL);
        return;
      }
      this.end({ kind: 'completed' });
      this.o.socket.end(buildMsnftpLine({ verb: 'BYE', code: MsnftpByeCode.OK }));
      this.destroyLater();
    });
  }

  private fail(reason: TransferEndReason, detail: string, byeCode?: number): void {
    if (this.isDone()) return;
    const connected = this.phase !== 'connecting';
    this.end({ kind: 'failed', reason, detail, tellPeer: true });
    if (byeCode !== undefined && connected) {
      this.o.socket.end(buildMsnftpLine({ verb: 'BYE', code: byeCode }));
      this.destroyLater();
    } else {
      this.o.socket.destroy();
    }
  }

  private arm(ms: number, why: string): void {
    this.timers.clear(this.timer);
    this.timer = this.timers.set(() => this.fail('timeout', why, MsnftpByeCode.TIMEOUT), ms);
  }

  /** Read through a method: TypeScript would narrow the field across the awaits and callbacks. */
  private isDone(): boolean {
    return this.phase === 'done';
  }

  private end(outcome: SessionOutcome): void {
    if (this.isDone()) return;
    this.finish();
    this.resolveOutcome(outcome);
  }

  private finish(): void {
    this.phase = 'done';
    this.timers.clearAll();
  }

  private destroyLater(): void {
    const s = this.o.socket;
    s.resume(); // a paused socket would never see the sender's FIN
    const t = setTimeout(() => s.destroy(), 2000);
    t.unref();
    s.once('close', () => clearTimeout(t));
  }
}

/**
 * The data of one read, made contiguous without allocating: the pieces are views of one chunk in
 * order, separated by 3-byte block headers, so each is moved left over the headers before it
 * (`copyWithin` inside the span the pieces and headers occupy, bytes we own). Saves a 64 KiB copy
 * and its garbage per read. Pieces of different buffers (never, from one push) are copied.
 */
function joinInPlace(pieces: readonly Uint8Array[]): Uint8Array {
  const first = pieces[0] as Uint8Array;
  const span = new Uint8Array(first.buffer, first.byteOffset, (pieces[pieces.length - 1] as Uint8Array).byteOffset + (pieces[pieces.length - 1] as Uint8Array).length - first.byteOffset);
  let at = first.length;
  for (let k = 1; k < pieces.length; k++) {
    const p = pieces[k] as Uint8Array;
    const from = p.byteOffset - first.byteOffset;
    if (p.buffer !== first.buffer || from < at) return concat(pieces);
    span.copyWithin(at, from, from + p.length);
    at += p.length;
  }
  return span.subarray(0, at);
}

function concat(pieces: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of pieces) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of pieces) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
