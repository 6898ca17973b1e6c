/**
 * The views slice: backend data the window asked for, not projected from events (the history
 * view's logs, search results and open log; the protocol console's traffic). Written only by the
 * actions (./actions.ts) that ask for it; components read it like the rest of the store.
 */
import type { ConsoleEntryInfo, HistoryConversationInfo, HistoryEntryInfo, HistorySearchHitInfo } from '../../shared/ipc';

/** How many console lines a window keeps (older ones scroll away). */
export const CONSOLE_KEEP = 2000;

export interface OpenHistoryLog {
  readonly conversation: HistoryConversationInfo;
  readonly entries: readonly HistoryEntryInfo[];
  /** The entry to bring into view and mark (a search hit), or null for the newest. */
  readonly highlight: number | null;
}

export interface HistoryViewData {
  /** The account's logs, most recently active first; null until asked for. */
  readonly conversations: readonly HistoryConversationInfo[] | null;
  /** The latest search's results and the words they answer. */
  readonly search: { readonly query: string; readonly hits: readonly HistorySearchHitInfo[] } | null;
  readonly open: OpenHistoryLog | null;
}

export interface ConsoleViewData {
  readonly entries: readonly ConsoleEntryInfo[];
  /** The newest entry's sequence number: the next poll asks for what came after it. */
  readonly lastSeq: number;
}

export interface ViewsSlice {
  readonly history: HistoryViewData;
  readonly console: ConsoleViewData;
}

export const initialViews: ViewsSlice = {
  history: { conversations: null, search: null, open: null },
  console: { entries: [], lastSeq: 0 },
};

export function appendConsole(data: ConsoleViewData, entries: readonly ConsoleEntryInfo[]): ConsoleViewData {
  if (entries.length === 0) return data;
  return { entries: [...data.entries, ...entries].slice(-CONSOLE_KEEP), lastSeq: entries[entries.length - 1]?.seq ?? data.lastSeq };
}
