/** Wiring shared by every window: store, bridge, actions, the React root. */
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectBridge, resolveApi } from '../bridge/connect';
import { createAppStore } from '../store';
import { createActions } from '../store/actions';
import { StoreProvider } from '../store/context';
import '../styles/app.css';

export function boot(render: () => ReactNode): void {
  const store = createAppStore();
  const { api, onReconnect } = resolveApi();
  const actions = createActions(api, store);
  actions.loadFormat();
  connectBridge(store, api, onReconnect);
  document.documentElement.dataset.host = api.host;
  const root = document.getElementById('root');
  if (!root) throw new Error('No #root element');
  createRoot(root).render(
    <StrictMode>
      <StoreProvider store={store} actions={actions} host={api.host}>
        {render()}
      </StoreProvider>
    </StrictMode>,
  );
}
