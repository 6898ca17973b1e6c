/**
 * The bridge (ARCHITECTURE.md §6): finds `window.monarch` (the Electron preload), or builds it over
 * a WebSocket in the browser client, subscribes to events once, takes the snapshot and forwards
 * everything to the store. Events the snapshot already reflects are dropped by sequence number.
 */
import { buildApi, type MonarchApi, type SequencedEvent } from '../../shared/ipc';
import type { AppStore } from '../store';
import { createWebTransport } from './web-transport';
import { takeWebToken, webSocketUrl } from './web-token';

declare global {
  interface Window {
    readonly monarch?: MonarchApi;
  }
}

export interface Bridge {
  readonly api: MonarchApi;
  /** Take a fresh snapshot (first load, and after the web connection came back). */
  resync(): Promise<void>;
  dispose(): void;
}

export function resolveApi(): { api: MonarchApi; onReconnect: ((l: () => void) => () => void) | null } {
  if (window.monarch) return { api: window.monarch, onReconnect: null };
  const transport = createWebTransport(webSocketUrl(takeWebToken()));
  return { api: buildApi('web', transport), onReconnect: (l) => transport.onReconnect(l) };
}

export function connectBridge(store: AppStore, api: MonarchApi, onReconnect: ((l: () => void) => () => void) | null): Bridge {
  // Events that arrive while a snapshot is on its way wait here, then the older ones are dropped.
  let buffer: SequencedEvent[] | null = [];
  const unsubscribe = api.onEvent((e) => {
    if (buffer) buffer.push(e);
    else store.getState().applyEvents([e]);
  });

  const resync = async () => {
    buffer = buffer ?? [];
    const snap = await api.snapshot({});
    if (snap.ok) store.getState().applySnapshot(snap.value);
    const waiting = buffer;
    buffer = null;
    store.getState().applyEvents(waiting);
  };
  const offReconnect = onReconnect?.(() => void resync()) ?? (() => undefined);
  void resync();

  return {
    api,
    resync,
    dispose() {
      unsubscribe();
      offReconnect();
    },
  };
}
