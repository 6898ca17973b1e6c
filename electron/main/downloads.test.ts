import { describe, expect, it } from 'vitest';
import { guardDownloads, isOwnBlobUrl, saveDialogOptions } from './downloads';

describe('downloads', () => {
  it('knows the blobs our own pages make from anything else', () => {
    expect(isOwnBlobUrl('blob:monarch://app/6f1c2a9e-1b2c-4d5e-8f90-123456789abc')).toBe(true);
    expect(isOwnBlobUrl('blob:https://evil.example/6f1c2a9e')).toBe(false);
    expect(isOwnBlobUrl('blob:monarch://other/6f1c')).toBe(false);
    expect(isOwnBlobUrl('monarch://app/history.txt')).toBe(false);
    expect(isOwnBlobUrl('https://example.com/file.exe')).toBe(false);
    expect(isOwnBlobUrl('data:text/plain,hi')).toBe(false);
    expect(isOwnBlobUrl('not a url')).toBe(false);
  });

  it('opens Save As in Documents with the type of the export first', () => {
    expect(saveDialogOptions('Bob - 2026-11-22.html', '/home/me/Documents')).toEqual({
      title: 'Save conversation',
      defaultPath: '/home/me/Documents/Bob - 2026-11-22.html',
      filters: [
        { name: 'Web page', extensions: ['html', 'htm'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    expect(saveDialogOptions('chat.TXT', '/d').filters?.[0]).toEqual({ name: 'Text file', extensions: ['txt'] });
  });

  it('never lets a suggested name point outside the folder', () => {
    expect(saveDialogOptions('../../.bashrc', '/d').defaultPath).toBe('/d/.bashrc');
    expect(saveDialogOptions('..\\..\\evil.txt', '/d').defaultPath).toBe('/d/evil.txt');
    expect(saveDialogOptions('', '/d').defaultPath).toBe('/d/conversation.txt');
  });

  it('asks where to save our exports and cancels every other download', () => {
    let handler: ((event: { preventDefault(): void }, item: unknown) => void) | undefined;
    guardDownloads({ on: ((name: string, f: typeof handler) => void (name === 'will-download' && (handler = f))) as never }, () => '/home/me/Documents');
    const download = (url: string, filename: string) => {
      const got = { prevented: false, options: undefined as unknown };
      handler!(
        { preventDefault: () => void (got.prevented = true) },
        { getURL: () => url, getFilename: () => filename, setSaveDialogOptions: (o: unknown) => void (got.options = o) },
      );
      return got;
    };
    const ours = download('blob:monarch://app/abc', 'Bob.txt');
    expect(ours.prevented).toBe(false);
    expect(ours.options).toMatchObject({ defaultPath: '/home/me/Documents/Bob.txt' });
    const foreign = download('https://example.com/setup.exe', 'setup.exe');
    expect(foreign.prevented).toBe(true);
    expect(foreign.options).toBeUndefined();
  });
});
