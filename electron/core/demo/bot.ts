/**
 * One scripted demo contact: an MsnClient that signs in at its time, changes its status and
 * personal message now and then, answers what people write (typing notice first, then a canned
 * line after a human-looking delay), may nudge the user once, and plays the guest when another
 * demo contact invites it into a conversation (hello, a while later goodbye, then it leaves).
 *
 * Robust and bounded: every promise is caught and logged, listener errors never escape, all
 * timers live in one `Timers` set (at most one sign-in/retry, one mood, one nudge timer, and one
 * two timers per tracked conversation (answer, guest script), with at most MAX_CHATS conversations tracked), and `stop()`
 * clears them all before signing out.
 */
import type { Conversation, DomainEvent } from '../../../shared/model';
import { Timers, type Clock, type TimerHandle } from '../msn/clock';
import type { DemoCharacter } from './cast';
import { errorText, type DemoClient, type DemoLog } from './demo-client';
import type { DemoBotAccount } from './provision';
import { composeNudgeReply, composeReply, fillIn, pick, typingTime, type RandomSource } from './replies';
import type { DemoTimings } from './timings';
import { demoPicture } from './pictures';

/** Conversations one contact keeps state for; more are answered by nobody (and logged). */
export const MAX_CHATS = 16;
/** Unanswered messages remembered per conversation (only the last decides the answer). */
const MAX_UNANSWERED = 5;
/** Lines remembered per conversation so the contact does not repeat itself. */
const MAX_RECENT = 4;

export type DemoBotPhase = 'waiting' | 'signing-in' | 'online' | 'retrying' | 'failed' | 'stopped';

/** What a bot needs from the cast as a whole (the controller). */
export interface DemoDirector {
  readonly userHandle: string;
  isBot(handle: string): boolean;
  firstName(handle: string): string;
  /** A person (not a demo contact) chatted with `bot` one-to-one and got an answer. */
  chatted(bot: DemoBot, conversationId: string): void;
}

export interface DemoBotDeps {
  readonly client: DemoClient;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly timings: DemoTimings;
  readonly log: DemoLog;
  readonly director: DemoDirector;
}

type Unanswered = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'nudge' };

interface ChatState {
  unanswered: Unanswered[];
  recent: string[];
  /** The pending step of the answer being read or typed. */
  answer: TimerHandle | undefined;
  /** The pending step of the guest script (hello, stay, goodbye, leave). */
  script: TimerHandle | undefined;
  /** Set when another demo contact invited me here. */
  guest: { readonly inviter: string; greeted: boolean } | undefined;
}

/** Sign-in failures no retry can fix (until the demo is provisioned again). */
const FATAL_SIGN_IN = new Set(['wrong-password', 'unknown-account', 'signed-in-elsewhere']);

export class DemoBot {
  readonly character: DemoCharacter;
  private readonly client: DemoClient;
  private readonly timers: Timers;
  private readonly chats = new Map<string, ChatState>();
  private phaseValue: DemoBotPhase = 'waiting';
  private offEvents: (() => void) | undefined;
  private signInTimer: TimerHandle | undefined;
  private moodTimer: TimerHandle | undefined;
  private nudgeTimer: TimerHandle | undefined;
  private nudged = false;
  private moodIndex = 0;
  private retryDelay: number;

  constructor(
    character: DemoCharacter,
    private readonly account: DemoBotAccount,
    private readonly deps: DemoBotDeps,
  ) {
    this.character = character;
    this.client = deps.client;
    this.timers = new Timers(deps.clock);
    this.retryDelay = deps.timings.retryMinMs;
  }

  get handle(): string {
    return this.character.handle;
  }

  get phase(): DemoBotPhase {
    return this.phaseValue;
  }

  /** The client, for the controller's invitations (and tests). */
  get msn(): DemoClient {
    return this.client;
  }

  /** Number of live timers (tests check that stop() leaves none). */
  get liveTimers(): number {
    return this.timers.size;
  }

  start(): void {
    if (this.phaseValue !== 'waiting' || this.offEvents !== undefined) return;
    this.offEvents = this.client.onEvent((e) => this.onEvent(e));
    this.signInTimer = this.timers.set(() => void this.signIn(), this.ms(this.character.onlineAtMs));
  }

