/**
 * Unread counts per conversation, and their total for the taskbar/dock badge and the tray.
 */
export class UnreadCounter {
  private readonly counts = new Map<string, number>();
  private readonly listeners = new Set<(total: number) => void>();

  /** One more unread entry in `conversationId` (from `NotificationDecision.unreadConversationId`). */
  add(conversationId: string | null): void {
    if (conversationId === null) return;
    this.counts.set(conversationId, (this.counts.get(conversationId) ?? 0) + 1);
    this.emit();
  }

  /** The user opened or focused the conversation (or it closed). */
  markRead(conversationId: string): void {
    if (this.counts.delete(conversationId)) this.emit();
  }

  clear(): void {
    if (this.counts.size === 0) return;
    this.counts.clear();
    this.emit();
  }

  get(conversationId: string): number {
    return this.counts.get(conversationId) ?? 0;
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** The badge text: '' for none, '99+' above 99. */
  get badge(): string {
    const t = this.total;
    return t === 0 ? '' : t > 99 ? '99+' : String(t);
  }

  subscribe(listener: (total: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    const t = this.total;
    for (const l of this.listeners) l(t);
  }
}
