/**
 * Builds `window.monarch` over ipcRenderer from the contract: one method per command, one
 * `onEvent`. The raw ipcRenderer never leaves this file (Electron context-isolation guide).
 *
 * Files to send (issue 11): the page gets an opaque reference for a dropped or picked `File`
 * (`pickedFile`), and `sendFile` swaps it for the path the preload resolved with
 * `webUtils.getPathForFile`. A page cannot name any other path: `sendFile` with a path that is not
 * one of these references never reaches the main process.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { buildApi, type MonarchApi } from '../../shared/ipc/api';
import { commandChannel, EVENT_CHANNEL, type SequencedEvent } from '../../shared/ipc/contract';
import { fail, type Result } from '../../shared/ipc/result';

/** What the preload needs from `webUtils`. */
export interface FilePaths {
  /** The path of a File from a drop or a file input; '' when it has none. */
  getPathForFile(file: never): string;
}

const REFERENCE_PREFIX = 'picked:';
/** References kept at most (oldest forgotten first). */
const MAX_REFERENCES = 1000;

export function buildElectronApi(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>, filePaths?: FilePaths): MonarchApi {
  const picked = new Map<string, string>();
  const invoke = (name: Parameters<typeof commandChannel>[0], input: unknown) => ipc.invoke(commandChannel(name), input) as Promise<Result<unknown>>;
  const api = buildApi('electron', {
    invoke: (name, input) => {
      if (name !== 'sendFile') return invoke(name, input);
      const file = (input as { file?: { kind?: unknown; path?: unknown } } | null)?.file;
      if (file?.kind !== 'path') return invoke(name, input);
      const path = typeof file.path === 'string' ? picked.get(file.path) : undefined;
      if (path === undefined) return Promise.resolve(fail('forbidden', 'Only files the user dropped or picked can be sent.'));
      return invoke(name, { ...(input as object), file: { kind: 'path', path } });
    },
    subscribe: (listener) => {
      // Pass only the payload: the IpcRendererEvent (with its `sender`) must not reach the page.
      const forward = (_event: IpcRendererEvent, payload: SequencedEvent) => listener(payload);
      ipc.on(EVENT_CHANNEL, forward);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, forward);
      };
    },
  });
  if (!filePaths) return api;
  return Object.freeze({
    ...api,
    pickedFile: (file: unknown): string | null => {
      let path: string;
      try {
        path = filePaths.getPathForFile(file as never);
      } catch {
        return null; // not a File
      }
      if (!path) return null;
      const ref = `${REFERENCE_PREFIX}${crypto.randomUUID()}`;
      picked.set(ref, path);
      if (picked.size > MAX_REFERENCES) picked.delete(picked.keys().next().value as string);
      return ref;
    },
  });
}
