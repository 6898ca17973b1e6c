/**
 * Conversation history as it crosses IPC: plain data (epoch-ms times). electron/core/history's
 * store returns these very shapes (its types are these).
 */
import type { DeliveryState, TextFormat } from '../model';

export interface HistoryParticipantInfo {
  readonly handle: string;
  /** The last name we saw them use in this conversation. */
  readonly displayName: string;
}

/**
 * One log per conversation, per signed-in account:
 * - `one-to-one`: every 1:1 chat with the same contact goes into one log, keyed by their handle
 *   (as the classic client's per-contact log files did);
 * - `group`: a multi-party conversation, keyed by the client's stable conversation id, with its
 *   joins and leaves.
 */
export interface HistoryConversationInfo {
  /** The store's id (what every other call takes). */
  readonly id: number;
  /** The signed-in handle this log belongs to. */
  readonly account: string;
  readonly kind: 'one-to-one' | 'group';
  /** `one-to-one`: the peer's handle; `group`: the client's conversation id. */
  readonly key: string;
  /** Everyone except me who ever took part, oldest first. */
  readonly participants: readonly HistoryParticipantInfo[];
  readonly startedAt: number;
  readonly lastActivityAt: number;
  readonly entryCount: number;
  /** The start of the last message's text (for the history list), or null when there is none. */
  readonly snippet: string | null;
}

/** shortcut → SHA1D; at most `MAX_HISTORY_EMOTICONS` of them. */
export type HistoryEmoticons = Readonly<Record<string, string>>;
/** Custom emoticons kept with one message (the client core keeps 64 announced per contact). */
export const MAX_HISTORY_EMOTICONS = 64;

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

export type HistoryEntryInfo =
  | (EntryBase & {
      readonly kind: 'message';
      readonly direction: 'incoming' | 'outgoing';
      readonly text: string;
      readonly format: TextFormat | null;
      /** The client's message id, if known (to follow delivery updates). */
      readonly messageId: string | null;
      /** Outgoing messages: the last delivery state we heard of. Incoming: `delivered`. */
      readonly delivery: DeliveryState;
      /**
       * The custom emoticons its text used (shortcut → the image's SHA1D, as announced with it,
       * issue 10), or absent: the history shows the images it still has, else the shortcuts as text.
       */
      readonly emoticons?: HistoryEmoticons;
    })
  | (EntryBase & { readonly kind: 'join' })
  /** `idle`: the server removed them for inactivity rather than a deliberate goodbye. */
  | (EntryBase & { readonly kind: 'leave'; readonly idle: boolean })
  | (EntryBase & { readonly kind: 'nudge'; readonly direction: 'incoming' | 'outgoing' })
  /**
   * A file transfer's outcome (issue 11), as its line: "You sent report.pdf (1.2 MB) to Bob.",
   * "Bob cancelled the transfer of x.zip." `sender` is who sent the file.
   */
  | (EntryBase & { readonly kind: 'file'; readonly direction: 'incoming' | 'outgoing'; readonly text: string });

export interface HistoryPageInfo {
  /** Oldest first. */
  readonly entries: readonly HistoryEntryInfo[];
  /** There are older entries than the first one returned. */
  readonly hasMoreBefore: boolean;
  /** There are newer entries than the last one returned. */
  readonly hasMoreAfter: boolean;
}

export interface HistorySearchHitInfo {
  /** Jump here with `historyAround`. */
  readonly entryId: number;
  readonly conversationId: number;
  readonly conversationKind: 'one-to-one' | 'group';
  readonly conversationKey: string;
  readonly timestamp: number;
  readonly direction: 'incoming' | 'outgoing';
  readonly sender: string;
  readonly senderName: string;
  /** A window of the message text around the matches: plain text runs; `match` runs are the matched words (render as text, e.g. inside <mark>). */
  readonly snippet: readonly { readonly text: string; readonly match: boolean }[];
}

export interface HistoryExportInfo {
  readonly content: string;
  readonly suggestedName: string;
  readonly mimeType: 'text/plain' | 'text/html';
}

/** One masked line of protocol traffic (the protocol console). */
export interface ConsoleEntryInfo {
  readonly seq: number;
  /** Epoch ms. */
  readonly at: number;
  /** `ns`, `ds`, `sb#2`, `passport`, … */
  readonly connection: string;
  readonly direction: 'in' | 'out';
  readonly line: string;
  readonly payload?: string;
}
