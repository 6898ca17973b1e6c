/**
 * The conversations slice: each conversation's participants, its transcript (messages and the grey
 * system lines between them) and who is typing.
 */
import type { ChatMessage, Conversation, Participant } from '../../model';
import type { AppEvent } from '../events';

export type NoticeKind =
  /** "Bob has joined the conversation." */
  | 'joined'
  /** "Carol has left the conversation." */
  | 'left'
  /** "Bob just sent you a nudge!" */
  | 'nudge-received'
  /** "You have just sent a nudge." */
  | 'nudge-sent'
  /** Something we cannot show (a wink, …): `detail` says what. */
  | 'unsupported'
  /** A file offered or sent in this conversation (issue 11): the window draws it from `state.transfers`. */
  | 'file-transfer';

export interface Notice {
  readonly id: string;
  readonly kind: NoticeKind;
  readonly at: number;
  /** Whom the line is about (empty for my own nudge). */
  readonly handle: string;
  /** Their name at the time, to write the line. */
  readonly name: string;
  readonly detail?: string;
  /** `file-transfer` only: the transfer's id. */
  readonly transferId?: string;
}

export type TranscriptEntry =
  | { readonly kind: 'message'; readonly message: ChatMessage }
  | { readonly kind: 'notice'; readonly notice: Notice };

export interface ConversationState {
  readonly conversation: Conversation;
  /** False once I closed it (or signed out); the transcript stays readable. */
  readonly open: boolean;
  readonly entries: readonly TranscriptEntry[];
  /** Handle → epoch ms of their last typing notice (shown for ~6 s, MSNP.md §6.7). */
  readonly typing: Readonly<Record<string, number>>;
  /** Epoch ms of the last event, for ordering. */
  readonly lastActivity: number;
}

export interface ConversationsSlice {
  readonly conversations: Readonly<Record<string, ConversationState>>;
}

export const initialConversations: ConversationsSlice = { conversations: {} };

/** How long a typing notice stays on screen without a new one (MSNP.md §6.7: ~6 s). */
export const TYPING_TIMEOUT_MS = 6000;

function update(
  s: ConversationsSlice,
  id: string,
  f: (c: ConversationState) => ConversationState,
): ConversationsSlice {
  const c = s.conversations[id];
  if (!c) return s;
  return { conversations: { ...s.conversations, [id]: f(c) } };
}

function addNotice(c: ConversationState, n: Omit<Notice, 'id'>): ConversationState {
  // Entries only ever grow, so the position is a unique, stable id.
  const notice: Notice = { ...n, id: `notice-${c.entries.length}` };
  return { ...c, entries: [...c.entries, { kind: 'notice', notice }], lastActivity: Math.max(c.lastActivity, n.at) };
}

function nameOf(c: ConversationState, handle: string): string {
  return c.conversation.participants.find((p) => p.handle === handle)?.friendlyName || handle;
}

function withoutTyping(typing: Readonly<Record<string, number>>, handle: string): Readonly<Record<string, number>> {
  if (!(handle in typing)) return typing;
  const { [handle]: _gone, ...rest } = typing;
  return rest;
}

/** A conversation with just this person (joined, or invited and not joined yet). */
function conversationWithOnly(c: ConversationState, handle: string): boolean {
  const people = c.conversation.participants.length > 0 ? c.conversation.participants.map((p) => p.handle) : (c.conversation.invited ?? []);
  return people.length === 1 && people[0] === handle;
}

function setParticipants(c: ConversationState, participants: readonly Participant[]): ConversationState {
  return { ...c, conversation: { ...c.conversation, participants } };
}

function appendMessage(c: ConversationState, m: ChatMessage): ConversationState {
  return {
    ...c,
    entries: [...c.entries, { kind: 'message', message: m }],
    typing: m.direction === 'incoming' ? withoutTyping(c.typing, m.sender) : c.typing,
    lastActivity: Math.max(c.lastActivity, m.timestamp),
  };
}

