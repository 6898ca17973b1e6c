/**
 * Custom emoticons in the history view (issue 10): a logged message keeps which image each of its
 * shortcuts stood for (by SHA1D); when a page of history goes to a window, the images among them
 * that are in the local emoticon cache (verified there: hash, size, image type) are handed on as
 * `emoticon.ready`, exactly as a live message's are, so the window draws them the same way. What
 * is not cached stays the shortcut's text; nothing is fetched from anyone for an old message.
 */
import type { AppEvent, HistoryEntryInfo } from '../../../shared/ipc';
import type { EmoticonCache } from './emoticon-cache';

/** Distinct images looked up for one page at most (a page holds at most 500 entries). */
export const MAX_HISTORY_EMOTICON_LOOKUPS = 128;
/**
 * Distinct images put in one HTML export at most: each is at most 64 KiB, so the file stays
 * under 32 MB however many a log used (past this, the shortcuts stay text).
 */
export const MAX_EXPORT_EMOTICONS = 512;

/**
 * The images of the custom emoticons `entries` used, for an HTML export (SHA1D → `data:` URL):
 * those the windows have (`known`: a contact's this session, or one of mine) and those in the
 * local cache (verified there); nothing is fetched from anyone.
 */
export async function emoticonImagesFor(
  entries: Iterable<HistoryEntryInfo>,
  cache: Pick<EmoticonCache, 'read'> | null,
  known: (sha1d: string) => string | undefined,
): Promise<Map<string, string>> {
  const images = new Map<string, string>();
  const wanted = new Set<string>();
  for (const e of entries) {
    if (e.kind !== 'message' || e.emoticons === undefined) continue;
    for (const sha1d of Object.values(e.emoticons)) {
      if (images.has(sha1d) || wanted.has(sha1d)) continue;
      if (images.size + wanted.size >= MAX_EXPORT_EMOTICONS) break;
      const url = known(sha1d);
      if (url !== undefined) images.set(sha1d, url);
      else wanted.add(sha1d);
    }
  }
  if (cache !== null) {
    for (const sha1d of wanted) {
      const image = await cache.read(sha1d).catch(() => undefined);
      if (image !== undefined) images.set(sha1d, `data:${image.mime};base64,${Buffer.from(image.bytes).toString('base64')}`);
    }
  }
  return images;
}

export interface HistoryEmoticonsDeps {
  readonly cache: Pick<EmoticonCache, 'read'>;
  /** Whether the windows have this image already (a contact's this session, or one of mine). */
  readonly isShown: (sha1d: string) => boolean;
  readonly emit: (event: AppEvent) => void;
  readonly warn?: (message: string) => void;
}

export class HistoryEmoticons {
  /** Being read now (two pages asked at once read a file once). */
  private readonly reading = new Set<string>();

  constructor(private readonly deps: HistoryEmoticonsDeps) {}

  /** Looks up the images `entries` use that windows do not have yet; resolves when done. */
  async show(entries: readonly HistoryEntryInfo[]): Promise<void> {
    const wanted = new Set<string>();
    for (const e of entries) {
      if (e.kind !== 'message' || e.emoticons === undefined) continue;
      for (const sha1d of Object.values(e.emoticons)) {
        if (wanted.size >= MAX_HISTORY_EMOTICON_LOOKUPS) break;
        if (!this.reading.has(sha1d) && !this.deps.isShown(sha1d)) wanted.add(sha1d);
      }
    }
    await Promise.all([...wanted].map((sha1d) => this.showOne(sha1d)));
  }

  private async showOne(sha1d: string): Promise<void> {
    this.reading.add(sha1d);
    try {
      const image = await this.deps.cache.read(sha1d);
      if (image !== undefined && !this.deps.isShown(sha1d)) {
        this.deps.emit({ type: 'emoticon.ready', sha1d, dataUrl: `data:${image.mime};base64,${Buffer.from(image.bytes).toString('base64')}` });
      }
    } catch (e) {
      this.deps.warn?.(`Emoticon cache: ${(e as Error).message}`);
    } finally {
      this.reading.delete(sha1d);
    }
  }
}
