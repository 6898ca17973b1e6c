/** How one MSNFTP TCP session ended, as the carrier reports it to the transfer registry. */
import type { TransferEndReason } from '../files/types';

export type SessionOutcome =
  | { readonly kind: 'completed' }
  | { readonly kind: 'cancelled-by-peer'; readonly detail: string }
  | {
      readonly kind: 'failed';
      readonly reason: TransferEndReason;
      readonly detail: string;
      /** Whether the peer may not know yet (we closed the session): tell it with `CANCEL FTTIMEOUT`. */
      readonly tellPeer: boolean;
    };

/** What a session reports while it runs. */
export interface SessionProgress {
  /** The data phase began (`TFR` sent or received). */
  transferring(): void;
  /** Bytes written to the socket (sender) or to the sink (receiver) so far. */
  progress(bytes: number): void;
}

export interface SessionTimeouts {
  /** From the TCP connection to `TFR`: the handshake must be done by then. */
  readonly handshakeMs: number;
  /** No byte moving for this long in the data phase, or no `BYE` after the last block. */
  readonly idleMs: number;
}
