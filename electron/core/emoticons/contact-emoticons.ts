/**
 * Contacts' custom emoticons for the windows (issue 10): every announcement is forwarded at once
 * (`emoticon.announced`, so the transcript knows which shortcuts of the next message are
 * emoticons and shows them as text meanwhile), then each image not seen yet is taken from the
 * disk cache or fetched over P2P (the client core verifies size and SHA1D), a few at a time, and
 * handed on as a `data:` URL of its sniffed type (`emoticon.ready`). One that cannot be fetched,
 * or is not an image, stays text.
 */
import { computeSha1d } from '../../../shared/msnp';
import type { AppEvent } from '../../../shared/ipc';
import type { EmoticonPort } from '../client-port';
import type { CachedEmoticon, EmoticonCache } from './emoticon-cache';

/** Fetches running at once (each may open a switchboard). */
export const EMOTICON_FETCH_CONCURRENCY = 3;
/** Images waiting for a slot; more are left as text (a flood of announcements costs nothing more). */
export const MAX_EMOTICONS_WAITING = 64;

const IMAGE_MIMES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/bmp']);

export interface ContactEmoticonsDeps {
  readonly port: EmoticonPort;
  readonly cache: Pick<EmoticonCache, 'read' | 'write'> | null;
  /** Whether the windows have this image already (the snapshot's `emoticons.images`). */
  readonly isShown: (sha1d: string) => boolean;
  readonly emit: (event: AppEvent) => void;
  readonly warn?: (message: string) => void;
  readonly concurrency?: number;
}

interface Wanted {
  readonly sender: string;
  readonly shortcut: string;
  readonly sha1d: string;
}

export class ContactEmoticons {
  private readonly waiting = new Map<string, Wanted>();
  private readonly running = new Set<string>();
  /** Images that proved bad (not an image, wrong hash): not asked for again this session. */
  private readonly refused = new Set<string>();
  private readonly unsubscribe: () => void;
  private disposed = false;

  constructor(private readonly deps: ContactEmoticonsDeps) {
    this.unsubscribe = deps.port.onAnnounced((e) => this.onAnnounced(e));
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    this.waiting.clear();
  }

  private onAnnounced(e: { conversationId: string; sender: string; emoticons: readonly { shortcut: string; sha1d: string }[] }): void {
    if (this.disposed) return;
    const sender = e.sender.toLowerCase();
    // Synchronously, before the text that uses them reaches the windows.
    this.deps.emit({ type: 'emoticon.announced', conversationId: e.conversationId, sender, emoticons: e.emoticons.map(({ shortcut, sha1d }) => ({ shortcut, sha1d })) });
    for (const { shortcut, sha1d } of e.emoticons) {
      if (this.deps.isShown(sha1d) || this.refused.has(sha1d) || this.running.has(sha1d) || this.waiting.has(sha1d)) continue;
      if (this.waiting.size >= MAX_EMOTICONS_WAITING) break;
      this.waiting.set(sha1d, { sender, shortcut, sha1d });
    }
    this.pump();
  }

  private pump(): void {
    const limit = this.deps.concurrency ?? EMOTICON_FETCH_CONCURRENCY;
    for (const wanted of [...this.waiting.values()]) {
      if (this.disposed || this.running.size >= limit) return;
      this.waiting.delete(wanted.sha1d);
      this.running.add(wanted.sha1d);
      void this.fetchOne(wanted).finally(() => {
        this.running.delete(wanted.sha1d);
        this.pump();
      });
    }
  }

  private async fetchOne(w: Wanted): Promise<void> {
    try {
      let image: CachedEmoticon | undefined = await this.deps.cache?.read(w.sha1d);
      if (image === undefined) {
        const got = await this.deps.port.fetch(w.sender, w.shortcut);
        // The core checked the bytes against the object it had for this shortcut; the object
        // may have changed since this announcement, so check them against this one.
        if (!IMAGE_MIMES.has(got.mime)) {
          this.refused.add(w.sha1d);
          return;
        }
        if (computeSha1d(got.bytes) !== w.sha1d) return;
        image = { sha1d: w.sha1d, mime: got.mime as CachedEmoticon['mime'], bytes: got.bytes };
        await this.deps.cache?.write(image).catch((e: unknown) => this.deps.warn?.(`Emoticon cache: ${(e as Error).message}`));
      }
      if (this.disposed) return;
      this.deps.emit({ type: 'emoticon.ready', sha1d: w.sha1d, dataUrl: `data:${image.mime};base64,${Buffer.from(image.bytes).toString('base64')}` });
    } catch (e) {
      if ((e as { code?: string }).code === 'bad-data') this.refused.add(w.sha1d);
      // The shortcut stays text; the next announcement of this image tries again.
      if (!this.disposed) this.deps.warn?.(`Emoticon ${w.shortcut} of ${w.sender}: ${(e as Error).message}`);
    }
  }
}
