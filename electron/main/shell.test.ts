/**
 * The Electron shell with the `electron` module mocked (no Electron binary here or in CI): the
 * single-instance lock, secure window options, the app protocol, navigation and window.open
 * rules, IPC sender checks and input validation, event broadcast, conversation windows.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COMMAND_NAMES,
  EVENT_CHANNEL,
  commandChannel,
  initialAppState,
  reduceApp,
  type AppState,
  type AttentionRequest,
  type EventListener,
  type SequencedEvent,
} from '../../shared/ipc';
import { DEFAULT_PRIVACY, type MyStatus } from '../../shared/model';

type Handler = (...args: unknown[]) => unknown;

const h = vi.hoisted(() => {
  class Emitter {
    listeners = new Map<string, ((...a: unknown[]) => unknown)[]>();
    on(name: string, f: (...a: unknown[]) => unknown) {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), f]);
      return this;
    }
    once(name: string, f: (...a: unknown[]) => unknown) {
      return this.on(name, f);
    }
    fire(name: string, ...args: unknown[]) {
      return (this.listeners.get(name) ?? []).map((f) => f(...args));
    }
  }
  class FakeContents extends Emitter {
    sent: [string, unknown][] = [];
    openHandler: ((d: { url: string }) => { action: string }) | null = null;
    setWindowOpenHandler(f: (d: { url: string }) => { action: string }) {
      this.openHandler = f;
    }
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    isDestroyed() {
      return false;
    }
  }
  class FakeWindow extends Emitter {
    static all: FakeWindow[] = [];
    webContents = new FakeContents();
    url = '';
    shown: 'active' | 'inactive' | null = null;
    flashed = false;
    focused = false;
    constructor(public options: Record<string, unknown>) {
      super();
      FakeWindow.all.push(this);
    }
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    isMaximized() {
      return false;
    }
    isFullScreen() {
      return false;
    }
    position: [number, number] = [100, 100];
    moves: [number, number][] = [];
    getPosition() {
      return this.position;
    }
    setPosition(x: number, y: number) {
      this.moves.push([x, y]);
      this.position = [x, y];
    }
    isFocused() {
      return this.focused;
    }
    getBounds() {
      return { x: 10, y: 20, width: 400, height: 500 };
    }
    getNormalBounds() {
      return this.getBounds();
    }
    maximize() {}
    restore() {}
    show() {
      this.shown = 'active';
    }
    showInactive() {
      this.shown = 'inactive';
    }
    focus() {
      this.focused = true;
    }
    flashFrame(on: boolean) {
      this.flashed = on;
    }
    hidden = false;
    hide() {
      this.hidden = true;
    }
    overlay: [unknown, string] | null = null;
    setOverlayIcon(image: unknown, description: string) {
      this.overlay = [image, description];
    }
  }
  class FakeTray extends Emitter {
    static all: FakeTray[] = [];
    image: unknown;
    tooltip = '';
    title = '';
    menu: { template: { id?: string; label?: string; enabled?: boolean; checked?: boolean; click?: () => void }[] } | null = null;
    destroyed = false;
    constructor(image: unknown) {
      super();
      this.image = image;
      FakeTray.all.push(this);
    }
    setImage(image: unknown) {
      this.image = image;
    }
    setToolTip(t: string) {
      this.tooltip = t;
    }
    setTitle(t: string) {
      this.title = t;
    }
    setContextMenu(m: FakeTray['menu']) {
      this.menu = m;
    }
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  class FakeNotification extends Emitter {
    static all: FakeNotification[] = [];
    shown = false;
    closed = false;
    constructor(public options: { title: string; body: string; silent?: boolean }) {
      super();
      FakeNotification.all.push(this);
    }
    static isSupported() {
      return true;
    }
    show() {
      this.shown = true;
    }
    close() {
      this.closed = true;
      this.fire('close');
    }
  }
  const powerMonitor = Object.assign(new Emitter(), {
    idleSeconds: 0,
    state: 'active' as 'active' | 'idle' | 'locked' | 'unknown',
    getSystemIdleTime: () => powerMonitor.idleSeconds,
    getSystemIdleState: (_threshold: number) => powerMonitor.state,
  });
  const app = Object.assign(new Emitter(), {
    lock: true,
    quit: () => undefined as void,
    requestSingleInstanceLock() {
      return app.lock;
    },
    whenReady: () => Promise.resolve(),
    getPath: (): string => '',
    setPath: (_name: string, _path: string) => undefined as void,
    getAppPath: (): string => '/nonexistent-app',
    isPackaged: false,
    badge: 0,
    setBadgeCount(n: number) {
      app.badge = n;
      return true;
    },
    setAppUserModelId: (_id: string) => undefined as void,
  });
  const handlers = new Map<string, (...a: unknown[]) => unknown>();
  const ipcMain = {
    handle: (channel: string, f: (...a: unknown[]) => unknown) => handlers.set(channel, f),
    removeHandler: (channel: string) => handlers.delete(channel),
  };
  const protocolState: { privileged: unknown; handler: ((r: Request) => Promise<Response>) | null } = { privileged: null, handler: null };
  const protocol = {
    registerSchemesAsPrivileged: (s: unknown) => {
      protocolState.privileged = s;
    },
    handle: (_scheme: string, f: (r: Request) => Promise<Response>) => {
      protocolState.handler = f;
    },
  };
  const sessionEvents = new Map<string, (...a: unknown[]) => unknown>();
  const permissions: { request: ((...a: unknown[]) => unknown) | null; check: ((...a: unknown[]) => unknown) | null } = { request: null, check: null };
  const session = {
    defaultSession: {
      setPermissionRequestHandler: (f: (...a: unknown[]) => unknown) => {
        permissions.request = f;
      },
      setPermissionCheckHandler: (f: (...a: unknown[]) => unknown) => {
        permissions.check = f;
      },
      on: (name: string, f: (...a: unknown[]) => unknown) => {
        sessionEvents.set(name, f);
      },
    },
  };
  const opened: string[] = [];
  const dialog = { showErrorBox: vi.fn() };
  return { FakeWindow, FakeTray, FakeNotification, powerMonitor, app, handlers, ipcMain, protocol, protocolState, session, sessionEvents, permissions, opened, dialog };
});

vi.mock('electron', () => ({
  app: h.app,
  BrowserWindow: h.FakeWindow,
  ipcMain: h.ipcMain,
  protocol: h.protocol,
  session: h.session,
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  shell: { openExternal: async (url: string) => void h.opened.push(url) },
  safeStorage: { isEncryptionAvailable: () => false },
  systemPreferences: { getAnimationSettings: () => ({ prefersReducedMotion: false }) },
  Tray: h.FakeTray,
  Menu: { buildFromTemplate: (template: unknown) => ({ template }) },
  nativeImage: { createFromPath: (path: string) => ({ path }) },
  Notification: h.FakeNotification,
  powerMonitor: h.powerMonitor,
  dialog: h.dialog,
}));

const { runApp } = await import('./shell');
const { DataDirInUseError } = await import('../core/local-server');

function fakeCore() {
  const listeners = new Set<EventListener>();
  let seq = 0;
  // The real projection, so the shell reads the same state it would from app-core.
  let state: AppState = initialAppState;
  const core = {
    execute: vi.fn(async (_cmd: { name: string; input: unknown }): Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }> => ({
      ok: true as const,
      value: 'from-core',
    })),
    subscribe: (l: EventListener) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    snapshot: () => ({ seq, state }),
    dispose: vi.fn(async () => undefined),
    autoSignIn: vi.fn(async () => null),
    emit(event: SequencedEvent['event']) {
      const e = { seq: ++seq, at: 1, event };
      state = reduceApp(state, e);
      for (const l of listeners) l(e);
    },
  };
  return core;
}

let outDir: string;
let userData: string;
let core: ReturnType<typeof fakeCore>;

async function start() {
  core = fakeCore();
  h.app.getPath = () => userData;
  return runApp({ createAppCore: () => core as never, outDir, resources: { trayDir: '/res/tray', windowIcon: '/res/icon.png', unreadOverlay: '/res/tray/unread-overlay.png' } });
}

const trusted = { senderFrame: { url: 'monarch://app/index.html', parent: null } };

beforeEach(() => {
  h.FakeWindow.all = [];
  h.FakeTray.all = [];
  h.FakeNotification.all = [];
  h.powerMonitor.listeners.clear();
  h.handlers.clear();
  h.app.listeners.clear();
  h.app.lock = true;
  h.opened.length = 0;
  outDir = mkdtempSync(join(tmpdir(), 'monarch-shell-'));
  userData = mkdtempSync(join(tmpdir(), 'monarch-userdata-'));
  mkdirSync(join(outDir, 'renderer'));
  writeFileSync(join(outDir, 'renderer', 'index.html'), '<!doctype html><title>Monarch</title>');
  writeFileSync(join(outDir, 'secret.txt'), 'not for the renderer');
});

describe('Electron shell', () => {
  it('quits without opening anything when another instance holds the lock', async () => {
    h.app.lock = false;
    const quit = vi.spyOn(h.app, 'quit');
    expect(await start()).toBeNull();
    expect(quit).toHaveBeenCalled();
    expect(h.FakeWindow.all).toHaveLength(0);
  });

  it('says so and quits, opening nothing, when another Monarch uses the data folder', async () => {
    const quit = vi.spyOn(h.app, 'quit');
    h.app.getPath = () => userData;
    const inUse = new DataDirInUseError(userData, { pid: 4242, holder: 'the web host, npm run web', since: 'now' });
    const shell = await runApp({
      createAppCore: () => {
        throw inUse;
      },
      outDir,
    });
    expect(shell).toBeNull();
    expect(h.dialog.showErrorBox).toHaveBeenCalledWith('Monarch is already using this data folder', inUse.message);
    expect(quit).toHaveBeenCalled();
    expect(h.FakeWindow.all).toHaveLength(0);
    quit.mockRestore();
  });

  it('opens the contact list with secure defaults from the app protocol', async () => {
    await start();
    expect(h.FakeWindow.all).toHaveLength(1);
    const win = h.FakeWindow.all[0]!;
    expect(win.url).toBe('monarch://app/index.html');
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
    expect(prefs.preload).toBe(join(outDir, 'preload', 'preload.cjs'));
    expect(core.autoSignIn).toHaveBeenCalled();
  });

  it('brings the contact list forward when a second instance starts', async () => {
    await start();
    const win = h.FakeWindow.all[0]!;
    h.app.fire('second-instance');
    expect(win.focused).toBe(true);
    expect(h.FakeWindow.all).toHaveLength(1);
  });

  it('blocks navigation away from the app and window.open, opening web links outside', async () => {
    await start();
    const contents = h.FakeWindow.all[0]!.webContents;
    const nav = (url: string) => {
      let prevented = false;
      contents.fire('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(nav('https://evil.example/')).toBe(true);
    expect(nav('file:///etc/passwd')).toBe(true);
    expect(nav('monarch://app/index.html')).toBe(false);
    expect(contents.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(h.opened).toEqual(['https://example.com/']);
    let webviewPrevented = false;
    contents.fire('will-attach-webview', { preventDefault: () => (webviewPrevented = true) });
    expect(webviewPrevented).toBe(true);
  });

  it('denies every permission request', async () => {
    await start();
    let granted: boolean | undefined;
    h.permissions.request!(null, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(h.permissions.check!()).toBe(false);
  });

  it('exports are saved through a Save As dialog; other downloads are cancelled', async () => {
    await start();
    const willDownload = h.sessionEvents.get('will-download')!;
    const item = (url: string) => ({ options: null as unknown, getURL: () => url, getFilename: () => 'Bob.html', setSaveDialogOptions(o: unknown) { this.options = o; } });
    const ours = item('blob:monarch://app/1234');
    let cancelled = false;
    willDownload({ preventDefault: () => (cancelled = true) }, ours);
    expect(cancelled).toBe(false);
    expect(ours.options).toMatchObject({ title: 'Save conversation', filters: [{ name: 'Web page' }, { name: 'All files' }] });
    willDownload({ preventDefault: () => (cancelled = true) }, item('https://example.com/x.exe'));
    expect(cancelled).toBe(true);
  });

  it('serves the renderer with a strict CSP and nothing outside it', async () => {
    await start();
    const handler = h.protocolState.handler!;
    const ok = await handler(new Request('monarch://app/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await handler(new Request('monarch://app/../secret.txt'))).status).toBe(404);
    expect((await handler(new Request('monarch://app/%2e%2e/secret.txt'))).status).toBe(404);
    expect((await handler(new Request('monarch://other/index.html'))).status).toBe(404);
  });

  it('binds one handler per command, checks the sender and validates input', async () => {
    await start();
    expect(h.handlers.size).toBe(COMMAND_NAMES.length);
    for (const name of COMMAND_NAMES) expect(h.handlers.has(commandChannel(name))).toBe(true);
    const add = h.handlers.get(commandChannel('addContact')) as Handler;

    expect(await add({ senderFrame: { url: 'https://evil.example/', parent: null } }, { handle: 'bob@example.com' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await add({ senderFrame: { url: 'monarch://app/index.html', parent: {} } }, { handle: 'bob@example.com' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await add(trusted, { handle: 'not an address' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await add(trusted, { handle: 'bob@example.com', extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(core.execute).not.toHaveBeenCalled();

    expect(await add(trusted, { handle: 'Bob@Example.com' })).toEqual({ ok: true, value: 'from-core' });
    expect(core.execute).toHaveBeenCalledWith({ name: 'addContact', input: { handle: 'bob@example.com' } });
  });

  it('turns a backend exception into an error result', async () => {
    await start();
    core.execute.mockRejectedValueOnce(new Error('boom'));
    const status = h.handlers.get(commandChannel('setStatus')) as Handler;
    expect(await status(trusted, { status: 'busy' })).toMatchObject({ ok: false, error: { code: 'internal-error' } });
  });

  it('sends every event to every window, and pops up a conversation when a message arrives', async () => {
    await start();
    const list = h.FakeWindow.all[0]!;
    core.emit({ type: 'typing.received', conversationId: 'c1', handle: 'bob@example.com', at: 1 });
    expect(list.webContents.sent).toEqual([[EVENT_CHANNEL, { seq: 1, at: 1, event: expect.objectContaining({ type: 'typing.received' }) }]]);

    core.emit({
      type: 'message.received',
      message: {
        id: 'm1',
        conversationId: 'c1',
        direction: 'incoming',
        sender: 'bob@example.com',
        senderName: 'Bob',
        text: 'hi',
        format: null,
        timestamp: 1,
        delivery: 'delivered',
      },
    });
    expect(h.FakeWindow.all).toHaveLength(2);
    const conv = h.FakeWindow.all[1]!;
    expect(conv.url).toBe('monarch://app/conversation.html?id=c1');
    conv.fire('ready-to-show');
    expect(conv.shown).toBe('inactive');
    expect(conv.flashed).toBe(true);
    expect((conv.options.webPreferences as Record<string, unknown>).sandbox).toBe(true);

    // The next event reaches both windows; a nudge shakes the window and puts it back.
    vi.useFakeTimers();
    try {
      core.emit({ type: 'nudge.received', conversationId: 'c1', handle: 'bob@example.com', at: 2 });
      expect(conv.webContents.sent.map(([c]) => c)).toEqual([EVENT_CHANNEL]);
      expect(h.FakeWindow.all).toHaveLength(2);
      vi.advanceTimersByTime(1000);
      expect(conv.moves.length).toBeGreaterThan(4);
      expect(conv.moves.at(-1)).toEqual([100, 100]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('opens a conversation window on showConversation and leaves the conversation when it closes', async () => {
    await start();
    const show = h.handlers.get(commandChannel('showConversation')) as Handler;
    expect(await show(trusted, { conversationId: 'c9' })).toEqual({ ok: true, value: null });
    const conv = h.FakeWindow.all[1]!;
    expect(conv.url).toBe('monarch://app/conversation.html?id=c9');
    conv.fire('ready-to-show');
    expect(conv.shown).toBe('active');
    // A second request focuses the same window.
    await show(trusted, { conversationId: 'c9' });
    expect(h.FakeWindow.all).toHaveLength(2);
    conv.fire('closed');
    expect(core.execute).toHaveBeenCalledWith({ name: 'closeConversation', input: { conversationId: 'c9' } });
  });
});

// ---- Desktop integration (issue 6): tray, hide to tray, notifications, badge, focus, idle ----------

const ME = 'me@example.com';
const self = (status: MyStatus) => ({ handle: ME, friendlyName: 'Me', personalMessage: '', currentMedia: null, status });

function signInAs(status: MyStatus = 'online') {
  core.emit({ type: 'sign-in.started', handle: ME, at: 1 });
  core.emit({ type: 'connection.changed', state: { status: 'online' } });
  core.emit({ type: 'contact-list.synced', self: self(status), contacts: [], groups: [], privacy: DEFAULT_PRIVACY });
}

function preferences(idle: { enabled: boolean; minutes: number; status: 'idle' | 'away' }) {
  core.emit({
    type: 'preferences.changed',
    preferences: {
      notifications: { contactSignIn: true, messages: true, nudges: true, showMessageText: true, doNotDisturbWhenBusy: true },
      sounds: { muted: false, contactSignIn: true, message: true, nudge: true },
      history: { enabled: true },
      files: { downloadFolder: '', askWhereToSave: false, maxAcceptMB: 0 },
      idle,
      appearance: { theme: 'system', showTimestamps: false, contactPictures: 'small' },
      contactList: { sortBy: 'group', showOffline: true },
    },
  });
}

function attention(a: Partial<AttentionRequest> & Pick<AttentionRequest, 'kind' | 'handle'>) {
  core.emit({ type: 'attention.requested', title: 'Bob says:', body: 'hi', sound: 'message', toast: true, flash: true, tag: `t:${a.handle}`, ...a });
}

const menuItem = (id: string) => h.FakeTray.all[0]!.menu!.template.find((i) => i.id === id)!;
const commands = (name: string) => core.execute.mock.calls.map(([c]) => c).filter((c) => c.name === name);
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('desktop integration', () => {
  it('a tray icon shows my status and unread count, and its menu changes status, opens the list, signs out and quits', async () => {
    await start();
    expect(h.FakeTray.all).toHaveLength(1);
    const tray = h.FakeTray.all[0]!;
    expect(tray.image).toEqual({ path: expect.stringMatching(/^\/res\/tray\/signed-out(@2x)?\.png$/) });
    expect(tray.tooltip).toBe('Monarch – Signed out');
    expect(tray.menu!.template.map((i) => i.id ?? '-')).toEqual([
      'open', '-', 'status', 'status:online', 'status:busy', 'status:idle', 'status:brb', 'status:away', 'status:phone', 'status:lunch', 'status:hidden', '-', 'sign-out', 'quit',
    ]);
    expect(menuItem('status:busy').enabled).toBe(false);
    expect(menuItem('sign-out').enabled).toBe(false);

    signInAs('online');
    expect(tray.image).toEqual({ path: expect.stringMatching(/^\/res\/tray\/online(@2x)?\.png$/) });
    expect(tray.tooltip).toBe(`Monarch – ${ME} (Online)`);
    expect(menuItem('status:online').checked).toBe(true);
    expect(menuItem('status:busy').enabled).toBe(true);

    menuItem('status:busy').click!();
    expect(core.execute).toHaveBeenLastCalledWith({ name: 'setStatus', input: { status: 'busy' } });
    core.emit({ type: 'self.changed', self: self('busy') });
    expect(tray.image).toEqual({ path: expect.stringMatching(/\/busy(@2x)?\.png$/) });
    expect(menuItem('status:busy').checked).toBe(true);

    core.emit({ type: 'unread.changed', total: 3, byConversation: { c1: 2, c2: 1 } });
    expect(tray.tooltip).toBe(`Monarch – ${ME} (Busy) – 3 unread messages`);
    expect(menuItem('open').label).toBe('Open Monarch (3 unread messages)');

    // "Open Monarch" (and a click on the icon) brings the hidden contact list back.
    const list = h.FakeWindow.all[0]!;
    list.focused = false;
    menuItem('open').click!();
    expect(list.focused).toBe(true);
    list.focused = false;
    tray.fire('click');
    expect(list.focused).toBe(true);

    menuItem('sign-out').click!();
    expect(core.execute).toHaveBeenLastCalledWith({ name: 'signOut', input: {} });
    core.emit({ type: 'connection.changed', state: { status: 'signed-out' } });
    expect(tray.tooltip).toMatch(/^Monarch – Signed out/);
    expect(tray.image).toEqual({ path: expect.stringMatching(/signed-out/) });

    const quit = vi.spyOn(h.app, 'quit');
    menuItem('quit').click!();
    expect(quit).toHaveBeenCalled();
    quit.mockRestore();
  });

  it('closing the contact list hides it to the tray; quitting closes it for real and signs out first', async () => {
    await start();
    const list = h.FakeWindow.all[0]!;
    let prevented = false;
    list.fire('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(list.hidden).toBe(true);
    // Closing every window would not quit either while the tray is there.
    const quit = vi.spyOn(h.app, 'quit');
    h.app.fire('window-all-closed');
    expect(quit).not.toHaveBeenCalled();

    // Quit (tray or menu): before-quit signs out, then the close goes through.
    let quitPrevented = false;
    h.app.fire('before-quit', { preventDefault: () => (quitPrevented = true) });
    expect(quitPrevented).toBe(true);
    expect(core.dispose).toHaveBeenCalled();
    prevented = false;
    list.fire('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
    await flush();
    expect(quit).toHaveBeenCalled();
    expect(h.FakeTray.all[0]!.destroyed).toBe(true);
    quit.mockRestore();
  });

  it('shows a notification for attention.requested; clicking it opens and focuses the conversation', async () => {
    await start();
    attention({ kind: 'message', conversationId: 'c1', handle: 'bob@example.com', title: 'Bob says:', body: 'hello there' });
    expect(h.FakeNotification.all).toHaveLength(1);
    const n = h.FakeNotification.all[0]!;
    expect(n.options).toMatchObject({ title: 'Bob says:', body: 'hello there', silent: true });
    expect(n.shown).toBe(true);
    // No conversation window yet: the contact list's taskbar button flashes.
    expect(h.FakeWindow.all[0]!.flashed).toBe(true);

    n.fire('click');
    const conv = h.FakeWindow.all[1]!;
    expect(conv.url).toBe('monarch://app/conversation.html?id=c1');
    conv.fire('ready-to-show');
    expect(conv.shown).toBe('active');

    // A newer toast with the same tag replaces the older one; no toast when `toast` is false.
    attention({ kind: 'message', conversationId: 'c1', handle: 'bob@example.com', body: 'one' });
    attention({ kind: 'message', conversationId: 'c1', handle: 'bob@example.com', body: 'two' });
    expect(h.FakeNotification.all.slice(1).map((x) => [x.options.body, x.closed])).toEqual([
      ['one', true],
      ['two', false],
    ]);
    attention({ kind: 'message', conversationId: 'c1', handle: 'bob@example.com', toast: false, flash: false });
    expect(h.FakeNotification.all).toHaveLength(3);
  });

  it('clicking a "signed in" notification starts a conversation with that contact', async () => {
    await start();
    core.execute.mockImplementation(async (cmd) =>
      cmd.name === 'openConversation' ? { ok: true as const, value: { conversationId: 'c7' } } : { ok: true as const, value: null },
    );
    attention({ kind: 'contact-online', handle: 'ada@example.com', title: 'Ada has just signed in.', body: '', flash: false, tag: 'in:ada' });
    h.FakeNotification.all[0]!.fire('click');
    await flush();
    expect(commands('openConversation')).toEqual([{ name: 'openConversation', input: { handles: ['ada@example.com'] } }]);
    expect(h.FakeWindow.all[1]!.url).toBe('monarch://app/conversation.html?id=c7');
  });

  it('flashes the conversation window that is not focused, and puts the unread count on the badge', async () => {
    await start();
    const show = h.handlers.get(commandChannel('showConversation')) as Handler;
    await show(trusted, { conversationId: 'c2' });
    const conv = h.FakeWindow.all[1]!;
    conv.focused = false;
    conv.flashed = false;
    attention({ kind: 'nudge', conversationId: 'c2', handle: 'bob@example.com', toast: false });
    expect(conv.flashed).toBe(true);
    expect(h.FakeWindow.all[0]!.flashed).toBe(false);

    core.emit({ type: 'unread.changed', total: 4, byConversation: { c2: 4 } });
    if (process.platform === 'win32') expect(h.FakeWindow.all[0]!.overlay?.[1]).toBe('4 unread');
    else expect(h.app.badge).toBe(4);
    core.emit({ type: 'unread.changed', total: 0, byConversation: {} });
    if (process.platform !== 'win32') expect(h.app.badge).toBe(0);
  });

  it('reports which window has the focus to the backend (either order of blur and focus)', async () => {
    await start();
    const show = h.handlers.get(commandChannel('showConversation')) as Handler;
    await show(trusted, { conversationId: 'c3' });
    const [list, conv] = h.FakeWindow.all as [InstanceType<typeof h.FakeWindow>, InstanceType<typeof h.FakeWindow>];
    conv.flashed = true;
    list.fire('focus');
    conv.fire('focus');
    list.fire('blur'); // arrives after the other window's focus on some platforms
    expect(conv.flashed).toBe(false);
    conv.fire('blur');
    list.fire('focus');
    list.fire('blur');
    expect(commands('windowFocused').map((c) => (c.input as { target: unknown }).target)).toEqual(['contact-list', 'c3', null, 'contact-list', null]);

    // A window's own report over IPC is answered but not used: the shell's is the one source.
    const focused = h.handlers.get(commandChannel('windowFocused')) as Handler;
    expect(await focused(trusted, { target: 'c3' })).toEqual({ ok: true, value: null });
    expect(commands('windowFocused')).toHaveLength(5);
  });

  it('logging off or shutting down closes the contact list instead of hiding it', async () => {
    await start();
    const list = h.FakeWindow.all[0]!;
    list.fire('session-end'); // Windows
    let prevented = false;
    list.fire('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);

    await start();
    const quit = vi.spyOn(h.app, 'quit');
    h.powerMonitor.fire('shutdown'); // Linux, macOS
    expect(quit).toHaveBeenCalled();
    const list2 = h.FakeWindow.all[1]!;
    list2.fire('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
    quit.mockRestore();
  });

  it('automatic Away: idle past the setting (or a locked screen) sets Away, coming back restores Online', async () => {
    await start();
    preferences({ enabled: true, minutes: 5, status: 'away' });
    signInAs('online');
    h.powerMonitor.idleSeconds = 60;
    h.powerMonitor.fire('lock-screen');
    // Locked counts at once, whatever the minutes.
    h.powerMonitor.state = 'locked';
    h.powerMonitor.fire('lock-screen');
    await flush();
    expect(commands('setStatus')).toEqual([{ name: 'setStatus', input: { status: 'away' } }]);
    core.emit({ type: 'self.changed', self: self('away') });

    h.powerMonitor.state = 'active';
    h.powerMonitor.idleSeconds = 1;
    h.powerMonitor.fire('unlock-screen');
    await flush();
    expect(commands('setStatus').at(-1)).toEqual({ name: 'setStatus', input: { status: 'online' } });
    expect(commands('setStatus')).toHaveLength(2);
  });

  it('automatic Away never overrides a status the user picked, even the same one it set', async () => {
    await start();
    preferences({ enabled: true, minutes: 1, status: 'away' });
    signInAs('online');
    h.powerMonitor.state = 'active';
    h.powerMonitor.idleSeconds = 120;
    h.powerMonitor.fire('resume');
    await flush();
    expect(commands('setStatus')).toEqual([{ name: 'setStatus', input: { status: 'away' } }]);
    core.emit({ type: 'self.changed', self: self('away') });

    // While auto-away, the user picks Away themselves in the status menu (IPC): coming back to the
    // keyboard must not put them Online.
    const setStatus = h.handlers.get(commandChannel('setStatus')) as Handler;
    await setStatus(trusted, { status: 'away' });
    h.powerMonitor.idleSeconds = 0;
    h.powerMonitor.fire('unlock-screen');
    await flush();
    expect(commands('setStatus').map((c) => (c.input as { status: string }).status)).toEqual(['away', 'away']);

    // The same through the tray menu.
    core.emit({ type: 'self.changed', self: self('online') });
    h.powerMonitor.idleSeconds = 120;
    h.powerMonitor.fire('resume');
    await flush();
    core.emit({ type: 'self.changed', self: self('away') });
    menuItem('status:away').click!();
    h.powerMonitor.idleSeconds = 0;
    h.powerMonitor.fire('unlock-screen');
    await flush();
    expect(commands('setStatus').map((c) => (c.input as { status: string }).status)).toEqual(['away', 'away', 'away', 'away']);
  });
});
