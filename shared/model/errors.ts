/**
 * Why signing in failed or a session ended, as codes the UI can translate. Wire error numbers
 * never reach this layer: the client maps them (MSNP.md §7) at its edge.
 */

export type SignInErrorCode =
  /** Password (or Passport ticket) rejected. */
  | 'wrong-password'
  /** No such account on this server. */
  | 'unknown-account'
  /** Could not open a TCP connection to the server (refused, DNS, unreachable). */
  | 'server-unreachable'
  /** The Passport/Nexus login service (MSNP8+) could not be reached or answered nonsense. */
  | 'passport-unreachable'
  /** The server speaks none of the protocol versions we offered. */
  | 'no-common-version'
  /** The same account signed in somewhere else; this session was ended (`OUT OTH`). */
  | 'signed-in-elsewhere'
  /** The server is going down for maintenance (`OUT SSD`); we try again later. */
  | 'server-shutting-down'
  /** The server is too busy or refuses new sessions right now. */
  | 'server-busy'
  /** The account exists but may not sign in (restricted, unverified, suspended). */
  | 'account-restricted'
  /** The server stopped answering. */
  | 'timeout'
  /** An established session dropped unexpectedly. */
  | 'connection-lost'
  /** The server sent something we cannot follow. */
  | 'protocol-error'
  /** The user cancelled the sign-in. */
  | 'cancelled';

export interface SignInError {
  readonly code: SignInErrorCode;
  /** English detail for logs and tooltips; the UI shows its own text per code. */
  readonly message: string;
}

/** Does it make sense to retry automatically after this error? */
export function isTransient(code: SignInErrorCode): boolean {
  switch (code) {
    case 'server-unreachable':
    case 'passport-unreachable':
    case 'server-shutting-down':
    case 'server-busy':
    case 'timeout':
    case 'connection-lost':
      return true;
    default:
      return false;
  }
}

/** Why an operation on a signed-in session failed (adding a contact, creating a group, …). */
export type OperationErrorCode =
  | 'not-signed-in'
  | 'invalid-handle'
  | 'unknown-account'
  | 'already-exists'
  | 'not-found'
  | 'list-full'
  | 'conflict'
  | 'invalid-name'
  | 'too-many-groups'
  | 'rate-limited'
  | 'not-allowed'
  | 'not-supported'
  | 'timeout'
  | 'server-error';

export interface OperationError {
  readonly code: OperationErrorCode;
  readonly message: string;
}
