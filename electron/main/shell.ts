/**
 * The Electron shell: thin by design (ARCHITECTURE.md §1). It takes the single-instance lock,
 * serves the renderer on `monarch://app/`, creates the backend (app-core) and binds it to IPC, and
 * opens the windows: the contact list, and a window per conversation when the user opens one or a
 * message arrives. Everything real lives in electron/core.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, powerMonitor, protocol, screen, session, shell, systemPreferences, Tray } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ok, type AppEvent, type AppState, type Backend, type Result, type SequencedEvent } from '../../shared/ipc';
import type { MyStatus } from '../../shared/model';
import type { AppCore } from '../core/app-core';
import { DataDirInUseError } from '../core/local-server';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { DesktopAttention } from './desktop-attention';
import { createIdleWatcher, myStatus } from './idle';
import { bindContract } from './ipc';
import { guardDownloads } from './downloads';
import { createFileShell, downloadsFolder } from './file-shell';
import type { FileShellPort } from '../core/files/session-transfers';
import { CONTENT_SECURITY_POLICY, denyAllPermissions, hardenWebContents, isSafeExternalUrl, isTrustedSender } from './security';
import { TrayController, type TrayView } from './tray';
import { resourcePaths, trayIconFile, type ResourcePaths } from './tray-icons';
import { WindowManager } from './windows';
import { WindowStateStore } from './window-state';

/** The app id: Windows groups notifications and taskbar buttons by it (same as electron-builder's). */
export const APP_ID = 'chat.monarch.app';

/** What the tray shows, from the backend's state. */
export function trayViewOf(state: AppState): TrayView {
  const connection = state.session.connection.status;
  return {
    status: myStatus(state),
    connecting: connection !== 'signed-out' && connection !== 'online',
    unread: state.desktop.unread.total,
    handle: state.session.handle,
  };
}

/** Events after which the tray may look different. */
const TRAY_EVENTS: ReadonlySet<AppEvent['type']> = new Set(['connection.changed', 'sign-in.started', 'contact-list.synced', 'self.changed', 'unread.changed']);

/** The OS "reduce motion" setting (macOS and Windows report it; elsewhere assume no). */
function prefersReducedMotion(): boolean {
  try {
    return systemPreferences.getAnimationSettings?.().prefersReducedMotion ?? false;
  } catch {
    return false;
  }
}

export interface ShellOptions {
  /**
   * Builds the backend; its data (settings, local server database) goes under `dataDir`; `files`:
   * the user's Downloads folder and the native file dialogs (issue 11).
   */
  createAppCore(options: { dataDir: string; files: { downloadsDir?: string; shell: FileShellPort } }): AppCore;
  /** Where the built app lives: out/ with main/, preload/ and renderer/ inside. */
  outDir?: string;
  /** Tray pictures and the window icon (default: packaged resources, or build/ in development). */
  resources?: ResourcePaths;
}

export interface RunningShell {
  core: AppCore;
  windows: WindowManager;
  /** Null where the platform has no tray: then closing the contact list quits. */
  tray: TrayController | null;
}

/** Starts the desktop app. Returns a promise of the running shell (null when another instance runs). */
export function runApp(options: ShellOptions): Promise<RunningShell | null> {
  // A separate profile (settings, window positions, local server data) for a second account on
  // one computer, and for the desktop end-to-end tests. The single-instance lock is per profile.
  const profile = process.env.MONARCH_USER_DATA;
  if (profile) app.setPath('userData', profile);
  registerAppScheme(protocol);
  if (!app.requestSingleInstanceLock()) {
    // Another Monarch is running: it brings its window forward and this one leaves.
    app.quit();
    return Promise.resolve(null);
  }
  return app.whenReady().then(() => start(options));
}

