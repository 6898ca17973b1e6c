/**
 * The browser client's transport: the contract over a WebSocket back to the web host (same
 * origin; the run's token in the address authenticates the upgrade, ./web-token.ts). Reconnects on its own and tells
 * the bridge, which then takes a fresh snapshot.
 */
import { CONTRACT_ERRORS, WS_PATH, fail, type EventListener, type HostFrame, type Result, type Transport } from '../../shared/ipc';

export interface WebTransport extends Transport {
  /** Called after the connection came back (not on the first connect). */
  onReconnect(listener: () => void): () => void;
  close(): void;
}

const RETRY_MS = [250, 500, 1000, 2000, 5000];

export function createWebTransport(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`): WebTransport {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let attempts = 0;
  let closed = false;
  let everOpened = false;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const queue: string[] = [];
  const listeners = new Set<EventListener>();
  const reconnectListeners = new Set<() => void>();

  const connect = () => {
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      attempts = 0;
      for (const frame of queue.splice(0)) socket.send(frame);
      if (everOpened) for (const l of reconnectListeners) l();
      everOpened = true;
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
      for (const resolve of pending.values()) resolve(fail(CONTRACT_ERRORS.disconnected, 'Lost the connection to Monarch.'));
      pending.clear();
      if (closed) return;
      const delay = RETRY_MS[Math.min(attempts, RETRY_MS.length - 1)] ?? 5000;
      attempts += 1;
      setTimeout(connect, delay);
    };
  };
  connect();

  return {
    invoke(name, input) {
      const id = nextId++;
      const frame = JSON.stringify({ id, command: name, input });
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
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => {
        reconnectListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      ws?.close();
    },
  };
}
