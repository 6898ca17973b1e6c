/**
 * What the app needs from one signed-in MSN client (electron/core/msn). app-core talks to the
 * client only through this port, so the composition root stays small and testable; the adapter
 * from the real client lives in `msn-client-adapter.ts`.
 *
 * Failures are thrown as errors with a `code` from the model (`SignInErrorCode`,
 * `OperationErrorCode`); app-core turns them into `{ ok: false }` results.
 */
import type { DomainEvent, Group, MyStatus, TextFormat } from '../../shared/model';
import type { FileTransfers } from './msn/files/types';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  /** Passport/Nexus URL for the MSNP8+ login; absent = the client's default for the server. */
  readonly nexusUrl?: string;
}

export interface SignInOptions {
  readonly handle: string;
  readonly password: string;
  readonly status: MyStatus;
  /** Aborted when the user presses Cancel. */
  readonly signal: AbortSignal;
}

/** Display pictures over P2P (MSNP9+; electron/core/msn/p2p/pictures.ts). */
export interface PicturePort {
  /** Whether this session's dialect has display pictures (MSNP9+); false before sign-in. */
  supported(): boolean;
  /** Sets (null: clears) my picture; announced at once when signed in, and at every sign-in. */
  setMine(bytes: Uint8Array | null): Promise<void>;
  /** The SHA1D of the picture a contact announces now, if any. */
  currentSha1d(handle: string): string | undefined;
  /** Fetches a contact's current picture (verified, sniffed); rejects when it cannot. */
  fetch(handle: string): Promise<{ readonly sha1d: string; readonly mime: string; readonly bytes: Uint8Array }>;
  /** A contact announced another picture (`hasPicture`) or none. */
  onChanged(listener: (handle: string, hasPicture: boolean) => void): () => void;
}

/** Custom emoticons over P2P (MSNP9+; electron/core/msn/p2p/emoticons.ts). */
export interface EmoticonPort {
  /** Whether this session's dialect has custom emoticons (MSNP9+); false before sign-in. */
  supported(): boolean;
  /** Defines (or replaces) one of mine; throws when the shortcut or the image is not acceptable. */
  define(shortcut: string, bytes: Uint8Array): void;
  remove(shortcut: string): void;
  /** Fetches a contact's announced emoticon (verified by SHA1D, sniffed); rejects when it cannot. */
  fetch(sender: string, shortcut: string): Promise<{ readonly sha1d: string; readonly mime: string; readonly bytes: Uint8Array }>;
  /** A contact announced emoticons for the text they send next (called before that text's event). */
  onAnnounced(listener: (e: { conversationId: string; sender: string; emoticons: readonly { shortcut: string; sha1d: string }[] }) => void): () => void;
}

export interface ClientPort {
  /** Display pictures; absent on a client that has none. */
  readonly pictures?: PicturePort;
  /** File transfer (issue 11: P2P and MSNFTP behind one surface); absent on a client that has none. */
  readonly files?: FileTransfers;
  /** Custom emoticons; absent on a client that has none. */
  readonly emoticons?: EmoticonPort;

  /** Every domain event, in order. */
  onEvent(listener: (e: DomainEvent) => void): () => void;
  signIn(options: SignInOptions): Promise<void>;
  signOut(): Promise<void>;

  setStatus(status: MyStatus): Promise<void>;
  setFriendlyName(name: string): Promise<void>;
  setPersonalMessage(text: string): Promise<void>;

  /** Adds to my contact list (forward + allow lists), optionally into a group. */
  addContact(handle: string, groupId?: string): Promise<void>;
  /** Removes from my contact list (they stay on allow/block). */
  removeContact(handle: string): Promise<void>;
  /** Allow list (and off the pending list). */
  allow(handle: string): Promise<void>;
  block(handle: string): Promise<void>;
  unblock(handle: string): Promise<void>;
  copyToGroup(handle: string, groupId: string): Promise<void>;
  /** `fromGroupId` null: from "no group". */
  moveToGroup(handle: string, fromGroupId: string | null, toGroupId: string): Promise<void>;

  createGroup(name: string): Promise<Group>;
  renameGroup(groupId: string, name: string): Promise<void>;
  removeGroup(groupId: string): Promise<void>;

  /**
   * Starts a conversation with these people (an open one-to-one with the same person is reused);
   * returns its id at once (they join later).
   */
  openConversation(handles: readonly string[]): Promise<string>;
  /** Returns the message id; delivery is reported by `message.delivery` events. */
  sendMessage(conversationId: string, text: string, format: TextFormat | null): Promise<string>;
  /** Sends a failed message again under the same id; false when there is no such failed message. */
  retryMessage(conversationId: string, messageId: string): Promise<boolean>;
  sendTyping(conversationId: string): Promise<void>;
  sendNudge(conversationId: string): Promise<void>;
  invite(conversationId: string, handle: string): Promise<void>;
  closeConversation(conversationId: string): Promise<void>;

  /**
   * MSNP13+: the app has stored these received messages; the offline ones among them may now be
   * deleted on the server (others are ignored). Absent on a client without offline messages.
   */
  acknowledgeOfflineMessages?(messageIds: readonly string[]): Promise<void>;

  /** Releases sockets and timers. */
  dispose(): void;
}

/** One client per sign-in, for one server. */
export type ClientFactory = (server: ServerAddress) => ClientPort;
