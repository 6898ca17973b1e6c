/**
 * The web host's per-run token in the browser client (electron/web/host.ts). The host hands it
 * over in the address's fragment once (`/#token=…`, never sent to a server); the page keeps it in
 * its own origin's storage, which no page of another port can read, and drops it from the address.
 * It is not a cookie: cookies are not bound to a port, so every other service on 127.0.0.1 the
 * browser visits would receive it.
 */
import { WS_PATH } from '../../shared/ipc';

const KEY = 'monarch.webToken';

function remember(token: string): void {
  try {
    localStorage.setItem(KEY, token);
  } catch {
    // No storage (e.g. disabled): the token still works for this page until it reloads.
  }
}

function stored(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Takes the token from the address (once) or from storage; null when this browser has none. */
export function takeWebToken(): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fresh = fragment.get('token');
  if (fresh) {
    remember(fresh);
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return fresh;
  }
  return stored();
}

/** The host's WebSocket address, carrying the token. */
export function webSocketUrl(token: string | null): string {
  const base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`;
  return token ? `${base}?token=${encodeURIComponent(token)}` : base;
}
