/**
 * A stand-in for the `electron` module, so the BUILT main process (`npm run build`'s
 * out/main/index.js) can run in plain Node where no Electron binary can be downloaded
 * (test/electron/built-shell.test.ts). ./hooks.ts hands it out for the bare specifier 'electron'.
 *
 * Only what the shell calls (electron/main/*.ts) is here: a new Electron API in the shell fails
 * loudly ("does not provide an export named …", "… is not a function") until it is added. The fake
 * keeps the Electron rules that a mock inside the test process (shell.test.ts) cannot see: `ready`
 * comes after the main script has run; schemes are registered before it; windows, trays, `screen`,
 * sessions and protocol handlers only after it; a second `ipcMain.handle` for a channel throws;
 * `app.quit()` goes through before-quit → closing every window → will-quit → quit, and any of them
 * may be prevented.
 *
 * Every call is reported to the test as JSON over the child process's IPC channel, which also
 * stands for Electron's message loop: it keeps the process alive until the app has quit. Then,
 * unlike Electron, the fake does not end the process: it must end by itself, which shows the
 * shell's quit left nothing running (the local server, sockets, timers).
 */
import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type * as Electron from 'electron';
import type { FakeRequest, FetchReply, FromFake, ToFake } from './messages';

const home: string =
  process.env.FAKE_ELECTRON_HOME ??
  ((): never => {
    throw new Error('fake electron: FAKE_ELECTRON_HOME (the folder for app.getPath) is not set');
  })();

function tell(message: FromFake, then: () => void = () => {}): void {
  if (process.connected) process.send?.(message, () => then());
}

/** Arguments as JSON: functions by name only; our fakes through their own toJSON. */
function asJson(args: readonly unknown[]): unknown[] {
  return JSON.parse(JSON.stringify(args, (_key, v: unknown) => (typeof v === 'function' ? '[function]' : v))) as unknown[];
}

/** Reports every call of the object's own methods (or a class prototype's) as `<label>.<method>`. */
function recordCalls<T extends object>(target: T, label: (self: object) => string): T {
  for (const key of Object.getOwnPropertyNames(target)) {
    const d = Object.getOwnPropertyDescriptor(target, key);
    if (key === 'constructor' || key === 'toJSON' || typeof d?.value !== 'function') continue;
    const method = d.value as (...args: unknown[]) => unknown;
    Object.defineProperty(target, key, {
      ...d,
      value: function (this: object, ...args: unknown[]) {
        tell({ kind: 'call', api: `${label(this)}.${key}`, args: asJson(args) });
        return method.apply(this, args);
      },
    });
  }
  return target;
}

