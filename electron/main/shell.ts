/**
 * The Electron shell: thin by design (ARCHITECTURE.md §1). It takes the single-instance lock,
 * serves the renderer on `monarch://app/`, creates the backend (app-core) and binds it to IPC, and
 * opens the windows: the contact list, and a window per conversation when the user opens one or a
 * message arrives. Everything real lives in electron/core.
 */
import { app, BrowserWindow, ipcMain, protocol, screen, session, shell, systemPreferences } from 'electron';
import { join } from 'node:path';
import { ok, type Backend, type SequencedEvent } from '../../shared/ipc';
import type { AppCore } from '../core/app-core';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { bindContract } from './ipc';
import { CONTENT_SECURITY_POLICY, denyAllPermissions, hardenWebContents, isSafeExternalUrl, isTrustedSender } from './security';
import { WindowManager } from './windows';
import { WindowStateStore } from './window-state';

/** The OS "reduce motion" setting (macOS and Windows report it; elsewhere assume no). */
function prefersReducedMotion(): boolean {
  try {
    return systemPreferences.getAnimationSettings?.().prefersReducedMotion ?? false;
  } catch {
    return false;
  }
}

export interface ShellOptions {
  /** Builds the backend; its data (settings, local server database) goes under `dataDir`. */
  createAppCore(options: { dataDir: string }): AppCore;
  /** Where the built app lives: out/ with main/, preload/ and renderer/ inside. */
  outDir?: string;
}

export interface RunningShell {
  core: AppCore;
  windows: WindowManager;
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

function start(options: ShellOptions): RunningShell {
  const outDir = options.outDir ?? join(import.meta.dirname, '..');
  const userData = app.getPath('userData');
  const openExternal = (url: string) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
  };

  denyAllPermissions(session.defaultSession);
  handleAppProtocol(protocol, join(outDir, 'renderer'), CONTENT_SECURITY_POLICY);
  // Any web contents at all (including ones we did not create ourselves) gets the same rules.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternal));

  const core = options.createAppCore({ dataDir: userData });
  const states = new WindowStateStore(join(userData, 'window-state.json'));
  const windows = new WindowManager({
    createWindow: (o) => new BrowserWindow(o),
    workAreas: () => screen.getAllDisplays().map((d) => d.workArea),
    preloadPath: join(outDir, 'preload', 'preload.cjs'),
    states,
    openExternal,
    onConversationClosed: (conversationId) => {
      void core.execute({ name: 'closeConversation', input: { conversationId } });
    },
    onContactListClosed: () => app.quit(),
  });

  const stateKeyOf = (conversationId: string): string => {
    const c = core.snapshot().state.conversations.conversations[conversationId];
    return c?.conversation.participants[0]?.handle ?? 'new';
  };

  bindContract(ipcMain, core satisfies Backend, {
    isTrustedSender,
    targets: () => windows.allContents(),
    shell: {
      showConversation: async ({ conversationId }) => {
        windows.showConversation(conversationId, stateKeyOf(conversationId), true);
        return ok(null);
      },
    },
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
  });

  app.on('second-instance', () => windows.openContactList());
  app.on('activate', () => windows.openContactList());
  app.on('window-all-closed', () => app.quit());
  let disposed = false;
  app.on('before-quit', (event) => {
    states.flush();
    if (disposed) return;
    // Sign out cleanly (and stop the local server) before the process ends.
    event.preventDefault();
    disposed = true;
    void core.dispose().finally(() => app.quit());
  });

  windows.openContactList();
  // "Sign me in automatically": the window shows the progress like any sign-in.
  void core.autoSignIn();
  return { core, windows };
}
