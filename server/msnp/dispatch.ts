/**
 * The declarative command table (ARCHITECTURE.md §7, after ergo's irc/commands.go): for each
 * verb, its minimum parameter count, the session phases it is allowed in, and its handler.
 * `route` checks the preconditions so handlers hold only logic; the session decides what a
 * failed precondition costs (an error code or a disconnect, per MSNP.md §1.6).
 */
import { isVerbAvailable, type Command, type Dialect } from '../../shared/msnp/index';

export interface CommandSpec<S, P extends string> {
  /** Parameters required after the TrID (payload length excluded). */
  readonly minParams: number;
  /** Phases in which the command is accepted. */
  readonly phases: readonly P[];
  /** True for commands that must carry a payload (`MSG`, `QRY`, `UUX`). */
  readonly payload?: boolean;
  readonly run: (session: S, cmd: Command) => void | Promise<void>;
}

export type CommandTable<S, P extends string> = Readonly<Record<string, CommandSpec<S, P>>>;

export type Route<S, P extends string> =
  | { readonly ok: true; readonly spec: CommandSpec<S, P> }
  | { readonly ok: false; readonly problem: 'unknown' | 'not-in-dialect' | 'wrong-phase' | 'malformed' };

export function route<S, P extends string>(
  table: CommandTable<S, P>,
  cmd: Command,
  phase: P,
  dialect: Dialect | undefined,
): Route<S, P> {
  const spec = Object.prototype.hasOwnProperty.call(table, cmd.verb) ? table[cmd.verb] : undefined;
  if (spec === undefined) return { ok: false, problem: 'unknown' };
  if (dialect !== undefined && !isVerbAvailable(cmd.verb, 'toServer', dialect)) return { ok: false, problem: 'not-in-dialect' };
  if (!spec.phases.includes(phase)) return { ok: false, problem: 'wrong-phase' };
  if (cmd.params.length < spec.minParams) return { ok: false, problem: 'malformed' };
  if ((spec.payload ?? false) !== (cmd.payload !== undefined)) return { ok: false, problem: 'malformed' };
  return { ok: true, spec };
}
