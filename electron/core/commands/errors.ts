/**
 * The backend's failures, by name, and the one place they become the contract's `{ ok: false }`
 * results (ARCHITECTURE.md §5: nothing is thrown across IPC). Command handlers throw these; the
 * MSN client throws errors carrying the model's codes (`SignInErrorCode`, `OperationErrorCode`),
 * which pass through unchanged; anything else is an internal error.
 */
import { CONTRACT_ERRORS, fail, type IpcError } from '../../../shared/ipc';

/** A failure a command reports to the window, with the code the UI switches on. */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** No session (signed out, or still signing in). */
export class NotSignedInError extends CommandError {
  constructor(message = 'You are not signed in.') {
    super('not-signed-in', message);
  }
}

/** A sign-in is already under way. */
export class SignInBusyError extends CommandError {
  constructor() {
    super('busy', 'Already signing in.');
  }
}

/** A session exists already: sign out first. */
export class AlreadySignedInError extends CommandError {
  constructor() {
    super('already-signed-in', 'Sign out first.');
  }
}

/** The user pressed Cancel (or signed out) while signing in. */
export class SignInCancelledError extends CommandError {
  constructor() {
    super('cancelled', 'Sign-in cancelled.');
  }
}

/** The input passed the contract's schema but the backend refused it (e.g. a preference value). */
export class InvalidInputError extends CommandError {
  constructor(message: string) {
    super(CONTRACT_ERRORS.invalidInput, message);
  }
}

/** No such thing (a history log of this account, a failed message to send again). */
export class NotFoundError extends CommandError {
  constructor(message: string) {
    super('not-found', message);
  }
}

/** This backend cannot do that here (no history store, no local server, no native windows). */
export class UnsupportedError extends CommandError {
  constructor(message: string) {
    super(CONTRACT_ERRORS.unsupported, message);
  }
}

/** The code and message of whatever a command threw: its own code, else `internal-error`. */
export function errorOf(e: unknown): IpcError {
  const err = e as { code?: unknown; message?: unknown } | null | undefined;
  const code = typeof err?.code === 'string' ? err.code : CONTRACT_ERRORS.internal;
  const message = typeof err?.message === 'string' ? err.message : 'Something went wrong.';
  return { code, message };
}

/** Whatever a command threw, as the contract's failure result. */
export function toFailure(e: unknown): { readonly ok: false; readonly error: IpcError } {
  const { code, message } = errorOf(e);
  return fail(code, message);
}
