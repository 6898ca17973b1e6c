/**
 * Effectful actions (ARCHITECTURE.md §6): each calls one command of the contract and records what
 * the window needs to show (pending state, errors). Components call these and hold no IPC logic.
 */
import { CONTRACT_ERRORS, DEFAULT_CONTACT_LIST_VIEW, type CommandInput, type ContactListSort, type HistoryExportInfo, type IpcError, type MonarchApi, type Result } from '../../shared/ipc';
import type { MyStatus, TextFormat } from '../../shared/model';
import type { AppStore } from './index';
import { keepDraft, markSeen, toggleCollapsed, type Dialog, type Panel } from './ui-slice';
import { appendConsole, initialViews, type HistoryViewData } from './views-slice';
import { createFileActions } from '../features/files/file-actions';

/** At most one typing notice per conversation every this many ms (MSNP.md §6.7: ~5 s). */
export const TYPING_NOTICE_INTERVAL_MS = 4000;
const FORMAT_KEY = 'monarch.format';

export type Actions = ReturnType<typeof createActions>;

export function createActions(api: MonarchApi, store: AppStore) {
  const ui = store.getState().updateUi;
  const history = (f: (h: HistoryViewData) => HistoryViewData) => store.getState().updateViews((v) => ({ ...v, history: f(v.history) }));
  let toastId = 0;
  const lastTyping = new Map<string, number>();

  const toast = (text: string) => ui((u) => ({ ...u, toast: { id: ++toastId, text } }));
  /** Runs a command; a failure becomes a toast (and the result is returned for callers that care). */
  async function run<T>(p: Promise<Result<T>>, what: string): Promise<Result<T>> {
    const r = await p;
    // A lost connection is shown once, by the window's banner, not by every command that met it.
    if (!r.ok && r.error.code !== CONTRACT_ERRORS.disconnected) toast(`${what}: ${r.error.message}`);
    return r;
  }

  /** The words of the latest history search asked for (its results win over older ones). */
  let latestSearch = '';
  const afterHistoryDeleted = async () => {
    history((h) => ({ ...h, open: null, search: null }));
    const r = await run(api.historyList({}), 'Could not read the history');
    history((h) => ({ ...h, conversations: r.ok ? r.value : [] }));
  };

  const show = async (conversationId: string) => {
    if (api.host === 'electron') {
      await api.showConversation({ conversationId });
    } else {
      ui((u) => ({ ...u, activeConversationId: conversationId, listInFront: false }));
    }
  };

  return {
    /** File transfer (issue 11): renderer/features/files. */
    files: createFileActions(api, toast),
    async signIn(input: CommandInput<'signIn'>): Promise<IpcError | null> {
      ui((u) => ({ ...u, signIn: { pending: true, error: null } }));
      const r = await api.signIn(input);
      ui((u) => ({ ...u, signIn: { pending: false, error: r.ok ? null : r.error } }));
      if (r.ok && r.value.notice) toast(r.value.notice);
      return r.ok ? null : r.error;
    },
    cancelSignIn: () => void api.cancelSignIn({}),
    signOut: () => void api.signOut({}),
    signInDefaults: () => api.signInDefaults({}),
    forgetAccount: (handle: string) => void api.forgetAccount({ handle }),

    setStatus(status: MyStatus | 'sign-out') {
      if (status === 'sign-out') return void api.signOut({});
      void run(api.setStatus({ status }), 'Could not change your status');
    },
    setFriendlyName: (name: string) => void run(api.setFriendlyName({ name }), 'Could not change your name'),
    setPersonalMessage: (text: string) => void run(api.setPersonalMessage({ text }), 'Could not change your personal message'),
    /** My display picture; resolves to the error to show, or null when it was set. */
    async setDisplayPicture(picture: CommandInput<'setDisplayPicture'>['picture']): Promise<string | null> {
      const r = await api.setDisplayPicture({ picture });
      return r.ok ? null : `Could not change your display picture: ${r.error.message}`;
    },
    /** My custom emoticons (define, rename, delete); each resolves to the error to show, or null. */
    async defineEmoticon(emoticon: CommandInput<'defineEmoticon'>['emoticon']): Promise<string | null> {
      const r = await api.defineEmoticon({ emoticon });
      return r.ok ? null : `Could not add the emoticon: ${r.error.message}`;
    },
    async renameEmoticon(shortcut: string, to: string): Promise<string | null> {
      const r = await api.renameEmoticon({ shortcut, to });
      return r.ok ? null : `Could not rename the emoticon: ${r.error.message}`;
    },
    async removeEmoticon(shortcut: string): Promise<string | null> {
      const r = await api.removeEmoticon({ shortcut });
      return r.ok ? null : `Could not delete the emoticon: ${r.error.message}`;
    },

    addContact: (handle: string, groupId?: string) => api.addContact(groupId ? { handle, groupId } : { handle }),
    removeContact: (handle: string) => void run(api.removeContact({ handle }), 'Could not remove the contact'),
    blockContact: (handle: string) => void run(api.blockContact({ handle }), 'Could not block'),
    unblockContact: (handle: string) => void run(api.unblockContact({ handle }), 'Could not unblock'),
    moveContact: (handle: string, fromGroupId: string | null, toGroupId: string) =>
      void run(api.moveContact({ handle, fromGroupId, toGroupId }), 'Could not move the contact'),
    copyContact: (handle: string, toGroupId: string) => void run(api.copyContact({ handle, toGroupId }), 'Could not copy the contact'),
    answerAddRequest: (handle: string, decision: 'allow-and-add' | 'allow' | 'block') =>
      run(api.answerAddRequest({ handle, decision }), 'Could not answer'),
    createGroup: (name: string) => api.createGroup({ name }),
    renameGroup: (groupId: string, name: string) => api.renameGroup({ groupId, name }),
    removeGroup: (groupId: string) => void run(api.removeGroup({ groupId }), 'Could not delete the group'),

    /** Double-click on a contact: open (or find) the conversation and bring it in front. */
    async startConversation(handles: string[]): Promise<void> {
      const r = await run(api.openConversation({ handles }), 'Could not start a conversation');
      if (!r.ok) return;
      const conversationId = r.value.conversationId;
      // The user opened it to write: its composer takes the focus (the desktop app's new window does on its own).
      ui((u) => ({ ...u, composerFocus: conversationId }));
      await show(conversationId);
    },
    showConversation: show,
    /** The narrow layout's "Back to the contact list". */
    showList: () => ui((u) => ({ ...u, listInFront: true })),
    /** The composer took the focus it was asked to. */
    composerFocused: (conversationId: string) => ui((u) => (u.composerFocus === conversationId ? { ...u, composerFocus: null } : u)),
    async sendMessage(conversationId: string, text: string): Promise<Result<{ messageId: string }>> {
      lastTyping.delete(conversationId);
      return run(api.sendMessage({ conversationId, text, format: store.getState().ui.format }), 'Could not send');
    },
    retryMessage: (conversationId: string, messageId: string) =>
      void run(api.retryMessage({ conversationId, messageId }), 'Could not send again'),
    /** Call on every keystroke: notices go out at most every few seconds. */
    typing(conversationId: string) {
      const now = Date.now();
      if (now - (lastTyping.get(conversationId) ?? 0) < TYPING_NOTICE_INTERVAL_MS) return;
      lastTyping.set(conversationId, now);
      void api.sendTyping({ conversationId });
    },
    nudge: (conversationId: string) => void run(api.sendNudge({ conversationId }), 'Could not send the nudge'),
    invite: (conversationId: string, handle: string) => run(api.inviteToConversation({ conversationId, handle }), 'Could not invite'),
    /** The composer is going away (another tab in front): keep what was typed for its return. */
    keepDraft(conversationId: string, text: string) {
      // A conversation already closed keeps nothing (its composer may unmount after the close).
      if (store.getState().conversations.conversations[conversationId] === undefined) text = '';
      ui((u) => keepDraft(u, conversationId, text));
    },
    async closeConversation(conversationId: string) {
      await api.closeConversation({ conversationId });
      // Closed on purpose: its unsent text goes with it, as the window's did in the classic client.
      ui((u) => keepDraft(u.activeConversationId === conversationId ? { ...u, activeConversationId: null } : u, conversationId, ''));
    },

    setFormat(format: TextFormat) {
      ui((u) => ({ ...u, format }));
      try {
        localStorage.setItem(FORMAT_KEY, JSON.stringify(format));
      } catch {
        // Storage may be unavailable; the choice still holds for this window.
      }
    },
    loadFormat() {
      try {
        const raw = localStorage.getItem(FORMAT_KEY);
        if (!raw) return;
        const f = JSON.parse(raw) as Partial<TextFormat>;
        if (typeof f.font === 'string' && typeof f.color === 'string' && /^#[0-9a-f]{6}$/i.test(f.color)) {
          ui((u) => ({ ...u, format: { ...u.format, ...f } as TextFormat }));
        }
      } catch {
        // Ignore a damaged stored value.
      }
    },
    openDialog: (dialog: Dialog) => ui((u) => ({ ...u, dialog })),
    closeDialog: () => ui((u) => ({ ...u, dialog: null })),
    setFilter: (filter: string) => ui((u) => ({ ...u, filter })),
    /** The contact list's view is the signed-in account's, kept by the backend (`preferences.changed` follows). */
    setSortBy: (sortBy: ContactListSort) => void run(api.updatePreferences({ contactList: { sortBy } }), 'Could not change the sort order'),
    toggleOffline: () => {
      const showOffline = !(store.getState().desktop.preferences?.contactList ?? DEFAULT_CONTACT_LIST_VIEW).showOffline;
      void run(api.updatePreferences({ contactList: { showOffline } }), 'Could not change the offline contacts setting');
    },
    toggleGroup: (key: string) => ui((u) => toggleCollapsed(u, key)),
    markSeen: (conversationId: string, count: number) => ui((u) => markSeen(u, conversationId, count)),
    dismissToast: () => ui((u) => ({ ...u, toast: null })),
    openPanel: (panel: Panel) => ui((u) => ({ ...u, panel, dialog: null })),
    closePanel: () => ui((u) => ({ ...u, panel: null })),

    /** Settings view: change some preference fields (the backend's `preferences.changed` follows). */
    updatePreferences: (patch: CommandInput<'updatePreferences'>) => run(api.updatePreferences(patch), 'Could not save the setting'),

    /** History view, on opening: starts afresh (nothing of an earlier visit, or account) and reads the account's logs. */
    async loadHistory(): Promise<void> {
      latestSearch = '';
      history(() => initialViews.history);
      const r = await run(api.historyList({}), 'Could not read the history');
      history((h) => ({ ...h, conversations: r.ok ? r.value : [] }));
    },
    /** History view: search every log; results older than the latest search are dropped. */
    async searchHistory(query: string): Promise<void> {
      const q = query.trim();
      if (q === '') return;
      latestSearch = q;
      const r = await api.historySearch({ query: q, limit: 100 });
      if (latestSearch === q) history((h) => ({ ...h, search: { query: q, hits: r.ok ? r.value : [] } }));
    },
    /** History view: open one log at its newest entries. */
    async openHistory(historyId: number): Promise<void> {
      const r = await run(api.historyRecent({ historyId, limit: 200 }), 'Could not open the conversation');
      if (r.ok && r.value) {
        const { conversation, entries } = r.value;
        history((h) => ({ ...h, open: { conversation, entries, highlight: null } }));
      }
    },
    /** History view: open the log around one entry (a search hit) and mark it. */
    async openHistoryAt(entryId: number): Promise<void> {
      const r = await run(api.historyAround({ entryId, before: 30, after: 30 }), 'Could not open the message');
      if (r.ok && r.value) {
        const { conversation, entries } = r.value;
        history((h) => ({ ...h, open: { conversation, entries, highlight: entryId } }));
      }
    },
    /** History view: the open log as a file (the view offers it for download). */
    async exportHistory(format: 'text' | 'html'): Promise<HistoryExportInfo | null> {
      const open = store.getState().views.history.open;
      if (!open) return null;
      const r = await run(api.historyExport({ historyId: open.conversation.id, format }), 'Could not export');
      return r.ok ? r.value : null;
    },
    /** History view: delete the open log; true when it was deleted. */
    async deleteOpenHistory(): Promise<boolean> {
      const open = store.getState().views.history.open;
      if (!open) return false;
      const r = await run(api.historyDelete({ historyId: open.conversation.id }), 'Could not delete');
      if (r.ok) await afterHistoryDeleted();
      return r.ok;
    },
    /** History view: delete every log of the account; true when it was done. */
    async deleteAllHistory(): Promise<boolean> {
      const r = await run(api.historyDeleteAll({}), 'Could not delete the history');
      if (r.ok) await afterHistoryDeleted();
      return r.ok;
    },
    /** A conversation's earlier history (the conversation view's "earlier messages"). */
    historyPage: (input: CommandInput<'historyRecent'>) => api.historyRecent(input),

    /** Protocol console: fetch the traffic since the last poll into the store. */
    async pollConsole(): Promise<void> {
      const r = await api.consoleEntries({ sinceSeq: store.getState().views.console.lastSeq });
      if (!r.ok || r.value.entries.length === 0) return;
      const { entries } = r.value;
      store.getState().updateViews((v) => ({ ...v, console: appendConsole(v.console, entries) }));
    },
    /** Protocol console: forget the traffic here and in the backend's buffer. */
    clearConsole() {
      void api.consoleClear({});
      store.getState().updateViews((v) => ({ ...v, console: { entries: [], lastSeq: v.console.lastSeq } }));
    },
    /** Protocol console: the whole masked buffer as text for a bug report, or null. */
    async consoleReport(): Promise<string | null> {
      const r = await run(api.consoleReport({}), 'Could not make the report');
      return r.ok ? r.value : null;
    },
    toast,
  };
}
