/**
 * MSNP13+ offline messages are deleted on the server only once the app has them (issue 12;
 * MSNP13-18.md §9.3, at-least-once): every received message that the history took (or that it was
 * told not to keep, as the user turned logging off) is noted here, and the ids go to the client in
 * batches (`DeleteMessages` per batch, not per message). The client ignores ids that are not
 * offline messages of this session, so every received message may be noted. A message whose history
 * write failed is not noted: the server offers it again at the next sign-in. Ids still waiting when
 * the session ends are sent at once (the web service does not need the NS connection); if that
 * fails, they too come again next time.
 */
export interface OfflineAcksOptions {
  readonly acknowledge: (ids: readonly string[]) => Promise<void>;
  /** How long notes gather into one batch. Default 250 ms (the sign-in listing arrives in a burst). */
  readonly delayMs?: number;
  /** The delete failed; the messages stay on the server and come again next time. */
  readonly onError?: (error: unknown) => void;
}

/** Ours: the most ids in one `DeleteMessages` (the reference sets no limit; bounded anyway). */
const MAX_BATCH = 100;

export class OfflineAcks {
  private readonly pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly options: OfflineAcksOptions) {}

  note(messageId: string): void {
    if (this.disposed) return;
    this.pending.add(messageId);
    this.timer ??= setTimeout(() => this.flush(), this.options.delayMs ?? 250);
  }

  private flush(): void {
    this.timer = undefined;
    const ids = [...this.pending];
    this.pending.clear();
    for (let i = 0; i < ids.length; i += MAX_BATCH) {
      this.options.acknowledge(ids.slice(i, i + MAX_BATCH)).catch((err: unknown) => this.options.onError?.(err));
    }
  }

  /** The session ends: what is still waiting goes now; later notes are ignored. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.pending.size > 0) this.flush();
    this.timer = undefined;
  }
}
