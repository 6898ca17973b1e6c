/**
 * One conversation as the user sees it, carried by a switchboard that comes and goes
 * (MSNP.md §6). It owns:
 * - the roster (who the UI shows) and the people to re-invite when a switchboard must be re-opened;
 * - the outbox: messages typed while a switchboard is opening are queued, not lost, and a
 *   switchboard the server closed while idle is re-opened (and everyone re-invited) by the next send;
 * - delivery tracking per message: `sending → sent → delivered`, or `failed` with a reason;
 * - typing notifications, rate-limited like the classic client (MSNP.md §6.7), and nudges (§6.8).
 */
import type { ChatMessage, Conversation as ConversationModel, DeliveryFailure, DeliveryFailureReason, Participant, TextFormat } from '../../../shared/model';
import {
  ContentTypes,
  DatacastId,
  parseContentType,
  buildNudge,
  buildTextMessage,
  buildTypingMessage,
  decodeMessage,
  isCodecError,
  normalizeHandle,
  splitTextMessage,
  TYPING_SEND_INTERVAL_MS,
  type Dialect,
  type InviteMessage,
} from '../../../shared/msnp';
import type { Clock } from './clock';
import type { Emit } from './context';
import { RequestError } from './connection';
import { describeUnsupported, fromWireFormat, toWireFormat } from './content';
import { OperationFailure, toOperationFailure } from './errors';
import type { AckResult, Switchboard, SwitchboardAuth } from './switchboard';

export interface SwitchboardTicket {
  readonly host: string;
  readonly port: number;
  readonly cookie: string;
}

export interface ConversationDeps {
  readonly me: () => { readonly handle: string; readonly friendlyName: string };
  readonly dialect: () => Dialect;
  /** `XFR t SB` on the notification server (MSNP.md §6.1). */
  readonly requestSwitchboard: () => Promise<SwitchboardTicket>;
  readonly createSwitchboard: (host: string, port: number, auth: SwitchboardAuth) => Switchboard;
  readonly emit: Emit;
  readonly clock: Clock;
  readonly newId: () => string;
  /** How long to wait for `ACK` before settling for `sent`. Default 10 s. */
  readonly ackTimeoutMs?: number;
  /** How long invitees get to join a (re-)opened switchboard before we send anyway. Default 15 s. */
  readonly joinTimeoutMs?: number;
  readonly typingIntervalMs?: number;
  /** The `text/x-mms-emoticon` message for my custom emoticons `text` uses (MSNP-P2P.md §6.1). */
  readonly emoticonAnnouncement?: (text: string) => Uint8Array | undefined;
  /**
   * A contact announced custom emoticons (§6.1). True when they will be fetched (MSNP9+): then the
   * announcement is not reported as content we cannot show.
   */
  readonly onEmoticons?: (conversationId: string, sender: string, items: readonly { shortcut: string; msnObject: string }[]) => boolean;
  /**
   * MSNP13+: store a text for an offline contact as an offline message (MSNP13-18.md §9.2);
   * undefined when the session cannot (below MSNP13: the message stays failed, as before).
   */
  readonly saveOffline?: (to: string, text: string) => Promise<void> | undefined;
  /**
   * A `text/x-msmsgsinvite` message arrived (MSNP.md §6.10). Returns true when it was taken (a file
   * invitation, or an answer to one of ours: the MSNFTP carrier); other invitations stay unsupported.
   */
  readonly onInvitation?: (conversationId: string, sender: string, message: InviteMessage) => boolean;
}

interface OutgoingText {
  readonly kind: 'text';
  readonly message: ChatMessage;
  readonly payloads: readonly Uint8Array[];
}

interface OutgoingControl {
  readonly kind: 'control';
  readonly payload: Uint8Array;
  /** Default `U`; `N` for the emoticon announcement (libpurple) and invitations (MSNP.md §6.10). */
  readonly ack?: 'U' | 'N';
  /** Told when the message was written, or could not be (the switchboard did not open). */
  readonly settled?: (error?: Error) => void;
}

type Outgoing = OutgoingText | OutgoingControl;

/** Failed messages kept for `retry` (bounded: old ones are forgotten). */
const MAX_FAILED_KEPT = 50;

export class Conversation {
  readonly id: string;
  readonly startedBy: string;
  readonly startedAt: number;
  /** Who the UI shows as in the conversation: handle → name. */
  private readonly roster = new Map<string, string>();
  /** Who to invite when a switchboard has to be (re-)opened. */
  private readonly reinvite = new Set<string>();
  private sb: Switchboard | undefined;
  private sbState: 'idle' | 'opening' | 'open' = 'idle';
  private readonly outbox: Outgoing[] = [];
  private readonly failed = new Map<string, OutgoingText>();
  private lastTypingSentAt = -Infinity;
  private closedValue = false;

