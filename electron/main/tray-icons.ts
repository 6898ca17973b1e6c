/**
 * Which picture the tray shows, and where the app's run-time pictures live. The PNGs are our own
 * artwork (the status icon and the logo), rendered by scripts/make-icons.mjs into build/tray and
 * build/icons; packaged builds carry them as extra resources (build/electron-builder.yml).
 */
import { join } from 'node:path';
import type { MyStatus } from '../../shared/model';

/** One picture per look of the status icon, and the logo while signed out. */
export const TRAY_ICON_NAMES = ['online', 'busy', 'away', 'phone', 'offline', 'signed-out'] as const;
export type TrayIconName = (typeof TRAY_ICON_NAMES)[number];

/** My status (null: signed out) → the tray picture, drawn like the status icon in the app. */
export function trayIconName(status: MyStatus | null): TrayIconName {
  switch (status) {
    case null:
      return 'signed-out';
    case 'online':
      return 'online';
    case 'busy':
      return 'busy';
    case 'phone':
      return 'phone';
    case 'hidden':
      return 'offline';
    case 'idle':
    case 'brb':
    case 'away':
    case 'lunch':
      return 'away';
  }
}

export interface ResourcePaths {
  /** Folder of the tray PNGs (`<name>.png` and `<name>@2x.png`). */
  readonly trayDir: string;
  /** The window icon (Linux and Windows title bars and task switchers). */
  readonly windowIcon: string;
  /** The Windows taskbar overlay shown while messages are unread. */
  readonly unreadOverlay: string;
}

/**
 * Packaged: `process.resourcesPath` (extraResources). Development (`npm start`): the repository's
 * build/ folder, which is `app.getAppPath()`.
 */
export function resourcePaths(options: { packaged: boolean; resourcesPath: string; appPath: string }): ResourcePaths {
  const trayDir = options.packaged ? join(options.resourcesPath, 'tray') : join(options.appPath, 'build', 'tray');
  return {
    trayDir,
    windowIcon: options.packaged ? join(options.resourcesPath, 'icon.png') : join(options.appPath, 'build', 'icons', '512x512.png'),
    unreadOverlay: join(trayDir, 'unread-overlay.png'),
  };
}

/**
 * The tray file for a picture. Linux panels show the icon at 22–24 px and do not pick `@2x`
 * themselves, so they get the 32 px drawing; macOS and Windows load `<name>.png` and pick up
 * `<name>@2x.png` on high-DPI screens.
 */
export function trayIconFile(paths: ResourcePaths, name: TrayIconName, platform: NodeJS.Platform): string {
  return join(paths.trayDir, platform === 'linux' ? `${name}@2x.png` : `${name}.png`);
}
