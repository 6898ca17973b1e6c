/**
 * The history store's public types and interface. Plain data only (epoch-ms times, no classes), so
 * results can cross IPC unchanged.
 */
import type { HistoryConversationInfo, HistoryEmoticons, HistoryEntryInfo, HistoryPageInfo, HistoryParticipantInfo, HistorySearchHitInfo } from '../../../shared/ipc/history-types';
import type { DeliveryState, TextFormat } from '../../../shared/model';

/** The stored shapes are the IPC's (shared/ipc/history-types.ts): results cross IPC unchanged. */
export type HistoryParticipant = HistoryParticipantInfo;
export type HistoryConversation = HistoryConversationInfo;
export type ConversationKind = HistoryConversation['kind'];
export type HistoryEntry = HistoryEntryInfo;
export type EntryKind = HistoryEntry['kind'];
export type MessageEntry = Extract<HistoryEntry, { kind: 'message' }>;
export type JoinEntry = Extract<HistoryEntry, { kind: 'join' }>;
export type LeaveEntry = Extract<HistoryEntry, { kind: 'leave' }>;
export type NudgeEntry = Extract<HistoryEntry, { kind: 'nudge' }>;
export type Direction = MessageEntry['direction'];
export type Page = HistoryPageInfo;
export type SearchHit = HistorySearchHitInfo;
export type SnippetSegment = SearchHit['snippet'][number];

/** How a caller names the log to write to; the store creates it on first use. */
export type ConversationRef =
  | {
      readonly account: string;
      readonly kind: 'one-to-one';
      /** The other person's handle. */
      readonly peer: HistoryParticipant;
      /** Epoch ms; used when the log is created. */
      readonly at: number;
    }
  | {
      readonly account: string;
      readonly kind: 'group';
      /** The client's conversation id (stable for the life of the conversation). */
      readonly conversationId: string;
      /** Everyone except me known so far. */
      readonly participants: readonly HistoryParticipant[];
      readonly at: number;
    };

/** What a writer passes to `appendMessage`. */
export interface NewMessage {
  readonly direction: Direction;
  readonly sender: string;
  readonly senderName: string;
  readonly text: string;
  readonly format: TextFormat | null;
  readonly timestamp: number;
  readonly messageId?: string | null;
  readonly delivery?: DeliveryState;
  /** The custom emoticons its text used (shortcut → SHA1D). */
  readonly emoticons?: HistoryEmoticons;
}

export type NewSystemEntry =
  | { readonly kind: 'join'; readonly sender: string; readonly senderName: string; readonly timestamp: number }
  | {
      readonly kind: 'leave';
      readonly sender: string;
      readonly senderName: string;
      readonly timestamp: number;
      readonly idle: boolean;
    }
  | {
      readonly kind: 'nudge';
      readonly direction: Direction;
      readonly sender: string;
      readonly senderName: string;
      readonly timestamp: number;
    }
  | {
      /** A file transfer's outcome as a line (issue 11). */
      readonly kind: 'file';
      readonly direction: Direction;
      readonly sender: string;
      readonly senderName: string;
      readonly text: string;
      readonly timestamp: number;
    };

export interface SearchOptions {
  /** Only this conversation. */
  readonly conversationId?: number;
  /** Default 50, at most 500. */
  readonly limit?: number;
  /** Newest first (default) or best match first (FTS5 bm25). */
  readonly order?: 'newest' | 'relevance';
  /** Only hits older than this entry id (paging with `order: 'newest'`). */
  readonly beforeEntryId?: number;
}

export interface ListOptions {
  /** Default 100. */
  readonly limit?: number;
  readonly offset?: number;
}

/**
 * Conversation logs. Writes are synchronous and durable when they return (WAL, one transaction per
 * call): a caller may treat a returned id as "acknowledged" — a crash of the process after that
 * point does not lose it.
 */
export interface HistoryStore {
  /** Find or create the log for `ref`, recording any new participants or names. */
  openConversation(ref: ConversationRef): HistoryConversation;
  appendMessage(conversationId: number, message: NewMessage): MessageEntry;
  appendSystem(conversationId: number, entry: NewSystemEntry): HistoryEntry;
  /** Record a later delivery state of an outgoing message (the newest entry with that id). */
  updateDelivery(conversationId: number, messageId: string, delivery: DeliveryState): boolean;

  getConversation(conversationId: number): HistoryConversation | null;
  findConversation(account: string, kind: ConversationKind, key: string): HistoryConversation | null;
  /** The account's conversations, most recently active first. */
  listConversations(account: string, options?: ListOptions): HistoryConversation[];
  /** The newest `limit` entries older than `beforeEntryId` (or the newest overall), oldest first. */
  recent(conversationId: number, options?: { limit?: number; beforeEntryId?: number }): Page;
  /** Entries after `afterEntryId` (paging forward from a search hit), oldest first. */
  after(conversationId: number, afterEntryId: number, options?: { limit?: number }): Page;
  /** The page around one entry (a search hit): `before` older ones, the entry, `after` newer ones. */
  around(entryId: number, options?: { before?: number; after?: number }): (Page & { conversation: HistoryConversation }) | null;
  /** Every entry of a conversation, oldest first, read lazily (for export). */
  iterateEntries(conversationId: number): IterableIterator<HistoryEntry>;
  /** Full-text search across all of the account's conversations (or one). */
  search(account: string, query: string, options?: SearchOptions): SearchHit[];

  /**
   * Move entries into another log (a chat that was one-to-one became a group chat: its lines go
   * with it), keeping their ids, text index and order. A log left with no entries is deleted.
   */
  moveEntries(entryIds: readonly number[], toConversationId: number): void;

  deleteConversation(conversationId: number): boolean;
  /** Delete every log of `account`, or of every account when omitted. Returns conversations deleted. */
  deleteAll(account?: string): number;
  close(): void;
}
