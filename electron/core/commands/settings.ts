/** Preference commands: read them, change some fields (validated strictly by the settings store). */
import type { CommandContext, CommandHandlerSet } from './context';
import { InvalidInputError } from './errors';

export function settingsCommands(ctx: CommandContext): CommandHandlerSet<'getPreferences' | 'updatePreferences'> {
  return {
    getPreferences: () => ctx.preferences(),
    updatePreferences: (patch) => {
      const { contactList, ...installation } = patch;
      // The contact list view is the signed-in account's own (shared/ipc/preferences.ts).
      const handle = ctx.state().session.handle;
      if (contactList !== undefined && handle === null) throw new InvalidInputError('Sign in to change how your contact list is shown.');
      try {
        if (Object.keys(installation).length > 0) ctx.options.preferences.updatePreferences(installation);
        if (contactList !== undefined && handle !== null) ctx.options.preferences.updateContactListView(handle, contactList);
      } catch (e) {
        throw new InvalidInputError((e as Error).message);
      }
      const preferences = ctx.preferences();
      ctx.emit({ type: 'preferences.changed', preferences });
      return preferences;
    },
  };
}
