import { describe, expect, it } from 'vitest';
import type { HistoryEntryInfo, HistoryPageInfo, TranscriptEntry } from '../../../shared/ipc';
import { NO_EARLIER_LINES, addOlderPage, historyToTranscript } from './earlier-history';

const STARTED = 1_000_000;

/** A logged message: ids and times go up together, like the log writes them. */
function msg(id: number, at = STARTED - 10_000 + id, text = `line ${id}`): Extract<HistoryEntryInfo, { kind: 'message' }> {
  return { kind: 'message', id, conversationId: 7, timestamp: at, sender: 'bob@example.com', senderName: 'Bob', direction: 'incoming', text, format: null, messageId: null, delivery: 'delivered' };
}

function page(entries: HistoryEntryInfo[], hasMoreBefore: boolean): HistoryPageInfo {
  return { entries, hasMoreBefore, hasMoreAfter: false };
}

function texts(lines: readonly TranscriptEntry[]): string[] {
  return lines.map((l) => (l.kind === 'message' ? l.message.text : `(${l.notice.kind})`));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('addOlderPage', () => {
  it('shows only the newest lines of the first page and keeps the rest for the next page', () => {
    const first = addOlderPage(NO_EARLIER_LINES, page(range(71, 100).map((id) => msg(id)), true), STARTED, 20);
    expect(texts(first.lines)).toEqual(range(81, 100).map((id) => `line ${id}`));
    expect(first.cursor).toBe(81);
    expect(first.hasMore).toBe(true);
  });

  it('says there is more when the first page holds more earlier lines than it shows, even at the log start', () => {
    const first = addOlderPage(NO_EARLIER_LINES, page(range(1, 25).map((id) => msg(id)), false), STARTED, 20);
    expect(first.lines).toHaveLength(20);
    expect(first.hasMore).toBe(true);
    const rest = addOlderPage(first, page(range(1, 5).map((id) => msg(id)), false), STARTED);
    expect(texts(rest.lines)).toEqual(range(1, 25).map((id) => `line ${id}`));
    expect(rest.hasMore).toBe(false);
    expect(rest.cursor).toBe(1);
  });

  it('leaves out the live conversation’s own lines (same log, after it started)', () => {
    const entries = [...range(1, 10).map((id) => msg(id)), msg(11, STARTED), msg(12, STARTED + 5)];
    const first = addOlderPage(NO_EARLIER_LINES, page(entries, false), STARTED, 20);
    expect(texts(first.lines)).toEqual(range(1, 10).map((id) => `line ${id}`));
    expect(first.hasMore).toBe(false);
  });

  it('leaves out a message the live transcript shows even when dated before it started (an offline message)', () => {
    const offline = { ...msg(11, STARTED - 60_000, 'see you tomorrow'), messageId: 'oim-1' };
    const first = addOlderPage(NO_EARLIER_LINES, page([...range(1, 10).map((id) => msg(id)), offline], false), STARTED, 20, new Set(['oim-1']));
    expect(texts(first.lines)).toEqual(range(1, 10).map((id) => `line ${id}`));
  });

  it('prepends an older page in order, without repeating lines a page returns twice', () => {
    const first = addOlderPage(NO_EARLIER_LINES, page(range(51, 60).map((id) => msg(id)), true), STARTED, 20);
    // The backend answers with an overlapping page (say, the request was sent twice).
    const older = addOlderPage(first, page(range(41, 55).map((id) => msg(id)), true), STARTED);
    expect(texts(older.lines)).toEqual(range(41, 60).map((id) => `line ${id}`));
    expect(older.cursor).toBe(41);
    const again = addOlderPage(older, page(range(41, 55).map((id) => msg(id)), true), STARTED);
    expect(again.lines).toBe(older.lines);
    expect(again.cursor).toBe(41);
  });

  it('moves the cursor past a page of only live lines, so the next page reads further back', () => {
    const live = addOlderPage(NO_EARLIER_LINES, page(range(31, 60).map((id) => msg(id, STARTED + id)), true), STARTED, 20);
    expect(live.lines).toEqual([]);
    expect(live.cursor).toBe(31);
    expect(live.hasMore).toBe(true);
    const earlier = addOlderPage(live, page(range(1, 30).map((id) => msg(id, id <= 25 ? STARTED - 100 + id : STARTED + id)), false), STARTED);
    expect(texts(earlier.lines)).toEqual(range(1, 25).map((id) => `line ${id}`));
    expect(earlier.hasMore).toBe(false);
  });

  it('keeps the custom emoticons the shown lines used, by their transcript ids, across pages', () => {
    const A = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const B = 'BBBBBBBBBBBBBBBBBBBBBBBBBBB=';
    const first = addOlderPage(NO_EARLIER_LINES, page([msg(9), { ...msg(10, undefined, 'hi (cat)'), emoticons: { '(cat)': A } }], true), STARTED, 20);
    expect(first.emoticons).toEqual({ 'history-10': { '(cat)': A } });
    const older = addOlderPage(first, page([{ ...msg(3, undefined, 'x (dog)'), emoticons: { '(dog)': B } }, msg(4)], false), STARTED);
    expect(older.emoticons).toEqual({ 'history-3': { '(dog)': B }, 'history-10': { '(cat)': A } });
    const none = addOlderPage(NO_EARLIER_LINES, page([msg(1)], false), STARTED);
    expect(none.emoticons).toBe(NO_EARLIER_LINES.emoticons);
  });

  it('keeps an empty page from changing anything but the end of the history', () => {
    const first = addOlderPage(NO_EARLIER_LINES, page([msg(5)], true), STARTED, 20);
    const end = addOlderPage(first, page([], false), STARTED);
    expect(end.lines).toBe(first.lines);
    expect(end.cursor).toBe(5);
    expect(end.hasMore).toBe(false);
  });
});

describe('historyToTranscript', () => {
  it('turns log entries into transcript lines with ids that cannot meet live ones, text untouched', () => {
    const lines = historyToTranscript([
      msg(1, 5, '<b>not markup</b>'),
      { kind: 'join', id: 2, conversationId: 7, timestamp: 6, sender: 'carol@example.com', senderName: '' },
      { kind: 'nudge', id: 3, conversationId: 7, timestamp: 7, sender: 'me@example.com', senderName: 'Me', direction: 'outgoing' },
      { ...msg(4), direction: 'outgoing', delivery: 'failed' },
    ]);
    expect(lines[0]).toMatchObject({ kind: 'message', message: { id: 'history-1', text: '<b>not markup</b>', delivery: 'delivered' } });
    expect(lines[1]).toMatchObject({ kind: 'notice', notice: { id: 'history-notice-2', kind: 'joined', name: 'carol@example.com' } });
    expect(lines[2]).toMatchObject({ kind: 'notice', notice: { kind: 'nudge-sent' } });
    expect(lines[3]).toMatchObject({ kind: 'message', message: { delivery: 'failed' } });
  });
});
