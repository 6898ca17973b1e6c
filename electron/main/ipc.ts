/**
 * Binds the contract to Electron IPC: one `ipcMain.handle` per command (channel names derived from
 * the contract), each checking the sender is one of our windows and validating the input before
 * the backend sees it (shared/ipc's dispatcher); events go to every window on one channel.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import {
  COMMAND_NAMES,
  CONTRACT_ERRORS,
  EVENT_CHANNEL,
  commandChannel,
  createCommandDispatcher,
  fail,
  type Backend,
  type CommandHandlers,
  type Result,
} from '../../shared/ipc';

export interface BindOptions {
  isTrustedSender(frame: WebFrameMain | null | undefined): boolean;
  /** Commands the shell answers itself (opening windows); the rest go to the backend. */
  shell: Partial<CommandHandlers>;
  /** The windows to send events to. */
  targets(): WebContents[];
}

export function bindContract(ipcMain: IpcMain, backend: Backend, opts: BindOptions): () => void {
  const dispatch = createCommandDispatcher({
    backend,
    overrides: opts.shell,
    onUnexpected: (name, e) => console.error(`Command ${name} failed:`, (e as Error).message),
    internalMessage: 'Something went wrong; see the log.',
  });
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(name), async (event: IpcMainInvokeEvent, input: unknown): Promise<Result<unknown>> => {
      if (!opts.isTrustedSender(event.senderFrame)) return fail(CONTRACT_ERRORS.forbidden, 'Not one of our windows');
      return dispatch(name, input);
    });
  }

  const unsubscribe = backend.subscribe((e) => {
    for (const contents of opts.targets()) {
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, e);
    }
  });

  return () => {
    unsubscribe();
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(commandChannel(name));
  };
}
