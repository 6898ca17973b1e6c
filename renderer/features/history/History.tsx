/**
 * The history view ("View history"): the account's logged conversations, a full-text search box
 * across all of them, results with the matched words highlighted (text runs inside <mark>, never
 * markup), and the log itself; clicking a result opens its conversation around the message.
 * Export to text or HTML (a download here; the desktop shell may offer a save dialog), delete one
 * conversation or everything. What the backend answers lives in the store (views.history), written
 * by the history actions; this view keeps only what is typed and what is being confirmed.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { HistoryConversationInfo, HistoryEntryInfo, HistoryExportInfo, HistorySearchHitInfo } from '../../../shared/ipc';
import { useActions, useAppState } from '../../store/context';
import { HistoryMessageText } from '../emoticons/CustomEmoticonText';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function conversationLabel(c: Pick<HistoryConversationInfo, 'participants' | 'key'>): string {
  const names = c.participants.map((p) => p.displayName || p.handle);
  return names.length > 0 ? names.join(', ') : c.key;
}

/** Which conversation a search hit is from (a hit names it, so two chats' hits can be told apart). */
function hitConversationLabel(h: HistorySearchHitInfo, listed: readonly HistoryConversationInfo[] | null): string {
  const c = listed?.find((x) => x.id === h.conversationId);
  if (c) return conversationLabel(c);
  return h.conversationKind === 'one-to-one' ? h.conversationKey : 'a group conversation';
}

function entryLine(e: HistoryEntryInfo): string {
  switch (e.kind) {
    case 'message':
      return e.text;
    case 'join':
      return `${e.senderName || e.sender} has joined the conversation.`;
    case 'leave':
      return `${e.senderName || e.sender} has left the conversation.`;
    case 'nudge':
      return e.direction === 'outgoing' ? 'You have just sent a nudge.' : `${e.senderName || e.sender} just sent you a nudge!`;
    case 'file':
      return e.text;
  }
}

