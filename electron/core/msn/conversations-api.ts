/**
 * Conversations addressed by id (what the IPC contract needs): start, send, typing, nudge,
 * invite, retry, close. Thin: the work is in Conversation and SwitchboardManager.
 */
import type { ChatMessage, Conversation as ConversationModel, TextFormat } from '../../../shared/model';
import type { Conversation } from './conversation';
import { OperationFailure } from './errors';
import type { SwitchboardManager } from './switchboard-manager';

export class ConversationsApi {
  constructor(private readonly manager: SwitchboardManager) {}

  list(): ConversationModel[] {
    return this.manager.toModel();
  }

  get(id: string): ConversationModel | undefined {
    return this.manager.get(id)?.toModel();
  }

  /** A conversation with these contacts (an existing one-to-one is reused). Opens lazily. */
  start(handles: readonly string[]): ConversationModel {
    return this.manager.start(handles).toModel();
  }

  /** Queue a message; delivery is reported by `message.delivery` events. */
  send(conversationId: string, text: string, format: TextFormat | null = null): ChatMessage {
    return this.must(conversationId).sendText(text, format);
  }

  retry(conversationId: string, messageId: string): boolean {
    return this.must(conversationId).retry(messageId);
  }

  /** Call on keystrokes; rate-limited to one notice per ~5 s (MSNP.md §6.7). */
  typing(conversationId: string): boolean {
    return this.must(conversationId).typing();
  }

  nudge(conversationId: string): void {
    this.must(conversationId).nudge();
  }

  invite(conversationId: string, handle: string): Promise<void> {
    return this.must(conversationId).invite(handle);
  }

  /** Open the switchboard now instead of at the first message. */
  connect(conversationId: string): Promise<void> {
    return this.must(conversationId).connect();
  }

  close(conversationId: string): boolean {
    return this.manager.close(conversationId);
  }

  /** For tests and diagnostics. */
  internal(conversationId: string): Conversation | undefined {
    return this.manager.get(conversationId);
  }

  private must(id: string): Conversation {
    const c = this.manager.get(id);
    if (c === undefined) throw new OperationFailure('not-found', `no conversation ${id}`);
    return c;
  }
}
