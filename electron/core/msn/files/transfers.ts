/**
 * `client.files`: the registry of file transfers behind the `FileTransfers` surface (types.ts).
 * It picks a carrier per transfer (P2P or MSNFTP, carrier.ts), gives every transfer an id and a
 * state that only moves along legal transitions, throttles progress events, makes sure an
 * accepted sink is aborted exactly once when a transfer ends without completing, and keeps the
 * last few finished transfers for `list()`.
 *
 *   offered ─┐                         ┌→ completed
 *            ├→ connecting → transferring ┤
 *   waiting ─┘                         └→ cancelled | failed
 *   offered | waiting | connecting | transferring → declined (offered/waiting only) | cancelled | failed
 */
import { randomUUID } from 'node:crypto';
import { normalizeHandle } from '../../../../shared/msnp';
import type { Clock } from '../clock';
import { TypedEmitter } from '../emitter';
import { FileTransferError, type CarrierHost, type FileCarrier, type IncomingOffer, type TransferReporter } from './carrier';
import {
  FINAL_TRANSFER_STATES,
  type FileSink,
  type FileSource,
  type FileTransferEvents,
  type FileTransfers,
  type SendFileOptions,
  type TransferEndReason,
  type TransferId,
  type TransferInfo,
  type TransferProtocol,
  type TransferState,
} from './types';

export interface FileTransferRegistryOptions {
  readonly clock: Clock;
  /**
   * Which protocol reaches `peer` (MSNP-P2P.md §1.2: P2P when the session is MSNP9+ and the peer's
   * capabilities carry an MSNC nibble, MSNFTP otherwise). Throws a FileTransferError when signed out.
   */
  readonly route: (peer: string) => TransferProtocol;
  readonly newId?: () => string;
  /** Finished transfers kept for `list()`/`get()`. Default 20. */
  readonly keepFinished?: number;
  /** Incoming offers waiting for the user at once; more are declined by the carrier. Default 32. */
  readonly maxOffered?: number;
  /** Progress events at most this often per transfer (and only after ~1 % more). Default 100 ms. */
  readonly progressIntervalMs?: number;
}

/** Forward moves; a call further along passes through the states in between. */
const FORWARD: readonly TransferState[] = ['connecting', 'transferring', 'completed'];

interface Entry {
  info: TransferInfo;
  readonly carrier: FileCarrier;
  /** `updated` events are held back until an outgoing offer is out. */
  published: boolean;
  sink: GuardedSink | undefined;
  lastProgressAt: number;
  lastProgressBytes: number;
}

export class FileTransferRegistry implements FileTransfers {
  readonly events = new TypedEmitter<FileTransferEvents>();
  private readonly carriers = new Map<TransferProtocol, FileCarrier>();
  private readonly entries = new Map<TransferId, Entry>();
  private readonly finished: TransferId[] = [];
  private readonly newId: () => string;
  private readonly keepFinished: number;
  private readonly maxOffered: number;
  private readonly progressIntervalMs: number;

  constructor(private readonly options: FileTransferRegistryOptions) {
    this.newId = options.newId ?? randomUUID;
    this.keepFinished = options.keepFinished ?? 20;
    this.maxOffered = options.maxOffered ?? 32;
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
  }

  /** Make `carrier` the one for its protocol (the P2P carrier is built in; MSNFTP registers itself). */
  registerCarrier(carrier: FileCarrier): void {
    this.carriers.set(carrier.protocol, carrier);
    const host: CarrierHost = { offer: (o) => this.onOffer(carrier, o) };
    carrier.attach(host);
  }

  hasCarrier(protocol: TransferProtocol): boolean {
    return this.carriers.has(protocol);
  }

