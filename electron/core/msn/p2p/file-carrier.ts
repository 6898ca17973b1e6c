/**
 * The P2P carrier of `client.files` (files/carrier.ts): transfers as P2P file sessions over the
 * switchboard (MSNP-P2P.md §7, file-sessions.ts), for MSNP9+ peers with an MSNC nibble.
 */
import { FileTransferError, type CarrierHost, type FileCarrier, type TransferReporter } from '../files/carrier';
import type { FileSink, FileSource, SendFileOptions, TransferId } from '../files/types';
import { P2pError } from './errors';
import type { FileOffer, FileSessionEvents } from './file-sessions';
import type { P2pManager } from './manager';

interface Link {
  readonly peer: string;
  readonly callId: string;
}

export class P2pFileCarrier implements FileCarrier {
  readonly protocol = 'p2p' as const;
  private host: CarrierHost | undefined;
  private readonly sessions = new Map<TransferId, Link>();

  constructor(private readonly manager: () => P2pManager) {}

  attach(host: CarrierHost): void {
    this.host = host;
  }

  /** The manager's `onFileOffer`. */
  onOffer(offer: FileOffer): FileSessionEvents | undefined {
    const reporter = this.host?.offer({
      peer: offer.peer,
      name: offer.name,
      size: offer.size,
      ...(offer.preview !== undefined ? { preview: offer.preview } : {}),
    });
    if (reporter === undefined) return undefined;
    this.sessions.set(reporter.id, { peer: offer.peer, callId: offer.callId });
    return this.events(reporter);
  }

  async send(peer: string, source: FileSource, _options: SendFileOptions, reporter: TransferReporter): Promise<void> {
    try {
      const callId = await this.manager().sendFile(peer, source, this.events(reporter));
      if (!reporter.isFinal) this.sessions.set(reporter.id, { peer, callId });
    } catch (err) {
      if (err instanceof P2pError) throw new FileTransferError(err.code === 'busy' ? 'not-supported' : 'peer-gone', err.message);
      throw err;
    }
  }

  accept(id: TransferId, sink: FileSink): Promise<void> {
    const s = this.sessions.get(id);
    if (s === undefined) return Promise.reject(new FileTransferError('unknown-transfer', `no P2P session for ${id}`));
    try {
      this.manager().acceptFile(s.peer, s.callId, sink);
    } catch (err) {
      return Promise.reject(new FileTransferError('peer-gone', err instanceof Error ? err.message : String(err)));
    }
    return Promise.resolve();
  }

  decline(id: TransferId): void {
    const s = this.sessions.get(id);
    this.sessions.delete(id);
    if (s !== undefined) this.manager().declineFile(s.peer, s.callId);
  }

  cancel(id: TransferId): void {
    const s = this.sessions.get(id);
    this.sessions.delete(id);
    if (s !== undefined) this.manager().cancelFile(s.peer, s.callId);
  }

  private events(reporter: TransferReporter): FileSessionEvents {
    const done = (): void => {
      this.sessions.delete(reporter.id);
    };
    return {
      accepted: () => reporter.transferring(),
      progress: (bytes) => reporter.progress(bytes),
      completed: () => {
        done();
        reporter.completed();
      },
      ended: (reason, detail) => {
        done();
        if (reason === 'declined') reporter.declined(detail);
        else if (reason === 'cancelled-by-peer') reporter.cancelledByPeer(detail);
        else if (reason !== 'cancelled-by-me') reporter.failed(reason, detail);
      },
    };
  }
}