/** Offers the exported file: a download in the browser (the desktop shell's save dialog is its own). */
function download(file: HistoryExportInfo): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: `${file.mimeType};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.suggestedName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function HistoryView() {
  const actions = useActions();
  const { loadHistory, searchHistory } = actions;
  const logging = useAppState((s) => s.desktop.preferences?.history.enabled ?? true);
  const conversations = useAppState((s) => s.views.history.conversations);
  const search = useAppState((s) => s.views.history.search);
  const open = useAppState((s) => s.views.history.open);
  const [query, setQuery] = useState('');
  const [confirmAll, setConfirmAll] = useState(false);
  const log = useRef<HTMLOListElement>(null);
  // Results belong to the words in the box (none while it is empty).
  const shownHits = query.trim() === '' ? null : (search?.hits ?? null);

  useEffect(() => {
    void loadHistory();
  }, [loadHistory]);

  // Search as you type (a short pause first, so each keystroke is not a query).
  useEffect(() => {
    const q = query.trim();
    if (q === '') return;
    const t = setTimeout(() => void searchHistory(q), 150);
    return () => clearTimeout(t);
  }, [searchHistory, query]);

  // Bring the highlighted message into view (or the newest line when none is highlighted).
  useLayoutEffect(() => {
    const el = log.current;
    if (!el || !open) return;
    const target = open.highlight !== null ? el.querySelector<HTMLElement>(`[data-entry-id="${open.highlight}"]`) : el.lastElementChild;
    (target as HTMLElement | null)?.scrollIntoView({ block: open.highlight !== null ? 'center' : 'end' });
  }, [open]);

  const exportAs = async (format: 'text' | 'html') => {
    const file = await actions.exportHistory(format);
    if (file) download(file);
  };

  const remove = async () => {
    if (await actions.deleteOpenHistory()) setQuery('');
  };

  const removeAll = async () => {
    const done = await actions.deleteAllHistory();
    setConfirmAll(false);
    if (done) setQuery('');
  };

  return (
    <section className="panel history" aria-label="History">
      <header className="panel-header">
        <h2>History</h2>
        <button type="button" className="button" onClick={actions.closePanel}>
          Close
        </button>
      </header>
      {!logging && <p className="hint panel-note">Logging is turned off in Settings: new conversations are not saved.</p>}
      <div className="history-body">
        <aside className="history-side">
          <input
            type="search"
            className="history-search"
            placeholder="Search all conversations..."
            aria-label="Search history"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setQuery('');
            }}
          />
          {shownHits ? (
            <ol className="history-hits" aria-label="Search results">
              {shownHits.length === 0 && <li className="muted empty-note">No messages found.</li>}
              {shownHits.map((h) => (
                <li key={h.entryId}>
                  <button type="button" className="history-hit" onClick={() => void actions.openHistoryAt(h.entryId)}>
                    <span className="hit-head">
                      <span className="hit-sender">{h.direction === 'outgoing' ? 'You' : h.senderName || h.sender}</span>
                      <time className="hit-time">{when.format(h.timestamp)}</time>
                    </span>
                    <span className="hit-where">in {hitConversationLabel(h, conversations)}</span>
                    <span className="hit-snippet">
                      {h.snippet.map((seg, i) => (seg.match ? <mark key={i}>{seg.text}</mark> : <span key={i}>{seg.text}</span>))}
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          ) : (
            <ol className="history-list" aria-label="Conversations">
              {conversations?.length === 0 && <li className="muted empty-note">No saved conversations yet.</li>}
              {conversations?.map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    className={`history-item${open?.conversation.id === c.id ? ' selected' : ''}`}
                    onClick={() => void actions.openHistory(c.id)}
                    aria-current={open?.conversation.id === c.id ? 'true' : undefined}
                  >
                    <span className="hit-head">
                      <span className="hit-sender">{conversationLabel(c)}</span>
                      <time className="hit-time">{when.format(c.lastActivityAt)}</time>
                    </span>
                    <span className="hit-snippet muted">{c.snippet ?? ''}</span>
                  </button>
                </li>
              ))}
            </ol>
          )}
          <button type="button" className="button danger-link" onClick={() => setConfirmAll(true)} disabled={conversations?.length === 0}>
            Delete all history...
          </button>
          {confirmAll && (
            <div className="confirm" role="alertdialog" aria-label="Delete all history">
              <p>Delete every saved conversation of this account? This cannot be undone.</p>
              <div className="row">
                <button type="button" className="button danger" onClick={() => void removeAll()}>
                  Delete all
                </button>
                <button type="button" className="button" onClick={() => setConfirmAll(false)}>
                  Cancel
                </button>
              </div>
            </div>
          )}
        </aside>
        <div className="history-main">
          {open ? (
            <>
              <div className="history-tools">
                <h3 className="history-title">{conversationLabel(open.conversation)}</h3>
                <button type="button" className="button" onClick={() => void exportAs('text')}>
                  Export as text
                </button>
                <button type="button" className="button" onClick={() => void exportAs('html')}>
                  Export as HTML
                </button>
                <button type="button" className="button danger" onClick={() => void remove()}>
                  Delete
                </button>
              </div>
              <ol className="history-log" ref={log} aria-label="Saved conversation">
                {open.entries.map((e) => (
                  <li
                    key={e.id}
                    data-entry-id={e.id}
                    className={`history-entry ${e.kind}${e.id === open.highlight ? ' highlight' : ''}`}
                    aria-current={e.id === open.highlight ? 'true' : undefined}
                  >
                    <time className="entry-time">{when.format(e.timestamp)}</time>
                    {e.kind === 'message' && <span className="entry-sender">{e.direction === 'outgoing' ? 'You' : e.senderName || e.sender} says:</span>}
                    <span className="entry-text">{e.kind === 'message' ? <HistoryMessageText text={e.text} emoticons={e.emoticons} /> : entryLine(e)}</span>
                  </li>
                ))}
              </ol>
            </>
          ) : (
            <p className="muted empty-note">Pick a conversation, or search for a word.</p>
          )}
        </div>
      </div>
    </section>
  );
}
