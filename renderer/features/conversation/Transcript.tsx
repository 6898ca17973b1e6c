/**
 * The transcript (UI.md): "Alice says:" lines with the message in the sender's font and colour,
 * timestamps, grey system lines, inline emoticons, and each outgoing message's delivery state
 * with Retry for failures. Virtualised (variable row heights), and it follows the newest line
 * while the reader is at the bottom. An optional top row (loading earlier history) sits above
 * the first line; lines put in front of the others leave the line being read where it was.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ChatMessage, Contact, DeliveryFailureReason } from '../../../shared/model';
import type { EmoticonBinding, Notice, TranscriptEntry } from '../../../shared/ipc';
import { NudgeIcon } from '../../components/NudgeIcon';
import { nameFor } from '../../store/selectors';
import { MessageText } from '../emoticons/CustomEmoticonText';

/** Row heights (px) for the first estimate, from the stylesheet (13 px text, 1.4 line height). */
const LINE_HEIGHT = 18;
const HEAD_HEIGHT = 28;
const NOTICE_HEIGHT = 29;
/** A file transfer's card (issue 11, renderer/features/files). */
const TRANSFER_HEIGHT = 96;
/** The top row's fixed height (px): one line whatever it says, so changing it moves nothing. */
const TOP_ROW_HEIGHT = 32;
/** Within this distance (px) of the newest line, the reader is following it. */
const AT_END_PX = 48;

/** Consecutive messages from one sender within this time share one "says:" line. */
const SAME_SPEAKER_MS = 3 * 60_000;

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
let fullFormat: Intl.DateTimeFormat | null = null;

/** The full date and time, as a tooltip set when the pointer arrives (not for every row drawn). */
function showFullTime(e: { currentTarget: HTMLElement }, at: number): void {
  fullFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  e.currentTarget.title = fullFormat.format(at);
}

const FAILURE_TEXT: Readonly<Record<DeliveryFailureReason, string>> = {
  'not-delivered': 'could not be delivered to everyone',
  'connection-closed': 'could not be delivered: the conversation was disconnected',
  'recipient-unavailable': 'could not be delivered: nobody in the conversation is available',
  'signed-out': 'could not be delivered because you are signed out or appear offline',
  timeout: 'could not be delivered: the server did not answer',
  error: 'could not be delivered',
};

function noticeText(n: Notice): string {
  switch (n.kind) {
    case 'joined':
      return `${n.name} has joined the conversation.`;
    case 'left':
      return `${n.name} has left the conversation.`;
    case 'nudge-received':
      return `${n.name} just sent you a nudge!`;
    case 'nudge-sent':
      return 'You have just sent a nudge.';
    case 'unsupported':
      return n.detail ?? `${n.name} sent something Monarch cannot show.`;
    case 'file-transfer':
      return n.name ? `${n.name} offers a file: ${n.detail ?? ''}` : `You offered a file: ${n.detail ?? ''}`;
  }
}

function continues(prev: TranscriptEntry | undefined, m: ChatMessage): boolean {
  return prev?.kind === 'message' && prev.message.sender === m.sender && m.timestamp - prev.message.timestamp < SAME_SPEAKER_MS;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/** Each row's height guess (from its text length and line breaks) and their sum. */
export function estimateRowHeights(entries: readonly TranscriptEntry[]): { heights: Float64Array; total: number } {
  const heights = new Float64Array(entries.length);
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    let h = e.kind === 'notice' && e.notice.kind === 'file-transfer' ? TRANSFER_HEIGHT : NOTICE_HEIGHT;
    if (e.kind === 'message') {
      const text = e.message.text;
      const lines = Math.max(1, Math.ceil(text.length / 90)) + countNewlines(text);
      h = (continues(entries[i - 1], e.message) ? 2 : HEAD_HEIGHT) + lines * LINE_HEIGHT + 2;
    }
    heights[i] = h;
    total += h;
  }
  return { heights, total };
}