  constructor(
    private readonly deps: ConversationDeps,
    init: { readonly id: string; readonly startedBy: string; readonly invitees: readonly string[] },
  ) {
    this.id = init.id;
    this.startedBy = init.startedBy;
    this.startedAt = deps.clock.now();
    for (const h of init.invitees) this.reinvite.add(normalizeHandle(h));
  }

  get closed(): boolean {
    return this.closedValue;
  }

  get participants(): Participant[] {
    return [...this.roster].map(([handle, friendlyName]) => ({ handle, friendlyName }));
  }

  /** Everyone this conversation is with (present or to be re-invited). */
  get members(): ReadonlySet<string> {
    return new Set([...this.roster.keys(), ...this.reinvite]);
  }

  get switchboardState(): 'idle' | 'opening' | 'open' {
    return this.sbState;
  }

  get switchboard(): Switchboard | undefined {
    return this.sb;
  }

  toModel(): ConversationModel {
    return { id: this.id, participants: this.participants, startedBy: this.startedBy, startedAt: this.startedAt, invited: [...this.members] };
  }

  /** Queue a text message; returns it with delivery `sending`. Long text is split, never cut. */
  sendText(text: string, format: TextFormat | null): ChatMessage {
    this.assertOpen();
    const me = this.deps.me();
    const message: ChatMessage = {
      id: this.deps.newId(),
      conversationId: this.id,
      direction: 'outgoing',
      sender: me.handle,
      senderName: me.friendlyName,
      text,
      format,
      timestamp: this.deps.clock.now(),
      delivery: 'sending',
    };
    const wire = format === null ? undefined : toWireFormat(format);
    // MSNP.md §6.4: payloads over 1664 bytes are dropped by the switchboard; split instead.
    const payloads = splitTextMessage(text, wire).map((piece) => buildTextMessage(piece, wire));
    this.deps.emit('message.queued', { message });
    // §6.1: the announcement of my custom emoticons goes right before the text that uses them.
    const announcement = this.deps.emoticonAnnouncement?.(text);
    if (announcement !== undefined) this.outbox.push({ kind: 'control', payload: announcement, ack: 'N' });
    this.outbox.push({ kind: 'text', message, payloads });
    // The message clears "X is typing" on the other side (MSNP.md §6.7): the next keystroke says
    // so again at once, not up to ~5 s later (a quick reply showed no typing line at all).
    this.lastTypingSentAt = -Infinity;
    this.pump();
    return message;
  }

  /** Send a failed message again (same id). */
  retry(messageId: string): boolean {
    this.assertOpen();
    const item = this.failed.get(messageId);
    if (item === undefined) return false;
    this.failed.delete(messageId);
    this.deps.emit('message.delivery', { conversationId: this.id, messageId, delivery: 'sending' });
    this.outbox.push(item);
    this.pump();
    return true;
  }

  /** Nudge everyone (MSNP.md §6.8); opens the switchboard if needed, like a message. */
  nudge(): void {
    this.assertOpen();
    this.outbox.push({ kind: 'control', payload: buildNudge() });
    this.pump();
  }

  /**
   * An invitation (`text/x-msmsgsinvite`, MSNP.md §6.10, sent with ack `N` as in the reference),
   * queued like a message (it opens the switchboard if needed). Resolves once written; rejects when
   * the switchboard could not be opened or nobody could be invited.
   */
  sendInvitation(payload: Uint8Array): Promise<void> {
    this.assertOpen();
    return new Promise<void>((resolve, reject) => {
      this.outbox.push({ kind: 'control', payload, ack: 'N', settled: (error) => (error === undefined ? resolve() : reject(error)) });
      this.pump();
    });
  }

  /**
   * "I am typing": sent at most once per interval, and only on an open switchboard (a typing
   * notice never opens one, as in the classic client). Returns whether one was sent.
   */
  typing(): boolean {
    if (this.closedValue || this.sbState !== 'open' || this.sb === undefined || this.sb.participants.size === 0) return false;
    const now = this.deps.clock.now();
    if (now - this.lastTypingSentAt < (this.deps.typingIntervalMs ?? TYPING_SEND_INTERVAL_MS)) return false;
    this.lastTypingSentAt = now;
    this.sb.send(buildTypingMessage(this.deps.me().handle), 'U', 0).catch(() => undefined);
    return true;
  }

