/**
 * The main window: sign-in until signed in, then the contact list. In the browser client the
 * conversations sit beside the list in the same page; the desktop app opens a window for each.
 */
import { useEffect } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner';
import { Toast } from './components/Toast';
import { ContactList } from './features/contact-list/ContactList';
import { ConversationTabs } from './features/conversation/ConversationTabs';
import { Dialogs } from './features/dialogs/Dialogs';
import { SignIn } from './features/sign-in/SignIn';
import { useActions, useAppState, useHost } from './store/context';
import { Conversation } from './features/conversation/Conversation';
import { conversationTitle } from './store/selectors';
import { HistoryView } from './features/history/History';
import { SettingsView } from './features/settings/Settings';
import { ProtocolConsoleView } from './features/console/ProtocolConsole';

/** The history, settings or console view over the main window (Esc closes it). */
function Panels() {
  const actions = useActions();
  const panel = useAppState((s) => s.ui.panel);
  useEffect(() => {
    if (!panel) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) actions.closePanel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [panel, actions]);
  if (!panel) return null;
  return (
    <div className="panel-overlay">
      {panel.kind === 'history' && <HistoryView />}
      {panel.kind === 'settings' && <SettingsView />}
      {panel.kind === 'console' && <ProtocolConsoleView />}
    </div>
  );
}

function useShortcuts(signedIn: boolean) {
  const actions = useActions();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (signedIn && (e.ctrlKey || e.metaKey) && (e.key === 'n' || e.key === 'N')) {
        e.preventDefault();
        actions.openDialog({ kind: 'new-conversation' });
        return;
      }
      if ((e.ctrlKey || e.metaKey) && (e.key === 'f' || e.key === 'F')) {
        const search = document.querySelector<HTMLInputElement>('[data-shortcut="search"]');
        if (search) {
          e.preventDefault();
          search.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [signedIn, actions]);
}

export function MainWindow() {
  const host = useHost();
  const ready = useAppState((s) => s.ready);
  const status = useAppState((s) => s.session.connection.status);
  const pending = useAppState((s) => s.ui.signIn.pending);
  const hasSelf = useAppState((s) => s.session.self !== null);
  const self = useAppState((s) => s.session.self?.friendlyName || s.session.self?.handle || null);
  // The narrow layout shows one pane: the conversation in front, or the list (app.css).
  const conversationInFront = useAppState(
    (s) => !s.ui.listInFront && s.ui.activeConversationId !== null && s.conversations.conversations[s.ui.activeConversationId] !== undefined,
  );
  const signedIn = ready && !pending && hasSelf && (status === 'online' || status === 'reconnecting' || status === 'syncing');
  useShortcuts(signedIn);

  if (!ready) {
    return (
      <>
        <ConnectionBanner />
        <div className="splash" aria-busy="true" />
      </>
    );
  }
  if (!signedIn) {
    return (
      <>
        <ConnectionBanner />
        <SignIn />
        <Toast />
      </>
    );
  }
  return (
    <>
      <ConnectionBanner />
      <main className={host === 'web' ? `web-layout${conversationInFront ? ' conversation-in-front' : ''}` : 'list-window'}>
        <h1 className="visually-hidden">{self ? `Monarch: ${self}` : 'Monarch'}</h1>
        <ContactList />
        {host === 'web' && <ConversationTabs />}
        <Panels />
        <Dialogs />
        <Toast />
      </main>
    </>
  );
}

export function ConversationWindow({ conversationId }: { conversationId: string }) {
  const title = useAppState((s) => {
    const c = s.conversations.conversations[conversationId];
    return c ? conversationTitle(c, s.contacts.contacts) : '';
  });
  useEffect(() => {
    document.title = title ? `${title} - Conversation` : 'Conversation';
  }, [title]);
  return (
    <main className="conversation-window">
      <ConnectionBanner />
      <h1 className="visually-hidden">{title || 'Conversation'}</h1>
      <Conversation conversationId={conversationId} focusOnOpen />
      <Dialogs />
      <Toast />
    </main>
  );
}
