/**
 * Offline messages (OIM, MSNP13-18.md §9), protocol-free: who may leave one for whom, the
 * per-recipient box with its limits, and at-least-once delivery (a message leaves the box only
 * when its recipient deletes it, §9.3). The SOAP services (server/soap/oim, server/soap/rsi)
 * authenticate and translate; the NS front is told through `onStored`/`onDeleted`.
 */
import { randomUUID } from 'node:crypto';
import type { NewOim, OimRecord, Store } from '../store/store';
import type { ListManager } from './lists';
import type { PresenceHub } from './presence';
import { SlidingWindow } from './rate';

export type { OimRecord } from '../store/store';

export interface OfflineMessageLimits {
  /** Messages waiting for one recipient; one more → refused (ours; Microsoft's is unknown). */
  readonly maxPerRecipient: number;
  /** Total bytes of the stored MIME messages waiting for one recipient (ours). */
  readonly maxBytesPerRecipient: number;
  /** Messages one sender may leave per minute, all recipients together (§9.2 `SenderThrottleLimitExceeded`). */
  readonly sendsPerMinute: number;
}

/**
 * 100 messages or 1 MiB per recipient: a box that fills up while its owner is away for weeks is
 * more likely spam than conversation; at the 16 KiB text bound of the codec that is still 60 full
 * messages. 30 a minute per sender is more than anyone types and stops a loop from filling boxes.
 */
export const DEFAULT_OFFLINE_MESSAGE_LIMITS: OfflineMessageLimits = {
  maxPerRecipient: 100,
  maxBytesPerRecipient: 1024 * 1024,
  sendsPerMinute: 30,
};

export interface OfflineMessageInit {
  readonly sender: string;
  readonly recipient: string;
  readonly runId: string;
  readonly runSequence: number;
  /** The MIME message as the sender sent it (already validated by the codec). */
  readonly content: string;
  readonly origin: string;
}

export type LeaveOutcome =
  | { readonly kind: 'stored'; readonly record: OimRecord }
  /** The same sender, run and sequence is already stored: a resend whose answer was lost (§9.2). */
  | { readonly kind: 'duplicate'; readonly messageId: string }
  /** Unknown recipient, or the recipient does not allow the sender (AL/BL/BLP): not told apart (§9.2 `SystemUnavailable`). */
  | { readonly kind: 'unavailable' }
  /** The recipient is online and visible to the sender: a conversation, not an offline message. */
  | { readonly kind: 'recipient-online' }
  | { readonly kind: 'box-full'; readonly limit: 'count' | 'size' }
  | { readonly kind: 'too-fast' };

export class OfflineMessages {
  /** A message was stored for `recipient` (to announce it to a hidden, signed-in recipient, §9.3). */
  onStored: ((recipient: string, record: OimRecord) => void) | undefined;
  /** `recipient` deleted `count` messages (the NS's `Message-Delta` notice, §9.1). */
  onDeleted: ((recipient: string, count: number) => void) | undefined;
  private readonly senders = new Map<string, SlidingWindow>();

  constructor(
    private readonly store: Store,
    private readonly lists: ListManager,
    private readonly presence: PresenceHub,
    readonly limits: OfflineMessageLimits = DEFAULT_OFFLINE_MESSAGE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Leaves a message for `m.recipient`, stored durably before this settles (§9.3). The sender must
   * be allowed by the recipient's privacy (`Account.allows`: on AL, or BLP allows and not on BL);
   * an unknown recipient and a refusing one get the same answer, so the service reveals neither.
   */
  async leave(m: OfflineMessageInit): Promise<LeaveOutcome> {
    if (m.recipient === m.sender) return { kind: 'unavailable' };
    const allowed = await this.lists.withAccount(m.recipient, (recipient) => ({ id: recipient.user.id, allows: recipient.allows(m.sender) }));
    if (allowed === undefined || !allowed.allows) return { kind: 'unavailable' };
    const recipientId = allowed.id;
    // Online and visible to the sender: refused (a hidden recipient is offline to the sender and
    // must stay indistinguishable from a signed-out one, so their messages are stored).
    if (this.presence.visibleTo(m.recipient, m.sender) !== undefined) return { kind: 'recipient-online' };
    const duplicate = await this.store.findOim(recipientId, m.sender, m.runId, m.runSequence);
    if (duplicate !== undefined) return { kind: 'duplicate', messageId: duplicate };
    if (!this.senderWindow(m.sender).hit()) return { kind: 'too-fast' };
    const oim: NewOim = {
      messageId: randomUUID().toUpperCase(),
      sender: m.sender,
      // The name the server knows, not the one the request claims.
      senderName: this.lists.peek(m.sender)?.user.friendlyName ?? (await this.store.getUser(m.sender))?.friendlyName ?? m.sender,
      runId: m.runId,
      runSequence: m.runSequence,
      content: m.content,
      origin: m.origin,
      receivedAt: this.now(),
    };
    const result = await this.store.addOim(recipientId, oim, { maxCount: this.limits.maxPerRecipient, maxBytes: this.limits.maxBytesPerRecipient });
    if (result !== 'stored') return { kind: 'box-full', limit: result === 'count-limit' ? 'count' : 'size' };
    const record: OimRecord = { ...oim, read: false, contentBytes: Buffer.byteLength(oim.content, 'utf8') };
    this.onStored?.(m.recipient, record);
    return { kind: 'stored', record };
  }

  /** `handle`'s waiting messages, oldest first. */
  async list(handle: string): Promise<OimRecord[]> {
    const user = await this.store.getUser(handle);
    return user === undefined ? [] : this.store.listOims(user.id);
  }

  /** One of `handle`'s own messages; another user's id is simply not found. */
  async get(handle: string, messageId: string, markAsRead: boolean): Promise<OimRecord | undefined> {
    const user = await this.store.getUser(handle);
    if (user === undefined) return undefined;
    const record = await this.store.getOim(user.id, messageId);
    if (record === undefined) return undefined;
    if (markAsRead && !record.read) {
      await this.store.markOimRead(user.id, messageId);
      return { ...record, read: true };
    }
    return record;
  }

  /** Deletes `handle`'s listed messages, all or none (undefined when any is not theirs, §9.3). */
  async delete(handle: string, messageIds: readonly string[]): Promise<number | undefined> {
    const user = await this.store.getUser(handle);
    if (user === undefined) return undefined;
    const deleted = await this.store.deleteOims(user.id, messageIds);
    if (deleted !== undefined && deleted > 0) this.onDeleted?.(handle, deleted);
    return deleted;
  }

  private senderWindow(sender: string): SlidingWindow {
    let w = this.senders.get(sender);
    if (w === undefined) {
      // Bounded by the number of accounts that ever sent; idle windows are dropped as others arrive.
      if (this.senders.size >= 10_000) this.senders.clear();
      w = new SlidingWindow(this.limits.sendsPerMinute, 60_000, this.now);
      this.senders.set(sender, w);
    }
    return w;
  }
}
