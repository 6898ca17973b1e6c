/**
 * What the fake `electron` module (./electron.ts, running inside the built main process) and the
 * test that launched it say to each other over the child process's IPC channel.
 */

/** One call the main process made into the fake, with its arguments as JSON. */
export interface RecordedCall {
  readonly kind: 'call';
  /** `app.quit`, `BrowserWindow#1.loadURL`, `new BrowserWindow`, `ipcMain.handle`, … */
  readonly api: string;
  readonly args: readonly unknown[];
}

/** Something the fake did on its own, as Electron would: `ready`, `will-quit`, `exit`. */
export interface RecordedLifecycle {
  readonly kind: 'lifecycle';
  readonly what: 'ready' | 'will-quit' | 'quit' | 'exit';
}

export type Recorded = RecordedCall | RecordedLifecycle;

/** The test asks the fake to act as Electron's side would. */
export type FakeRequest =
  /** Chromium loads a URL from the app's own scheme: the handler given to `protocol.handle` answers. */
  | { readonly kind: 'fetch'; readonly url: string }
  /**
   * A window's preload calls `ipcRenderer.invoke(channel, input)`: the handler given to
   * `ipcMain.handle` answers, with the sender frame at the URL the window loaded.
   */
  | { readonly kind: 'invoke'; readonly window: number; readonly channel: string; readonly input: unknown }
  /** The user picks an item (by its `id`) of the tray icon's menu. */
  | { readonly kind: 'tray-menu'; readonly itemId: string };

export interface FetchReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type ToFake = FakeRequest & { readonly id: number };

export type FromFake =
  | Recorded
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: string };