  /** Invite someone else, at any time (MSNP.md §6.3). */
  async invite(handle: string): Promise<void> {
    this.assertOpen();
    const h = normalizeHandle(handle);
    this.reinvite.add(h);
    const sb = this.sb;
    if (sb !== undefined && sb.isOpen) {
      try {
        await sb.invite(h);
      } catch (err) {
        throw toOperationFailure(err, `inviting ${h}`);
      }
      return;
    }
    if (this.sbState === 'idle') await this.open();
  }

  /** Open the switchboard now (otherwise the first message does). */
  async connect(): Promise<void> {
    this.assertOpen();
    if (this.sbState === 'idle') await this.open();
  }

  /** Take over a switchboard someone invited us to (`RNG` → `ANS`, MSNP.md §6.2). */
  async attach(sb: Switchboard): Promise<void> {
    this.assertOpen();
    this.sbState = 'opening';
    this.bind(sb);
    try {
      await sb.open();
    } catch (err) {
      if (this.sb === sb) {
        this.sb = undefined;
        this.sbState = 'idle';
      }
      throw err;
    }
    if (this.sb !== sb) return;
    this.sbState = 'open';
    if (sb.participants.size === 0) {
      // Everyone left before we answered.
      this.leaveSwitchboard();
      return;
    }
    this.pump();
  }

  /**
   * Take over a switchboard that is already open: one the peer opened that carried only P2P until
   * now (held back so the user saw nothing), becoming a conversation (MSNP-P2P.md §2.3).
   */
  adopt(sb: Switchboard): void {
    this.assertOpen();
    this.bind(sb);
    this.sbState = 'open';
    for (const [handle, friendlyName] of sb.participants) {
      this.reinvite.add(handle);
      if (this.roster.has(handle)) continue;
      this.roster.set(handle, friendlyName);
      this.deps.emit('conversation.participant-joined', { conversationId: this.id, participant: { handle, friendlyName } });
    }
    this.pump();
  }

  /** A message that arrived before this conversation took over its switchboard (see `adopt`). */
  deliver(sender: string, senderName: string, payload: Uint8Array): void {
    this.receive(sender, senderName, payload);
  }

  /** The user closed the conversation: leave the switchboard, fail what is unsent. */
  close(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    this.failQueue('connection-closed', 'the conversation was closed');
    this.failed.clear();
    this.leaveSwitchboard();
  }

  /** The session is gone (signed out): same as close, without sending `OUT` politely twice. */
  private assertOpen(): void {
    if (this.closedValue) throw new OperationFailure('not-found', `conversation ${this.id} is closed`);
  }

  private pump(): void {
    if (this.closedValue || this.outbox.length === 0) return;
    if (this.sbState === 'open' && this.sb !== undefined && this.sb.participants.size > 0) {
      this.flush(this.sb);
    } else if (this.sbState === 'idle') {
      this.open().catch(() => undefined);
    }
    // 'opening': the open path flushes when invitees have joined.
  }

  /** XFR SB → USR → CAL everyone → wait for them → flush (MSNP.md §6.1). */
  private async open(): Promise<void> {
    if (this.sbState !== 'idle') return;
    this.sbState = 'opening';
    let sb: Switchboard | undefined;
    try {
      const ticket = await this.deps.requestSwitchboard();
      if (this.closedValue) return;
      sb = this.deps.createSwitchboard(ticket.host, ticket.port, { kind: 'caller', cookie: ticket.cookie });
      this.bind(sb);
      await sb.open();
      await this.inviteAll(sb);
    } catch (err) {
      if (sb !== undefined && this.sb === sb) {
        this.sb = undefined;
        sb.close();
      }
      this.sbState = 'idle';
      const { reason, message } = failureFor(err);
      this.failQueue(reason, message);
      throw err;
    }
    if (this.sb !== sb || this.closedValue) return;
    if (sb.participants.size === 0) {
      this.sbState = 'idle';
      this.sb = undefined;
      sb.close();
      this.failQueue('recipient-unavailable', 'nobody could be invited (offline, hidden or not accepting messages)');
      return;
    }
    this.sbState = 'open';
    this.flush(sb);
  }

