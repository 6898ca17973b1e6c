import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createFileShell, downloadsFolder } from './file-shell';

describe('the desktop file shell', () => {
  it('asks where to save at the download folder, and says when the user cancelled', async () => {
    const showSaveDialog = vi.fn(async () => ({ canceled: false, filePath: '/home/me/Desktop/x.txt' }));
    const port = createFileShell({ showSaveDialog } as never, { openPath: async () => '', showItemInFolder: () => undefined });
    expect(await port.chooseSavePath('x.txt', '/home/me/Downloads/Monarch')).toBe('/home/me/Desktop/x.txt');
    expect(showSaveDialog).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: join('/home/me/Downloads/Monarch', 'x.txt') }));
    showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    expect(await port.chooseSavePath('x.txt', '/d')).toBeNull();
  });

  it('takes Electron’s Downloads folder, or leaves it to the backend when Electron cannot tell', () => {
    expect(downloadsFolder({ getPath: () => '/home/me/Downloads' } as never)).toBe('/home/me/Downloads');
    expect(
      downloadsFolder({
        getPath: () => {
          throw new Error("Failed to get 'downloads' path");
        },
      } as never),
    ).toBeUndefined();
  });

  it('opens and shows files; an open that fails rejects with its reason', async () => {
    const shown: string[] = [];
    const openPath = vi.fn(async () => '');
    const port = createFileShell({ showSaveDialog: vi.fn() } as never, { openPath, showItemInFolder: (p: string) => void shown.push(p) });
    await port.openPath('/d/a.txt');
    port.showInFolder('/d/a.txt');
    expect(openPath).toHaveBeenCalledWith('/d/a.txt');
    expect(shown).toEqual(['/d/a.txt']);
    openPath.mockResolvedValueOnce('No application is associated');
    await expect(port.openPath('/d/b.xyz')).rejects.toThrow('The file could not be opened: No application is associated');
  });
});