  async send(peer: string, source: FileSource, options: SendFileOptions = {}): Promise<TransferInfo> {
    const handle = normalizeHandle(peer.trim());
    if (handle === '') throw new FileTransferError('not-supported', 'no recipient');
    if (!Number.isSafeInteger(source.size) || source.size < 0) throw new FileTransferError('read-failed', `bad file size ${source.size}`);
    if (typeof source.name !== 'string' || source.name === '') throw new FileTransferError('read-failed', 'the file has no name');
    const protocol = this.options.route(handle);
    const carrier = this.carriers.get(protocol);
    if (carrier === undefined) {
      throw new FileTransferError('not-supported', `${handle} can only receive files over ${protocol.toUpperCase()}, which is not available yet`);
    }
    const info: TransferInfo = {
      id: this.newId(),
      direction: 'outgoing',
      protocol,
      peer: handle,
      ...(options.conversationId !== undefined ? { conversationId: options.conversationId } : {}),
      name: source.name,
      size: source.size,
      ...(source.preview !== undefined ? { preview: source.preview } : {}),
      state: 'waiting',
      bytes: 0,
    };
    const entry = this.add(carrier, info, false);
    try {
      await carrier.send(handle, source, options, this.reporter(entry));
    } catch (err) {
      // Nothing went out: forget it (the caller gets the error).
      this.entries.delete(info.id);
      throw err instanceof FileTransferError ? err : new FileTransferError('peer-gone', err instanceof Error ? err.message : String(err));
    }
    entry.published = true;
    this.events.emit('updated', entry.info);
    return entry.info;
  }

  async accept(id: TransferId, sink: FileSink): Promise<void> {
    const entry = this.entries.get(id);
    if (entry === undefined) throw new FileTransferError('unknown-transfer', `no transfer ${id}`);
    if (entry.info.state !== 'offered') throw new FileTransferError('bad-state', `transfer ${id} is ${entry.info.state}, not offered`);
    entry.sink = new GuardedSink(sink);
    this.move(entry, 'connecting');
    try {
      await entry.carrier.accept(id, entry.sink);
    } catch (err) {
      this.end(entry, 'failed', err instanceof FileTransferError && isEndReason(err.reason) ? err.reason : 'peer-gone', err instanceof Error ? err.message : String(err));
    }
  }