  /** CAL each member in parallel; resolve when all have joined, failed, or the join wait ran out. */
  private inviteAll(sb: Switchboard): Promise<void> {
    const targets = [...this.reinvite].filter((h) => !sb.participants.has(h));
    if (targets.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const pending = new Set(targets);
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        offJoin();
        offClose();
        this.deps.clock.clearTimeout(timer);
        resolve();
      };
      const settle = (h: string): void => {
        pending.delete(h);
        if (pending.size === 0) finish();
      };
      const offJoin = sb.events.on('joined', (e) => settle(e.handle));
      const offClose = sb.events.on('closed', finish);
      const timer = this.deps.clock.setTimeout(finish, this.deps.joinTimeoutMs ?? 15_000);
      for (const h of targets) {
        sb.invite(h).catch(() => settle(h));
      }
    });
  }

  private flush(sb: Switchboard): void {
    while (this.outbox.length > 0 && sb.isOpen) {
      const item = this.outbox.shift() as Outgoing;
      if (item.kind === 'control') {
        sb.send(item.payload, item.ack ?? 'U', this.deps.ackTimeoutMs ?? 10_000).catch(() => undefined);
        item.settled?.();
        continue;
      }
      const ackTimeout = this.deps.ackTimeoutMs ?? 10_000;
      // All parts are written now, in order (send writes synchronously).
      const results = item.payloads.map((p) => sb.send(p, 'A', ackTimeout));
      this.delivery(item.message.id, 'sent');
      Promise.all(results).then(
        (acks: AckResult[]) => {
          if (acks.includes('nak')) this.fail(item, 'not-delivered', 'the server could not deliver it to everyone');
          else if (acks.every((a) => a === 'ack')) this.delivery(item.message.id, 'delivered');
          // Some 'none': the server gives no proof of delivery; it stays 'sent'.
        },
        (err: unknown) => {
          const { reason, message } = failureFor(err);
          this.fail(item, reason === 'error' ? 'connection-closed' : reason, message);
        },
      );
    }
  }

  private bind(sb: Switchboard): void {
    this.sb = sb;
    sb.events.on('joined', ({ handle, friendlyName }) => {
      this.reinvite.add(handle);
      if (!this.roster.has(handle)) {
        this.roster.set(handle, friendlyName);
        this.deps.emit('conversation.participant-joined', { conversationId: this.id, participant: { handle, friendlyName } });
      }
      if (this.sb === sb && this.sbState === 'open') this.pump();
    });
    sb.events.on('left', ({ handle, idle }) => {
      if (this.roster.delete(handle)) {
        this.deps.emit('conversation.participant-left', { conversationId: this.id, handle, idle });
      }
      // Someone who said goodbye is not re-invited, unless they were the last one: typing to
      // them again re-opens the chat, as in the classic client. Idle removals are re-invited.
      if (!idle && this.roster.size > 0) this.reinvite.delete(handle);
      if (this.sb === sb && sb.participants.size === 0 && this.sbState === 'open') this.leaveSwitchboard();
    });
    sb.events.on('message', (m) => this.receive(m.sender, m.senderName, m.payload));
    // A message can arrive in the same read as `ANS t OK`, before the connection is marked online
    // (MSNP.md §6.2): what its handler queued (an invitation's answer) goes out once it is.
    sb.connection.events.on('status', ({ status }) => {
      if (status === 'online' && this.sb === sb && this.sbState === 'open') this.pump();
    });
    sb.events.on('closed', () => {
      if (this.sb !== sb) return;
      const wasOpen = this.sbState === 'open';
      this.sb = undefined;
      this.sbState = 'idle';
      // Messages not yet written go on the next switchboard: re-open now if some are waiting.
      if (wasOpen && this.outbox.length > 0) this.pump();
    });
  }

  private leaveSwitchboard(): void {
    const sb = this.sb;
    this.sb = undefined;
    this.sbState = 'idle';
    sb?.close();
  }

  /**
   * An offline message fetched from the server (MSNP13-18.md §9.1), shown with the time it was sent;
   * its id is the server's message id, which the app acknowledges once it has stored it.
   */
  receiveOffline(m: { readonly id: string; readonly sender: string; readonly senderName: string; readonly text: string; readonly sentAt: number }): void {
    const message: ChatMessage = {
      id: m.id,
      conversationId: this.id,
      direction: 'incoming',
      sender: m.sender,
      senderName: m.senderName,
      text: m.text,
      format: null,
      timestamp: m.sentAt,
      delivery: 'delivered',
    };
    this.deps.emit('message.received', { message });
  }

  private receive(sender: string, senderName: string, payload: Uint8Array): void {
    const at = this.deps.clock.now();
    const m = decodeMessage(payload);
    if (isCodecError(m)) {
      // Not MIME at all (MSNP.md §6.5: the official client ignores those); still say so.
      this.deps.emit('content.unsupported', { conversationId: this.id, sender, kind: 'unknown', contentType: '(not MIME)', summary: `${sender} sent a message Monarch could not read`, at });
      return;
    }
    if (m.kind === 'text') {
      const message: ChatMessage = {
        id: this.deps.newId(),
        conversationId: this.id,
        direction: 'incoming',
        sender,
        senderName,
        text: m.text,
        format: fromWireFormat(m.format),
        timestamp: at,
        delivery: 'delivered',
      };
      this.deps.emit('message.received', { message });
      return;
    }
    if (m.kind === 'typing') {
      this.deps.emit('typing.received', { conversationId: this.id, handle: sender, at });
      return;
    }
    if (m.kind === 'datacast' && m.id === DatacastId.NUDGE) {
      this.deps.emit('nudge.received', { conversationId: this.id, handle: sender, at });
      return;
    }
    if (m.kind === 'emoticons' && this.deps.onEmoticons?.(this.id, sender, m.items) === true) return;
    // File invitations and the answers to ours are the MSNFTP carrier's (MSNP.md §6.10).
    if (m.kind === 'invite' && this.deps.onInvitation?.(this.id, sender, m) === true) return;
    // P2P (display pictures, emoticons) is the P2P manager's: it listens on every switchboard.
    if (m.kind === 'unknown' && parseContentType(m.contentType).mediaType === ContentTypes.P2P) return;
    const unsupported = describeUnsupported(m, sender);
    if (unsupported !== undefined) this.deps.emit('content.unsupported', { conversationId: this.id, sender, ...unsupported, at });
  }

  private delivery(messageId: string, delivery: 'sent' | 'delivered'): void {
    this.deps.emit('message.delivery', { conversationId: this.id, messageId, delivery });
  }

  private fail(item: OutgoingText, reason: DeliveryFailureReason, message: string): void {
    const failure: DeliveryFailure = { reason, message };
    if (!this.closedValue) {
      this.failed.set(item.message.id, item);
      if (this.failed.size > MAX_FAILED_KEPT) {
        const oldest = this.failed.keys().next().value;
        if (oldest !== undefined) this.failed.delete(oldest);
      }
    }
    this.deps.emit('message.delivery', { conversationId: this.id, messageId: item.message.id, delivery: 'failed', failure });
  }

  private failQueue(reason: DeliveryFailureReason, message: string): void {
    const items = this.outbox.splice(0);
    // Invitations waiting for this switchboard are told it failed (their senders decide what next).
    for (const item of items) {
      if (item.kind === 'control') item.settled?.(new OperationFailure(reason === 'signed-out' ? 'not-signed-in' : reason === 'timeout' ? 'timeout' : 'server-error', message));
    }
    // A one-to-one conversation whose contact could not be invited (offline): at MSNP13+ the
    // texts are left as offline messages instead (MSNP13-18.md §9.2), in order.
    const only = this.reinvite.size === 1 ? [...this.reinvite][0] : undefined;
    if (reason === 'recipient-unavailable' && only !== undefined && this.deps.saveOffline !== undefined) {
      this.saveOffline(only, items.filter((i): i is OutgoingText => i.kind === 'text'), message);
      return;
    }
    for (const item of items) if (item.kind === 'text') this.fail(item, reason, message);
  }

  private saveOffline(to: string, items: readonly OutgoingText[], why: string): void {
    const save = this.deps.saveOffline;
    let chain = Promise.resolve();
    for (const item of items) {
      chain = chain.then(async () => {
        const saving = save?.(to, item.message.text);
        if (saving === undefined) {
          this.fail(item, 'recipient-unavailable', why);
          return;
        }
        try {
          await saving;
          this.deps.emit('message.delivery', { conversationId: this.id, messageId: item.message.id, delivery: 'saved-offline' });
        } catch (err) {
          this.fail(item, 'recipient-unavailable', `${why}; saving it as an offline message failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
    }
  }
}

function failureFor(err: unknown): { reason: DeliveryFailureReason; message: string } {
  if (err instanceof OperationFailure) {
    return { reason: err.code === 'not-signed-in' || err.code === 'not-allowed' ? 'signed-out' : 'error', message: err.message };
  }
  if (err instanceof RequestError) {
    if (err.kind === 'timeout') return { reason: 'timeout', message: err.message };
    if (err.kind === 'closed') return { reason: 'connection-closed', message: err.closeReason?.message ?? err.message };
    // 913: not allowed while appearing offline (MSNP.md §6.1, §7).
    if (err.code === 913) return { reason: 'signed-out', message: 'conversations cannot be started while appearing offline' };
    if (err.code === 217 || err.code === 216 || err.code === 208) return { reason: 'recipient-unavailable', message: err.message };
    return { reason: 'error', message: err.message };
  }
  return { reason: 'error', message: err instanceof Error ? err.message : String(err) };
}
