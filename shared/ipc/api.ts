/**
 * `window.monarch`: one method per command and one `onEvent` (ARCHITECTURE.md §5). Built here from
 * the contract over a transport, so the Electron preload (ipcRenderer) and the browser client
 * (WebSocket) expose exactly the same object; never a generic send.
 */
import { COMMAND_NAMES, type CommandInput, type CommandName, type CommandOutput, type SequencedEvent } from './contract';
import type { Result } from './result';

export type CommandMethods = {
  readonly [K in CommandName]: (input: CommandInput<K>) => Promise<Result<CommandOutput<K>>>;
};

export type EventListener = (e: SequencedEvent) => void;

export interface MonarchApi extends CommandMethods {
  /** Which host the window runs in: the desktop app, or the browser client of `npm run web`. */
  readonly host: 'electron' | 'web';
  /** Subscribe to every event; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void;
  /**
   * Desktop app only (issue 11): a reference to a `File` the user dropped, pasted or picked, to
   * pass as `sendFile`'s `{ kind: 'path', path }`. The preload resolves the real path itself
   * (`webUtils.getPathForFile`) and keeps it; the page never sees or chooses a path, and a
   * reference the preload did not hand out is refused. Null when the file has no path (pasted
   * data): send it as an upload then.
   */
  readonly pickedFile?: (file: unknown) => string | null;
}

export interface Transport {
  invoke(name: CommandName, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: EventListener): () => void;
}

export function buildApi(host: MonarchApi['host'], transport: Transport): MonarchApi {
  const methods: Record<string, (input: unknown) => Promise<Result<unknown>>> = {};
  for (const name of COMMAND_NAMES) methods[name] = (input: unknown) => transport.invoke(name, input ?? {});
  return Object.freeze({
    ...(methods as unknown as CommandMethods),
    host,
    onEvent: (listener: EventListener) => transport.subscribe(listener),
  });
}
