/**
 * Errors of the client in domain terms. Wire error numbers (MSNP.md §7) and socket failures are
 * mapped to the model's codes here, in one place.
 */
import type { OperationError, OperationErrorCode, SignInError, SignInErrorCode } from '../../../shared/model';
import { isCodecError, type CodecError } from '../../../shared/msnp';
import { RequestError, type CloseReason } from './connection';

/** A failed sign-in, carrying the model's code. */
export class SignInFailure extends Error {
  override readonly name = 'SignInFailure';
  constructor(
    readonly code: SignInErrorCode,
    message: string,
  ) {
    super(message);
  }

  toModel(): SignInError {
    return { code: this.code, message: this.message };
  }
}

/** A failed operation on a signed-in session (add a contact, rename a group, …). */
export class OperationFailure extends Error {
  override readonly name = 'OperationFailure';
  constructor(
    readonly code: OperationErrorCode,
    message: string,
    /** The MSNP error number, when there was one. */
    readonly protocolCode?: number,
  ) {
    super(message);
  }

  toModel(): OperationError {
    return { code: this.code, message: this.message };
  }
}

/**
 * A refused name in words for the user ("Could not create the group: …"). The limits are the
 * wire's (MSNP.md §4.7, §5.4): names travel URL-encoded, so spaces, accents and emoji take more
 * than one of the allowed characters.
 */
export function invalidName(kind: 'name' | 'group name', problem: 'empty' | 'too-long'): OperationFailure {
  const text =
    problem === 'empty'
      ? `a ${kind} cannot be empty`
      : kind === 'group name'
        ? 'that group name is too long for the service: 61 characters at most, and spaces, accents and emoji count as several'
        : 'that name is too long for the service: 129 characters at most, and accents and emoji count as several';
  return new OperationFailure('invalid-name', text);
}

/** Numeric errors during sign-in (MSNP.md §7). */
export function signInCodeForProtocolError(code: number): SignInErrorCode {
  switch (code) {
    case 911:
    case 917:
    case 928:
      return 'wrong-password';
    case 205:
    case 208:
    case 206:
    case 201:
      return 'unknown-account';
    case 600:
    case 601:
    case 605:
    case 910:
    case 912:
    case 914:
    case 915:
    case 916:
    case 918:
    case 919:
    case 920:
    case 921:
    case 922:
    case 500:
    case 501:
    case 603:
      return 'server-busy';
    case 604:
      return 'server-shutting-down';
    case 923:
    case 924:
    case 927:
    case 718:
      return 'account-restricted';
    default:
      return 'protocol-error';
  }
}

/** A socket-level close during sign-in. */
export function signInCodeForClose(reason: CloseReason | undefined): SignInErrorCode {
  switch (reason?.kind) {
    case 'socket-error':
    case 'connect-timeout':
      return 'server-unreachable';
    case 'dead':
      return 'timeout';
    case 'out':
      return outCodeToSignIn(reason.outCode);
    case 'local':
      return 'cancelled';
    default:
      return 'connection-lost';
  }
}

/**
 * `OUT <reason>` from the server (MSNP.md §5.5) in domain terms:
 * - `OTH`: signed in from another location (never fight it: no reconnect);
 * - `SSD`: shutting down for maintenance (come back later);
 * - `MIG` (MSNP10): the account was migrated to the address book; sign in again now, like any drop;
 * - `TOU` (10+): the Terms of Use must be accepted first (on the web): the account may not sign in
 *   until then, so retrying is pointless;
 * - `RCT n` (11+): "reconnect after n minutes": the server refuses us for now (busy), with a delay.
 */
export function outCodeToSignIn(outCode: string | undefined): SignInErrorCode {
  switch (outCode) {
    case 'OTH':
      return 'signed-in-elsewhere';
    case 'SSD':
      return 'server-shutting-down';
    case 'RCT':
      return 'server-busy';
    case 'TOU':
      return 'account-restricted';
    case 'MIG':
    default:
      return 'connection-lost';
  }
}

/** A sentence for the UI's tooltip and logs about why the session ended. */
export function closeMessage(reason: CloseReason): string {
  if (reason.kind !== 'out') return reason.message;
  switch (reason.outCode) {
    case 'OTH':
      return 'You signed in from another location.';
    case 'SSD':
      return 'The server is shutting down for maintenance.';
    case 'MIG':
      return 'The server moved your account to its address book; signing in again.';
    case 'TOU':
      return 'The server requires you to accept its Terms of Use before signing in.';
    case 'RCT':
      return reason.outMinutes !== undefined
        ? `The server asked us to come back in ${reason.outMinutes} minute${reason.outMinutes === 1 ? '' : 's'}.`
        : 'The server asked us to come back later.';
    default:
      return reason.message;
  }
}

/** Any error thrown while signing in → SignInFailure. */
export function toSignInFailure(err: unknown, stage: string): SignInFailure {
  if (err instanceof SignInFailure) return err;
  if (err instanceof RequestError) {
    if (err.kind === 'protocol' && err.code !== undefined) {
      return new SignInFailure(signInCodeForProtocolError(err.code), `${stage}: server answered ${err.code} (${err.protocolError?.description ?? 'error'})`);
    }
    if (err.kind === 'timeout') return new SignInFailure('timeout', `${stage}: ${err.message}`);
    return new SignInFailure(signInCodeForClose(err.closeReason), `${stage}: ${err.closeReason?.message ?? err.message}`);
  }
  return new SignInFailure('protocol-error', `${stage}: ${err instanceof Error ? err.message : String(err)}`);
}

/** Numeric errors in reply to list, group and profile commands (MSNP.md §4, §7). */
export function operationCodeForProtocolError(code: number): OperationErrorCode {
  switch (code) {
    case 201:
    case 206:
      return 'invalid-handle';
    case 205:
    case 208:
      return 'unknown-account';
    case 209:
    case 229:
      return 'invalid-name';
    case 210:
      return 'list-full';
    case 215:
    case 228:
    case 218:
      return 'already-exists';
    case 216:
    case 224:
    case 225:
      return 'not-found';
    case 219:
      return 'conflict';
    case 223:
      return 'too-many-groups';
    case 713:
    case 800:
      return 'rate-limited';
    case 230:
    case 913:
    case 217:
      return 'not-allowed';
    case 502:
    case 715:
      return 'not-supported';
    default:
      return 'server-error';
  }
}

export function toOperationFailure(err: unknown, what: string): OperationFailure {
  if (err instanceof OperationFailure) return err;
  if (err instanceof RequestError) {
    if (err.kind === 'protocol' && err.code !== undefined) {
      return new OperationFailure(operationCodeForProtocolError(err.code), `${what}: ${err.protocolError?.description ?? `error ${err.code}`}`, err.code);
    }
    if (err.kind === 'timeout') return new OperationFailure('timeout', `${what}: the server did not answer`);
    return new OperationFailure('not-signed-in', `${what}: not connected`);
  }
  return new OperationFailure('server-error', `${what}: ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * A typed decoder's result, or `fail(message)` thrown when the codec refused the line. Callers
 * choose the failure: a SignInFailure while signing in, an OperationFailure afterwards.
 */
export function decodedOr<T>(result: T | CodecError, fail: (message: string) => Error): T {
  if (isCodecError(result)) throw fail(result.message);
  return result;
}

/** `fail` for decodedOr on a signed-in session: the server answered something we cannot read. */
export function malformedReply(what: string): (message: string) => OperationFailure {
  return (message) => new OperationFailure('server-error', `${what}: the server's reply was malformed (${message})`);
}
