/**
 * The browser client's transport: the contract over a WebSocket back to the web host (same
 * origin; the run's token in the address authenticates the upgrade, ./web-token.ts). Reconnects on its own and tells
 * the bridge the moment the link goes down and when it is back (the bridge then takes a fresh
 * snapshot).
 */
import { CONTRACT_ERRORS, WS_PATH, fail, type EventListener, type HostFrame, type Result, type Transport } from '../../shared/ipc';

export interface WebTransport extends Transport {
  /** Called with false the moment the connection closes, and with true when it is open again. */
  onLinkChange(listener: (up: boolean) => void): () => void;
  /** Try to connect now instead of waiting for the next scheduled attempt. */
  retryNow(): void;
  close(): void;
}

const RETRY_MS = [250, 500, 1000, 2000, 5000];

const lost = () => fail(CONTRACT_ERRORS.disconnected, 'Lost the connection to Monarch.');

export function createWebTransport(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`): WebTransport {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let attempts = 0;
  let closed = false;
  let everOpened = false;
  let up = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const queue: string[] = [];
  const listeners = new Set<EventListener>();
  const linkListeners = new Set<(up: boolean) => void>();
  const setUp = (next: boolean) => {
    if (next === up) return;
    up = next;
    for (const l of linkListeners) l(up);
  };

  const connect = () => {
    retryTimer = null;
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      attempts = 0;
      for (const frame of queue.splice(0)) socket.send(frame);
      everOpened = true;
      setUp(true);
    };
    socket.onmessage = (m: MessageEvent<string>) => {
      let frame: HostFrame;
      try {
        frame = JSON.parse(m.data) as HostFrame;
      } catch {
        return;
      }
      if ('event' in frame) {
        for (const l of listeners) l(frame.event);
      } else {
        const resolve = pending.get(frame.id);
        pending.delete(frame.id);
        resolve?.(frame.result);
      }
    };
    socket.onclose = () => {
      ws = null;
      // Commands in flight will never be answered: tell their callers.
      for (const resolve of pending.values()) resolve(lost());
      pending.clear();
      // Said at once (the page shows it), not after the retries have failed.
      if (everOpened) setUp(false);
      if (closed) return;
      const delay = RETRY_MS[Math.min(attempts, RETRY_MS.length - 1)] ?? 5000;
      attempts += 1;
      retryTimer = setTimeout(connect, delay);
    };
  };
  connect();

  return {
    invoke(name, input) {
      const id = nextId++;
      const frame = JSON.stringify({ id, command: name, input });
      // Once the page has been connected, a command while the connection is down fails at
      // once: the caller keeps what it was about to send (the page does not hold it unanswered).
      if (everOpened && !(ws && ws.readyState === WebSocket.OPEN)) return Promise.resolve(lost());
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve);
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(frame);
        else queue.push(frame);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    onLinkChange(listener) {
      linkListeners.add(listener);
      return () => {
        linkListeners.delete(listener);
      };
    },
    retryNow() {
      if (closed || ws || retryTimer === null) return;
      clearTimeout(retryTimer);
      connect();
    },
    close() {
      closed = true;
      ws?.close();
    },
  };
}
