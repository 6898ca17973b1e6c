/** Every command of the contract, by domain; app-core composes them. */
import type { CommandName } from '../../../shared/ipc';
import { consoleCommands } from './console';
import { contactCommands } from './contacts';
import type { CommandContext, CommandHandlerSet } from './context';
import { conversationCommands } from './conversations';
import { fileCommands } from './files';
import { historyCommands } from './history';
import { pictureCommands } from './pictures';
import { emoticonCommands } from './emoticons';
import { sessionCommands } from './session';
import { settingsCommands } from './settings';

export { LiveSession, type CommandContext, type CommandHandler, type CommandHandlerSet } from './context';
export * from './errors';

/** The handler of every command; the type fails to compile when a command has none. */
export function commandHandlers(ctx: CommandContext): CommandHandlerSet<CommandName> {
  return {
    ...sessionCommands(ctx),
    ...contactCommands(ctx),
    ...conversationCommands(ctx),
    ...historyCommands(ctx),
    ...settingsCommands(ctx),
    ...pictureCommands(ctx),
    ...fileCommands(ctx),
    ...emoticonCommands(ctx),
    ...consoleCommands(ctx),
  };
}
