/**
 * The file's sender side of one MSNFTP TCP session (MSNP.md §6.10), on the socket the receiver
 * connected to us with:
 *
 *   R: VER MSNFTP          → S: VER MSNFTP
 *   R: USR handle cookie   → S: FIL size        (handle and AuthCookie must be the invited ones)
 *   R: TFR                 → S: blocks of 2045 bytes, each with its 3-byte header
 *   R: BYE 16777989        → done; we close
 *
 * The source is read as the socket drains (backpressure: at most 1 MiB waits in the socket's
 * buffer before the next chunk is read), so a file is never held whole. `CCL` from the receiver, a `BYE` with
 * an error code, a wrong cookie, garbage, silence or a closed socket end the session with an
 * outcome; `cancel()` sends the abort block `01 00 00` when data is flowing.
 */
import type { Socket } from 'node:net';
import { MsnftpByeCode, MsnftpReader, abortBlock, buildMsnftpLine, encodeBlocks, type MsnftpLine } from '../../../../shared/msnp/msnftp';
import { normalizeHandle } from '../../../../shared/msnp';
import { Timers, type Clock } from '../clock';
import type { FileSource } from '../files/types';
import type { SessionOutcome, SessionProgress, SessionTimeouts } from './outcome';

export interface SendSessionOptions {
  readonly socket: Socket;
  /** The invited receiver's handle (lower-cased): `USR` must name it. */
  readonly peer: string;
  readonly authCookie: number;
  readonly source: FileSource;
  readonly clock: Clock;
  readonly timeouts: SessionTimeouts;
  readonly events: SessionProgress;
}

/** Bytes the session lets wait in the socket's buffer before it reads more of the file. */
const SEND_BUFFER = 1024 * 1024;

type Phase = 'ver' | 'usr' | 'tfr' | 'sending' | 'bye' | 'done';

export class SendSession {
  readonly outcome: Promise<SessionOutcome>;
  private resolveOutcome!: (o: SessionOutcome) => void;
  private phase: Phase = 'ver';
  private readonly reader = new MsnftpReader({ from: 'receiver' });
  private readonly timers: Timers;
  private timer: ReturnType<Timers['set']> | undefined;
  private sent = 0;
  private drainWaiter: (() => void) | undefined;

  constructor(private readonly o: SendSessionOptions) {
    this.timers = new Timers(o.clock);
    this.outcome = new Promise((resolve) => (this.resolveOutcome = resolve));
    const s = o.socket;
    s.setNoDelay(true);
    s.on('data', (chunk: Buffer) => this.onData(chunk));
    s.on('drain', () => this.wakeDrain());
    s.on('error', () => undefined); // 'close' follows and ends the session
    s.on('close', () => {
      this.wakeDrain();
      if (this.isDone()) return;
      const detail = this.phase === 'sending' || this.phase === 'bye' ? `the connection closed after ${this.sent} of ${o.source.size} bytes` : 'the connection closed during the handshake';
      this.end({ kind: 'failed', reason: 'peer-gone', detail, tellPeer: false });
    });
    this.arm(o.timeouts.handshakeMs, 'the receiver did not complete the MSNFTP handshake in time');
  }

  /** The user cancelled: abort the data (`01 00 00`) or just close before it flows. */
  cancel(): void {
    if (this.isDone()) return;
    const flowing = this.phase === 'sending' || this.phase === 'bye';
    this.finish();
    if (flowing) this.o.socket.end(abortBlock());
    else this.o.socket.destroy();
    // A receiver that never closes its end is not waited for.
    this.destroyLater();
  }

  private onData(chunk: Buffer): void {
    for (const item of this.reader.push(chunk)) {
      if (this.isDone()) return;
      if (item.kind === 'error') {
        this.fail('protocol-error', `the receiver sent ${item.message}`);
        return;
      }
      if (item.kind === 'line') this.onLine(item.line);
      // The receiver sends lines only; the reader never yields data for it.
    }
  }

