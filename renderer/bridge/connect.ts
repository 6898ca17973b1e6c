/**
 * The bridge (ARCHITECTURE.md §6): finds `window.monarch` (the Electron preload), or builds it over
 * a WebSocket in the browser client, subscribes to events once, takes the snapshot and forwards
 * everything to the store. Events the snapshot already reflects are dropped by sequence number.
 *
 * It also keeps the window's one link state (`ui.link`): down the moment the WebSocket closes
 * (web host stopped) or a command finds the backend gone (the IPC rejects: the app's backend
 * crashed); up again when the socket reopens or a command is answered, and then it resyncs.
 */
import { COMMAND_NAMES, CONTRACT_ERRORS, buildApi, fail, type MonarchApi, type Result, type SequencedEvent } from '../../shared/ipc';
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
  /** Take a fresh snapshot (first load, and after the connection came back). */
  resync(): Promise<void>;
  dispose(): void;
}

/** The window's connection to the backend, whichever host carries it. */
export interface Link {
  /** Called with false when the backend can no longer be reached, with true when it can again. */
  onChange(listener: (up: boolean) => void): () => void;
  /** Try to reach the backend now (the "Try again" of the disconnected banner). */
  retry(): void;
}

/** One place that decides whether the backend is reachable, fed by the transport and by results. */
function createLink(): Link & { report(up: boolean): void; retryWith(f: () => void): void } {
  let up = true;
  let retry: () => void = () => undefined;
  const listeners = new Set<(up: boolean) => void>();
  return {
    report(next) {
      if (next === up) return;
      up = next;
      for (const l of listeners) l(up);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    retry: () => retry(),
    retryWith(f) {
      retry = f;
    },
  };
}

/**
 * Every command's answer says whether the backend was reached: `disconnected` (the socket is
 * gone) or a rejected IPC call (no backend to answer) is down; anything else is up. A rejection
 * becomes a `disconnected` result, so callers see one kind of failure whatever the host.
 */
function watched(api: MonarchApi, report: (up: boolean) => void): MonarchApi {
  const methods: Record<string, (input: unknown) => Promise<Result<unknown>>> = {};
  const call = api as unknown as Record<string, (input: unknown) => Promise<Result<unknown>>>;
  for (const name of COMMAND_NAMES) {
    methods[name] = (input: unknown) =>
      call[name]!(input).then(
        (r) => {
          report(r.ok || r.error.code !== CONTRACT_ERRORS.disconnected);
          return r;
        },
        () => {
          report(false);
          return fail(CONTRACT_ERRORS.disconnected, 'Lost the connection to Monarch.');
        },
      );
  }
  return Object.freeze({ ...(methods as unknown as MonarchApi), host: api.host, onEvent: api.onEvent });
}

export function resolveApi(): { api: MonarchApi; link: Link } {
  const link = createLink();
  if (window.monarch) {
    const api = watched(window.monarch, link.report);
    // The desktop app has no socket to reopen: asking for the state is the way to find out.
    link.retryWith(() => void api.snapshot({}));
    return { api, link };
  }
  const transport = createWebTransport(webSocketUrl(takeWebToken()));
  transport.onLinkChange(link.report);
  link.retryWith(() => transport.retryNow());
  return { api: watched(buildApi('web', transport), link.report), link };
}

export function connectBridge(store: AppStore, api: MonarchApi, link: Link): Bridge {
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
  const offLink = link.onChange((up) => {
    store.getState().updateUi((u) => ({ ...u, link: up ? 'up' : 'down' }));
    // Events may have been missed while it was down: start again from a snapshot.
    if (up) void resync();
  });
  void resync();

  return {
    api,
    resync,
    dispose() {
      unsubscribe();
      offLink();
    },
  };
}
