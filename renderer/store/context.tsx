/** Hands the window's store and actions to components (created once per window in its entry). */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppStore, StoreState } from './index';
import type { Actions } from './actions';

interface Ctx {
  store: AppStore;
  actions: Actions;
  host: 'electron' | 'web';
  /** The window's connection to the backend (renderer/bridge): retry it from the disconnected banner. */
  link: { retry(): void };
}

const StoreContext = createContext<Ctx | null>(null);

export function StoreProvider({ store, actions, host, link, children }: Ctx & { children: ReactNode }) {
  return <StoreContext.Provider value={{ store, actions, host, link }}>{children}</StoreContext.Provider>;
}

function useCtx(): Ctx {
  const c = useContext(StoreContext);
  if (!c) throw new Error('StoreProvider is missing');
  return c;
}

export function useAppState<T>(selector: (s: StoreState) => T): T {
  return useStore(useCtx().store, selector);
}

export function useActions(): Actions {
  return useCtx().actions;
}

/** The store itself, for event handlers that read state when they run (not on every render). */
export function useStoreApi(): AppStore {
  return useCtx().store;
}

export function useHost(): 'electron' | 'web' {
  return useCtx().host;
}

/** Try to reach the backend again now. */
export function useRetryLink(): () => void {
  const link = useCtx().link;
  return () => link.retry();
}
