/**
 * The browser client's conversation area: the desktop app gives each conversation a window; in
 * one page they are tabs beside the contact list (ARCHITECTURE.md §6), with unread marks.
 */
import { useEffect, useMemo } from 'react';
import { Logo } from '../../components/Logo';
import { useActions, useAppState } from '../../store/context';
import { conversationTitle, visibleConversations } from '../../store/selectors';
import { Conversation } from './Conversation';

export function ConversationTabs() {
  const actions = useActions();
  const all = useAppState((s) => s.conversations.conversations);
  const contacts = useAppState((s) => s.contacts.contacts);
  const active = useAppState((s) => s.ui.activeConversationId);
  const seen = useAppState((s) => s.ui.seen);
  const list = useMemo(() => visibleConversations(all).filter((c) => c.open || c.conversation.id === active), [all, active]);

  // With nothing (or only an ended conversation) in front, the newest open conversation comes
  // forward: a message arrived.
  const newestOpen = list.find((c) => c.open)?.conversation.id ?? null;
  const activeOpen = active !== null && all[active]?.open === true;
  useEffect(() => {
    if (!activeOpen && newestOpen !== null && newestOpen !== active) void actions.showConversation(newestOpen);
  }, [active, activeOpen, newestOpen, actions]);

  if (list.length === 0) {
    return (
      <section className="conversation-area empty" aria-label="Conversations">
        <div className="no-conversation">
          <Logo size={120} />
          <p className="no-conversation-title">No conversations yet</p>
          <p>Double-click a contact to start a conversation, or press Ctrl+N.</p>
        </div>
      </section>
    );
  }
  return (
    <section className="conversation-area" aria-label="Conversations">
      <div className="tabs" role="tablist" aria-label="Open conversations">
        {list.map((c) => {
          const id = c.conversation.id;
          const unread = id !== active && c.entries.length > (seen[id] ?? 0);
          return (
            <div key={id} className={`tab${id === active ? ' active' : ''}${unread ? ' unread' : ''}`} role="presentation">
              <button type="button" role="tab" aria-selected={id === active} className="tab-button" onClick={() => void actions.showConversation(id)}>
                {conversationTitle(c, contacts)}
              </button>
              <button type="button" className="tab-close" aria-label={`Close conversation with ${conversationTitle(c, contacts)}`} onClick={() => void actions.closeConversation(id)}>
                ×
              </button>
            </div>
          );
        })}
      </div>
      {active && all[active] && <Conversation key={active} conversationId={active} />}
    </section>
  );
}
