/**
 * The history writer: turns the client's domain events into log entries as they arrive, so nothing
 * is lost if the app is killed. One recorder per signed-in session (it knows the account).
 *
 * Which log a conversation goes to:
 * - while exactly one other person is in it: the 1:1 log with that person (every chat with Bob
 *   lands in one log, as the classic client's per-contact logs did); joins and leaves are not
 *   written there (they would only say that a chat window opened or timed out);
 * - as soon as a second person joins: a group log of its own, keyed by the client's conversation
 *   id, with every join and leave from then on. The lines this conversation wrote to the 1:1 log
 *   move into it: it is one conversation, listed (and found by search) once.
 * - an outgoing message queued before anyone joined waits in memory until the first participant
 *   is known (the switchboard is still opening); if nobody ever joins, it is written to a group
 *   log of the conversation id when the conversation closes, so it is never dropped.
 *
 * Logging off (`isEnabled() === false`) means nothing is written; tracking continues, so turning
 * it back on mid-conversation records from that point on.
 */
import type { DomainEvent, DeliveryState, TextFormat } from '../../../shared/model';
import type { HistoryEmoticons } from '../../../shared/ipc/history-types';
import type { ConversationRef, Direction, HistoryParticipant, HistoryStore } from './types';

/** The app's own event for a nudge I sent (shared/ipc `nudge.sent`). */
export interface NudgeSentEvent {
  readonly type: 'nudge.sent';
  readonly conversationId: string;
  readonly at: number;
}

export type RecordableEvent = DomainEvent | NudgeSentEvent;

export interface HistoryRecorderOptions {
  readonly store: HistoryStore;
  /** The signed-in handle. */
  readonly account: string;
  /** My display name at sign-in (kept up to date from `self.changed`). */
  readonly selfName?: string;
  /** The "keep a history" setting, read at every write. */
  readonly isEnabled: () => boolean;
  /** A write failed (disk full, database locked …): show it, the conversation goes on. */
  readonly onError?: (error: unknown) => void;
  /** Time of joins and leaves (their events carry none). Default `Date.now`. */
  readonly now?: () => number;
  /** The custom emoticons a message's text uses (shortcut → SHA1D), kept with it. */
  readonly emoticonsOf?: (messageId: string) => HistoryEmoticons | undefined;
}

type Pending =
  | {
      readonly kind: 'message';
      readonly direction: Direction;
      readonly sender: string;
      readonly senderName: string;
      readonly text: string;
      readonly format: TextFormat | null;
      readonly timestamp: number;
      readonly messageId: string;
      delivery: DeliveryState;
      readonly emoticons: HistoryEmoticons | undefined;
    }
  | { readonly kind: 'nudge'; readonly direction: Direction; readonly sender: string; readonly senderName: string; readonly timestamp: number };

interface Tracked {
  /** Everyone except me currently in the conversation, in join order. */
  readonly present: Map<string, string>;
  startedAt: number;
  /** Once multi-party, always multi-party. */
  group: boolean;
  /** Outgoing entries waiting for a first participant. */
  readonly pending: Pending[];
  /** Message ids written to `logId`, so delivery updates go to the right log. */
  readonly written: Map<string, number>;
  /** Entries this conversation wrote to a 1:1 log, to take along when it becomes a group chat. */
  readonly oneToOneEntries: number[];
}

/** Outgoing entries held while a conversation has nobody in it yet; beyond this they are written. */
const MAX_PENDING = 100;

export class HistoryRecorder {
  private readonly conversations = new Map<string, Tracked>();
  private readonly account: string;
  private selfName: string;

  constructor(private readonly options: HistoryRecorderOptions) {
    this.account = options.account.toLowerCase();
    this.selfName = options.selfName ?? options.account;
  }

  /**
   * Feed every domain event here (unknown ones are ignored). Never throws; false when a write
   * failed (reported to `onError`), so that what depends on the line being kept can wait.
   */
  handle(event: RecordableEvent): boolean {
    try {
      this.apply(event);
      return true;
    } catch (err) {
      this.options.onError?.(err);
      return false;
    }
  }

