/**
 * Domain errors: what went wrong, in words, with no wire codes. The MSNP front maps each kind to
 * the reference's numeric code for the command at hand (msnp/error-codes.ts), as Escargot does.
 */
export type DomainErrorKind =
  | 'no-such-user'
  | 'invalid-handle'
  | 'invalid-parameter'
  | 'missing-domain'
  | 'bad-name'
  | 'already-there'
  | 'not-on-list'
  | 'opposite-list'
  | 'list-full'
  | 'no-such-group'
  | 'not-in-group'
  | 'too-many-groups'
  | 'group-exists'
  | 'group-name-too-long'
  | 'cannot-remove-group-zero'
  | 'same-mode'
  | 'too-fast'
  | 'offline'
  | 'not-allowed-hidden'
  | 'session-full';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(readonly kind: DomainErrorKind, message: string = kind) {
    super(message);
  }
}

export function fail(kind: DomainErrorKind, message?: string): never {
  throw new DomainError(kind, message);
}

/** The store could not be reached; nothing was done or acknowledged (server/store/store.ts). */
export { StoreUnavailableError } from '../store/store';
