/**
 * History commands over the signed-in account's logs: list, a log's newest page (by log id or by
 * the live conversation writing to it), the page around an entry, search, export, delete. Every
 * read checks that the log belongs to the account.
 */
import type { HistoryEntryInfo } from '../../../shared/ipc';
import { EmoticonCache } from '../emoticons/emoticon-cache';
import { emoticonImagesFor, HistoryEmoticons } from '../emoticons/history-emoticons';
import { exportHtml, exportText, suggestedExportName, type HistoryStore } from '../history';
import type { CommandContext, CommandHandlerSet } from './context';
import { NotFoundError, NotSignedInError, UnsupportedError } from './errors';

type HistoryCommands = 'historyList' | 'historyRecent' | 'historyAround' | 'historySearch' | 'historyExport' | 'historyDelete' | 'historyDeleteAll';

export function historyCommands(ctx: CommandContext): CommandHandlerSet<HistoryCommands> {
  const { options, live } = ctx;
  const cacheDir = options.emoticonCacheDir;
  const cache = cacheDir ? new EmoticonCache(cacheDir) : null;
  const emoticons = cache
    ? new HistoryEmoticons({
        cache,
        isShown: (sha1d) => {
          const s = ctx.state().emoticons;
          return sha1d in s.images || s.mine.some((m) => m.sha1d === sha1d);
        },
        emit: (e) => ctx.emit(e),
        warn: (m) => console.warn(m),
      })
    : null;
  /** A page on its way to a window: the cached custom emoticons it uses follow it (`emoticon.ready`). */
  const withEmoticons = <P extends { readonly entries: readonly HistoryEntryInfo[] }>(page: P): P => {
    void emoticons?.show(page.entries);
    return page;
  };

  /** The history store and the account whose logs the commands read, or why there are none. */
  const opened = (): { store: HistoryStore; account: string } => {
    const store = options.history;
    if (!store) throw new UnsupportedError('History is not available.');
    const account = live.account ?? ctx.state().session.handle;
    if (!account) throw new NotSignedInError('Sign in to see your history.');
    return { store, account };
  };

  /** A log of this account, or `not-found` (another account's log is as good as absent). */
  const ownLog = (store: HistoryStore, account: string, historyId: number) => {
    const conversation = store.getConversation(historyId);
    if (!conversation || conversation.account !== account) throw new NotFoundError('No such conversation.');
    return conversation;
  };

  /** The history log a live conversation is written to (1:1 by contact, group by id). */
  const liveLogId = (store: HistoryStore, account: string, conversationId: string): number | null => {
    const conversation = ctx.state().conversations.conversations[conversationId];
    const group = store.findConversation(account, 'group', conversationId);
    if (!conversation) return group?.id ?? null;
    const joined = conversation.conversation.participants.map((p) => p.handle.toLowerCase());
    // Before anyone joined: whom it is with. The client says (`invited`), also for conversations
    // the app opened itself (a file offer, offline messages at sign-in), which no command named.
    const invited = conversation.conversation.invited?.map((h) => h.toLowerCase()) ?? [];
    const others = joined.length > 0 ? joined : invited.length > 0 ? invited : (live.openedWith.get(conversationId) ?? []);
    if (others.length === 1 && others[0]) {
      return store.findConversation(account, 'one-to-one', others[0])?.id ?? group?.id ?? null;
    }
    return group?.id ?? null;
  };

  return {
    historyList: ({ limit, offset }) => {
      const { store, account } = opened();
      return store.listConversations(account, { limit, offset });
    },
    historyRecent: ({ historyId, liveConversationId, limit, beforeEntryId }) => {
      const { store, account } = opened();
      const id = historyId ?? (liveConversationId ? liveLogId(store, account, liveConversationId) : null);
      if (id === null || id === undefined) return null;
      const conversation = store.getConversation(id);
      if (!conversation || conversation.account !== account) return null;
      return withEmoticons({ conversation, ...store.recent(id, { limit, ...(beforeEntryId ? { beforeEntryId } : {}) }) });
    },
    historyAround: ({ entryId, before, after }) => {
      const { store, account } = opened();
      const page = store.around(entryId, { before, after });
      return page && page.conversation.account === account ? withEmoticons(page) : null;
    },
    historySearch: ({ query, historyId, limit }) => {
      const { store, account } = opened();
      return query.trim() === '' ? [] : store.search(account, query, { limit, ...(historyId ? { conversationId: historyId } : {}) });
    },
    historyExport: async ({ historyId, format }) => {
      const { store, account } = opened();
      const conversation = ownLog(store, account, historyId);
      if (format !== 'html') {
        return { content: exportText(conversation, store.iterateEntries(historyId)), suggestedName: suggestedExportName(conversation, 'text'), mimeType: 'text/plain' as const };
      }
      // The custom emoticons go into the file as pictures where the app has them (a first read
      // of the log finds which), as the history view shows them.
      const known = (sha1d: string): string | undefined => {
        const s = ctx.state().emoticons;
        return s.images[sha1d] ?? s.mine.find((m) => m.sha1d === sha1d)?.dataUrl;
      };
      const emoticonImages = await emoticonImagesFor(store.iterateEntries(historyId), cache, known);
      return {
        content: exportHtml(conversation, store.iterateEntries(historyId), { emoticonImages }),
        suggestedName: suggestedExportName(conversation, 'html'),
        mimeType: 'text/html' as const,
      };
    },
    historyDelete: ({ historyId }) => {
      const { store, account } = opened();
      ownLog(store, account, historyId);
      store.deleteConversation(historyId);
      return null;
    },
    historyDeleteAll: () => {
      const { store, account } = opened();
      store.deleteAll(account);
      return null;
    },
  };
}
