/**
 * The Electron shell with the `electron` module mocked (no Electron binary here or in CI): the
 * single-instance lock, secure window options, the app protocol, navigation and window.open
 * rules, IPC sender checks and input validation, event broadcast, conversation windows.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMAND_NAMES, EVENT_CHANNEL, commandChannel, type EventListener, type SequencedEvent } from '../../shared/ipc';

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
  }
  const app = Object.assign(new Emitter(), {
    lock: true,
    quit: () => undefined as void,
    requestSingleInstanceLock() {
      return app.lock;
    },
    whenReady: () => Promise.resolve(),
    getPath: (): string => '',
    setPath: (_name: string, _path: string) => undefined as void,
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
  const permissions: { request: ((...a: unknown[]) => unknown) | null; check: ((...a: unknown[]) => unknown) | null } = { request: null, check: null };
  const session = {
    defaultSession: {
      setPermissionRequestHandler: (f: (...a: unknown[]) => unknown) => {
        permissions.request = f;
      },
      setPermissionCheckHandler: (f: (...a: unknown[]) => unknown) => {
        permissions.check = f;
      },
    },
  };
  const opened: string[] = [];
  return { FakeWindow, app, handlers, ipcMain, protocol, protocolState, session, permissions, opened };
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
}));

const { runApp } = await import('./shell');

function fakeCore() {
  const listeners = new Set<EventListener>();
  let seq = 0;
  const core = {
    execute: vi.fn(async () => ({ ok: true as const, value: 'from-core' })),
    subscribe: (l: EventListener) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    snapshot: () => ({ seq, state: { conversations: { conversations: {} } } }),
    dispose: vi.fn(async () => undefined),
    autoSignIn: vi.fn(async () => null),
    emit(event: SequencedEvent['event']) {
      const e = { seq: ++seq, at: 1, event };
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
  return runApp({ createAppCore: () => core as never, outDir });
}

const trusted = { senderFrame: { url: 'monarch://app/index.html', parent: null } };

beforeEach(() => {
  h.FakeWindow.all = [];
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
