/**
 * Conversation history as it crosses IPC: plain data (epoch-ms times), the same shapes as
 * electron/core/history's store returns.
 */
import type { DeliveryState, TextFormat } from '../model';

export interface HistoryParticipantInfo {
  readonly handle: string;
  readonly displayName: string;
}

export interface HistoryConversationInfo {
  readonly id: number;
  readonly account: string;
  readonly kind: 'one-to-one' | 'group';
  readonly key: string;
  readonly participants: readonly HistoryParticipantInfo[];
  readonly startedAt: number;
  readonly lastActivityAt: number;
  readonly entryCount: number;
  readonly snippet: string | null;
}

interface EntryBase {
  readonly id: number;
  readonly conversationId: number;
  readonly timestamp: number;
  readonly sender: string;
  readonly senderName: string;
}

export type HistoryEntryInfo =
  | (EntryBase & {
      readonly kind: 'message';
      readonly direction: 'incoming' | 'outgoing';
      readonly text: string;
      readonly format: TextFormat | null;
      readonly messageId: string | null;
      readonly delivery: DeliveryState;
    })
  | (EntryBase & { readonly kind: 'join' })
  | (EntryBase & { readonly kind: 'leave'; readonly idle: boolean })
  | (EntryBase & { readonly kind: 'nudge'; readonly direction: 'incoming' | 'outgoing' });

export interface HistoryPageInfo {
  readonly entries: readonly HistoryEntryInfo[];
  readonly hasMoreBefore: boolean;
  readonly hasMoreAfter: boolean;
}

export interface HistorySearchHitInfo {
  readonly entryId: number;
  readonly conversationId: number;
  readonly conversationKind: 'one-to-one' | 'group';
  readonly conversationKey: string;
  readonly timestamp: number;
  readonly direction: 'incoming' | 'outgoing';
  readonly sender: string;
  readonly senderName: string;
  /** Plain text runs; `match` runs are the matched words (render as text, e.g. inside <mark>). */
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
  readonly at: number;
  readonly connection: string;
  readonly direction: 'in' | 'out';
  readonly line: string;
  readonly payload?: string;
}