  private apply(event: RecordableEvent): void {
    switch (event.type) {
      case 'self.changed':
        this.selfName = event.self.friendlyName || this.selfName;
        return;
      case 'contact-list.synced':
        this.selfName = event.self.friendlyName || this.selfName;
        return;
      case 'conversation.started': {
        const t = this.track(event.conversation.id, event.conversation.startedAt);
        for (const p of event.conversation.participants) t.present.set(p.handle.toLowerCase(), p.friendlyName);
        if (t.present.size > 1) t.group = true;
        return;
      }
      case 'conversation.participant-joined': {
        const at = this.now();
        const t = this.track(event.conversationId, at);
        const handle = event.participant.handle.toLowerCase();
        t.present.set(handle, event.participant.friendlyName);
        if (t.present.size > 1 && !t.group) {
          t.group = true;
          this.takeAlongOneToOneLines(event.conversationId, t);
        }
        this.flushPending(event.conversationId, t);
        if (t.group) {
          this.write(event.conversationId, t, (id) =>
            this.options.store.appendSystem(id, { kind: 'join', sender: handle, senderName: event.participant.friendlyName, timestamp: at }),
          );
        }
        return;
      }
      case 'conversation.participant-left': {
        const t = this.conversations.get(event.conversationId);
        if (!t) return;
        const handle = event.handle.toLowerCase();
        const name = t.present.get(handle) ?? handle;
        if (t.group) {
          this.write(event.conversationId, t, (id) =>
            this.options.store.appendSystem(id, { kind: 'leave', sender: handle, senderName: name, timestamp: this.now(), idle: event.idle }),
          );
        }
        t.present.delete(handle);
        return;
      }
      case 'conversation.closed': {
        const t = this.conversations.get(event.conversationId);
        if (t && t.pending.length > 0) {
          // Nobody ever joined: keep what I wrote anyway, in a log of its own.
          t.group = true;
          this.flushPending(event.conversationId, t);
        }
        this.conversations.delete(event.conversationId);
        return;
      }
      case 'message.received':
      case 'message.queued': {
        const m = event.message;
        const t = this.track(m.conversationId, m.timestamp);
        const sender = m.sender.toLowerCase();
        if (m.direction === 'incoming' && !t.present.has(sender) && !t.group) {
          // A message from someone we did not see join (events out of order): they are here.
          t.present.set(sender, m.senderName);
          if (t.present.size > 1) {
            t.group = true;
            this.takeAlongOneToOneLines(m.conversationId, t);
          }
        }
        const entry: Pending = {
          kind: 'message',
          direction: m.direction,
          sender,
          senderName: m.senderName,
          text: m.text,
          format: m.format,
          timestamp: m.timestamp,
          messageId: m.id,
          delivery: m.delivery,
          emoticons: this.options.emoticonsOf?.(m.id),
        };
        this.writeOrHold(m.conversationId, t, entry);
        return;
      }
      case 'message.delivery': {
        const t = this.conversations.get(event.conversationId);
        if (!t) return;
        const held = t.pending.find((p) => p.kind === 'message' && p.messageId === event.messageId);
        if (held && held.kind === 'message') {
          held.delivery = event.delivery;
          return;
        }
        const logId = t.written.get(event.messageId);
        if (logId !== undefined && this.options.isEnabled()) this.options.store.updateDelivery(logId, event.messageId, event.delivery);
        return;
      }
      case 'nudge.received': {
        const t = this.track(event.conversationId, event.at);
        const sender = event.handle.toLowerCase();
        this.writeOrHold(event.conversationId, t, {
          kind: 'nudge',
          direction: 'incoming',
          sender,
          senderName: t.present.get(sender) ?? sender,
          timestamp: event.at,
        });
        return;
      }
      case 'nudge.sent': {
        const t = this.track(event.conversationId, event.at);
        this.writeOrHold(event.conversationId, t, {
          kind: 'nudge',
          direction: 'outgoing',
          sender: this.account,
          senderName: this.selfName,
          timestamp: event.at,
        });
        return;
      }
      default:
        return;
    }
  }

