/** Contact-list commands: contacts (add, remove, block, move, copy, answer an add request) and groups. */
import type { CommandContext, CommandHandlerSet } from './context';

type ContactCommands =
  | 'addContact'
  | 'removeContact'
  | 'blockContact'
  | 'unblockContact'
  | 'moveContact'
  | 'copyContact'
  | 'answerAddRequest'
  | 'createGroup'
  | 'renameGroup'
  | 'removeGroup';

export function contactCommands({ live }: CommandContext): CommandHandlerSet<ContactCommands> {
  return {
    addContact: async ({ handle, groupId }) => {
      await live.connected().addContact(handle, groupId);
      return null;
    },
    removeContact: async ({ handle }) => {
      await live.connected().removeContact(handle);
      return null;
    },
    blockContact: async ({ handle }) => {
      await live.connected().block(handle);
      return null;
    },
    unblockContact: async ({ handle }) => {
      await live.connected().unblock(handle);
      return null;
    },
    moveContact: async ({ handle, fromGroupId, toGroupId }) => {
      const client = live.connected();
      if (fromGroupId !== toGroupId) await client.moveToGroup(handle, fromGroupId, toGroupId);
      return null;
    },
    copyContact: async ({ handle, toGroupId }) => {
      await live.connected().copyToGroup(handle, toGroupId);
      return null;
    },
    answerAddRequest: async ({ handle, decision }) => {
      const client = live.connected();
      if (decision === 'block') await client.block(handle);
      else await client.allow(handle);
      if (decision === 'allow-and-add') await client.addContact(handle);
      return null;
    },

    createGroup: ({ name }) => live.connected().createGroup(name),
    renameGroup: async ({ groupId, name }) => {
      await live.connected().renameGroup(groupId, name);
      return null;
    },
    removeGroup: async ({ groupId }) => {
      await live.connected().removeGroup(groupId);
      return null;
    },
  };
}
