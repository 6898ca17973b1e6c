/**
 * The browser client's conversation area: the desktop app gives each conversation a window; in
 * one page they are tabs beside the contact list (ARCHITECTURE.md §6), in the order they were
 * opened (a message never moves a tab), with unread marks.
 *
 * The tab list holds only tabs (WAI-ARIA tabs pattern: arrow keys between tabs, Delete closes
 * one). Each tab's × is for the pointer only; the keyboard and screen readers have the
 * conversation's own Close button and Delete.
 */
import { useEffect, useId, useMemo, useRef, type KeyboardEvent } from 'react';
import { Logo } from '../../components/Logo';
import { useActions, useAppState } from '../../store/context';
import { conversationTitle, tabConversations } from '../../store/selectors';
import { Conversation } from './Conversation';

export function ConversationTabs() {
  const actions = useActions();
  const all = useAppState((s) => s.conversations.conversations);
  const contacts = useAppState((s) => s.contacts.contacts);
  const active = useAppState((s) => s.ui.activeConversationId);
  const seen = useAppState((s) => s.ui.seen);
  const focusRequest = useAppState((s) => s.ui.composerFocus);
  const list = useMemo(() => tabConversations(all, active), [all, active]);
  const strip = useRef<HTMLDivElement>(null);
  const ids = useId();

  // With nothing (or only an ended conversation) in front, the open conversation with the newest
  // activity comes forward: a message arrived.
  const newestOpen = useMemo(() => {
    let best: (typeof list)[number] | null = null;
    for (const c of list) if (c.open && (!best || c.lastActivity > best.lastActivity)) best = c;
    return best?.conversation.id ?? null;
  }, [list]);
  const activeOpen = active !== null && all[active]?.open === true;
  useEffect(() => {
    if (!activeOpen && newestOpen !== null && newestOpen !== active) void actions.showConversation(newestOpen);
  }, [active, activeOpen, newestOpen, actions]);

  if (list.length === 0) {
    return (
      <section className="conversation-area empty" aria-label="Conversations">
        <div className="no-conversation">
          <Logo size={120} />
          <h2 className="no-conversation-title">No conversations yet</h2>
          <p>Double-click a contact (or press Enter on one) to start a conversation.</p>
          <button type="button" className="button" onClick={() => actions.openDialog({ kind: 'new-conversation' })}>
            Start a conversation...
          </button>
        </div>
      </section>
    );
  }

  const focusTab = (index: number) => {
    const tabs = strip.current?.querySelectorAll<HTMLElement>('[role="tab"]');
    if (!tabs || tabs.length === 0) return;
    const next = tabs[(index + tabs.length) % tabs.length];
    next?.focus();
    next?.click();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>, index: number, id: string) => {
    if (e.key === 'ArrowRight') focusTab(index + 1);
    else if (e.key === 'ArrowLeft') focusTab(index - 1);
    else if (e.key === 'Home') focusTab(0);
    else if (e.key === 'End') focusTab(list.length - 1);
    else if (e.key === 'Delete') void actions.closeConversation(id);
    else return;
    e.preventDefault();
  };

  return (
    <section className="conversation-area" aria-label="Conversations">
      <button type="button" className="button back-to-list" onClick={actions.showList}>
        <span aria-hidden="true">‹</span> Back to the contact list
      </button>
      <div ref={strip} className="tabs" role="tablist" aria-label="Open conversations">
        {list.map((c, index) => {
          const id = c.conversation.id;
          const title = conversationTitle(c, contacts);
          const unread = id !== active && c.entries.length > (seen[id] ?? 0);
          return (
            <div
              key={id}
              id={`${ids}-tab-${index}`}
              role="tab"
              tabIndex={id === active ? 0 : -1}
              aria-selected={id === active}
              aria-controls={id === active ? `${ids}-panel` : undefined}
              aria-label={unread ? `${title}, unread messages` : title}
              className={`tab${id === active ? ' active' : ''}${unread ? ' unread' : ''}`}
              title={title}
              onClick={() => void actions.showConversation(id)}
              onKeyDown={(e) => onKeyDown(e, index, id)}
            >
              {unread && <span className="unread-dot" aria-hidden="true" />}
              <span className="tab-title">{title}</span>
              <span
                className="tab-close"
                aria-hidden="true"
                title={`Close conversation with ${title}`}
                onClick={(e) => {
                  e.stopPropagation();
                  void actions.closeConversation(id);
                }}
              >
                ×
              </span>
            </div>
          );
        })}
      </div>
      {active && all[active] && (
        <div className="tab-panel" role="tabpanel" id={`${ids}-panel`} aria-labelledby={`${ids}-tab-${list.findIndex((c) => c.conversation.id === active)}`}>
          <Conversation key={active} conversationId={active} focusOnOpen={focusRequest === active} />
        </div>
      )}
    </section>
  );
}