/** `at`: when the backend emitted the event (epoch ms), for lines whose event carries no time. */
export function reduceConversations(s: ConversationsSlice, e: AppEvent, at: number): ConversationsSlice {
  switch (e.type) {
    case 'conversation.started': {
      const prev = s.conversations[e.conversation.id];
      const next: ConversationState = prev
        ? { ...prev, conversation: e.conversation, open: true }
        : { conversation: e.conversation, open: true, entries: [], typing: {}, lastActivity: e.conversation.startedAt };
      return { conversations: { ...s.conversations, [e.conversation.id]: next } };
    }
    case 'conversation.participant-joined':
      return update(s, e.conversationId, (c) => {
        const others = c.conversation.participants;
        if (others.some((p) => p.handle === e.participant.handle)) {
          return setParticipants(c, others.map((p) => (p.handle === e.participant.handle ? e.participant : p)));
        }
        const joined = setParticipants(c, [...others, e.participant]);
        // Like the classic client, a join is only worth a line once it makes a group chat: the
        // first person to answer a one-to-one conversation simply is the conversation.
        if (others.length === 0) return joined;
        return addNotice(joined, { kind: 'joined', at, handle: e.participant.handle, name: e.participant.friendlyName });
      });
    case 'conversation.participant-left':
      return update(s, e.conversationId, (c) => {
        const others = c.conversation.participants;
        if (!others.some((p) => p.handle === e.handle)) return c;
        // A conversation the server closed for inactivity is re-opened on the next message, with
        // everyone invited again (ARCHITECTURE.md §4): nobody has left in any sense the user
        // would recognise, so nothing changes on screen.
        if (e.idle) return c;
        // The last person stays the conversation's addressee and nothing is written: in a
        // one-to-one chat their leaving only means they closed their window, and the next
        // message invites them again, as the classic client did (it showed no line either).
        if (others.length === 1) return { ...c, typing: withoutTyping(c.typing, e.handle) };
        // From a group chat, they go, with a line.
        const left = { ...setParticipants(c, others.filter((p) => p.handle !== e.handle)), typing: withoutTyping(c.typing, e.handle) };
        return addNotice(left, { kind: 'left', at, handle: e.handle, name: nameOf(c, e.handle) });
      });
    case 'conversation.closed':
      return update(s, e.conversationId, (c) => ({ ...c, open: false, typing: {} }));
    case 'message.queued':
    case 'message.received':
      return update(s, e.message.conversationId, (c) => appendMessage(c, e.message));
    case 'message.delivery':
      return update(s, e.conversationId, (c) => {
        // Pending messages are recent: search from the end.
        for (let i = c.entries.length - 1; i >= 0; i--) {
          const entry = c.entries[i];
          if (entry?.kind === 'message' && entry.message.id === e.messageId) {
            const message: ChatMessage = { ...entry.message, delivery: e.delivery, failure: e.failure };
            const entries = c.entries.slice();
            entries[i] = { kind: 'message', message };
            return { ...c, entries };
          }
        }
        return c;
      });
    case 'typing.received':
      return update(s, e.conversationId, (c) => ({ ...c, typing: { ...c.typing, [e.handle]: e.at } }));
    case 'nudge.received':
      return update(s, e.conversationId, (c) =>
        addNotice({ ...c, typing: withoutTyping(c.typing, e.handle) }, { kind: 'nudge-received', at: e.at, handle: e.handle, name: nameOf(c, e.handle) }),
      );
    case 'nudge.sent':
      return update(s, e.conversationId, (c) => addNotice(c, { kind: 'nudge-sent', at: e.at, handle: '', name: '' }));
    case 'content.unsupported':
      if (e.conversationId === null) return s;
      return update(s, e.conversationId, (c) =>
        addNotice(c, { kind: 'unsupported', at: e.at, handle: e.sender, name: nameOf(c, e.sender), detail: e.summary }),
      );
    case 'transfer.changed': {
      // The transfer's line goes in once, when it first shows up, in its conversation, or else
      // in the open one-to-one conversation with its peer (a P2P offer may not say which).
      const t = e.transfer;
      const target =
        (t.conversationId !== null ? s.conversations[t.conversationId] : undefined) ??
        Object.values(s.conversations).find((c) => c.open && conversationWithOnly(c, t.peer));
      if (!target || target.entries.some((x) => x.kind === 'notice' && x.notice.transferId === t.id)) return s;
      const name = t.direction === 'incoming' ? nameOf(target, t.peer) : '';
      return update(s, target.conversation.id, (c) => addNotice(c, { kind: 'file-transfer', at, handle: t.peer, name, detail: t.name, transferId: t.id }));
    }
    case 'presence.changed':
      // Keep names in open conversations current, as the participants bar shows them.
      for (const c of Object.values(s.conversations)) {
        if (c.conversation.participants.some((p) => p.handle === e.handle && p.friendlyName !== e.friendlyName)) {
          s = update(s, c.conversation.id, (x) =>
            setParticipants(x, x.conversation.participants.map((p) => (p.handle === e.handle ? { ...p, friendlyName: e.friendlyName } : p))),
          );
        }
      }
      return s;
    default:
      return s;
  }
}

/** Who is typing now, given the current time (a selector: the slice keeps the raw times). */
export function typingNow(c: ConversationState, now: number): string[] {
  return Object.entries(c.typing)
    .filter(([, at]) => now - at < TYPING_TIMEOUT_MS)
    .map(([h]) => h);
}