function start(options: ShellOptions): RunningShell | null {
  const outDir = options.outDir ?? join(import.meta.dirname, '..');
  const userData = app.getPath('userData');
  const paths = options.resources ?? resourcePaths({ packaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath() });
  const openExternal = (url: string) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
  };
  // Windows shows notifications only for an app with an id (and groups them by it).
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

  denyAllPermissions(session.defaultSession);
  guardDownloads(session.defaultSession, () => app.getPath('documents'));
  handleAppProtocol(protocol, join(outDir, 'renderer'), CONTENT_SECURITY_POLICY);
  // Any web contents at all (including ones we did not create ourselves) gets the same rules.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternal));

  let core: AppCore;
  try {
    const downloadsDir = downloadsFolder(app);
    core = options.createAppCore({ dataDir: userData, files: { ...(downloadsDir ? { downloadsDir } : {}), shell: createFileShell(dialog, shell) } });
  } catch (e) {
    if (!(e instanceof DataDirInUseError)) throw e;
    // Another Monarch (the web host, most likely) has this profile's data: two would run two
    // servers on one database. Say so and leave.
    dialog.showErrorBox('Monarch is already using this data folder', e.message);
    app.quit();
    return null;
  }
  const states = new WindowStateStore(join(userData, 'window-state.json'));
  let quitting = false;
  let tray: TrayController | null = null;
  const windowIcon = process.platform !== 'darwin' && existsSync(paths.windowIcon) ? paths.windowIcon : undefined;
  const report = (what: string) => (r: Result<unknown>) => {
    if (!r.ok) console.warn(`${what}: ${r.error.message}`);
  };

  const windows = new WindowManager({
    createWindow: (o) => new BrowserWindow(o),
    workAreas: () => screen.getAllDisplays().map((d) => d.workArea),
    preloadPath: join(outDir, 'preload', 'preload.cjs'),
    ...(windowIcon ? { iconPath: windowIcon } : {}),
    states,
    openExternal,
    onConversationClosed: (conversationId) => {
      void core.execute({ name: 'closeConversation', input: { conversationId } });
    },
    onContactListClosed: () => app.quit(),
    // With a tray icon, closing the contact list keeps the app running there (issue 6).
    hideContactListOnClose: () => tray !== null && !quitting,
    onSessionEnd: () => {
      quitting = true;
    },
    // The main process sees the OS focus first-hand: it decides what notifies and what is read.
    onFocusChanged: (target) => {
      void core.execute({ name: 'windowFocused', input: { target } }).then(report('Window focus'));
    },
  });

  const stateKeyOf = (conversationId: string): string => {
    const c = core.snapshot().state.conversations.conversations[conversationId];
    return c?.conversation.participants[0]?.handle ?? 'new';
  };

  const idle = createIdleWatcher({
    powerMonitor,
    state: () => core.snapshot().state,
    setStatus: async (status) => {
      const r = await core.execute({ name: 'setStatus', input: { status } });
      if (!r.ok) throw new Error(r.error.message);
    },
  });
  /** The user's own choice (status menu, tray): automatic Away lets go of it. */
  const chooseStatus = (status: MyStatus): Promise<Result<unknown>> => {
    idle.userChoseStatus(status);
    return core.execute({ name: 'setStatus', input: { status } });
  };

  bindContract(ipcMain, core satisfies Backend, {
    isTrustedSender,
    targets: () => windows.allContents(),
    shell: {
      showConversation: async ({ conversationId }) => {
        windows.showConversation(conversationId, stateKeyOf(conversationId), true);
        return ok(null);
      },
      setStatus: async ({ status }) => (await chooseStatus(status)) as Result<null>,
      // The shell reports the focus itself from the windows' own events (onFocusChanged above),
      // ordered correctly across windows; a window's own report could arrive after another
      // window's focus (A's blur after B's focus) and undo it, so windows' reports are not used.
      windowFocused: async () => ok(null),
    },
  });

  try {
    tray = new TrayController(
      {
        createTray: (image) => new Tray(image),
        buildMenu: (template) => Menu.buildFromTemplate(template),
        image: (name) => nativeImage.createFromPath(trayIconFile(paths, name, process.platform)),
        platform: process.platform,
      },
      {
        setStatus: (status) => void chooseStatus(status).then(report('Status')),
        openContactList: () => windows.openContactList(),
        signOut: () => void core.execute({ name: 'signOut', input: {} }).then(report('Sign out')),
        quit: () => app.quit(),
      },
    );
    tray.update(trayViewOf(core.snapshot().state));
  } catch (e) {
    // No tray on this desktop: the contact list's close button quits, as before.
    console.warn(`No tray icon: ${(e as Error).message}`);
    tray = null;
  }

  const attention = new DesktopAttention({
    platform: process.platform,
    notificationsSupported: () => Notification.isSupported(),
    createNotification: (o) => new Notification(o),
    showConversation: (id) => void windows.showConversation(id, stateKeyOf(id), true),
    startConversation: (handle) => {
      void core.execute({ name: 'openConversation', input: { handles: [handle] } }).then((r) => {
        if (r.ok) windows.showConversation((r.value as { conversationId: string }).conversationId, handle, true);
        else report('Open conversation')(r);
      });
    },
    flashWindow: (id) => windows.flash(id),
    bounceDock: () => void app.dock?.bounce('informational'),
    setBadgeCount: (n) => void app.setBadgeCount(n),
    setOverlay: (image, description) => windows.contactListWindow()?.setOverlayIcon(image, description),
    unreadOverlay: () => (existsSync(paths.unreadOverlay) ? nativeImage.createFromPath(paths.unreadOverlay) : null),
    ...(windowIcon ? { notificationIcon: nativeImage.createFromPath(windowIcon) } : {}),
  });

  // Like the classic client, a conversation someone else starts pops up with their first message
  // (or nudge), without stealing focus.
  core.subscribe(({ event }: SequencedEvent) => {
    if (
      (event.type === 'message.received' && !windows.hasConversationWindow(event.message.conversationId)) ||
      (event.type === 'nudge.received' && !windows.hasConversationWindow(event.conversationId))
    ) {
      const id = event.type === 'message.received' ? event.message.conversationId : event.conversationId;
      windows.showConversation(id, stateKeyOf(id), false);
    }
    if (event.type === 'nudge.received') windows.shake(event.conversationId, prefersReducedMotion());
    attention.handle(event);
    if (event.type === 'connection.changed' && event.state.status === 'signed-out') {
      idle.signedOut();
      attention.clear();
    }
    if (tray && TRAY_EVENTS.has(event.type)) tray.update(trayViewOf(core.snapshot().state));
  });
  idle.start();

  // Logging out or shutting down must not be held up by the hide-to-tray close handler.
  powerMonitor.on('shutdown', () => {
    quitting = true;
    app.quit();
  });

  app.on('second-instance', () => windows.openContactList());
  app.on('activate', () => windows.openContactList());
  // Closing every window quits, unless the app lives on in the tray.
  app.on('window-all-closed', () => {
    if (!tray || quitting) app.quit();
  });
  let disposed = false;
  app.on('before-quit', (event) => {
    quitting = true;
    states.flush();
    if (disposed) return;
    // Sign out cleanly (and stop the local server) before the process ends.
    event.preventDefault();
    disposed = true;
    idle.stop();
    attention.clear();
    void core.dispose().finally(() => {
      tray?.destroy();
      app.quit();
    });
  });

  windows.openContactList();
  // "Sign me in automatically": the window shows the progress like any sign-in.
  void core.autoSignIn();
  return { core, windows, tray };
}
