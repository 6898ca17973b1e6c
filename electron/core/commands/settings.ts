/** Preference commands: read them, change some fields (validated strictly by the settings store). */
import type { CommandContext, CommandHandlerSet } from './context';
import { InvalidInputError } from './errors';

export function settingsCommands(ctx: CommandContext): CommandHandlerSet<'getPreferences' | 'updatePreferences'> {
  return {
    getPreferences: () => ctx.preferences(),
    updatePreferences: (patch) => {
      try {
        ctx.options.preferences.updatePreferences(patch);
      } catch (e) {
        throw new InvalidInputError((e as Error).message);
      }
      const preferences = ctx.preferences();
      ctx.emit({ type: 'preferences.changed', preferences });
      return preferences;
    },
  };
}
