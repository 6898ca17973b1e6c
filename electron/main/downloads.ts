/**
 * Saving an exported conversation (issue 6: export to plain text and HTML). The renderer offers
 * the export as a download of a blob it made itself (renderer/features/history); here the desktop
 * app turns that into the native "Save As" dialog, opening in the user's Documents folder with a
 * filter for the file's type. Anything else that tries to download (a link in a message, a page
 * that is not ours) is cancelled: the app has no other reason to write files for web content.
 */
import type { DownloadItem, Session } from 'electron';
import { basename, extname, join } from 'node:path';
import { isAppUrl } from './security';

/** Is this a blob made by one of our own pages (`blob:monarch://app/<uuid>`)? */
export function isOwnBlobUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'blob:' && isAppUrl(u.pathname);
  } catch {
    return false;
  }
}

const FILTERS: Readonly<Record<string, { name: string; extensions: string[] }>> = {
  '.txt': { name: 'Text file', extensions: ['txt'] },
  '.html': { name: 'Web page', extensions: ['html', 'htm'] },
};

/** The Save As dialog for one export: Documents/<suggested name>, its type first, then any file. */
export function saveDialogOptions(suggestedName: string, documentsDir: string): Electron.SaveDialogOptions {
  // The name comes from the page: keep only its last path segment, never a path.
  const name = basename(suggestedName.replace(/\\/g, '/')) || 'conversation.txt';
  const filter = FILTERS[extname(name).toLowerCase()];
  return {
    title: 'Save conversation',
    defaultPath: join(documentsDir, name),
    filters: [...(filter ? [filter] : []), { name: 'All files', extensions: ['*'] }],
  };
}

export function guardDownloads(session: Pick<Session, 'on'>, documentsDir: () => string): void {
  session.on('will-download', (event: { preventDefault(): void }, item: DownloadItem) => {
    if (!isOwnBlobUrl(item.getURL())) {
      event.preventDefault();
      return;
    }
    // Without a save path Electron asks the user where to save, with these options.
    item.setSaveDialogOptions(saveDialogOptions(item.getFilename(), documentsDir()));
  });
}
