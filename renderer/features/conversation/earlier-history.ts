/**
 * Lines from earlier conversations with the same people, read from the history log page by page
 * (newest first) and shown above the live transcript. Pure: the hook (useEarlierHistory.ts) owns
 * the requests, this owns what a page adds.
 */
import type { EmoticonBinding, HistoryEntryInfo, HistoryPageInfo, TranscriptEntry } from '../../../shared/ipc';

export interface EarlierLines {
  /** Transcript lines, oldest first. */
  readonly lines: readonly TranscriptEntry[];
  /**
   * The oldest log entry id read so far: the next page is the one before it. Every entry of the
   * log from here on is either shown or belongs to the live conversation.
   */
  readonly cursor: number | null;
  /** Whether the log has entries before `cursor` (or read ones not shown yet). */
  readonly hasMore: boolean;
  /**
   * The custom emoticons of the lines that used some, by their transcript id, as the log kept
   * them: drawn as pictures where the app has the images (the history view does the same).
   */
  readonly emoticons: Readonly<Record<string, EmoticonBinding>>;
}

export const NO_EARLIER_LINES: EarlierLines = { lines: [], cursor: null, hasMore: false, emoticons: {} };

/** A logged message's id in the transcript (prefixed so it never meets a live id). */
const transcriptId = (entryId: number): string => `history-${entryId}`;

/** The custom emoticons the entries' messages used, by their transcript ids. */
export function historyEmoticons(entries: readonly HistoryEntryInfo[]): Record<string, EmoticonBinding> {
  const out: Record<string, EmoticonBinding> = {};
  for (const e of entries) if (e.kind === 'message' && e.emoticons !== undefined) out[transcriptId(e.id)] = e.emoticons;
  return out;
}

/** History entries as transcript lines (ids prefixed so they never meet live ids). */
export function historyToTranscript(entries: readonly HistoryEntryInfo[]): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  for (const e of entries) {
    if (e.kind === 'message') {
      out.push({
        kind: 'message',
        message: {
          id: transcriptId(e.id),
          conversationId: `history-${e.conversationId}`,
          direction: e.direction,
          sender: e.sender,
          senderName: e.senderName,
          text: e.text,
          format: e.format,
          timestamp: e.timestamp,
          delivery: e.direction === 'outgoing' && e.delivery === 'failed' ? 'failed' : 'delivered',
        },
      });
    } else if (e.kind === 'file') {
      // A past transfer: its line as the history logged it (the transfer itself is gone).
      out.push({ kind: 'notice', notice: { id: `history-notice-${e.id}`, kind: 'unsupported', at: e.timestamp, handle: e.sender, name: e.senderName || e.sender, detail: e.text } });
    } else {
      const kind = e.kind === 'join' ? 'joined' : e.kind === 'leave' ? 'left' : e.direction === 'outgoing' ? 'nudge-sent' : 'nudge-received';
      out.push({ kind: 'notice', notice: { id: `history-notice-${e.id}`, kind, at: e.timestamp, handle: e.sender, name: e.senderName || e.sender } });
    }
  }
  return out;
}

/**
 * Puts a page of older log entries in front of the lines shown so far.
 * - Only entries from before the live conversation started count: the live conversation is
 *   written to the same log, and its lines are in the transcript already.
 * - Entries at or after the cursor are already shown (a page asked for twice, or out of order),
 *   so they are dropped: nothing appears twice.
 * - `keepNewest` shows only that many of the page's newest earlier lines (the first page); the
 *   rest stay behind the cursor for the next page.
 * - A message the live transcript shows (`liveMessageIds`) is not an earlier line even when it is
 *   dated before the conversation started: an offline message carries the time it was sent.
 * A page with only live entries still moves the cursor past them.
 */
export function addOlderPage(state: EarlierLines, page: HistoryPageInfo, startedAt: number, keepNewest = Infinity, liveMessageIds: ReadonlySet<string> = new Set()): EarlierLines {
  const before = state.cursor;
  const fresh = before === null ? page.entries : page.entries.filter((e) => e.id < before);
  const earlier = fresh.filter((e) => e.timestamp < startedAt && !(e.kind === 'message' && e.messageId !== null && liveMessageIds.has(e.messageId)));
  const kept = earlier.length > keepNewest ? earlier.slice(earlier.length - keepNewest) : earlier;
  let cursor = state.cursor;
  // With lines kept, the cursor is the oldest of them (anything older is for the next page);
  // without, it moves past every entry the page read.
  for (const e of kept.length > 0 ? kept : fresh) if (cursor === null || e.id < cursor) cursor = e.id;
  const used = historyEmoticons(kept);
  return {
    lines: kept.length > 0 ? [...historyToTranscript(kept), ...state.lines] : state.lines,
    cursor,
    hasMore: page.hasMoreBefore || kept.length < earlier.length,
    emoticons: Object.keys(used).length > 0 ? { ...state.emoticons, ...used } : state.emoticons,
  };
}
