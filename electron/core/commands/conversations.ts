/**
 * Conversation commands: open, send (messages, typing, nudges), retry, invite, close; and the
 * window reports that decide attention (focus, read, activity).
 */
import { recordInHistory, type CommandContext, type CommandHandlerSet } from './context';
import { NotFoundError, UnsupportedError } from './errors';

type ConversationCommands =
  | 'openConversation'
  | 'sendMessage'
  | 'retryMessage'
  | 'sendTyping'
  | 'sendNudge'
  | 'inviteToConversation'
  | 'closeConversation'
  | 'showConversation'
  | 'windowFocused'
  | 'reportActivity'
  | 'markConversationRead';

export function conversationCommands(ctx: CommandContext): CommandHandlerSet<ConversationCommands> {
  const { live } = ctx;
  return {
    openConversation: async ({ handles }) => {
      const client = live.connected();
      const peers = [...new Set(handles)];
      const conversationId = await client.openConversation(peers);
      live.openedWith.set(conversationId, peers);
      return { conversationId };
    },
    sendMessage: async ({ conversationId, text, format }) => ({ messageId: await live.connected().sendMessage(conversationId, text, format) }),
    retryMessage: async ({ conversationId, messageId }) => {
      if (!(await live.connected().retryMessage(conversationId, messageId))) throw new NotFoundError('That message cannot be sent again.');
      return { messageId };
    },
    sendTyping: async ({ conversationId }) => {
      await live.connected().sendTyping(conversationId);
      return null;
    },
    sendNudge: async ({ conversationId }) => {
      await live.connected().sendNudge(conversationId);
      const sent = { type: 'nudge.sent', conversationId, at: ctx.now() } as const;
      ctx.emit(sent);
      recordInHistory(live.recorder, sent);
      return null;
    },
    inviteToConversation: async ({ conversationId, handle }) => {
      await live.connected().invite(conversationId, handle);
      return null;
    },
    closeConversation: async ({ conversationId }) => {
      await live.connected().closeConversation(conversationId);
      return null;
    },
    showConversation: () => {
      throw new UnsupportedError('Conversations open in this page.');
    },

    windowFocused: ({ target }) => {
      ctx.attention.setFocus(target);
      return null;
    },
    // The page's activity is an idle source for automatic Away, which the hosts run (the web
    // host tracks its pages; the desktop app uses the system idle time): nothing to do here.
    reportActivity: () => null,
    markConversationRead: ({ conversationId }) => {
      ctx.attention.markRead(conversationId);
      return null;
    },
  };
}
