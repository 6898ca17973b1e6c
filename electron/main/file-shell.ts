/**
 * What only the desktop shell can do with transferred files (issue 11), for the backend's
 * `FileShellPort`: the native Save As dialog ("Save as...", and Accept with "ask where to save"),
 * opening a received file with its application, and showing it in its folder. The backend decides
 * what may be opened (an executable is shown in its folder instead, electron/core/files).
 */
import type { App, Dialog, Shell } from 'electron';
import { join } from 'node:path';
import type { FileShellPort } from '../core/files/session-transfers';

/**
 * The user's Downloads folder as Electron knows it (the XDG user-dirs file, the Windows known
 * folder), or undefined where Electron cannot tell (it throws): the backend then uses
 * `XDG_DOWNLOAD_DIR` or `~/Downloads` (electron/core/files/download-folder.ts).
 */
export function downloadsFolder(app: Pick<App, 'getPath'>): string | undefined {
  try {
    return app.getPath('downloads') || undefined;
  } catch {
    return undefined;
  }
}

export function createFileShell(dialog: Pick<Dialog, 'showSaveDialog'>, shell: Pick<Shell, 'openPath' | 'showItemInFolder'>): FileShellPort {
  return {
    chooseSavePath: async (suggestedName, folder) => {
      const r = await dialog.showSaveDialog({ title: 'Save received file', defaultPath: join(folder, suggestedName), properties: ['createDirectory', 'showOverwriteConfirmation'] });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    openPath: async (path) => {
      // Electron reports failure as a message, not a rejection.
      const error = await shell.openPath(path);
      if (error) throw new Error(`The file could not be opened: ${error}`);
    },
    showInFolder: (path) => shell.showItemInFolder(path),
  };
}
