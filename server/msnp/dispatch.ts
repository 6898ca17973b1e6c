/**
 * The declarative command tables (ARCHITECTURE.md §7, after ergo's irc/commands.go) and the one
 * dispatch step every MSNP session (NS, SB, dispatch server) runs a command through.
 *
 * A table entry says which phases a verb is accepted in and how many parameters the line must
 * have, and names the codec's client-to-server decoder for it; which dialects have the verb comes
 * from the codec's verb table (MSNP.md §2.6). `dispatch` checks the preconditions, decodes the
 * command for the session's dialect, and hands the handler the typed request and a `Reply` that
 * fills in the TrID (ergo's response buffer), so handlers hold only logic: no `cmd.params[i]`, no
 * TrID casts. The session decides what a failed precondition costs (an error code or a
 * disconnect, MSNP.md §1.6).
 */
import {
  buildError,
  isCodecError,
  isVerbAvailable,
  type Command,
  type CommandInit,
  type Dialect,
  type Result,
} from '../../shared/msnp/index';
import { DomainError, StoreUnavailableError } from '../core/errors';
import type { Connection } from './connection';
import { errorCodeFor, STORE_UNAVAILABLE_CODE } from './error-codes';

/** What a request the decoder refuses costs: the reference's error code, and whether we then close. */
export interface Invalid {
  readonly code: number;
  readonly close?: boolean;
}

export interface CommandSpec<S, P extends string, T> {
  /**
   * Parameters the line must have after the TrID (payload length excluded). Fewer is a syntax
   * error, and the reference's servers disconnect for those (MSNP.md §1.2).
   */
  readonly minParams: number;
  /** Phases in which the command is accepted. */
  readonly phases: readonly P[];
  /** True for commands that must carry a payload (`MSG`, `QRY`, `UUX`, …). */
  readonly payload?: boolean;
  /** The codec's client-to-server decoder for this verb. */
  readonly decode: (cmd: Command, dialect: Dialect) => Result<T>;
  /**
   * The answer to a line with enough parameters that the decoder still refuses (a bad list name,
   * state, group id …): the reference's code (MSNP.md §7). Without one the connection is closed
   * (§1.2).
   */
  readonly invalid?: Invalid;
  /** Method syntax: a table holds entries of many request types (checked where each is written). */
  run(session: S, request: T, reply: Reply): void | Promise<void>;
}

export type CommandTable<S, P extends string> = Readonly<Record<string, CommandSpec<S, P, never>>>;

/** One table entry; the decoder's result type is the handler's request type. */
export function entry<S, P extends string, T>(spec: CommandSpec<S, P, T>): CommandSpec<S, P, never> {
  return spec as unknown as CommandSpec<S, P, never>;
}

/** For verbs whose parameters nothing reads (`FND`, `PAG`, …, answered `502`). */
export function noRequest(): undefined {
  return undefined;
}

export type Problem = 'unknown' | 'not-in-dialect' | 'wrong-phase' | 'malformed';

/**
 * Writes a command's answers: the builders' TrID is the request's. One per session, reused for
 * every command (commands of a connection run strictly in order), so replying allocates nothing
 * beyond the reply itself.
 */
export class Reply {
  /** The TrID of the command being handled (undefined for `PNG`, which has none). */
  trId: number | undefined = undefined;
  dialect: Dialect = 2;

  constructor(private readonly conn: Connection) {}

  /** Builds with the request's TrID and the session's dialect, and sends. */
  send<V extends { readonly trId?: number | undefined }>(build: (value: V, dialect: Dialect) => CommandInit, fields: Omit<V, 'trId'>): boolean {
    return this.conn.send(build({ ...fields, trId: this.trId } as V, this.dialect));
  }

  /** `NNN t` (MSNP.md §1.5); the connection stays up. */
  error(code: number): void {
    this.conn.error(code, this.trId);
  }

  /** The store could not be reached: `603` (nothing was done, the client may retry), logged. */
  storeUnavailable(verb: string, e: Error): void {
    this.conn.log('warn', 'store-unavailable', { verb, error: e.message });
    this.conn.error(STORE_UNAVAILABLE_CODE, this.trId);
  }

  /** `NNN t`, then close (`911` after a failed login, `715` out of order, `540`, MSNP.md §1.6). */
  fatal(code: number, reason: string): void {
    this.conn.end(reason, buildError({ code, trId: this.trId }));
  }
}

/** A session as `dispatch` sees it. */
export interface Dispatching<S, P extends string> {
  readonly table: CommandTable<S, P>;
  readonly reply: Reply;
  readonly phase: P;
  /** The dialect, once known (after `VER`, or from the switchboard cookie). */
  readonly dialect: Dialect | undefined;
  reject(cmd: Command, problem: Problem): void;
}

/**
 * Route, decode and run one command. A `DomainError` from a handler becomes the verb's error code
 * (`error-codes.ts`), a `StoreUnavailableError` `603`; anything else is a bug and propagates (the
 * connection answers `500`).
 */
export function dispatch<S extends Dispatching<S, P>, P extends string>(session: S, cmd: Command): void | Promise<void> {
  const reply = session.reply;
  reply.trId = cmd.trId;
  const table = session.table;
  const spec = Object.prototype.hasOwnProperty.call(table, cmd.verb) ? table[cmd.verb] : undefined;
  if (spec === undefined) return session.reject(cmd, 'unknown');
  const known = session.dialect;
  if (known !== undefined && !isVerbAvailable(cmd.verb, 'toServer', known)) return session.reject(cmd, 'not-in-dialect');
  if (!spec.phases.includes(session.phase)) return session.reject(cmd, 'wrong-phase');
  if (cmd.params.length < spec.minParams || (spec.payload ?? false) !== (cmd.payload !== undefined)) {
    return session.reject(cmd, 'malformed');
  }
  // Before `VER` only VER, OUT and PNG are accepted, and they read the same in every dialect.
  const dialect = known ?? 2;
  reply.dialect = dialect;
  const request = spec.decode(cmd, dialect);
  if (isCodecError(request)) {
    const invalid = spec.invalid;
    if (invalid === undefined) return session.reject(cmd, 'malformed');
    if (invalid.close === true) reply.fatal(invalid.code, `invalid ${cmd.verb}: ${request.message}`);
    else reply.error(invalid.code);
    return;
  }
  try {
    const result = spec.run(session, request as never, reply);
    if (result instanceof Promise) return result.catch((e: unknown) => domainError(reply, cmd.verb, e));
  } catch (e) {
    domainError(reply, cmd.verb, e);
  }
}

function domainError(reply: Reply, verb: string, e: unknown): void {
  if (e instanceof StoreUnavailableError) {
    reply.storeUnavailable(verb, e);
    return;
  }
  if (!(e instanceof DomainError)) throw e;
  reply.error(errorCodeFor(e.kind, verb));
}