  /**
   * A file transfer ended (issue 11): its line goes to the log of the conversation it was offered
   * in, or else the one-to-one log with the peer (each transfer is between two people). Never throws.
   */
  recordTransfer(line: { conversationId?: string; peer: string; peerName: string; direction: Direction; text: string; at: number }): void {
    try {
      if (!this.options.isEnabled()) return;
      const peer = line.peer.toLowerCase();
      const entry = {
        kind: 'file' as const,
        direction: line.direction,
        sender: line.direction === 'outgoing' ? this.account : peer,
        senderName: line.direction === 'outgoing' ? this.selfName : line.peerName,
        text: line.text,
        timestamp: line.at,
      };
      const t = line.conversationId !== undefined ? this.conversations.get(line.conversationId) : undefined;
      if (t && line.conversationId !== undefined && this.write(line.conversationId, t, (id) => this.options.store.appendSystem(id, entry))) return;
      const log = this.options.store.openConversation({ account: this.account, kind: 'one-to-one', peer: { handle: peer, displayName: line.peerName }, at: line.at });
      this.options.store.appendSystem(log.id, entry);
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private track(conversationId: string, at: number): Tracked {
    let t = this.conversations.get(conversationId);
    if (!t) {
      t = { present: new Map(), startedAt: at, group: false, pending: [], written: new Map(), oneToOneEntries: [] };
      this.conversations.set(conversationId, t);
    }
    return t;
  }

  private ref(conversationId: string, t: Tracked): ConversationRef | null {
    const people: HistoryParticipant[] = [...t.present].map(([handle, displayName]) => ({ handle, displayName }));
    if (t.group) return { account: this.account, kind: 'group', conversationId, participants: people, at: t.startedAt };
    const peer = people[0];
    if (!peer) return null;
    return { account: this.account, kind: 'one-to-one', peer, at: t.startedAt };
  }

  /** Run `append` against the current log, opening it first when needed. */
  private write(conversationId: string, t: Tracked, append: (logId: number) => { id: number } | void): boolean {
    if (!this.options.isEnabled()) return false;
    const ref = this.ref(conversationId, t);
    if (!ref) return false;
    // Re-open on every write: cheap (one indexed lookup + participant upserts) and it records new
    // participants' names as they change.
    const written = append(this.options.store.openConversation(ref).id);
    if (written && ref.kind === 'one-to-one') t.oneToOneEntries.push(written.id);
    return true;
  }

  /** The chat just became a group chat: what it wrote while one-to-one moves into its group log. */
  private takeAlongOneToOneLines(conversationId: string, t: Tracked): void {
    if (t.oneToOneEntries.length === 0 || !this.options.isEnabled()) return;
    const ref = this.ref(conversationId, t);
    if (!ref) return;
    const groupLog = this.options.store.openConversation(ref).id;
    this.options.store.moveEntries(t.oneToOneEntries.splice(0), groupLog);
    for (const messageId of t.written.keys()) t.written.set(messageId, groupLog);
  }

  private writeOrHold(conversationId: string, t: Tracked, entry: Pending): void {
    if (!this.options.isEnabled()) return;
    if (this.ref(conversationId, t) === null && t.pending.length < MAX_PENDING) {
      t.pending.push(entry);
      return;
    }
    if (this.ref(conversationId, t) === null) t.group = true;
    this.flushPending(conversationId, t);
    this.writeEntry(conversationId, t, entry);
  }

  private flushPending(conversationId: string, t: Tracked): void {
    while (t.pending.length > 0) {
      const entry = t.pending[0];
      if (!entry || !this.writeEntry(conversationId, t, entry)) return;
      t.pending.shift();
    }
  }

  private writeEntry(conversationId: string, t: Tracked, entry: Pending): boolean {
    const store = this.options.store;
    return this.write(conversationId, t, (logId) => {
      if (entry.kind === 'message') {
        const written = store.appendMessage(logId, {
          direction: entry.direction,
          sender: entry.sender,
          senderName: entry.senderName,
          text: entry.text,
          format: entry.format,
          timestamp: entry.timestamp,
          messageId: entry.messageId,
          delivery: entry.delivery,
          ...(entry.emoticons ? { emoticons: entry.emoticons } : {}),
        });
        t.written.set(entry.messageId, logId);
        return written;
      } else {
        return store.appendSystem(logId, {
          kind: 'nudge',
          direction: entry.direction,
          sender: entry.sender,
          senderName: entry.senderName,
          timestamp: entry.timestamp,
        });
      }
    });
  }
}
