/**
 * Contacts' display pictures for the windows (issue 10): when a contact announces a new MSNObject,
 * fetch it over P2P (the client core dedupes, verifies by SHA1D and caches on disk) once the
 * contact is on my list and online, a few at a time, and hand it on as a `data:` URL of its sniffed
 * type (PNG, JPEG, GIF or BMP only). A contact who drops their picture goes back to the default.
 */
import type { AppEvent } from '../../../shared/ipc';
import type { PicturePort } from '../client-port';

/** Fetches running at once: a sign-in with a full list must not open dozens of switchboards. */
export const PICTURE_FETCH_CONCURRENCY = 3;

const PICTURE_MIMES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/bmp']);

export interface ContactPicturesDeps {
  readonly port: PicturePort;
  /** On my contact list (forward list) and online now: worth a switchboard. */
  readonly isFetchable: (handle: string) => boolean;
  readonly emit: (event: AppEvent) => void;
  readonly warn?: (message: string) => void;
  readonly concurrency?: number;
}

export class ContactPictures {
  /** Announced and not fetched yet (waiting for a slot, or for the contact to be fetchable). */
  private readonly waiting = new Set<string>();
  private readonly running = new Set<string>();
  /** What each contact shows now (by SHA1D), so a repeat announcement costs nothing. */
  private readonly shown = new Map<string, string>();
  private readonly unsubscribe: () => void;
  private disposed = false;

  constructor(private readonly deps: ContactPicturesDeps) {
    this.unsubscribe = deps.port.onChanged((handle, hasPicture) => this.onChanged(handle.toLowerCase(), hasPicture));
  }

  /** The list or someone's presence changed: a waiting contact may be fetchable now. */
  recheck(): void {
    if (this.waiting.size > 0) this.pump();
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    this.waiting.clear();
  }

  private onChanged(handle: string, hasPicture: boolean): void {
    if (!hasPicture) {
      this.waiting.delete(handle);
      if (this.shown.delete(handle)) this.deps.emit({ type: 'picture.changed', handle, dataUrl: null });
      return;
    }
    this.waiting.add(handle);
    // The announcement comes inside the presence line's handling, before the list shows the
    // contact online: look once that has settled.
    setImmediate(() => this.pump());
  }

  private pump(): void {
    const limit = this.deps.concurrency ?? PICTURE_FETCH_CONCURRENCY;
    for (const handle of [...this.waiting]) {
      if (this.disposed || this.running.size >= limit) return;
      if (this.running.has(handle) || !this.deps.isFetchable(handle)) continue;
      const sha1d = this.deps.port.currentSha1d(handle);
      this.waiting.delete(handle);
      if (sha1d === undefined || this.shown.get(handle) === sha1d) continue;
      this.running.add(handle);
      void this.fetchOne(handle).finally(() => {
        this.running.delete(handle);
        this.pump();
      });
    }
  }

  private async fetchOne(handle: string): Promise<void> {
    try {
      const picture = await this.deps.port.fetch(handle);
      // A newer announcement came while this one travelled: that one is (or will be) fetched.
      if (this.disposed || this.deps.port.currentSha1d(handle) !== picture.sha1d) return;
      if (!PICTURE_MIMES.has(picture.mime)) return;
      this.shown.set(handle, picture.sha1d);
      const dataUrl = `data:${picture.mime};base64,${Buffer.from(picture.bytes).toString('base64')}`;
      this.deps.emit({ type: 'picture.changed', handle, dataUrl });
    } catch (e) {
      // The default picture stays; the next announcement tries again.
      if (!this.disposed) this.deps.warn?.(`Display picture of ${handle}: ${(e as Error).message}`);
    }
  }
}
