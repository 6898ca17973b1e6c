/**
 * Sending files from a window: the browser client streams a file to its host in chunks of at most
 * 32 KB at the right offsets, a bounded window of them at once, then sends the upload; the desktop app sends the
 * preload's reference instead; a group conversation waits for the user to pick the recipient.
 */
import { describe, expect, it } from 'vitest';
import { buildApi, fail, MAX_UPLOAD_CHUNK_BYTES, MAX_UPLOAD_CHUNKS_IN_FLIGHT, ok, type CommandName, type MonarchApi } from '../../../shared/ipc';
import { createFileActions } from './file-actions';

function setUp(host: 'web' | 'electron', failChunkAt: number | null = null) {
  const calls: { name: CommandName; input: Record<string, unknown> }[] = [];
  const reports: string[] = [];
  let received = 0;
  const base = buildApi(host, {
    invoke: async (name, input) => {
      const i = input as Record<string, unknown>;
      calls.push({ name, input: i });
      if (name === 'beginFileUpload') return ok({ uploadId: 'u1' });
      if (name === 'uploadFileChunk') {
        if (failChunkAt !== null && i.offset === failChunkAt) return fail('write-failed', 'The disk is full.');
        received += atob(i.data as string).length;
        return ok({ received });
      }
      if (name === 'sendFile') return ok({ transferId: 't1' });
      return ok(null);
    },
    subscribe: () => () => undefined,
  });
  const api: MonarchApi = host === 'electron' ? { ...base, pickedFile: (f: unknown) => `picked:${(f as File).name}` } : base;
  return { files: createFileActions(api, (t) => reports.push(t)), calls, reports };
}

const until = async (f: () => boolean) => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('file actions', () => {
  it('browser client: streams the file in 32 KB chunks, then sends the upload', async () => {
    const { files, calls } = setUp('web');
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    files.offer('c1', ['bob@x.com'], [new File([bytes], 'photo.jpg')]);
    await until(() => calls.some((c) => c.name === 'sendFile'));
    const chunks = calls.filter((c) => c.name === 'uploadFileChunk');
    expect(chunks.map((c) => c.input.offset)).toEqual([0, 32768, 65536, 98304]);
    expect(chunks.every((c) => atob(c.input.data as string).length <= MAX_UPLOAD_CHUNK_BYTES)).toBe(true);
    const joined = Uint8Array.from(chunks.map((c) => atob(c.input.data as string)).join(''), (ch) => ch.charCodeAt(0));
    expect(joined).toEqual(bytes);
    expect(calls[0]).toEqual({ name: 'beginFileUpload', input: { name: 'photo.jpg', size: 100_000 } });
    expect(calls.at(-1)).toEqual({ name: 'sendFile', input: { conversationId: 'c1', handle: 'bob@x.com', file: { kind: 'upload', uploadId: 'u1' } } });
    expect(files.store.getState().uploads).toEqual([]);
  });

  it('browser client: keeps a window of chunks on their way (never more), answered in any order', async () => {
    const waiting: (() => void)[] = [];
    let inFlight = 0;
    let most = 0;
    const got = new Map<number, string>();
    const calls: CommandName[] = [];
    const api = buildApi('web', {
      invoke: async (name, input) => {
        const i = input as Record<string, unknown>;
        calls.push(name);
        if (name === 'beginFileUpload') return ok({ uploadId: 'u1' });
        if (name === 'uploadFileChunk') {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise<void>((r) => waiting.push(r));
          inFlight--;
          got.set(i.offset as number, atob(i.data as string));
          return ok({ received: 0 });
        }
        return ok(name === 'sendFile' ? { transferId: 't1' } : null);
      },
      subscribe: () => () => undefined,
    });
    const files = createFileActions(api, () => undefined);
    const size = 20 * MAX_UPLOAD_CHUNK_BYTES + 5;
    const bytes = new Uint8Array(size).map((_, i) => (i * 7) % 256);
    files.offer('c1', ['bob@x.com'], [new File([bytes], 'big.bin')]);
    // The host answers the newest chunk first, each time as many as are waiting.
    while (!calls.includes('sendFile')) {
      await new Promise((r) => setTimeout(r, 2));
      waiting.splice(0).reverse().forEach((r) => r());
    }
    expect(most).toBe(MAX_UPLOAD_CHUNKS_IN_FLIGHT);
    expect([...got.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 21 }, (_, k) => k * MAX_UPLOAD_CHUNK_BYTES));
    const joined = Uint8Array.from([...got.entries()].sort(([a], [b]) => a - b).map(([, d]) => d).join(''), (ch) => ch.charCodeAt(0));
    expect(joined).toEqual(bytes);
  });

  it('browser client: a failed chunk is reported, the upload cancelled, nothing sent', async () => {
    const { files, calls, reports } = setUp('web', 32768);
    files.offer('c1', ['bob@x.com'], [new File([new Uint8Array(70_000)], 'big.bin')]);
    await until(() => reports.length > 0);
    expect(reports).toEqual(['Could not send big.bin: The disk is full.']);
    await until(() => calls.some((c) => c.name === 'cancelFileUpload'));
    expect(calls.some((c) => c.name === 'sendFile')).toBe(false);
  });

  it('desktop app: sends the preload’s reference, no upload', async () => {
    const { files, calls } = setUp('electron');
    files.offer('c1', ['bob@x.com'], [new File(['x'], 'report.pdf')]);
    await until(() => calls.length > 0);
    expect(calls).toEqual([{ name: 'sendFile', input: { conversationId: 'c1', handle: 'bob@x.com', file: { kind: 'path', path: 'picked:report.pdf' } } }]);
  });

  it('a group conversation waits for the recipient; cancelling sends nothing', async () => {
    const { files, calls } = setUp('electron');
    const f = new File(['x'], 'a.txt');
    files.offer('c1', ['bob@x.com', 'carol@x.com'], [f]);
    expect(files.store.getState().choosing).toEqual({ conversationId: 'c1', files: [f] });
    files.chooseRecipient(null);
    expect(files.store.getState().choosing).toBeNull();
    files.offer('c1', ['bob@x.com', 'carol@x.com'], [f]);
    files.chooseRecipient('carol@x.com');
    await until(() => calls.length > 0);
    expect(calls).toEqual([{ name: 'sendFile', input: { conversationId: 'c1', handle: 'carol@x.com', file: { kind: 'path', path: 'picked:a.txt' } } }]);
  });
});
