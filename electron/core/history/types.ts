/**
 * The history store's public types and interface. Plain data only (epoch-ms times, no classes), so
 * results can cross IPC unchanged.
 */
import type { DeliveryState, TextFormat } from '../../../shared/model';

/**
 * One log per conversation, per signed-in account:
 * - `one-to-one`: every 1:1 chat with the same contact goes into one log, keyed by their handle
 *   (as the classic client's per-contact log files did);
 * - `group`: a multi-party conversation, keyed by the client's stable conversation id, with its
 *   joins and leaves.
 */
export type ConversationKind = 'one-to-one' | 'group';

export interface HistoryParticipant {
  readonly handle: string;
  /** The last name we saw them use in this conversation. */
  readonly displayName: string;
}

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

export interface HistoryConversation {
  /** The store's id (what every other call takes). */
  readonly id: number;
  /** The signed-in handle this log belongs to. */
  readonly account: string;
  readonly kind: ConversationKind;
  /** `one-to-one`: the peer's handle; `group`: the client's conversation id. */
  readonly key: string;
  /** Everyone except me who ever took part, oldest first. */
  readonly participants: readonly HistoryParticipant[];
  readonly startedAt: number;
  readonly lastActivityAt: number;
  readonly entryCount: number;
  /** The start of the last message's text (for the history list), or null when there is none. */
  readonly snippet: string | null;
}

export type EntryKind = 'message' | 'join' | 'leave' | 'nudge';
export type Direction = 'incoming' | 'outgoing';

interface EntryBase {
  readonly id: number;
  readonly conversationId: number;
  /** Epoch ms. */
  readonly timestamp: number;
  /** Who sent / joined / left / nudged (my handle for outgoing). */
  readonly sender: string;
  /** Their name at that moment. */
  readonly senderName: string;
}

export interface MessageEntry extends EntryBase {
  readonly kind: 'message';
  readonly direction: Direction;
  readonly text: string;
  readonly format: TextFormat | null;
  /** The client's message id, if known (to follow delivery updates). */
  readonly messageId: string | null;
  /** Outgoing messages: the last delivery state we heard of. Incoming: `delivered`. */
  readonly delivery: DeliveryState;
}

export interface JoinEntry extends EntryBase {
  readonly kind: 'join';
}

export interface LeaveEntry extends EntryBase {
  readonly kind: 'leave';
  /** The server removed them for inactivity rather than a deliberate goodbye. */
  readonly idle: boolean;
}

export interface NudgeEntry extends EntryBase {
  readonly kind: 'nudge';
  readonly direction: Direction;
}

export type HistoryEntry = MessageEntry | JoinEntry | LeaveEntry | NudgeEntry;

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
    };

export interface Page {
  /** Oldest first. */
  readonly entries: readonly HistoryEntry[];
  /** There are older entries than the first one returned. */
  readonly hasMoreBefore: boolean;
  /** There are newer entries than the last one returned. */
  readonly hasMoreAfter: boolean;
}

/** A run of snippet text; `match` runs are the words that matched the search. */
export interface SnippetSegment {
  readonly text: string;
  readonly match: boolean;
}

export interface SearchHit {
  /** Jump here with `around(entryId)`. */
  readonly entryId: number;
  readonly conversationId: number;
  readonly conversationKind: ConversationKind;
  readonly conversationKey: string;
  readonly timestamp: number;
  readonly direction: Direction;
  readonly sender: string;
  readonly senderName: string;
  /** A window of the message text around the matches, as plain text segments (render as text). */
  readonly snippet: readonly SnippetSegment[];
}

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

  deleteConversation(conversationId: number): boolean;
  /** Delete every log of `account`, or of every account when omitted. Returns conversations deleted. */
  deleteAll(account?: string): number;
  close(): void;
}
