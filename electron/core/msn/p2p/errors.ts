/**
 * Why a P2P transfer ended without its data. One error type with a code, so callers (the picture
 * API, later file transfer) can tell "the peer said no" from "the peer went away" from "the bytes
 * were wrong".
 */
export type P2pErrorCode =
  /** The peer answered `603 Decline` (or another non-200 status). */
  | 'declined'
  /** No answer or no progress within the timeout (MSNP-P2P.md §4.6, §12). */
  | 'timeout'
  /** The peer left every switchboard we share, or cancelled (BYE, abort flags) mid-transfer. */
  | 'disconnected'
  /** No switchboard with the peer could be opened (offline, hidden, not allowing us). */
  | 'unreachable'
  /** Data that is not what was asked for: wrong size, SHA1D mismatch, not an image, too large. */
  | 'bad-data'
  /** Too many sessions (per peer or in total), or the client shut down. */
  | 'busy'
  /** Signed out, or the peer's dialect has no P2P (below MSNP9). */
  | 'not-available'
  /** The contact has announced no object to fetch. */
  | 'no-object';

export class P2pError extends Error {
  override readonly name = 'P2pError';
  constructor(
    readonly code: P2pErrorCode,
    message: string,
  ) {
    super(message);
  }
}
