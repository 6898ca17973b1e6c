/**
 * Secure defaults for every window (Electron's security checklist; DEVELOPERS.md "Security"):
 * isolated, sandboxed renderers without Node, a strict CSP, no navigation away from the app, no
 * new windows, no webviews, no permissions.
 */
import type { Session, WebContents, WebFrameMain, WebPreferences } from 'electron';
import { rendererContentSecurityPolicy } from '../core/static-files';
import { APP_ORIGIN } from './app-protocol';

/** The renderer's policy (electron/core/static-files.ts); the app's pages connect nowhere but to themselves. */
export const CONTENT_SECURITY_POLICY = rendererContentSecurityPolicy("'self'");

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  };
}

/** Is this URL one of our own pages (`monarch://app/...`)? */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** IPC is answered only for the top frame of our own pages (ARCHITECTURE.md §5). */
export function isTrustedSender(frame: WebFrameMain | null | undefined): boolean {
  if (!frame) return false;
  if (frame.parent) return false;
  return isAppUrl(frame.url);
}

/**
 * Applied to every web contents the app creates: navigation stays inside the app (a reload is
 * fine), `window.open` and target=_blank are refused (web links open in the user's browser),
 * webviews are never attached.
 */
export function hardenWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  const blockForeignNavigation = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', blockForeignNavigation);
  contents.on('will-redirect', blockForeignNavigation);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** Only plain web links may leave the app, and only to the user's own browser. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** No camera, microphone, notifications, geolocation … for web content: the main process asks. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
