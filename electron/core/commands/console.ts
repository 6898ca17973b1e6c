/** Protocol console commands: the masked traffic since a sequence number, the report, clearing. */
import type { ProtocolConsole } from '../console';
import type { CommandContext, CommandHandlerSet } from './context';
import { UnsupportedError } from './errors';

export function consoleCommands({ options }: CommandContext): CommandHandlerSet<'consoleEntries' | 'consoleReport' | 'consoleClear'> {
  const available = (): ProtocolConsole => {
    if (!options.protocolConsole) throw new UnsupportedError('The protocol console is not available.');
    return options.protocolConsole;
  };
  return {
    consoleEntries: ({ sinceSeq }) => available().since(sinceSeq),
    consoleReport: () => available().toText(),
    consoleClear: () => {
      options.protocolConsole?.clear();
      return null;
    },
  };
}
