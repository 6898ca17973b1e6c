/** The download folder (issue 11): `<Downloads>/Monarch` unless the user chose another one. */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The user's Downloads folder as plain Node sees it: the desktop shell passes Electron's
 * `app.getPath('downloads')` instead (it reads the XDG user-dirs file and the Windows known
 * folder); here `XDG_DOWNLOAD_DIR` when set, else `~/Downloads`.
 */
export function systemDownloadsFolder(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_DOWNLOAD_DIR;
  if (xdg && isAbsolute(xdg)) return xdg;
  return join(home, 'Downloads');
}

/** The folder received files go to: the chosen one (absolute), else `<downloads>/Monarch`. */
export function downloadFolder(chosen: string, downloads: string): string {
  return chosen !== '' && isAbsolute(chosen) ? chosen : join(downloads, 'Monarch');
}