  decline(id: TransferId): void {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.info.state !== 'offered') return;
    this.end(entry, 'declined', 'declined', 'you declined');
    entry.carrier.decline(id);
  }

  cancel(id: TransferId): void {
    const entry = this.entries.get(id);
    if (entry === undefined || FINAL_TRANSFER_STATES.has(entry.info.state)) return;
    if (entry.info.state === 'offered') {
      // Cancelling an offer we never answered is declining it (MSNP-P2P.md §7.4).
      this.decline(id);
      return;
    }
    this.end(entry, 'cancelled', 'cancelled-by-me');
    entry.carrier.cancel(id);
  }

  get(id: TransferId): TransferInfo | undefined {
    return this.entries.get(id)?.info;
  }

  list(): readonly TransferInfo[] {
    const out: TransferInfo[] = [];
    for (const e of this.entries.values()) if (e.published) out.push(e.info);
    return out;
  }

  // ----- internals -----

  private add(carrier: FileCarrier, info: TransferInfo, published: boolean): Entry {
    const entry: Entry = { info, carrier, published, sink: undefined, lastProgressAt: this.options.clock.now(), lastProgressBytes: 0 };
    this.entries.set(info.id, entry);
    return entry;
  }

  private onOffer(carrier: FileCarrier, offer: IncomingOffer): TransferReporter | undefined {
    let waiting = 0;
    for (const e of this.entries.values()) if (e.info.state === 'offered') waiting++;
    if (waiting >= this.maxOffered) return undefined;
    const info: TransferInfo = {
      id: this.newId(),
      direction: 'incoming',
      protocol: carrier.protocol,
      peer: normalizeHandle(offer.peer),
      ...(offer.conversationId !== undefined ? { conversationId: offer.conversationId } : {}),
      name: offer.name,
      size: offer.size,
      ...(offer.preview !== undefined ? { preview: offer.preview } : {}),
      state: 'offered',
      bytes: 0,
    };
    const entry = this.add(carrier, info, true);
    // After the carrier has recorded the offer (a listener may accept it at once).
    queueMicrotask(() => {
      if (entry.info.state === 'offered') this.events.emit('offered', entry.info);
    });
    return this.reporter(entry);
  }

  private reporter(entry: Entry): TransferReporter {
    const id = entry.info.id;
    return {
      id,
      connecting: () => this.move(entry, 'connecting'),
      transferring: () => this.move(entry, 'transferring'),
      progress: (bytes) => this.progress(entry, bytes),
      completed: () => {
        if (!this.move(entry, 'completed')) return;
        this.emitProgress(entry);
      },
      declined: (detail) => {
        if (entry.info.state === 'waiting') this.end(entry, 'declined', 'declined', detail);
      },
      cancelledByPeer: (detail) => this.end(entry, 'cancelled', 'cancelled-by-peer', detail),
      failed: (reason, detail) => this.end(entry, 'failed', reason, detail),
      get isFinal() {
        return FINAL_TRANSFER_STATES.has(entry.info.state);
      },
    };
  }

  /** Forward along offered/waiting → connecting → transferring → completed; false if not legal. */
  private move(entry: Entry, to: 'connecting' | 'transferring' | 'completed'): boolean {
    const from = entry.info.state;
    if (FINAL_TRANSFER_STATES.has(from)) return false;
    const at = from === 'offered' || from === 'waiting' ? -1 : FORWARD.indexOf(from);
    const target = FORWARD.indexOf(to);
    if (target <= at) return false;
    for (let i = at + 1; i <= target; i++) this.set(entry, { state: FORWARD[i] as TransferState });
    if (to === 'completed') this.retire(entry);
    return true;
  }

  private end(entry: Entry, state: 'declined' | 'cancelled' | 'failed', reason: TransferEndReason, detail?: string): void {
    if (FINAL_TRANSFER_STATES.has(entry.info.state)) return;
    this.set(entry, { state, reason, ...(detail !== undefined ? { detail } : {}) });
    entry.sink?.abortOnce(reason);
    this.retire(entry);
  }

  private set(entry: Entry, patch: Partial<TransferInfo>): void {
    entry.info = { ...entry.info, ...patch };
    if (entry.published) this.events.emit('updated', entry.info);
  }

  private progress(entry: Entry, bytes: number): void {
    if (FINAL_TRANSFER_STATES.has(entry.info.state) || bytes <= entry.info.bytes) return;
    entry.info = { ...entry.info, bytes };
    const now = this.options.clock.now();
    const step = Math.max(1, Math.floor(entry.info.size / 100));
    if (now - entry.lastProgressAt < this.progressIntervalMs || bytes - entry.lastProgressBytes < step) return;
    this.emitProgress(entry);
  }

  private emitProgress(entry: Entry): void {
    entry.lastProgressAt = this.options.clock.now();
    entry.lastProgressBytes = entry.info.bytes;
    if (entry.published) this.events.emit('progress', { id: entry.info.id, bytes: entry.info.bytes, size: entry.info.size });
  }

  /** A final transfer stays listed until `keepFinished` newer ones have ended. */
  private retire(entry: Entry): void {
    this.finished.push(entry.info.id);
    while (this.finished.length > this.keepFinished) {
      const old = this.finished.shift();
      if (old !== undefined) this.entries.delete(old);
    }
  }
}

/**
 * The app's sink as a carrier sees it: `abort` is the registry's, called once when the transfer
 * ends without completing, after any write in progress has settled; writes after that reject.
 */
class GuardedSink implements FileSink {
  private pending: Promise<unknown> = Promise.resolve();
  private state: 'open' | 'aborted' = 'open';

  constructor(private readonly sink: FileSink) {}

  write(chunk: Uint8Array): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new FileTransferError('bad-state', 'the transfer has ended'));
    const p = this.sink.write(chunk);
    this.pending = p.catch(() => undefined);
    return p;
  }

  finish(): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new FileTransferError('bad-state', 'the transfer has ended'));
    const p = this.pending.then(() => this.sink.finish());
    this.pending = p.catch(() => undefined);
    return p;
  }

  /** Carriers do not abort: the registry does, when the transfer ends. */
  abort(): Promise<void> {
    return Promise.resolve();
  }

  abortOnce(reason: TransferEndReason): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    void this.pending
      .then(() => this.sink.abort(reason))
      .catch(() => undefined);
  }
}

const END_REASONS: ReadonlySet<string> = new Set<TransferEndReason>([
  'declined',
  'cancelled-by-me',
  'cancelled-by-peer',
  'peer-gone',
  'timeout',
  'size-mismatch',
  'too-large',
  'write-failed',
  'read-failed',
  'not-supported',
  'protocol-error',
]);

function isEndReason(r: string): r is TransferEndReason {
  return END_REASONS.has(r);
}