export interface TranscriptProps {
  entries: readonly TranscriptEntry[];
  contacts: Readonly<Record<string, Contact>>;
  myName: string;
  onRetry(messageId: string): void;
  /** The row above the first line (e.g. "Show earlier messages"), kept mounted while scrolling. */
  top?: ReactNode;
  /** The reader scrolled up to the top row (not called for a top row already in view when it appears). */
  onReachTop?: () => void;
  /**
   * "Show the time of every message" (the appearance setting): every message and system line
   * carries its time; otherwise only each "says:" line does (and every line on hover).
   */
  showTimes?: boolean;
  /** Draws a file transfer's line (renderer/features/files); without it, a grey line says what it was. */
  renderTransfer?: (transferId: string) => ReactNode;
  /** The custom emoticons of lines that are not live messages (earlier history), by message id. */
  emoticons?: Readonly<Record<string, EmoticonBinding>>;
}

function keyOf(e: TranscriptEntry): string {
  return e.kind === 'message' ? e.message.id : e.notice.id;
}

/** What the virtualizer compares to decide whether rows came or went at the ends. */
function edgesOf(entries: readonly TranscriptEntry[], paddingStart: number) {
  const first = entries[0];
  const last = entries[entries.length - 1];
  return { paddingStart, count: entries.length, first: first && keyOf(first), last: last && keyOf(last) };
}

