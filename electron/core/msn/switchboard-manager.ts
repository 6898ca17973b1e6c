/**
 * All conversations of a session: starts them, answers invitations (`RNG`, MSNP.md §6.2) and
 * files each incoming switchboard under the right conversation, so a chat the server closed for
 * idleness and the other side re-opened lands in the same window.
 */
import type { Conversation as ConversationModel } from '../../../shared/model';
import { decodeRng, isCodecError, normalizeHandle, type Command } from '../../../shared/msnp';
import { isP2pPayload } from '../../../shared/msnp/p2p';
import { Conversation, type ConversationDeps } from './conversation';
import type { Switchboard } from './switchboard';

export class SwitchboardManager {
  private readonly conversations = new Map<string, Conversation>();
  /** Switchboards the caller opened that carry only P2P so far (see `holdBack`). */
  private readonly heldBack = new Set<Switchboard>();

  constructor(private readonly deps: ConversationDeps) {}

  get(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  list(): Conversation[] {
    return [...this.conversations.values()];
  }

  toModel(): ConversationModel[] {
    return this.list().map((c) => c.toModel());
  }

  /**
   * A conversation with these people. With one person, an existing one-to-one conversation is
   * reused (one window per contact, as in the classic client).
   */
  start(handles: readonly string[]): Conversation {
    const wanted = [...new Set(handles.map(normalizeHandle))];
    if (wanted.length === 0) throw new RangeError('a conversation needs at least one other person');
    if (wanted.length === 1) {
      const existing = this.list().find((c) => sameSet(c.members, wanted));
      if (existing !== undefined) return existing;
    }
    const conv = new Conversation(this.deps, { id: this.deps.newId(), startedBy: 'me', invitees: wanted });
    this.add(conv);
    return conv;
  }

  /**
   * RNG session-id host:port CKI cookie caller-handle caller-friendly (MSNP.md §6.2).
   * Answers at once (the classic client accepts every invitation it is allowed to get).
   */
  onRing(cmd: Command): void {
    const rng = decodeRng(cmd, this.deps.dialect());
    if (isCodecError(rng)) return; // a malformed invitation cannot be answered
    const caller = normalizeHandle(rng.callerHandle);
    const sb = this.deps.createSwitchboard(rng.address.host, rng.address.port, { kind: 'callee', cookie: rng.cookie, sessionId: rng.sessionId });
    // Re-use an idle conversation with the caller in it (most recent first).
    const idle = this.list()
      .reverse()
      .filter((c) => c.switchboardState === 'idle' && c.members.has(caller));
    const conv = idle.find((c) => c.members.size === 1) ?? idle[0];
    if (conv !== undefined) {
      conv.attach(sb).catch(() => undefined);
      return;
    }
    this.holdBack(sb, caller).catch(() => sb.close());
  }

  /**
   * A new one-to-one switchboard may be a peer's P2P channel (a picture request, MSNP-P2P.md §2.3)
   * rather than a chat: the conversation appears only with the first message that is not P2P or
   * when a third person is in it. Until then the user sees nothing; when the caller leaves, it closes.
   */
  private async holdBack(sb: Switchboard, caller: string): Promise<void> {
    const offs: (() => void)[] = [() => this.heldBack.delete(sb)];
    this.heldBack.add(sb);
    let done = false;
    const become = (first?: { sender: string; senderName: string; payload: Uint8Array }): void => {
      if (done) return;
      done = true;
      for (const off of offs) off();
      const c = new Conversation(this.deps, { id: this.deps.newId(), startedBy: caller, invitees: [...sb.participants.keys()] });
      this.add(c);
      c.adopt(sb);
      if (first !== undefined) c.deliver(first.sender, first.senderName, first.payload);
    };
    offs.push(
      sb.events.on('message', (m) => {
        if (!isP2pPayload(m.payload)) become(m);
      }),
      sb.events.on('joined', () => {
        if (sb.isOpen && sb.participants.size > 1) become();
      }),
      sb.events.on('left', () => {
        if (!done && sb.participants.size === 0) {
          done = true;
          for (const off of offs) off();
          sb.close();
        }
      }),
      sb.events.on('closed', () => {
        done = true;
        for (const off of offs) off();
      }),
    );
    await sb.open();
    if (done) return;
    if (sb.participants.size === 0) {
      done = true;
      for (const off of offs) off();
      sb.close();
    } else if (sb.participants.size > 1) become();
  }

  close(id: string): boolean {
    const conv = this.conversations.get(id);
    if (conv === undefined) return false;
    this.conversations.delete(id);
    conv.close();
    this.deps.emit('conversation.closed', { conversationId: id });
    return true;
  }

  closeAll(): void {
    for (const id of [...this.conversations.keys()]) this.close(id);
    for (const sb of [...this.heldBack]) sb.close();
  }

  private add(conv: Conversation): void {
    this.conversations.set(conv.id, conv);
    this.deps.emit('conversation.started', { conversation: conv.toModel() });
  }
}

function sameSet(a: ReadonlySet<string>, b: readonly string[]): boolean {
  return a.size === b.length && b.every((x) => a.has(x));
}
