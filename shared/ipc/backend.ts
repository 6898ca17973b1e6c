/** What a host (Electron main, the web host) needs from the backend behind the contract. */
import type { CommandName, CommandOutput, SequencedEvent } from './contract';
import type { EventListener } from './api';
import type { Result } from './result';
import type { ValidCommand } from './validate';

export type CommandHandlers = {
  readonly [K in CommandName]: (input: Extract<ValidCommand, { name: K }>['input']) => Promise<Result<CommandOutput<K>>>;
};

export interface Backend {
  /** Runs an already validated command. Never rejects: failures are `{ ok: false }` results. */
  execute(command: ValidCommand): Promise<Result<unknown>>;
  /** Every event, in order, with its sequence number. */
  subscribe(listener: EventListener): () => void;
}

export type { SequencedEvent };
