/**
 * One conversation (UI.md): the participants bar with their status, Invite and Nudge; the
 * transcript; who is typing; the input. A received nudge shakes it and plays the nudge sound.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { STATUS_LABELS } from '../../../shared/model';
import { EmoticonText } from '../../components/FormattedText';
import { StatusIcon } from '../../components/StatusIcon';
import { NudgeIcon } from '../../components/NudgeIcon';
import { useActions, useAppState, useHost } from '../../store/context';
import { conversationPeople, nameFor, statusFor, typingLine } from '../../store/selectors';
import { ConversationPictures } from '../pictures/ContactPictures';
import { FileDropZone, PreparingFiles, SendFilesButton } from '../files/FileSending';
import { TransferCard } from '../files/TransferCard';
import { Composer } from './Composer';
import { EarlierHistoryTop } from './EarlierHistoryTop';
import { Transcript } from './Transcript';
import { useEarlierHistory } from './useEarlierHistory';

const SHAKE_MS = 700;
const renderTransfer = (transferId: string) => <TransferCard transferId={transferId} />;

export function Conversation({ conversationId, focusOnOpen = false }: { conversationId: string; focusOnOpen?: boolean }) {
  const actions = useActions();
  const host = useHost();
  const conv = useAppState((s) => s.conversations.conversations[conversationId]);
  const contacts = useAppState((s) => s.contacts.contacts);
  const self = useAppState((s) => s.session.self);
  const signedIn = useAppState((s) => s.session.connection.status === 'online' || s.session.connection.status === 'reconnecting');
  const shakes = useAppState((s) => s.ui.shakes[conversationId] ?? 0);
  const ready = useAppState((s) => s.ready);
  const showTimes = useAppState((s) => s.desktop.preferences?.appearance.showTimestamps ?? false);
  const root = useRef<HTMLElement>(null);
  const [now, setNow] = useState(() => Date.now());
  const seenShakes = useRef(shakes);

  // A nudge: buzz, and shake once per nudge. The desktop app shakes the window itself; the
  // browser client shakes the conversation (an animation class, honouring reduced motion in CSS).
  useEffect(() => {
    if (shakes === seenShakes.current) return;
    seenShakes.current = shakes;
    // The nudge sound comes with the backend's `attention.requested` (it honours the mute setting).
    const el = root.current;
    if (host !== 'web' || !el) return;
    el.classList.remove('shaking');
    void el.offsetWidth; // restart the animation when nudges come in a row
    el.classList.add('shaking');
    const t = setTimeout(() => el.classList.remove('shaking'), SHAKE_MS);
    return () => clearTimeout(t);
  }, [shakes, host]);

  // Typing lines expire by time, so re-check while someone is typing.
  const typingCount = conv ? Object.keys(conv.typing).length : 0;
  useEffect(() => {
    if (typingCount === 0) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [typingCount, conv?.typing]);

  const liveEntries = conv?.entries;
  const liveMessageIds = useMemo(() => new Set((liveEntries ?? []).flatMap((e) => (e.kind === 'message' ? [e.message.id] : []))), [liveEntries]);
  const earlier = useEarlierHistory(conversationId, conv?.conversation.participants.map((p) => p.handle).join(',') ?? '', conv?.conversation.startedAt ?? 0, liveMessageIds);
  const earlierEntries = earlier.entries;
  const shown = useMemo(() => (earlierEntries.length > 0 ? [...earlierEntries, ...(liveEntries ?? [])] : (liveEntries ?? [])), [earlierEntries, liveEntries]);

  const entryCount = conv?.entries.length ?? 0;
  useEffect(() => {
    actions.markSeen(conversationId, entryCount);
  }, [actions, conversationId, entryCount]);

  if (!conv && !ready) return <ConversationFrame />;
  if (!conv) {
    return (
      <section className="conversation empty" aria-label="Conversation">
        <p className="muted">This conversation is not available any more.</p>
      </section>
    );
  }

  // Before anyone has joined, the people it was opened with (named from the first moment).
  const participants = conversationPeople(conv);
  const typing = typingLine(conv, contacts, now);
  const myName = self?.friendlyName || self?.handle || 'You';
  const one = participants.length === 1 ? participants[0] : undefined;
  const oneContact = one ? contacts[one.handle] : undefined;
  const disabled = !conv.open || !signedIn;
  const names = participants.map((p) => nameFor(p.handle, contacts, p.friendlyName)).join(', ');
  const people = participants.map((p) => p.handle);

  return (
    <section ref={root} className="conversation" aria-label={`Conversation with ${names || 'nobody yet'}`}>
      <header className="participants-bar">
        <div className="participants">
          <span className="to-label">To:</span>
          {participants.length === 0 && <span className="muted">Waiting for someone to join...</span>}
          <ul className="participant-list" aria-label="Participants">
            {participants.map((p) => {
              const status = statusFor(p.handle, contacts);
              const name = nameFor(p.handle, contacts, p.friendlyName);
              return (
                <li key={p.handle} className="participant" title={`${name} <${p.handle}> (${STATUS_LABELS[status]})`}>
                  <StatusIcon status={status} />
                  <span className="participant-name">
                    <EmoticonText text={name} />
                  </span>
                  {participants.length === 1 && <span className="participant-handle">&lt;{p.handle}&gt;</span>}
                </li>
              );
            })}
          </ul>
          {oneContact?.personalMessage && (
            <div className="participant-psm">
              <EmoticonText text={oneContact.personalMessage} />
            </div>
          )}
        </div>
        <div className="conversation-tools" role="toolbar" aria-label="Conversation tools">
          <button type="button" className="tool" disabled={disabled} onClick={() => actions.openDialog({ kind: 'invite', conversationId })} title="Invite someone to this conversation">
            <svg viewBox="0 0 20 20" aria-hidden="true">
              <circle cx="7" cy="6" r="3.2" fill="#5b9be6" stroke="#2f6db5" />
              <path d="M1 17c0-3.6 2.6-5.8 6-5.8s6 2.2 6 5.8z" fill="#5b9be6" stroke="#2f6db5" />
              <circle cx="14" cy="7" r="2.6" fill="#7fc47f" stroke="#3c8f3c" />
              <path d="M10.5 16c.3-3 1.8-4.6 3.5-4.6 2.4 0 4.5 1.6 4.5 4.6z" fill="#7fc47f" stroke="#3c8f3c" />
            </svg>
            <span>Invite</span>
          </button>
          <button type="button" className="tool" disabled={disabled} onClick={() => actions.nudge(conversationId)} title="Send a nudge (Ctrl+G)">
            <NudgeIcon />
            <span>Nudge</span>
          </button>
          <SendFilesButton conversationId={conversationId} people={people} disabled={disabled} />
          <button type="button" className="tool close-conversation" onClick={() => void actions.closeConversation(conversationId)} aria-label={`Close conversation with ${names || 'nobody'}`} title="Close this conversation">
            <svg viewBox="0 0 20 20" aria-hidden="true">
              <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" strokeWidth="2" strokeLinecap="round" fill="none" />
            </svg>
            <span>Close</span>
          </button>
        </div>
      </header>
      <FileDropZone className="conversation-body" conversationId={conversationId} people={people} disabled={disabled}>
        <div className="conversation-main">
          <Transcript
            entries={shown}
            contacts={contacts}
            myName={myName}
            onRetry={(id) => actions.retryMessage(conversationId, id)}
            showTimes={showTimes}
            top={earlier.status === 'none' ? undefined : <EarlierHistoryTop status={earlier.status} error={earlier.error} withNames={names} onLoad={earlier.loadOlder} />}
            // Scrolling to the top loads the next page; after an error only Try again does.
            onReachTop={earlier.status === 'more' ? earlier.loadOlder : undefined}
            renderTransfer={renderTransfer}
            emoticons={earlier.emoticons}
          />
          <PreparingFiles conversationId={conversationId} />
          <div className="typing-line" role="status" aria-live="polite">
            {typing ?? (conv.open ? '' : 'This conversation has ended.')}
          </div>
          <Composer conversationId={conversationId} disabled={disabled} focusOnOpen={focusOnOpen} />
        </div>
        <ConversationPictures conversationId={conversationId} people={participants.map((p) => ({ handle: p.handle, status: statusFor(p.handle, contacts), name: nameFor(p.handle, contacts, p.friendlyName) }))} />
      </FileDropZone>
    </section>
  );
}

/**
 * The window's frame while its state is on the way: the same layout, empty, so the window is
 * never blank (and fonts and styles are ready when the transcript arrives).
 */
function ConversationFrame() {
  return (
    <section className="conversation" aria-label="Conversation" aria-busy="true">
      <header className="participants-bar">
        <div className="participants">
          <span className="to-label">To:</span>
        </div>
      </header>
      <div className="transcript" />
      <div className="typing-line" />
      <div className="composer">
        <div className="format-bar" />
        <div className="input-row">
          <textarea className="message-input" aria-label="Type your message" disabled placeholder="Type a message..." />
          <button type="button" className="button primary send-button" disabled>
            Send
          </button>
        </div>
      </div>
    </section>
  );
}