  async stop(): Promise<void> {
    if (this.phaseValue === 'stopped') return;
    this.phaseValue = 'stopped';
    this.timers.clearAll();
    this.chats.clear();
    this.offEvents?.();
    this.offEvents = undefined;
    await this.client.signOut().catch((err: unknown) => this.warn('sign-out failed', err));
  }

  // ----- sign-in, retry, moods -----

  private async signIn(): Promise<void> {
    this.signInTimer = undefined;
    if (this.phaseValue === 'stopped' || this.phaseValue === 'online') return;
    this.phaseValue = 'signing-in';
    try {
      // Set before signing in, so the first CHG already carries the picture's MSNObject (MSNP9+).
      const picture = demoPicture(this.account.handle);
      if (picture !== undefined) await this.client.pictures?.setMine(picture);
      await this.client.signIn({ handle: this.account.handle, password: this.account.password, status: this.character.firstStatus });
    } catch (err) {
      if (this.stopped()) return;
      this.signInFailed(err);
      return;
    }
    if (this.stopped()) return;
    this.phaseValue = 'online';
    this.retryDelay = this.deps.timings.retryMinMs;
    this.deps.log('info', 'demo contact signed in', { handle: this.handle });
    await this.publishPersonalMessage(this.character.personalMessage);
    if (this.moodTimer === undefined) this.scheduleMood();
    if (this.userIsOnline()) this.userCameOnline();
  }

