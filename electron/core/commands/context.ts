/**
 * What every domain's command handlers share: the backend's parts (options), the session of this
 * run (`LiveSession`), and app-core's state and event stream. Handlers return their command's
 * value or throw (./errors.ts); app-core turns both into results in one place.
 */
import type { AppEvent, AppSnapshot, AppState, CommandName, CommandOutput, Preferences, ValidCommandInput } from '../../../shared/ipc';
import type { AttentionPolicy } from '../attention';
import type { AppCoreOptions } from '../app-core-options';
import type { ClientPort } from '../client-port';
import type { HistoryRecorder, RecordableEvent } from '../history';
import type { SessionTransfers } from '../files/session-transfers';
import type { OfflineAcks } from '../offline-acks';
import { NotSignedInError } from './errors';

/** One command's handler: its validated input in, its value out (or a thrown error). */
export type CommandHandler<K extends CommandName> = (input: ValidCommandInput<K>) => Promise<CommandOutput<K>> | CommandOutput<K>;

/** The handlers of some commands (a domain's module returns those of its domain). */
export type CommandHandlerSet<K extends CommandName> = { readonly [N in K]: CommandHandler<N> };

/**
 * The MSN session of this run: the client while signing in and signed in, the sign-in in
 * progress, whose account it is, and what the session's commands remember between them.
 */
export class LiveSession {
  /** The client of a signed-in (or reconnecting, or signing-in) session. */
  client: ClientPort | null = null;
  /** Set while a sign-in is under way (Cancel aborts it). */
  signingIn: AbortController | null = null;
  /** The handle of the signed-in (or signing-in) account: whose history the commands read. */
  account: string | null = null;
  /** The password being signed in with, masked in the protocol console. */
  secret: string | null = null;
  /** Writes the session's conversations to the history (null: no history store). */
  recorder: HistoryRecorder | null = null;
  /** Stops fetching contacts' pictures for this session (./pictures.ts). */
  stopPictures: (() => void) | null = null;
  /** Deletes the session's offline messages on the server once they are kept (../offline-acks.ts). */
  offlineAcks: OfflineAcks | null = null;
  /** The session's file transfers (issue 11); null without a session or a client that has them. */
  transfers: SessionTransfers | null = null;
  /** A web upload's temporary file is no longer needed (set by ./files.ts). */
  releaseStaged: ((path: string) => void) | null = null;
  /** Removes every web upload's temporary file (app shutdown; set by ./files.ts). */
  disposeStaging: (() => void) | null = null;
  /** Stops forwarding and fetching contacts' emoticons for this session (./emoticons.ts). */
  stopEmoticons: (() => void) | null = null;
  /** Whom each conversation I opened was opened with (before they join, its participants are empty). */
  readonly openedWith = new Map<string, readonly string[]>();
  private unsubscribe: (() => void) | null = null;

  /** The client of a signed-in (or reconnecting) session; throws `not-signed-in` otherwise. */
  connected(): ClientPort {
    if (!this.client || this.signingIn) throw new NotSignedInError();
    return this.client;
  }

  attach(client: ClientPort, unsubscribe: () => void): void {
    this.client = client;
    this.unsubscribe = unsubscribe;
  }

  /** Stops listening to the client and lets go of it (the caller disposes of it). */
  detach(): void {
    this.stopPictures?.();
    this.stopPictures = null;
    this.offlineAcks?.dispose();
    this.offlineAcks = null;
    this.transfers?.dispose();
    this.transfers = null;
    this.stopEmoticons?.();
    this.stopEmoticons = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.client = null;
  }
}

export interface CommandContext {
  readonly options: AppCoreOptions;
  readonly live: LiveSession;
  readonly attention: AttentionPolicy;
  /** The backend's projected state, and the number of the last event in it. */
  snapshot(): AppSnapshot;
  state(): AppState;
  /** Numbers the event, applies it to the state and hands it to every window. */
  emit(event: AppEvent): void;
  now(): number;
  /** The preference sections windows see. */
  preferences(): Preferences;
}

/**
 * Logs a session event to the history; a failing log never stops the session. False when the
 * write failed (with no history at all, nothing failed).
 */
export function recordInHistory(recorder: HistoryRecorder | null, event: RecordableEvent): boolean {
  try {
    return recorder?.handle(event) ?? true;
  } catch (err) {
    console.warn(`History: ${(err as Error).message}`);
    return false;
  }
}
