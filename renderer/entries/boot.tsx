/** Wiring shared by every window: store, bridge, actions, the React root. */
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import type { MonarchApi } from '../../shared/ipc';
import { reportActivity } from '../bridge/activity';
import { connectBridge, resolveApi } from '../bridge/connect';
import { playSound } from '../components/sounds';
import { installSpriteSheets } from '../components/svg-markup';
import { createAppStore, type AppStore } from '../store';
import { createActions } from '../store/actions';
import { StoreProvider } from '../store/context';
import '../styles/app.css';
import { followTheme } from './theme';

export interface BootOptions {
  /**
   * What this window is, for the focus the backend's notification rules follow: the main window
   * (in the browser client: the conversation shown beside the list), or one conversation.
   */
  readonly focusTarget: 'main' | { readonly conversationId: string };
  /** Play the sounds the backend asks for (one window per app does, so none plays twice). */
  readonly sounds: boolean;
}

/** Tells the backend which window has the focus (a conversation, the contact list, or none). */
function reportFocus(api: MonarchApi, store: AppStore, target: BootOptions['focusTarget']): void {
  let last: string | null | undefined;
  const send = () => {
    const focused = document.hasFocus() && document.visibilityState === 'visible';
    const t = !focused ? null : target === 'main' ? (store.getState().ui.activeConversationId ?? 'contact-list') : target.conversationId;
    if (t === last) return;
    last = t;
    void api.windowFocused({ target: t });
  };
  window.addEventListener('focus', send);
  window.addEventListener('blur', send);
  document.addEventListener('visibilitychange', send);
  // The browser client switches conversations inside the page; a new snapshot also re-reports.
  store.subscribe((s, prev) => {
    if (s.ui.activeConversationId !== prev.ui.activeConversationId || (s.ready && !prev.ready)) send();
  });
  send();
}

export function boot(render: () => ReactNode, options: BootOptions = { focusTarget: 'main', sounds: true }): void {
  // Drawn before asking for the state: the artwork does not wait for it, nor the first render for the artwork.
  installSpriteSheets();
  const store = createAppStore();
  const { api, link } = resolveApi();
  const actions = createActions(api, store);
  actions.loadFormat();
  connectBridge(store, api, link);
  if (options.sounds) {
    api.onEvent(({ event }) => {
      if (event.type === 'attention.requested' && event.sound) playSound(event.sound);
    });
  }
  reportFocus(api, store, options.focusTarget);
  // Automatic Away in the browser client runs on the pages' activity; the desktop app has the
  // system idle time instead (electron/main/idle.ts).
  if (api.host === 'web') reportActivity(api, store);
  // The appearance setting, resolved to light or dark on <html data-theme> (theme.ts).
  const setTheme = followTheme(document.documentElement, window.matchMedia('(prefers-color-scheme: dark)'));
  store.subscribe((s, prev) => {
    const theme = s.desktop.preferences?.appearance.theme;
    if (theme !== prev.desktop.preferences?.appearance.theme) setTheme(theme);
  });
  if (options.focusTarget === 'main') {
    // Unread count in the page title (the browser tab; the desktop shell also badges the taskbar).
    const base = document.title;
    store.subscribe((s, prev) => {
      const n = s.desktop.unread.total;
      if (n !== prev.desktop.unread.total) document.title = n > 0 ? `(${n > 99 ? '99+' : n}) ${base}` : base;
    });
  }
  document.documentElement.dataset.host = api.host;
  const root = document.getElementById('root');
  if (!root) throw new Error('No #root element');
  createRoot(root).render(
    <StrictMode>
      <StoreProvider store={store} actions={actions} host={api.host} link={link}>
        {render()}
      </StoreProvider>
    </StrictMode>,
  );
}