export function Transcript({ entries, contacts, myName, onRetry, top, onReachTop, showTimes = false, renderTransfer, emoticons }: TranscriptProps) {
  const parent = useRef<HTMLDivElement>(null);
  const topSlot = useRef<HTMLDivElement>(null);
  const hasTop = top !== undefined && top !== null && top !== false;
  const paddingStart = hasTop ? TOP_ROW_HEIGHT : 0;
  // Stable while the entries are: a new key function makes the virtualizer recompute every row.
  // Message ids (client ids, UUIDs) and notice ids (`notice-N`) never collide. The virtualizer
  // also finds the line being read by its key when lines are put in front of it.
  const getItemKey = useCallback((i: number) => {
    const e = entries[i];
    return e ? keyOf(e) : i;
  }, [entries]);
  // Good guesses mean fewer corrections (and re-renders) once rows are measured. One pass over
  // the entries gives every row's guess and their sum, which is where the window opens.
  const estimates = useMemo(() => estimateRowHeights(entries), [entries]);
  const estimateSize = useCallback((i: number) => estimates.heights[i] ?? NOTICE_HEIGHT, [estimates]);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions on purpose
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => parent.current,
    estimateSize,
    overscan: 6,
    getItemKey,
    paddingStart,
    // While there is history above (a top row), rows put in front of the others leave the line at
    // the top of the view where it was on screen: the virtualizer finds it again by key as the
    // rows change, before the frame is drawn. Only then: at the newest line, end anchoring
    // re-renders once per row measured (measured: about 15 ms more on the 10,000-line window's
    // first render), and without a top row nothing is ever put in front.
    anchorTo: hasTop ? 'end' : 'start',
    initialRect: { width: 0, height: window.innerHeight },
    // Open at the newest line: the first render already shows the rows at the bottom.
    initialOffset: () => Math.max(0, paddingStart + estimates.total - window.innerHeight),
  });

  // Start at the newest line, and keep following it while the reader is at the bottom.
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    if (atBottom.current && entries.length > 0) virtualizer.scrollToIndex(entries.length - 1, { align: 'end' });
  }, [entries.length, virtualizer]);

  useEffect(() => {
    const el = parent.current;
    if (!el) return;
    const onScroll = () => {
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < AT_END_PX;
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);

  // Rows put in front are anchored by the virtualizer (above). The top row coming or going on its
  // own (say, an error on the first history request) moves every row by its height, so move the
  // view with them.
  const edges = useRef(edgesOf(entries, paddingStart));
  useLayoutEffect(() => {
    const prev = edges.current;
    const next = edgesOf(entries, paddingStart);
    edges.current = next;
    const sameRows = prev.count === next.count && prev.first === next.first && prev.last === next.last;
    if (prev.paddingStart !== next.paddingStart && sameRows) virtualizer.scrollBy(next.paddingStart - prev.paddingStart);
  }, [paddingStart, entries, virtualizer]);

  // "Reached the top": the top row comes into view. An observer, not a scroll handler: nothing
  // runs for scroll frames elsewhere in a long transcript. Its first report is only the starting
  // point, so a transcript short enough to show the row at once loads nothing nobody asked for.
  const reachTop = useRef(onReachTop);
  useLayoutEffect(() => {
    reachTop.current = onReachTop;
  });
  useEffect(() => {
    const root = parent.current;
    const target = topSlot.current;
    if (!hasTop || !root || !target) return;
    let wasVisible: boolean | null = null;
    const observer = new IntersectionObserver(
      (records) => {
        const visible = records[records.length - 1]?.isIntersecting ?? false;
        if (wasVisible === false && visible) reachTop.current?.();
        wasVisible = visible;
      },
      { root },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasTop]);

  return (
    <div ref={parent} className="transcript" role="log" aria-live="polite" aria-label="Conversation transcript" tabIndex={0}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {hasTop && (
          <div ref={topSlot} className="transcript-top" style={{ height: TOP_ROW_HEIGHT }}>
            {top}
          </div>
        )}
        {virtualizer.getVirtualItems().map((v) => {
          const entry = entries[v.index];
          if (!entry) return null;
          const prev = entries[v.index - 1];
          return (
            <div key={v.key} data-index={v.index} ref={virtualizer.measureElement} className="entry-slot" style={{ transform: `translateY(${v.start}px)` }}>
              {entry.kind === 'notice' && entry.notice.transferId !== undefined && renderTransfer ? (
                renderTransfer(entry.notice.transferId)
              ) : entry.kind === 'notice' ? (
                <NoticeLine notice={entry.notice} showTime={showTimes} />
              ) : (
                <MessageBlock
                  message={entry.message}
                  continued={continues(prev, entry.message)}
                  name={entry.message.direction === 'outgoing' ? myName : nameFor(entry.message.sender, contacts, entry.message.senderName)}
                  onRetry={onRetry}
                  showTime={showTimes}
                  emoticons={emoticons?.[entry.message.id]}
                />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function Time({ at, className }: { at: number; className?: string }) {
  return (
    <time className={className} dateTime={new Date(at).toISOString()} onPointerEnter={(e) => showFullTime(e, at)}>
      {timeFormat.format(at)}
    </time>
  );
}

const NoticeLine = memo(function NoticeLine({ notice, showTime }: { notice: Notice; showTime: boolean }) {
  return (
    <div className={`notice notice-${notice.kind}${notice.id.startsWith('history-') ? ' earlier' : ''}`} onPointerEnter={(e) => showFullTime(e, notice.at)}>
      {showTime && <Time at={notice.at} className="line-time" />}
      {notice.kind.startsWith('nudge') && (
        <NudgeIcon className="notice-icon" color="currentColor" />
      )}
      {noticeText(notice)}
    </div>
  );
});

const MessageBlock = memo(function MessageBlock({
  message,
  continued,
  name,
  onRetry,
  showTime,
  emoticons,
}: {
  message: ChatMessage;
  continued: boolean;
  name: string;
  onRetry(id: string): void;
  showTime: boolean;
  emoticons?: EmoticonBinding | undefined;
}) {
  const mine = message.direction === 'outgoing';
  return (
    <div className={`message ${mine ? 'mine' : 'theirs'} delivery-${message.delivery}${message.id.startsWith('history-') ? ' earlier' : ''}`}>
      {!continued && (
        <div className="message-head">
          <span className="says" title={`${name} says:`}>
            <span className="says-name">{name}</span>
            {' says:'}
          </span>
          <Time at={message.timestamp} />
        </div>
      )}
      <div className="message-body" onPointerEnter={continued ? (e) => showFullTime(e, message.timestamp) : undefined}>
        {continued && showTime && <Time at={message.timestamp} className="line-time" />}
        <MessageText message={message} emoticons={emoticons} />
        {mine && message.delivery === 'sending' && <span className="delivery-note">Sending...</span>}
        {mine && message.delivery === 'saved-offline' && (
          <span className="delivery-note">Saved as an offline message: it will be delivered when they sign in.</span>
        )}
      </div>
      {mine && message.delivery === 'failed' && (
        <div className="failure-note" role="alert" title={message.failure?.message}>
          <span className="failed-icon" aria-hidden="true">
            !
          </span>
          <span>This message {FAILURE_TEXT[message.failure?.reason ?? 'error']}.</span>
          <button type="button" className="link-button" onClick={() => onRetry(message.id)}>
            Retry
          </button>
        </div>
      )}
    </div>
  );
});
