/**
 * Binds the contract to Electron IPC: one `ipcMain.handle` per command (channel names derived from
 * the contract), each checking the sender is one of our windows and validating the input before
 * the backend sees it; events go to every window on one channel.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import {
  COMMAND_NAMES,
  CONTRACT_ERRORS,
  EVENT_CHANNEL,
  commandChannel,
  fail,
  validateCommand,
  type Backend,
  type CommandHandlers,
  type Result,
  type ValidCommand,
} from '../../shared/ipc';

export interface BindOptions {
  isTrustedSender(frame: WebFrameMain | null | undefined): boolean;
  /** Commands the shell answers itself (opening windows); the rest go to the backend. */
  shell: Partial<CommandHandlers>;
  /** The windows to send events to. */
  targets(): WebContents[];
}

export function bindContract(ipcMain: IpcMain, backend: Backend, opts: BindOptions): () => void {
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(name), async (event: IpcMainInvokeEvent, input: unknown): Promise<Result<unknown>> => {
      if (!opts.isTrustedSender(event.senderFrame)) return fail(CONTRACT_ERRORS.forbidden, 'Not one of our windows');
      const checked = validateCommand(name, input);
      if (!checked.ok) return checked;
      try {
        return await run(checked.value);
      } catch (e) {
        console.error(`Command ${name} failed:`, (e as Error).message);
        return fail(CONTRACT_ERRORS.internal, 'Something went wrong; see the log.');
      }
    });
  }

  const run = (cmd: ValidCommand): Promise<Result<unknown>> => {
    const own = opts.shell[cmd.name] as ((input: unknown) => Promise<Result<unknown>>) | undefined;
    return own ? own(cmd.input) : backend.execute(cmd);
  };

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