/** Event objects of preventable Electron events (before-quit, will-quit, a window's close). */
function preventable(): { defaultPrevented: boolean; preventDefault(): void } {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

let ready = false;
/** Electron's own wording, so a failure reads as it would in the real app. */
function requireReady(message: string): void {
  if (!ready) throw new Error(message);
}

// ---- app ----------------------------------------------------------------------------------------

/** `electron .` (npm start): the app path is the folder given, or the main script's folder. */
const entry = resolve(process.argv[1] ?? '.');
const appPath = statSync(entry).isDirectory() ? entry : dirname(entry);

class FakeApp
  extends EventEmitter
  implements Pick<Electron.App, 'whenReady' | 'getPath' | 'setPath' | 'getAppPath' | 'requestSingleInstanceLock' | 'setAppUserModelId' | 'setBadgeCount' | 'quit'>
{
  readonly isPackaged = false;
  quitting = false;
  private readonly paths = new Map([
    ['userData', join(home, 'userData')],
    ['documents', join(home, 'Documents')],
  ]);
  private readonly readyPromise = new Promise<void>((resolveReady) => {
    // Electron is ready after the main script has run, never during it.
    setImmediate(() => {
      ready = true;
      tell({ kind: 'lifecycle', what: 'ready' });
      this.emit('ready', preventable(), {});
      resolveReady();
    });
  });

  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  getPath(name: string): string {
    const path = this.paths.get(name);
    if (!path) throw new Error(`Failed to get '${name}' path`);
    return path;
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }
  getAppPath(): string {
    return appPath;
  }
  /** The only instance. */
  requestSingleInstanceLock(): boolean {
    return true;
  }
  setAppUserModelId(_id: string): void {}
  setBadgeCount(_count?: number): boolean {
    return true;
  }
  quit(): void {
    if (this.quitting) return;
    const event = preventable();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.quitting = true;
    if (liveWindows.size === 0) shutdown();
    else for (const w of [...liveWindows]) closeWindow(w);
  }
}
recordCalls(FakeApp.prototype, () => 'app');
export const app = new FakeApp();

/** The last window has gone. */
function allWindowsClosed(): void {
  if (app.quitting) shutdown();
  else app.emit('window-all-closed');
}

function shutdown(): void {
  const event = preventable();
  tell({ kind: 'lifecycle', what: 'will-quit' });
  app.emit('will-quit', event);
  if (event.defaultPrevented) {
    app.quitting = false;
    return;
  }
  tell({ kind: 'lifecycle', what: 'quit' });
  app.emit('quit', preventable(), 0);
  // The message loop ends: only what the app left running could keep the process alive now.
  tell({ kind: 'lifecycle', what: 'exit' }, () => process.disconnect());
}

// ---- windows ------------------------------------------------------------------------------------

const liveWindows = new Set<FakeBrowserWindow>();
const windowsById = new Map<number, FakeBrowserWindow>();

class FakeWebContents extends EventEmitter implements Pick<Electron.WebContents, 'send' | 'isDestroyed'> {
  url = '';
  destroyed = false;
  constructor(readonly id: number) {
    super();
  }
  send(_channel: string, ..._args: unknown[]): void {}
  setWindowOpenHandler(_handler: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  toJSON() {
    return { webContents: this.id };
  }
}
recordCalls(FakeWebContents.prototype, (self) => `webContents#${(self as FakeWebContents).id}`);

type Bounds = { x: number; y: number; width: number; height: number };

let nextWindowId = 1;

class FakeBrowserWindow
  extends EventEmitter
  implements
    Pick<
      Electron.BrowserWindow,
      | 'loadURL' | 'isDestroyed' | 'isMinimized' | 'isMaximized' | 'isFullScreen' | 'isFocused' | 'getBounds' | 'getNormalBounds'
      | 'getPosition' | 'setPosition' | 'maximize' | 'restore' | 'show' | 'showInactive' | 'hide' | 'focus' | 'flashFrame'
      | 'setOverlayIcon'
    >
{
  readonly id = nextWindowId++;
  readonly webContents = new FakeWebContents(this.id);
  destroyed = false;
  private bounds: Bounds;
  private focused = false;
  private maximized = false;

  constructor(options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    tell({ kind: 'call', api: 'new BrowserWindow', args: asJson([options]) });
    requireReady('Cannot create BrowserWindow before app is ready');
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
    liveWindows.add(this);
    windowsById.set(this.id, this);
  }
  loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    // A page that has loaded paints: windows created hidden wait for this to show themselves.
    setImmediate(() => {
      if (!this.destroyed) this.emit('ready-to-show');
    });
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return false;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isFullScreen(): boolean {
    return false;
  }
  isFocused(): boolean {
    return this.focused;
  }
  getBounds(): Bounds {
    return { ...this.bounds };
  }
  getNormalBounds(): Bounds {
    return { ...this.bounds };
  }
  getPosition(): number[] {
    return [this.bounds.x, this.bounds.y];
  }
  setPosition(x: number, y: number): void {
    this.bounds = { ...this.bounds, x, y };
  }
  maximize(): void {
    this.maximized = true;
  }
  restore(): void {}
  show(): void {
    this.focused = true;
  }
  showInactive(): void {}
  hide(): void {
    this.focused = false;
  }
  focus(): void {
    this.focused = true;
  }
  flashFrame(_flag: boolean): void {}
  setOverlayIcon(_overlay: Electron.NativeImage | null, _description: string): void {}
  toJSON() {
    return { BrowserWindow: this.id };
  }
}
recordCalls(FakeBrowserWindow.prototype, (self) => `BrowserWindow#${(self as FakeBrowserWindow).id}`);

/**
 * Electron closing a window (the app quitting; the shell never closes one itself): 'close' may be
 * prevented (hide to the tray), and a window that stays open cancels the quit.
 */
function closeWindow(win: FakeBrowserWindow): void {
  if (win.destroyed) return;
  const event = preventable();
  win.emit('close', event);
  if (event.defaultPrevented) {
    app.quitting = false;
    return;
  }
  win.destroyed = true;
  win.webContents.destroyed = true;
  liveWindows.delete(win);
  win.emit('closed');
  if (liveWindows.size === 0) allWindowsClosed();
}
export { FakeBrowserWindow as BrowserWindow };

export const screen = recordCalls(
  {
    getAllDisplays() {
      requireReady("The 'screen' module can't be used before the app 'ready' event");
      const area = { x: 0, y: 0, width: 1920, height: 1080 };
      return [{ id: 1, bounds: area, workArea: area, scaleFactor: 1 }];
    },
  },
  () => 'screen',
);

// ---- tray, menus, pictures, notifications --------------------------------------------------------

class FakeNativeImage {
  constructor(readonly path: string) {}
  toJSON() {
    return { nativeImage: this.path };
  }
}
export const nativeImage = recordCalls({ createFromPath: (path: string) => new FakeNativeImage(path) }, () => 'nativeImage');

class FakeMenu {
  constructor(readonly items: readonly Electron.MenuItemConstructorOptions[]) {}
  toJSON() {
    return { menu: this.items.map((i) => i.id ?? i.label ?? i.type) };
  }
}
export const Menu = recordCalls({ buildFromTemplate: (template: Electron.MenuItemConstructorOptions[]) => new FakeMenu(template) }, () => 'Menu');

const liveTrays = new Set<FakeTray>();

class FakeTray extends EventEmitter implements Pick<Electron.Tray, 'setToolTip' | 'setTitle' | 'isDestroyed' | 'destroy'> {
  menu: FakeMenu | null = null;
  private destroyed = false;
  constructor(_image: FakeNativeImage) {
    super();
    requireReady('Cannot create Tray before app is ready');
    liveTrays.add(this);
  }
  setImage(_image: FakeNativeImage): void {}
  setToolTip(_toolTip: string): void {}
  setTitle(_title: string): void {}
  setContextMenu(menu: FakeMenu | null): void {
    this.menu = menu;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    liveTrays.delete(this);
  }
}
recordCalls(FakeTray.prototype, () => 'tray');
export { FakeTray as Tray };

class FakeNotification extends EventEmitter implements Pick<Electron.Notification, 'show' | 'close'> {
  static isSupported(): boolean {
    return true;
  }
  constructor(_options: Electron.NotificationConstructorOptions) {
    super();
  }
  show(): void {}
  close(): void {
    this.emit('close', preventable());
  }
}
recordCalls(FakeNotification.prototype, () => 'notification');
export { FakeNotification as Notification };

// ---- the rest of the main-process modules the shell uses ------------------------------------------

export const powerMonitor = recordCalls(
  Object.assign(new EventEmitter(), {
    getSystemIdleTime: (): number => 0,
    getSystemIdleState: (_idleThreshold: number): 'active' | 'idle' | 'locked' | 'unknown' => 'active',
  }),
  () => 'powerMonitor',
);

type SchemeHandler = (request: Request) => Response | Promise<Response>;
const schemeHandlers = new Map<string, SchemeHandler>();

export const protocol = recordCalls(
  {
    registerSchemesAsPrivileged(_schemes: Electron.CustomScheme[]): void {
      if (ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    },
    handle(scheme: string, handler: SchemeHandler): void {
      requireReady('protocol.handle can only be used after app is ready');
      if (schemeHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
      schemeHandlers.set(scheme, handler);
    },
  } satisfies Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle'>,
  () => 'protocol',
);

const defaultSession = recordCalls(
  Object.assign(new EventEmitter(), {
    setPermissionRequestHandler(_handler: unknown): void {},
    setPermissionCheckHandler(_handler: unknown): void {},
  }),
  () => 'session.defaultSession',
);
export const session = {
  get defaultSession() {
    requireReady('Session can only be received when app is ready');
    return defaultSession;
  },
};

type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;
const ipcHandlers = new Map<string, IpcHandler>();

export const ipcMain = recordCalls(
  {
    handle(channel: string, handler: IpcHandler): void {
      if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      ipcHandlers.set(channel, handler);
    },
    removeHandler(channel: string): void {
      ipcHandlers.delete(channel);
    },
  },
  () => 'ipcMain',
);

export const shell = recordCalls({ openExternal: (_url: string): Promise<void> => Promise.resolve() }, () => 'shell');

/** Error boxes are recorded, never shown (the shell's "data folder in use"). */
export const dialog = recordCalls({ showErrorBox: (_title: string, _content: string): void => undefined }, () => 'dialog');

/** A Linux desktop without a keyring: passwords cannot be kept. */
export const safeStorage = recordCalls(
  {
    isEncryptionAvailable: (): boolean => false,
    getSelectedStorageBackend: (): ReturnType<Electron.SafeStorage['getSelectedStorageBackend']> => 'basic_text',
  },
  () => 'safeStorage',
);

export const systemPreferences = recordCalls(
  { getAnimationSettings: () => ({ shouldRenderRichAnimation: true, scrollAnimationsEnabledBySystem: true, prefersReducedMotion: false }) },
  () => 'systemPreferences',
);

// ---- what the test asks of "Electron" ------------------------------------------------------------

async function perform(request: FakeRequest): Promise<unknown> {
  switch (request.kind) {
    case 'fetch': {
      const scheme = new URL(request.url).protocol.slice(0, -1);
      const handler = schemeHandlers.get(scheme);
      if (!handler) throw new Error(`No handler for ${scheme}:`);
      const response = await handler(new Request(request.url));
      const reply: FetchReply = { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
      return reply;
    }
    case 'invoke': {
      const win = windowsById.get(request.window);
      const handler = ipcHandlers.get(request.channel);
      if (!win || !handler) throw new Error(`No window ${request.window} or no handler for ${request.channel}`);
      // The top frame of that window, at the page it loaded (what the shell's sender check reads).
      const senderFrame = { url: win.webContents.url, parent: null };
      return handler({ sender: win.webContents, senderFrame }, request.input);
    }
    case 'tray-menu': {
      const [tray] = liveTrays;
      const item = tray?.menu?.items.find((i) => i.id === request.itemId);
      if (!item?.click) throw new Error(`No tray menu item ${request.itemId}`);
      item.click(item as unknown as Electron.MenuItem, undefined, {} as Electron.KeyboardEvent);
      return null;
    }
  }
}

process.on('message', (message: ToFake) => {
  perform(message).then(
    (value) => tell({ kind: 'reply', id: message.id, ok: true, value: value === undefined ? null : value }),
    (e: unknown) => tell({ kind: 'reply', id: message.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
// The test went away: leave too, rather than keep a local server running with nobody to quit it.
process.on('disconnect', () => {
  if (!app.quitting) process.exit(1);
});
