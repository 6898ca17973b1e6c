/**
 * What carries a file's bytes (P2P over the switchboard, MSNFTP over its own TCP session) behind
 * `client.files` (transfers.ts). A carrier speaks its protocol; the registry owns ids, states,
 * progress throttling and the sink's clean-up, so every carrier behaves the same towards the app.
 *
 * A carrier reports through a `TransferReporter` the registry hands it (one per transfer): it
 * never sets states directly, and a report that is not a legal transition (e.g. anything after a
 * final state) is ignored, so a carrier need not guard against races with `cancel`.
 */
import type { FileSink, FileSource, SendFileOptions, TransferEndReason, TransferId, TransferProtocol } from './types';

/** An incoming offer as a carrier decoded it (the registry adds id, state and direction). */
export interface IncomingOffer {
  /** The sender's handle (lower-cased). */
  readonly peer: string;
  /** As announced: untrusted, passed through untouched. */
  readonly name: string;
  /** As announced: untrusted. */
  readonly size: number;
  readonly preview?: Uint8Array;
  readonly conversationId?: string;
}

/** How a carrier reports one transfer's life. Calls that are not legal transitions are ignored. */
export interface TransferReporter {
  readonly id: TransferId;
  /** Accepted; the data path is being set up (or waiting for its turn). */
  connecting(): void;
  /** Bytes move from now on. */
  transferring(): void;
  /** Bytes sent (accepted by the next hop) or received (written to the sink) so far. */
  progress(bytes: number): void;
  /** Every byte arrived (incoming: after `sink.finish()` resolved) or was confirmed (outgoing). */
  completed(): void;
  /** The peer declined the offer (outgoing). */
  declined(detail?: string): void;
  /** The peer cancelled (either direction). */
  cancelledByPeer(detail?: string): void;
  /** Anything else that ended the transfer. */
  failed(reason: TransferEndReason, detail?: string): void;
  /** Whether the transfer has ended (carriers stop their work when it has). */
  readonly isFinal: boolean;
}

/** What the registry offers a carrier. */
export interface CarrierHost {
  /**
   * An incoming offer arrived. Returns the reporter of the new `offered` transfer, or undefined
   * when the registry refuses it (too many offers waiting for the user): the carrier declines it.
   */
  offer(offer: IncomingOffer): TransferReporter | undefined;
}

export interface FileCarrier {
  readonly protocol: TransferProtocol;
  /** Called once when the carrier is registered; incoming offers go to `host.offer`. */
  attach(host: CarrierHost): void;
  /**
   * Send the offer to `peer`. Resolves once it is out (the registry then shows `waiting`); rejects
   * (preferably with a `FileTransferError`) when nothing could be sent. Later outcomes go to `reporter`.
   */
  send(peer: string, source: FileSource, options: SendFileOptions, reporter: TransferReporter): Promise<void>;
  /** The user accepted an `offered` transfer (the registry already shows `connecting`). */
  accept(id: TransferId, sink: FileSink): Promise<void>;
  /** The user declined an `offered` transfer: tell the peer. */
  decline(id: TransferId): void;
  /** The user cancelled (any non-final state, either direction): tell the peer, stop. */
  cancel(id: TransferId): void;
}

/** Why `send` or `accept` could not even start; `reason` as in `TransferInfo`. */
export class FileTransferError extends Error {
  override readonly name = 'FileTransferError';
  constructor(
    readonly reason: TransferEndReason | 'not-signed-in' | 'unknown-transfer' | 'bad-state',
    message: string,
  ) {
    super(message);
  }
}