  private signInFailed(err: unknown): void {
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && FATAL_SIGN_IN.has(code)) {
      this.phaseValue = 'failed';
      this.warn('cannot sign in; giving up until the demo is set up again', err);
      return;
    }
    this.phaseValue = 'retrying';
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.deps.timings.retryMaxMs, this.retryDelay * 2);
    this.warn(`sign-in failed; retrying in ${delay} ms`, err);
    this.timers.clear(this.signInTimer);
    this.signInTimer = this.timers.set(() => void this.signIn(), this.ms(delay));
  }

  private scheduleMood(): void {
    const t = this.deps.timings;
    this.moodTimer = this.timers.set(() => {
      this.moodTimer = undefined;
      if (this.stopped() || this.phaseValue === 'failed') return;
      if (this.phaseValue === 'online') void this.nextMood();
      this.scheduleMood();
    }, this.ms(this.between(t.moodMinMs, t.moodMaxMs)));
  }

  private async nextMood(): Promise<void> {
    const moods = this.character.moods;
    if (moods.length === 0) return;
    const mood = moods[this.moodIndex % moods.length] as (typeof moods)[number];
    this.moodIndex++;
    try {
      await this.client.self.setStatus(mood.status);
    } catch (err) {
      this.warn('status change failed', err);
      return;
    }
    await this.publishPersonalMessage(mood.personalMessage);
  }

  private async publishPersonalMessage(text: string): Promise<void> {
    // Personal messages exist from MSNP11 on; older dialects simply go without.
    if ((this.client.dialect ?? 0) < 11) return;
    await this.client.self.setPersonalMessage(text).catch((err: unknown) => this.warn('personal message failed', err));
  }

  // ----- events -----

  private onEvent(e: DomainEvent): void {
    if (this.stopped()) return;
    try {
      this.dispatch(e);
    } catch (err) {
      this.warn(`handling ${e.type} failed`, err);
    }
  }

  private dispatch(e: DomainEvent): void {
    const director = this.deps.director;
    switch (e.type) {
      case 'connection.changed':
        if (e.state.status === 'online' && this.phaseValue === 'online') {
          // Back after a reconnect: the client restores status; the personal message is cheap to resend.
          void this.publishPersonalMessage(this.client.self.self.personalMessage || this.character.personalMessage);
        } else if (e.state.status === 'signed-out' && this.phaseValue === 'online') {
          // The client gave up (kicked, server gone for good): our own backoff takes over.
          this.signInFailed(Object.assign(new Error(e.state.error?.message ?? 'signed out'), { code: e.state.error?.code }));
        }
        return;
      case 'presence.changed':
        if (e.handle === director.userHandle && e.status !== 'offline') this.userCameOnline();
        return;
      case 'contact-list.synced':
        if (this.userIsOnline()) this.userCameOnline();
        return;
      case 'message.received':
        if (e.message.direction === 'incoming' && !director.isBot(e.message.sender)) {
          this.heard(e.message.conversationId, { kind: 'text', text: e.message.text });
        }
        return;
      case 'nudge.received':
        if (!director.isBot(e.handle)) this.heard(e.conversationId, { kind: 'nudge' });
        return;
      case 'conversation.started':
        if (e.conversation.startedBy !== 'me' && director.isBot(e.conversation.startedBy)) {
          const chat = this.chat(e.conversation.id);
          if (chat !== undefined) chat.guest = { inviter: e.conversation.startedBy, greeted: false };
        }
        this.maybeGreetAsGuest(e.conversation.id);
        return;
      case 'conversation.participant-joined':
        if (!director.isBot(e.participant.handle)) this.maybeGreetAsGuest(e.conversationId);
        return;
      case 'conversation.participant-left':
        if (!director.isBot(e.handle)) this.personLeft(e.conversationId);
        return;
      case 'conversation.closed':
        this.forget(e.conversationId);
        return;
      default:
        return;
    }
  }

  // ----- answering -----

  private heard(conversationId: string, what: Unanswered): void {
    const chat = this.chat(conversationId);
    if (chat === undefined) return;
    if (what.kind === 'text' && !this.shouldAnswer(conversationId, chat, what.text)) return;
    if (what.kind === 'nudge' && chat.guest !== undefined) return;
    chat.unanswered.push(what);
    if (chat.unanswered.length > MAX_UNANSWERED) chat.unanswered.shift();
    if (chat.answer === undefined) this.scheduleAnswer(conversationId, chat);
  }

  /**
   * With several people in the conversation, only one demo contact answers: the one named in the
   * text, else the host (the one who was there first). A guest speaks only when named.
   */
  private shouldAnswer(conversationId: string, chat: ChatState, text: string): boolean {
    const conv = this.client.conversations.get(conversationId);
    const others = conv?.participants.filter((p) => this.deps.director.isBot(p.handle)) ?? [];
    if (others.length === 0) return chat.guest === undefined;
    const named = (handle: string): boolean => new RegExp(`\\b${escapeRegExp(this.deps.director.firstName(handle))}\\b`, 'i').test(text);
    if (named(this.handle)) return true;
    if (chat.guest !== undefined) return false;
    return !others.some((p) => named(p.handle));
  }

  private scheduleAnswer(conversationId: string, chat: ChatState): void {
    const t = this.deps.timings;
    chat.answer = this.timers.set(() => {
      chat.answer = undefined;
      const last = chat.unanswered.at(-1);
      chat.unanswered = [];
      if (last === undefined) return;
      const reply =
        last.kind === 'nudge'
          ? composeNudgeReply(this.character.lines, this.deps.random, chat.recent)
          : composeReply(this.character.lines, last.text, this.deps.random, chat.recent);
      this.say(conversationId, chat, 'answer', reply, () => {
        if (chat.unanswered.length > 0) this.scheduleAnswer(conversationId, chat);
        else if (chat.guest === undefined && this.isOneToOneWithPerson(conversationId)) this.deps.director.chatted(this, conversationId);
      });
    }, this.ms(this.between(t.readMinMs, t.readMaxMs)));
  }

  /** Typing notice, a pause as long as typing `text` takes, then the message; then `after`. */
  private say(conversationId: string, chat: ChatState, slot: 'answer' | 'script', text: string, after?: () => void): void {
    const t = this.deps.timings;
    try {
      this.client.conversations.typing(conversationId);
    } catch (err) {
      this.warn('typing notice failed', err);
      return;
    }
    chat[slot] = this.timers.set(() => {
      chat[slot] = undefined;
      try {
        this.client.conversations.send(conversationId, text);
      } catch (err) {
        this.warn('sending failed', err);
        return;
      }
      chat.recent.push(text);
      if (chat.recent.length > MAX_RECENT) chat.recent.shift();
      after?.();
    }, this.ms(typingTime(text, t.typingPerCharMs, t.typingMinMs, t.typingMaxMs)));
  }

  // ----- the guest script -----

  private maybeGreetAsGuest(conversationId: string): void {
    const chat = this.chats.get(conversationId);
    if (chat?.guest === undefined || chat.guest.greeted || !this.hasPerson(conversationId)) return;
    chat.guest.greeted = true;
    const t = this.deps.timings;
    const inviter = this.deps.director.firstName(chat.guest.inviter);
    this.timers.clear(chat.script);
    chat.script = this.timers.set(() => {
      chat.script = undefined;
      const hello = fillIn(pick(this.character.lines.joinHello, this.deps.random), { inviter });
      this.say(conversationId, chat, 'script', hello, () => {
        chat.script = this.timers.set(() => {
          chat.script = undefined;
          const bye = fillIn(pick(this.character.lines.joinBye, this.deps.random), { inviter });
          this.say(conversationId, chat, 'script', bye, () => {
            chat.script = this.timers.set(() => {
              chat.script = undefined;
              this.leave(conversationId);
            }, this.ms(t.guestLeaveAfterByeMs));
          });
        }, this.ms(t.guestStayMs));
      });
    }, this.ms(t.guestHelloMs));
  }

  /** A person left: with nobody but demo contacts left, this contact leaves too. */
  private personLeft(conversationId: string): void {
    if (!this.hasPerson(conversationId)) this.leave(conversationId);
  }

  private leave(conversationId: string): void {
    this.forget(conversationId);
    try {
      this.client.conversations.close(conversationId);
    } catch (err) {
      this.warn('leaving the conversation failed', err);
    }
  }

  // ----- the nudge -----

  private userCameOnline(): void {
    if (!this.character.nudgesUser || this.nudged || this.nudgeTimer !== undefined || this.phaseValue !== 'online') return;
    this.nudgeTimer = this.timers.set(() => {
      this.nudgeTimer = undefined;
      if (this.phaseValue !== 'online' || !this.userIsOnline()) return;
      this.nudged = true;
      try {
        const conv = this.client.conversations.start([this.deps.director.userHandle]);
        if (this.character.nudgeLine !== undefined) this.client.conversations.send(conv.id, this.character.nudgeLine);
        this.client.conversations.nudge(conv.id);
        this.deps.log('info', 'demo contact nudged the user', { handle: this.handle });
      } catch (err) {
        this.warn('nudge failed', err);
      }
    }, this.ms(this.deps.timings.nudgeAfterUserOnlineMs));
  }

  // ----- helpers -----

  private chat(conversationId: string): ChatState | undefined {
    const known = this.chats.get(conversationId);
    if (known !== undefined) return known;
    if (this.chats.size >= MAX_CHATS) {
      this.deps.log('warn', 'demo contact ignores a conversation: too many open', { handle: this.handle });
      return undefined;
    }
    const chat: ChatState = { unanswered: [], recent: [], answer: undefined, script: undefined, guest: undefined };
    this.chats.set(conversationId, chat);
    return chat;
  }

  private forget(conversationId: string): void {
    const chat = this.chats.get(conversationId);
    if (chat === undefined) return;
    this.timers.clear(chat.answer);
    this.timers.clear(chat.script);
    this.chats.delete(conversationId);
  }

  private conversation(conversationId: string): Conversation | undefined {
    return this.client.conversations.get(conversationId);
  }

  private hasPerson(conversationId: string): boolean {
    return this.conversation(conversationId)?.participants.some((p) => !this.deps.director.isBot(p.handle)) ?? false;
  }

  private isOneToOneWithPerson(conversationId: string): boolean {
    const ps = this.conversation(conversationId)?.participants ?? [];
    return ps.length === 1 && !this.deps.director.isBot((ps[0] as { handle: string }).handle);
  }

  private userIsOnline(): boolean {
    const s = this.client.contacts.get(this.deps.director.userHandle)?.status;
    return s !== undefined && s !== 'offline';
  }

  private stopped(): boolean {
    return this.phaseValue === 'stopped';
  }

  private between(min: number, max: number): number {
    return min + this.deps.random() * Math.max(0, max - min);
  }

  private ms(unscaled: number): number {
    return Math.max(0, Math.round(unscaled * this.deps.timings.scale));
  }

  private warn(message: string, err: unknown): void {
    this.deps.log('warn', `demo contact ${this.handle}: ${message}`, { error: errorText(err) });
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
