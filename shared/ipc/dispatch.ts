/**
 * The host side of the contract, once for every host (the Electron IPC binding, the web host):
 * validate the command at the boundary, let the host answer the commands it overrides (native
 * windows, automatic Away's notes), hand the rest to the backend, and turn anything thrown on the
 * way into an `internal-error` result, since nothing may be thrown across IPC (ARCHITECTURE.md §5).
 */
import type { CommandHandlers, Backend } from './backend';
import { CONTRACT_ERRORS, fail, type Result } from './result';
import { validateCommand } from './validate';

export interface CommandDispatcherOptions {
  readonly backend: Backend;
  /** Commands the host answers itself, before the backend (given their validated input). */
  readonly overrides?: Partial<CommandHandlers>;
  /** Told about a command that threw (a bug: handlers answer as data); for the host's log. */
  readonly onUnexpected: (command: string, error: unknown) => void;
  /** What the window is told then (where to look). */
  readonly internalMessage: string;
}

/** One command from a window, as it arrived (unchecked name and input), to its result. */
export type CommandDispatcher = (name: unknown, input: unknown) => Promise<Result<unknown>>;

export function createCommandDispatcher(options: CommandDispatcherOptions): CommandDispatcher {
  return async (name, input) => {
    const checked = validateCommand(name, input);
    if (!checked.ok) return checked;
    const command = checked.value;
    try {
      const own = options.overrides?.[command.name] as ((input: unknown) => Promise<Result<unknown>>) | undefined;
      return await (own ? own(command.input) : options.backend.execute(command));
    } catch (e) {
      options.onUnexpected(command.name, e);
      return fail(CONTRACT_ERRORS.internal, options.internalMessage);
    }
  };
}