  private onLine(line: MsnftpLine): void {
    if (line.verb === 'CCL') {
      this.end({ kind: 'cancelled-by-peer', detail: 'the receiver cancelled' });
      this.o.socket.destroy();
      return;
    }
    if (line.verb === 'BYE') {
      this.onBye(line.code);
      return;
    }
    switch (this.phase) {
      case 'ver':
        if (line.verb !== 'VER' || !line.protocols.includes('MSNFTP')) return this.fail('protocol-error', `expected VER MSNFTP, got ${line.verb}`);
        this.write(buildMsnftpLine({ verb: 'VER', protocols: ['MSNFTP'] }));
        this.phase = 'usr';
        return;
      case 'usr':
        if (line.verb !== 'USR') return this.fail('protocol-error', `expected USR, got ${line.verb}`);
        // The AuthCookie we announced in ACCEPT, from the handle we invited: anyone else is refused.
        if (line.cookie !== this.o.authCookie || normalizeHandle(line.handle) !== this.o.peer) {
          return this.fail('protocol-error', 'the connection presented a wrong auth cookie or handle (refused)');
        }
        this.write(buildMsnftpLine({ verb: 'FIL', size: this.o.source.size }));
        this.phase = 'tfr';
        return;
      case 'tfr':
        if (line.verb !== 'TFR') return this.fail('protocol-error', `expected TFR, got ${line.verb}`);
        this.phase = 'sending';
        this.o.events.transferring();
        this.pump().catch((err: unknown) => this.fail('read-failed', `reading the file failed: ${err instanceof Error ? err.message : String(err)}`, true));
        return;
      default:
        return this.fail('protocol-error', `unexpected ${line.verb} during the transfer`);
    }
  }

  private onBye(code: number): void {
    // Every byte was written (the pump may still be waiting for the socket to drain): done.
    const allWritten = this.phase === 'bye' || (this.phase === 'sending' && this.sent === this.o.source.size);
    if (allWritten && code === MsnftpByeCode.OK) {
      this.end({ kind: 'completed' });
      this.o.socket.end();
      this.destroyLater();
      return;
    }
    this.o.socket.destroy();
    if (code === MsnftpByeCode.OK) return this.end({ kind: 'failed', reason: 'protocol-error', detail: `the receiver said BYE after ${this.sent} of ${this.o.source.size} bytes`, tellPeer: true });
    if (code === MsnftpByeCode.DISK_FULL) return this.end({ kind: 'failed', reason: 'peer-gone', detail: "the receiver's disk is full", tellPeer: false });
    if (code === MsnftpByeCode.TIMEOUT) return this.end({ kind: 'failed', reason: 'timeout', detail: 'the receiver timed out', tellPeer: false });
    this.end({ kind: 'cancelled-by-peer', detail: code === MsnftpByeCode.CANCELLED ? 'the receiver cancelled' : `the receiver ended the transfer (BYE ${code})` });
  }

  /** Read the source as the socket drains; every chunk goes out as 2045-byte blocks. */
  private async pump(): Promise<void> {
    const size = this.o.source.size;
    this.arm(this.o.timeouts.idleMs, 'the receiver stopped reading');
    if (size > 0) {
      for await (const chunk of this.o.source.open(0)) {
        if (this.phase !== 'sending') return;
        if (chunk.length === 0) continue;
        if (this.sent + chunk.length > size) {
          this.fail('read-failed', `the file is larger than the ${size} bytes announced`, true);
          return;
        }
        this.o.socket.write(encodeBlocks(chunk));
        this.sent += chunk.length;
        this.o.events.progress(this.sent);
        this.arm(this.o.timeouts.idleMs, 'the receiver stopped reading');
        // Up to SEND_BUFFER may wait in Node's buffer (a drain per 64 KiB read costs an event-loop
        // round trip each); above it, wait for the socket ('drain' follows: the last write
        // returned false, being far over the 16 KiB high-water mark).
        if (this.o.socket.writableLength > SEND_BUFFER) await this.drained();
        if (this.sent === size) break;
      }
    }
    if (this.phase !== 'sending') return;
    if (this.sent !== size) {
      this.fail('read-failed', `the file ended after ${this.sent} of the ${size} bytes announced`, true);
      return;
    }
    this.phase = 'bye';
    this.arm(this.o.timeouts.idleMs, 'the receiver did not confirm the end (BYE)');
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.drainWaiter = resolve;
    });
  }

  private wakeDrain(): void {
    const w = this.drainWaiter;
    this.drainWaiter = undefined;
    w?.();
  }

  private write(bytes: Uint8Array): void {
    this.o.socket.write(bytes);
  }

  private fail(reason: 'protocol-error' | 'read-failed' | 'timeout', detail: string, abortData = false): void {
    if (this.isDone()) return;
    const flowing = this.phase === 'sending' || this.phase === 'bye';
    this.end({ kind: 'failed', reason, detail, tellPeer: true });
    if (abortData && flowing) {
      this.o.socket.end(abortBlock());
      this.destroyLater();
    } else {
      this.o.socket.destroy();
    }
  }

  private arm(ms: number, why: string): void {
    this.timers.clear(this.timer);
    this.timer = this.timers.set(() => this.fail('timeout', why, true), ms);
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
    this.wakeDrain();
  }

  private destroyLater(): void {
    const s = this.o.socket;
    const t = setTimeout(() => s.destroy(), 2000);
    t.unref();
    s.once('close', () => clearTimeout(t));
  }
}
