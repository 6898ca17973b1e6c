/**
 * File transfer: the one surface the app sees (`client.files`), whatever carries the bytes:
 * - P2P file sessions over the switchboard (MSNP9+ with the P2P capability; MSNP-P2P.md, the
 *   574-byte file context), relayed by the server, so it works behind every NAT;
 * - MSNFTP (MSNP2–8, or a peer whose capabilities lack P2P; MSNP.md §6.10): a
 *   `text/x-msmsgsinvite` invitation in the conversation, then a direct TCP session.
 *
 * The core never opens files itself: the app hands it a `FileSource` to send and a `FileSink` to
 * receive into, so where files live (download folder, safe names, partial files, "ask where to
 * save") is the app's concern, and both sides stream with backpressure (a file is never held in
 * memory whole).
 */
import type { TypedEmitter } from '../emitter';

/** Opaque, unique within a client. */
export type TransferId = string;

export type TransferDirection = 'incoming' | 'outgoing';

/** What carries the bytes. */
export type TransferProtocol = 'p2p' | 'msnftp';

/**
 * - `offered`: incoming, waiting for the user to accept or decline;
 * - `waiting`: outgoing, the invitation is out, waiting for the peer to accept;
 * - `connecting`: accepted, the data path is being set up (MSNFTP connect, P2P data preparation);
 * - `transferring`: bytes are moving (see `bytes`);
 * - the rest are final.
 */
export type TransferState = 'offered' | 'waiting' | 'connecting' | 'transferring' | 'completed' | 'declined' | 'cancelled' | 'failed';

export const FINAL_TRANSFER_STATES: ReadonlySet<TransferState> = new Set(['completed', 'declined', 'cancelled', 'failed']);

/** Why a transfer ended other than `completed`. */
export type TransferEndReason =
  | 'declined' // the receiver said no
  | 'cancelled-by-me'
  | 'cancelled-by-peer'
  | 'peer-gone' // the peer went offline, the switchboard or the TCP session closed mid-way
  | 'timeout' // no answer, or no progress, for too long
  | 'size-mismatch' // more or fewer bytes than announced
  | 'too-large' // above the limit the receiver accepts
  | 'write-failed' // the sink refused (full disk, permissions): `detail` says what
  | 'read-failed' // the source could not be read
  | 'not-supported' // the peer cannot receive files (no P2P and no MSNFTP path)
  | 'protocol-error'; // the peer broke the protocol: `detail` says how

export interface TransferInfo {
  readonly id: TransferId;
  readonly direction: TransferDirection;
  readonly protocol: TransferProtocol;
  /** The other person's handle (lower-cased). */
  readonly peer: string;
  /** The conversation the offer was made in, when there is one (MSNFTP always; P2P when known). */
  readonly conversationId?: string;
  /**
   * The file name exactly as announced by the sender (untrusted for incoming: may contain paths,
   * `..`, control characters; the app reduces it to a safe base name before touching the disk).
   */
  readonly name: string;
  /** Announced size in bytes (untrusted for incoming). */
  readonly size: number;
  /** A preview image the sender attached (P2P context), PNG/JPEG bytes as given, untrusted. */
  readonly preview?: Uint8Array;
  readonly state: TransferState;
  /** Bytes sent or received so far. */
  readonly bytes: number;
  /** Set when `state` is `declined`, `cancelled` or `failed`. */
  readonly reason?: TransferEndReason;
  /** Human-readable detail for `reason` (never contains file contents or passwords). */
  readonly detail?: string;
}

/** Something to send: the app opens the file; the core reads it as it goes. */
export interface FileSource {
  readonly name: string;
  readonly size: number;
  /** Optional preview (P2P context only), at most a few KB. */
  readonly preview?: Uint8Array;
  /** Reads the bytes from `offset` (0 unless resuming) to the end, in chunks of any size. */
  open(offset?: number): AsyncIterable<Uint8Array>;
}

/** Where an accepted incoming file goes. */
export interface FileSink {
  /** Resolves when the chunk may be followed by the next one (backpressure); rejects = write-failed. */
  write(chunk: Uint8Array): Promise<void>;
  /** All announced bytes arrived: make the file final (rename the partial file). */
  finish(): Promise<void>;
  /** The transfer did not complete: remove what was written. Must not throw. */
  abort(reason: TransferEndReason): Promise<void>;
}

export interface FileTransferEvents {
  /** An incoming offer (state `offered`): the app shows it and later calls accept or decline. */
  offered: TransferInfo;
  /** Any state change, including the final one. */
  updated: TransferInfo;
  /** Bytes moved; emitted at most every ~100 ms and ~1 % per transfer, plus once at the end. */
  progress: { readonly id: TransferId; readonly bytes: number; readonly size: number };
}

export interface SendFileOptions {
  /** The conversation the user sent from (it carries MSNFTP invitations; P2P may use its switchboard). */
  readonly conversationId?: string;
}

export interface FileTransfers {
  readonly events: TypedEmitter<FileTransferEvents>;
  /**
   * Offer a file to one contact. Picks P2P when the session's dialect is MSNP9+ and the peer's
   * capabilities include P2P, MSNFTP otherwise. Resolves once the offer is out (state `waiting`);
   * the outcome arrives as `updated` events. Rejects (nothing sent) when not signed in or the peer
   * cannot be reached at all.
   */
  send(peer: string, source: FileSource, options?: SendFileOptions): Promise<TransferInfo>;
  /** Accept an `offered` transfer; the bytes go to `sink`. */
  accept(id: TransferId, sink: FileSink): Promise<void>;
  /** Decline an `offered` transfer (the peer is told). */
  decline(id: TransferId): void;
  /** Cancel at any point before the end, from either side (the peer is told). */
  cancel(id: TransferId): void;
  get(id: TransferId): TransferInfo | undefined;
  /** Transfers not yet final, and the last few final ones. */
  list(): readonly TransferInfo[];
}
