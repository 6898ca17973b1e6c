/** Input validation at the boundary (ARCHITECTURE.md §5), shared by every host of the contract. */
import type { z } from 'zod';
import { contract, isCommandName, type CommandName, type ValidCommandInput } from './contract';
import { CONTRACT_ERRORS, fail, ok, type Result } from './result';

export type ValidCommand = { [K in CommandName]: { readonly name: K; readonly input: ValidCommandInput<K> } }[CommandName];

/** Checks the command exists and its input matches the schema; never throws. */
export function validateCommand(name: unknown, input: unknown): Result<ValidCommand> {
  if (!isCommandName(name)) return fail(CONTRACT_ERRORS.unknownCommand, `Unknown command`);
  const schema: z.ZodType = contract.commands[name].input;
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
    return fail(CONTRACT_ERRORS.invalidInput, `${name}: ${where}${first?.message ?? 'invalid input'}`);
  }
  return ok({ name, input: parsed.data } as ValidCommand);
}
