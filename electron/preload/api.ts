/**
 * Builds `window.monarch` over ipcRenderer from the contract: one method per command, one
 * `onEvent`. The raw ipcRenderer never leaves this file (Electron context-isolation guide).
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { buildApi, type MonarchApi } from '../../shared/ipc/api';
import { commandChannel, EVENT_CHANNEL, type SequencedEvent } from '../../shared/ipc/contract';
import type { Result } from '../../shared/ipc/result';

export function buildElectronApi(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): MonarchApi {
  return buildApi('electron', {
    invoke: (name, input) => ipc.invoke(commandChannel(name), input) as Promise<Result<unknown>>,
    subscribe: (listener) => {
      // Pass only the payload: the IpcRendererEvent (with its `sender`) must not reach the page.
      const forward = (_event: IpcRendererEvent, payload: SequencedEvent) => listener(payload);
      ipc.on(EVENT_CHANNEL, forward);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, forward);
      };
    },
  });
}
