/**
 * File transfer from a window (issue 11): sending dropped, picked or pasted files, and answering
 * offers. The desktop app sends a file by the reference its preload gives for the `File`
 * (`api.pickedFile`: the preload knows the path, the page never does); the browser client streams
 * the file's bytes to the web host in 32 KB chunks, several on their way at once (the contract's
 * window), and then sends the upload. Files being streamed show in the conversation as
 * "Preparing..." with their progress.
 */
import { createStore } from 'zustand/vanilla';
import { MAX_UPLOAD_CHUNK_BYTES, MAX_UPLOAD_CHUNKS_IN_FLIGHT, type MonarchApi, type Result } from '../../../shared/ipc';

/** A file being streamed to the web host before it is offered. */
export interface Upload {
  readonly key: string;
  readonly conversationId: string;
  readonly name: string;
  readonly size: number;
  readonly sent: number;
}

export interface UploadsState {
  readonly uploads: readonly Upload[];
  /** Files waiting for the user to pick whom to send them to (a group conversation). */
  readonly choosing: { readonly conversationId: string; readonly files: readonly File[] } | null;
}

/** The progress of a file being prepared is redrawn at most this often (a chunk lands every few ms). */
const UPLOAD_PROGRESS_MS = 100;

/** Base64 of bytes: the engine's own where it has one (Uint8Array.prototype.toBase64), else in slices. */
export function toBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (typeof native === 'function') return native.call(bytes);
  // String.fromCharCode takes a bounded number of arguments.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(binary);
}

export type FileActions = ReturnType<typeof createFileActions>;

export function createFileActions(api: MonarchApi, report: (text: string) => void) {
  const store = createStore<UploadsState>()(() => ({ uploads: [], choosing: null }));
  let next = 0;
  const setUpload = (key: string, f: (u: Upload) => Upload | null) =>
    store.setState((s) => ({ uploads: s.uploads.flatMap((u) => (u.key === key ? (f(u) ?? []) : [u])) }));

  async function check<T>(p: Promise<Result<T>>, what: string): Promise<T | null> {
    const r = await p;
    if (!r.ok) {
      report(`${what}: ${r.error.message}`);
      return null;
    }
    return r.value;
  }

  /**
   * Streams `file` to the web host; resolves to the upload's id, or null (reported). Up to
   * `MAX_UPLOAD_CHUNKS_IN_FLIGHT` chunks are on their way at once: the next is read only when one
   * is answered (back-pressure, and what the page holds stays bounded to the window).
   */
  async function upload(conversationId: string, file: File): Promise<string | null> {
    const key = `upload-${++next}`;
    store.setState((s) => ({ uploads: [...s.uploads, { key, conversationId, name: file.name, size: file.size, sent: 0 }] }));
    try {
      const begun = await check(api.beginFileUpload({ name: file.name || 'file', size: file.size }), `Could not send ${file.name}`);
      if (!begun) return null;
      let failure: string | null = null;
      let received = 0;
      let shownAt = 0;
      const inFlight = new Set<Promise<void>>();
      const sendChunk = async (offset: number, data: string) => {
        try {
          const r = await api.uploadFileChunk({ uploadId: begun.uploadId, offset, data });
          if (!r.ok) {
            failure ??= r.error.message;
            return;
          }
          received = Math.max(received, r.value.received);
          const now = Date.now();
          if (now - shownAt >= UPLOAD_PROGRESS_MS || received === file.size) {
            shownAt = now;
            const sent = received;
            setUpload(key, (u) => ({ ...u, sent }));
          }
        } catch (e) {
          failure ??= (e as Error).message;
        }
      };
      for (let offset = 0; offset < file.size && failure === null; offset += MAX_UPLOAD_CHUNK_BYTES) {
        const bytes = new Uint8Array(await file.slice(offset, offset + MAX_UPLOAD_CHUNK_BYTES).arrayBuffer());
        const sending = sendChunk(offset, toBase64(bytes)).finally(() => inFlight.delete(sending));
        inFlight.add(sending);
        if (inFlight.size >= MAX_UPLOAD_CHUNKS_IN_FLIGHT) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      if (failure !== null) {
        report(`Could not send ${file.name}: ${failure}`);
        void api.cancelFileUpload({ uploadId: begun.uploadId });
        return null;
      }
      return begun.uploadId;
    } catch (e) {
      report(`Could not read ${file.name}: ${(e as Error).message}`);
      return null;
    } finally {
      setUpload(key, () => null);
    }
  }

  async function sendOne(conversationId: string, handle: string, file: File): Promise<void> {
    const ref = api.pickedFile?.(file) ?? null;
    if (ref !== null) {
      await check(api.sendFile({ conversationId, handle, file: { kind: 'path', path: ref } }), `Could not send ${file.name}`);
      return;
    }
    const uploadId = await upload(conversationId, file);
    if (uploadId !== null) await check(api.sendFile({ conversationId, handle, file: { kind: 'upload', uploadId } }), `Could not send ${file.name}`);
  }

  return {
    store,
    /**
     * Send `files` to the people of a conversation: to the one person, or (several people) after
     * the user picked whom to send them to.
     */
    offer(conversationId: string, people: readonly string[], files: readonly File[]) {
      if (files.length === 0 || people.length === 0) return;
      if (people.length === 1) {
        for (const f of files) void sendOne(conversationId, people[0] as string, f);
        return;
      }
      store.setState({ choosing: { conversationId, files } });
    },
    /** The user picked whom to send the waiting files to (null: cancelled). */
    chooseRecipient(handle: string | null) {
      const choosing = store.getState().choosing;
      store.setState({ choosing: null });
      if (!choosing || handle === null) return;
      for (const f of choosing.files) void sendOne(choosing.conversationId, handle, f);
    },
    accept: (transferId: string) => void check(api.acceptFile({ transferId }), 'Could not accept the file'),
    acceptAs: (transferId: string) => void check(api.acceptFileAs({ transferId }), 'Could not accept the file'),
    decline: (transferId: string) => void check(api.declineFile({ transferId }), 'Could not decline the file'),
    cancel: (transferId: string) => void check(api.cancelFile({ transferId }), 'Could not cancel the transfer'),
    open: (transferId: string) => void check(api.openReceivedFile({ transferId }), 'Could not open the file'),
    showInFolder: (transferId: string) => void check(api.showReceivedFile({ transferId }), 'Could not show the file'),
    downloadLink: (transferId: string) => check(api.fileDownloadLink({ transferId }), 'Could not make a download link'),
  };
}
