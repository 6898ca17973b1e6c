/**
 * A scripted `FileTransfers` for tests of the app's side (commands, session transfers): it keeps
 * transfers as the real facade does and lets a test play the peer (offer, accept, decline, cancel,
 * deliver bytes into the sink the app gave it). Not used outside tests.
 */
import { TypedEmitter } from '../msn/emitter';
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
  type TransferState,
} from '../msn/files/types';

export class FakeFileTransfers implements FileTransfers {
  readonly events = new TypedEmitter<FileTransferEvents>();
  readonly transfers = new Map<TransferId, TransferInfo>();
  readonly sinks = new Map<TransferId, FileSink>();
  readonly sources = new Map<TransferId, FileSource>();
  readonly calls: string[] = [];
  private next = 1;

  async send(peer: string, source: FileSource, options?: SendFileOptions): Promise<TransferInfo> {
    const t: TransferInfo = {
      id: `t${this.next++}`,
      direction: 'outgoing',
      protocol: 'p2p',
      peer,
      ...(options?.conversationId ? { conversationId: options.conversationId } : {}),
      name: source.name,
      size: source.size,
      state: 'waiting',
      bytes: 0,
    };
    this.transfers.set(t.id, t);
    this.sources.set(t.id, source);
    this.calls.push(`send(${peer},${source.name},${source.size})`);
    return t;
  }

  /** The peer offers a file. */
  offer(peer: string, name: string, size: number, extra: Partial<TransferInfo> = {}): TransferInfo {
    const t: TransferInfo = { id: `t${this.next++}`, direction: 'incoming', protocol: 'p2p', peer, name, size, state: 'offered', bytes: 0, ...extra };
    this.transfers.set(t.id, t);
    this.events.emit('offered', t);
    return t;
  }

  async accept(id: TransferId, sink: FileSink): Promise<void> {
    this.calls.push(`accept(${id})`);
    this.sinks.set(id, sink);
    this.set(id, { state: 'connecting' });
  }

  decline(id: TransferId): void {
    this.calls.push(`decline(${id})`);
    this.set(id, { state: 'declined', reason: 'declined' });
  }

  cancel(id: TransferId): void {
    this.calls.push(`cancel(${id})`);
    const t = this.transfers.get(id);
    if (!t || FINAL_TRANSFER_STATES.has(t.state)) return;
    void this.sinks.get(id)?.abort('cancelled-by-me');
    this.set(id, { state: 'cancelled', reason: 'cancelled-by-me' });
  }

  get(id: TransferId): TransferInfo | undefined {
    return this.transfers.get(id);
  }

  list(): readonly TransferInfo[] {
    return [...this.transfers.values()];
  }

  /** Delivers `bytes` of an accepted incoming transfer into its sink, then finishes it. */
  async deliver(id: TransferId, chunks: readonly Uint8Array[]): Promise<void> {
    const sink = this.sinks.get(id);
    if (!sink) throw new Error(`no sink for ${id}`);
    this.set(id, { state: 'transferring' });
    let bytes = 0;
    try {
      for (const c of chunks) {
        await sink.write(c);
        bytes += c.byteLength;
        this.set(id, { bytes }, false);
        this.events.emit('progress', { id, bytes, size: this.transfers.get(id)?.size ?? 0 });
      }
      await sink.finish();
    } catch (e) {
      await sink.abort('write-failed');
      this.set(id, { state: 'failed', reason: 'write-failed', detail: (e as Error).message });
      return;
    }
    this.set(id, { state: 'completed', bytes });
  }

  /** The peer (or the network) ends a transfer. */
  end(id: TransferId, state: Extract<TransferState, 'declined' | 'cancelled' | 'failed' | 'completed'>, reason?: TransferEndReason): void {
    if (state !== 'completed') void this.sinks.get(id)?.abort(reason ?? 'peer-gone');
    this.set(id, { state, ...(reason ? { reason } : {}) });
  }

  set(id: TransferId, patch: Partial<TransferInfo>, emit = true): void {
    const t = this.transfers.get(id);
    if (!t) throw new Error(`no transfer ${id}`);
    const next = { ...t, ...patch };
    this.transfers.set(id, next);
    if (emit) this.events.emit('updated', next);
  }
}
