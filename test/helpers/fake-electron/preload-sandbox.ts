/**
 * The world a sandboxed preload runs in, for a BUILT preload script (test/electron/built-shell.test.ts):
 * a `node:vm` context with the renderer's web globals, a CommonJS wrapper, and a `require` that
 * gives 'electron' (contextBridge and ipcRenderer, recording every call) and throws for anything
 * else. Electron's sandboxed `require` also lends 'events', 'timers' and 'url'; our preload is
 * bundled so that it needs none of them (vite.electron.config.ts), so any other module is a
 * bundling mistake here.
 */
import { readFileSync } from 'node:fs';
import { createContext, compileFunction } from 'node:vm';

type Listener = (event: unknown, ...args: unknown[]) => void;

export interface PreloadWorld {
  /** Every module the preload asked for, in order (also the refused ones). */
  readonly required: readonly string[];
  /** What the preload gave `contextBridge.exposeInMainWorld`, by key. */
  readonly exposed: ReadonlyMap<string, unknown>;
  /** `ipcRenderer.invoke(channel, ...args)` calls, as `[channel, ...args]`. */
  readonly invoked: readonly (readonly unknown[])[];
  /** `ipcRenderer.send(channel, ...args)` calls. */
  readonly sent: readonly (readonly unknown[])[];
  /** The listeners `ipcRenderer.on` holds for a channel now. */
  listeners(channel: string): readonly Listener[];
}

/**
 * Runs the preload file once. `answer` is what the main process would resolve an `invoke` with.
 * Throws what the preload throws (a refused `require` among them).
 */
export function runPreload(file: string, answer: (channel: string, args: readonly unknown[]) => unknown): PreloadWorld {
  const required: string[] = [];
  const exposed = new Map<string, unknown>();
  const invoked: unknown[][] = [];
  const sent: unknown[][] = [];
  const on = new Map<string, Listener[]>();

  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]): Promise<unknown> => {
      invoked.push([channel, ...args]);
      return Promise.resolve(answer(channel, args));
    },
    send: (channel: string, ...args: unknown[]): void => void sent.push([channel, ...args]),
    on(channel: string, listener: Listener) {
      on.set(channel, [...(on.get(channel) ?? []), listener]);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: Listener) {
      on.set(channel, (on.get(channel) ?? []).filter((l) => l !== listener));
      return ipcRenderer;
    },
  };
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown): void => {
        if (exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
        exposed.set(key, api);
      },
    },
    ipcRenderer,
  };
  const sandboxRequire = (id: string): unknown => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`module not found: ${id}`);
  };

  // The isolated world has the web platform's globals, not Node's; the sandbox adds a small
  // `process` (no `require` of its own beyond the one passed in).
  const context = createContext({
    console,
    URL,
    TextEncoder,
    TextDecoder,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    structuredClone,
    process: { env: {}, platform: process.platform, type: 'renderer', sandboxed: true, contextIsolated: true },
  });
  const module = { exports: {} };
  const wrapper = compileFunction(readFileSync(file, 'utf8'), ['require', 'exports', 'module'], { parsingContext: context, filename: file });
  wrapper(sandboxRequire, module.exports, module);

  return { required, exposed, invoked, sent, listeners: (channel) => on.get(channel) ?? [] };
}
