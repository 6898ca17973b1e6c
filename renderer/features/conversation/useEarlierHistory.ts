/**
 * A conversation's earlier history (from earlier conversations with the same people), shown
 * above the live transcript: the newest lines when it opens, and older pages on request. Read
 * once the other person is known (the log is chosen by who is in the conversation).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CONTRACT_ERRORS, type EmoticonBinding, type TranscriptEntry } from '../../../shared/ipc';
import { useActions } from '../../store/context';
import { NO_EARLIER_LINES, addOlderPage, type EarlierLines } from './earlier-history';

/** How many earlier lines a conversation shows when it opens. */
const FIRST_LINES = 20;
/** The first request reads a few more, for this conversation's own lines already in the log. */
const FIRST_REQUEST = FIRST_LINES + 10;
/** Lines per "Show earlier messages". */
export const OLDER_PAGE = 50;

/**
 * What the top of the transcript offers: nothing (no earlier lines, or not read yet), more,
 * a page on its way, an error, or the start of the history.
 */
export type EarlierStatus = 'none' | 'more' | 'loading' | 'error' | 'start';

export interface EarlierHistory {
  /** The earlier lines, oldest first, and the divider under them (empty when there are none). */
  readonly entries: readonly TranscriptEntry[];
  readonly status: EarlierStatus;
  /** Why the last request failed (status `error`). */
  readonly error: string | null;
  /** The custom emoticons of the earlier lines that used some, by their transcript ids. */
  readonly emoticons: Readonly<Record<string, EmoticonBinding>>;
  /** Reads the page before the oldest line shown (or the first page again after it failed). */
  loadOlder(): void;
}

interface Loaded {
  readonly lines: EarlierLines;
  /** The history log the first page came from; later pages ask it directly (see below). */
  readonly logId: number | null;
}

interface View {
  readonly lines: EarlierLines;
  readonly loading: boolean;
  readonly error: string | null;
}

const NOTHING_YET: View = { lines: NO_EARLIER_LINES, loading: false, error: null };
const NO_IDS: ReadonlySet<string> = new Set();

export function useEarlierHistory(conversationId: string, participantsKey: string, startedAt: number, liveMessageIds: ReadonlySet<string> = NO_IDS): EarlierHistory {
  const { historyPage } = useActions();
  // Read when a page arrives (the live lines at that moment), not a reason to ask again.
  const live = useRef(liveMessageIds);
  live.current = liveMessageIds;
  // The lines and where to read next live in a ref (requests read and write them); the view
  // state is what renders.
  const loaded = useRef<Loaded>({ lines: NO_EARLIER_LINES, logId: null });
  const [view, setView] = useState<View>(NOTHING_YET);
  // The view last set: a request that changes nothing on screen sets nothing, so the window's
  // first render is not followed by renders for a history request (one with no history).
  const shown = useRef<View>(NOTHING_YET);
  const show = useCallback((change: Partial<View>) => {
    const now = shown.current;
    const next = { ...now, ...change };
    const sameLines = next.lines.lines === now.lines.lines && next.lines.hasMore === now.lines.hasMore;
    if (sameLines && next.loading === now.loading && next.error === now.error) return;
    shown.current = next;
    setView(next);
  }, []);
  const busy = useRef(false);
  /** Participants changed while the first request was out: ask again if it found no log. */
  const askAgain = useRef(false);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const load = useCallback(async () => {
    const from = loaded.current;
    if (busy.current || startedAt === 0 || (from.logId !== null && !from.lines.hasMore)) return;
    busy.current = true;
    // "Loading..." shows in the top row when there is one (lines shown, or Try again pressed).
    show({ loading: from.lines.lines.length > 0 || shown.current.error !== null, error: null });
    let { lines: next, logId } = from;
    let error: string | null = null;
    try {
      // A page with nothing from before this conversation (only its own lines: a window opened
      // late) is passed over until one has, or the log ends.
      for (;;) {
        const first = logId === null;
        const r = await historyPage(
          // Later pages name the log the first page came from: the live conversation's log
          // changes when a third person joins, and the cursor belongs to the first one.
          first
            ? { liveConversationId: conversationId, limit: FIRST_REQUEST }
            : { historyId: logId ?? undefined, limit: OLDER_PAGE, beforeEntryId: next.cursor ?? undefined },
        );
        if (!alive.current) return;
        if (!r.ok) {
          // A host without history (nothing to read) is not an error worth showing.
          if (!(first && r.error.code === CONTRACT_ERRORS.unsupported)) error = r.error.message || 'The request failed.';
          break;
        }
        if (r.value === null) {
          // First page: no log for these people (yet), so nothing earlier; asked again when
          // someone joins. Later: the log was deleted (History view) while this was open.
          if (!first) error = 'The saved conversation is no longer there.';
          break;
        }
        logId = r.value.conversation.id;
        const before = next;
        next = addOlderPage(before, r.value, startedAt, first ? FIRST_LINES : Infinity, live.current);
        if (next.lines.length > before.lines.length || !next.hasMore || next.cursor === before.cursor) break;
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    } finally {
      busy.current = false;
    }
    if (!alive.current) return;
    loaded.current = { lines: next, logId };
    show({ lines: next, loading: false, error });
    if (askAgain.current && logId === null) {
      askAgain.current = false;
      await load();
    }
  }, [historyPage, conversationId, startedAt, show]);

  // The first page, once the conversation is there; again when the participants change while
  // no log was found (the log is per contact, known once they join).
  useEffect(() => {
    if (loaded.current.logId !== null) return;
    if (busy.current) askAgain.current = true;
    else void load();
  }, [load, participantsKey]);

  const loadOlder = useCallback(() => void load(), [load]);

  const { lines, loading, error } = view;
  const entries = useMemo(() => {
    if (lines.lines.length === 0) return [];
    const divider: TranscriptEntry = {
      kind: 'notice',
      notice: { id: `history-divider-${conversationId}`, kind: 'unsupported', at: startedAt, handle: '', name: '', detail: 'Earlier messages are above this line.' },
    };
    return [...lines.lines, divider];
  }, [lines, conversationId, startedAt]);

  const status: EarlierStatus =
    error !== null ? 'error' : loading ? 'loading' : lines.lines.length === 0 ? 'none' : lines.hasMore ? 'more' : 'start';
  return { entries, status, error, emoticons: lines.emoticons, loadOlder };
}
