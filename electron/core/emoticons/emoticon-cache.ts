/**
 * Contacts' custom emoticons on disk (issue 10: "cache it like pictures"): content-addressed by
 * SHA1D, one file per image under `<data>/emoticons/cache`, so an emoticon seen once is never
 * fetched again. A file is only trusted if it still hashes to its name, is at most 64 KiB and is
 * still a PNG, JPEG, GIF or BMP by its magic bytes; anything else reads as a miss.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeSha1d } from '../../../shared/msnp';
import { MAX_EMOTICON_BYTES } from '../msn/p2p/emoticons';
import { sniffPicture, type PictureMime } from '../msn/p2p/image';

export interface CachedEmoticon {
  readonly sha1d: string;
  readonly mime: PictureMime;
  readonly bytes: Uint8Array;
}

/** A SHA1D is the base64 of 20 bytes: 27 characters and one `=`. */
const SHA1D = /^[A-Za-z0-9+/]{27}=$/;

export class EmoticonCache {
  constructor(private readonly dir: string) {}

  async read(sha1d: string): Promise<CachedEmoticon | undefined> {
    const path = this.pathOf(sha1d);
    if (path === undefined) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch {
      return undefined;
    }
    const mime = sniffPicture(bytes);
    if (bytes.length > MAX_EMOTICON_BYTES || mime === undefined || computeSha1d(bytes) !== sha1d) return undefined;
    return { sha1d, mime, bytes };
  }

  /** Keeps verified bytes (the caller checked them against their SHA1D); atomic, by rename. */
  async write(e: CachedEmoticon): Promise<void> {
    const path = this.pathOf(e.sha1d);
    if (path === undefined) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, e.bytes, { mode: 0o600 });
    await rename(tmp, path);
  }

  /** File name for a SHA1D: its base64 made file-safe (`/` → `_`, `+` → `-`). */
  private pathOf(sha1d: string): string | undefined {
    if (!SHA1D.test(sha1d)) return undefined;
    return join(this.dir, sha1d.replace(/\//g, '_').replace(/\+/g, '-').replace(/=$/, ''));
  }
}
