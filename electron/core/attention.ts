/**
 * Runs every client event through electron/core/policies (SignInWatcher, decideNotification,
 * UnreadCounter) and turns the decisions into the contract's `attention.requested` and
 * `unread.changed` events. The shell shows the toasts and badges; windows play the sounds.
 */
import type { AppEvent, AttentionRequest, AttentionSound, UnreadCounts } from '../../shared/ipc';
import type { DomainEvent, MyStatus } from '../../shared/model';
import { decideNotification, SignInWatcher, UnreadCounter, type NotificationEvent, type NotificationSettings, type SoundName } from './policies';

export interface AttentionContext {
  myStatus(): MyStatus | null;
  isBlocked(handle: string): boolean;
  contactName(handle: string): string;
  settings(): NotificationSettings;
}

const SOUNDS: Record<SoundName, AttentionSound> = { 'contact-sign-in': 'sign-in', message: 'message', nudge: 'nudge' };

export class AttentionPolicy {
  private readonly watcher: SignInWatcher;
  private readonly unread = new UnreadCounter();
  /** `contact-list`, a conversation id, or null (no window of ours has the focus). */
  private focus: string | null = null;

  constructor(
    private readonly ctx: AttentionContext,
    private readonly emit: (event: AppEvent) => void,
    now: () => number = Date.now,
  ) {
    this.watcher = new SignInWatcher(now);
  }

  counts(): UnreadCounts {
    const byConversation: Record<string, number> = {};
    // UnreadCounter keeps no list of ids; we track ids ourselves via `known`.
    for (const id of this.known) {
      const n = this.unread.get(id);
      if (n > 0) byConversation[id] = n;
    }
    return { total: this.unread.total, byConversation };
  }

  private readonly known = new Set<string>();

  setFocus(target: string | null): void {
    this.focus = target;
    if (target !== null && target !== 'contact-list') this.markRead(target);
  }

  markRead(conversationId: string): void {
    const before = this.unread.total;
    this.unread.markRead(conversationId);
    this.known.delete(conversationId);
    if (this.unread.total !== before) this.emitCounts();
  }

  /** Feed every client event (after it reached the windows). */
  handle(event: DomainEvent): void {
    if (event.type === 'connection.changed' && event.state.status === 'signed-out') {
      this.watcher.handle(event);
      if (this.unread.total > 0) {
        this.unread.clear();
        this.known.clear();
        this.emitCounts();
      }
      return;
    }
    if (event.type === 'conversation.closed') {
      this.markRead(event.conversationId);
      return;
    }
    const signedIn = this.watcher.handle(event);
    let n: NotificationEvent | null = null;
    let initialSync = false;
    if (signedIn) {
      n = { kind: 'contact-signed-in', handle: signedIn.handle, name: signedIn.name, status: signedIn.status };
      initialSync = signedIn.initialSync;
    } else if (event.type === 'message.received') {
      const m = event.message;
      n = { kind: 'message', conversationId: m.conversationId, direction: m.direction, handle: m.sender, name: m.senderName, text: m.text };
    } else if (event.type === 'nudge.received') {
      n = { kind: 'nudge', conversationId: event.conversationId, handle: event.handle, name: this.ctx.contactName(event.handle) };
    }
    if (n) this.attend(n, initialSync);
  }

  /**
   * Someone offers me a file, shown in `conversationId` (the transfers module calls this once per
   * offer, after placing it): the same attention as a message.
   */
  fileOffered(offer: { readonly conversationId: string; readonly handle: string; readonly name?: string; readonly fileName: string; readonly sizeText: string }): void {
    this.attend({ kind: 'file-offer', ...offer, name: offer.name ?? this.ctx.contactName(offer.handle) }, false);
  }

  private attend(n: NotificationEvent, initialSync: boolean): void {
    const decision = decideNotification(n, {
      myStatus: this.ctx.myStatus(),
      focus: { appFocused: this.focus !== null, focusedConversationId: this.focus === 'contact-list' ? null : this.focus },
      initialSync,
      contactBlocked: this.ctx.isBlocked(n.handle),
      settings: this.ctx.settings(),
    });
    if (decision.unreadConversationId !== null) {
      this.known.add(decision.unreadConversationId);
      this.unread.add(decision.unreadConversationId);
      this.emitCounts();
    }
    if (!decision.toast && !decision.sound && !decision.attention) return;
    const request: AttentionRequest = {
      kind: n.kind === 'contact-signed-in' ? 'contact-online' : n.kind,
      ...(n.kind !== 'contact-signed-in' ? { conversationId: n.conversationId } : {}),
      handle: n.handle,
      title: decision.toast?.title ?? '',
      body: decision.toast?.body ?? '',
      sound: decision.sound ? SOUNDS[decision.sound] : null,
      toast: decision.toast !== null,
      flash: decision.attention,
      tag: decision.toast?.tag ?? `${n.kind}:${n.handle}`,
    };
    this.emit({ type: 'attention.requested', ...request });
  }

  private emitCounts(): void {
    this.emit({ type: 'unread.changed', ...this.counts() });
  }
}
