/**
 * Display pictures (MSNP-P2P.md §5, MSNP.md §2.9) on top of the P2P manager:
 * - mine: the bytes (PNG/JPEG/GIF/BMP, ≤ 1 MB) and the MSNObject describing them (SHA1D, SHA1C),
 *   announced in `CHG` from MSNP9 on and served to whoever asks for it by SHA1D; the last few
 *   pictures stay servable, since a peer may ask for one it saw a moment ago (§5.2);
 * - contacts': the MSNObject each announced in `ILN`/`NLN`, and `fetch(handle)`, which gets the bytes
 *   over P2P and hands them out only if the size and SHA1D match and the magic bytes say PNG,
 *   JPEG, GIF or BMP. Fetches of the same object share one transfer; results are kept by SHA1D in
 *   memory (bounded) and, when a directory is given, on disk (content-addressed, re-verified on read).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildMsnObject,
  computeSha1d,
  EMPTY_FRIENDLY,
  isCodecError,
  MsnObjectType,
  normalizeHandle,
  parseMsnObject,
  type MsnObject,
} from '../../../../shared/msnp';
import { TypedEmitter } from '../emitter';
import { P2pError } from './errors';
import { MAX_PICTURE_BYTES, sniffPicture, type PictureMime } from './image';
import type { P2pManager, PublishedObject } from './manager';

export interface Picture {
  readonly sha1d: string;
  readonly mime: PictureMime;
  readonly bytes: Uint8Array;
}

export interface ContactPicture extends Picture {
  readonly handle: string;
}

export interface PictureEvents {
  /** A contact announced another MSNObject (or none): their picture is worth fetching again. */
  changed: { readonly handle: string; readonly object: MsnObject | undefined };
}

/** Pictures of mine kept servable after a change. */
const KEEP_PUBLISHED = 4;
/** Fetched pictures kept in memory, by SHA1D. */
const MEMORY_CACHE_ENTRIES = 64;

export interface PicturesDeps {
  readonly manager: () => P2pManager;
  /** My handle, or undefined before the first sign-in. */
  readonly me: () => string | undefined;
  /** Re-announce my presence (CHG with the new MSNObject) when signed in. */
  readonly announce: () => Promise<void>;
  /** Directory for the content-addressed cache; none = memory only. */
  readonly cacheDir?: string;
  /** Retries of a fetch whose switchboard could not be opened or went away (default 1). */
  readonly retries?: number;
}

export class Pictures {
  readonly events = new TypedEmitter<PictureEvents>();
  private mine: PublishedObject | undefined;
  private mineRaw: Uint8Array | undefined;
  private readonly published: PublishedObject[] = [];
  /** Contacts' MSNObjects as announced: handle → { object, xml }. */
  private readonly objects = new Map<string, { object: MsnObject; xml: string }>();
  private readonly memory = new Map<string, Picture>();
  private readonly inFlight = new Map<string, Promise<Picture>>();

  constructor(private readonly deps: PicturesDeps) {}

  /** My MSNObject (XML, not URL-encoded) for `CHG`, or undefined when I have no picture. */
  get myObjectXml(): string | undefined {
    return this.mine?.xml;
  }

  /** My current picture, if any. */
  get myPicture(): Picture | undefined {
    const m = this.mine;
    if (m === undefined) return undefined;
    return { sha1d: m.object.sha1d, mime: sniffPicture(m.data) as PictureMime, bytes: m.data };
  }

  /**
   * Set (or with null, clear) my display picture. The bytes must be a PNG, JPEG, GIF or BMP of at
   * most 1 MB; cropping and scaling are the caller's. Announced at once when signed in (MSNP9+).
   */
  async setMine(bytes: Uint8Array | null): Promise<Picture | undefined> {
    if (bytes === null) {
      this.mine = undefined;
      this.mineRaw = undefined;
      await this.deps.announce();
      return undefined;
    }
    if (bytes.length === 0 || bytes.length > MAX_PICTURE_BYTES) throw new P2pError('bad-data', `a display picture must be 1 to ${MAX_PICTURE_BYTES} bytes`);
    const mime = sniffPicture(bytes);
    if (mime === undefined) throw new P2pError('bad-data', 'a display picture must be a PNG, JPEG, GIF or BMP image');
    this.mineRaw = bytes.slice();
    this.rebuildMine();
    await this.deps.announce();
    return this.myPicture;
  }

  /** A new session (maybe another account): my MSNObject names me as its Creator. */
  onSignedIn(): void {
    if (this.mineRaw !== undefined) this.rebuildMine();
    this.objects.clear();
  }

  /** Served to peers: the picture I publish (or published lately) with this SHA1D. */
  findPublished(sha1d: string, type: number): PublishedObject | undefined {
    if (type !== MsnObjectType.DISPLAY_PICTURE) return undefined;
    return this.published.find((p) => p.object.sha1d === sha1d);
  }

  /** From `ILN`/`NLN` (MSNP9+): the contact's MSNObject, URL-decoded; `0`/absent = none. */
  noteContactObject(rawHandle: string, xml: string | undefined): void {
    const handle = normalizeHandle(rawHandle);
    const parsed = xml === undefined ? undefined : parseMsnObject(xml);
    const object = parsed === undefined || isCodecError(parsed) || parsed.type !== MsnObjectType.DISPLAY_PICTURE ? undefined : parsed;
    const before = this.objects.get(handle);
    if (before?.object.sha1d === object?.sha1d && before?.object.creator === object?.creator) return;
    if (object === undefined) this.objects.delete(handle);
    else this.objects.set(handle, { object, xml: (xml as string).trim() });
    this.events.emit('changed', { handle, object });
  }

  /** The MSNObject a contact announces, if any. */
  objectOf(handle: string): MsnObject | undefined {
    return this.objects.get(normalizeHandle(handle))?.object;
  }

  /**
   * The contact's current picture: from the cache when its SHA1D is known, else over P2P.
   * Rejects with a P2pError (`no-object`, `declined`, `timeout`, `disconnected`, `unreachable`,
   * `bad-data` …).
   */
  async fetch(handle: string): Promise<ContactPicture> {
    const h = normalizeHandle(handle);
    const entry = this.objects.get(h);
    if (entry === undefined) throw new P2pError('no-object', `${h} has no display picture`);
    const { object, xml } = entry;
    if (normalizeHandle(object.creator) !== h) throw new P2pError('bad-data', `${h}'s picture names ${object.creator} as its creator`);
    const key = object.sha1d;
    const cached = this.memory.get(key) ?? (await this.readDisk(key));
    if (cached !== undefined) return { handle: h, ...cached };
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.download(object, xml).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return { handle: h, ...(await pending) };
  }

  private async download(object: MsnObject, xml: string): Promise<Picture> {
    const retries = this.deps.retries ?? 1;
    for (let attempt = 0; ; attempt++) {
      try {
        const bytes = await this.deps.manager().fetchObject(object, xml, MAX_PICTURE_BYTES);
        const mime = sniffPicture(bytes);
        if (mime === undefined) throw new P2pError('bad-data', `${object.creator}'s picture is not a PNG, JPEG, GIF or BMP image`);
        const picture: Picture = { sha1d: object.sha1d, mime, bytes };
        this.remember(picture);
        await this.writeDisk(picture).catch(() => undefined);
        return picture;
      } catch (err) {
        // Only a transport failure is worth another go; a "no", a timeout or bad bytes are final.
        if (!(err instanceof P2pError) || err.code !== 'unreachable' || attempt >= retries) throw err;
      }
    }
  }

  private rebuildMine(): void {
    const me = this.deps.me();
    const raw = this.mineRaw;
    if (me === undefined || raw === undefined) return;
    const sha1d = computeSha1d(raw);
    // Location 0 and an empty Friendly: nothing about our files leaks (§5.5, §12).
    const xml = buildMsnObject({ creator: me, size: raw.length, type: MsnObjectType.DISPLAY_PICTURE, location: '0', friendly: EMPTY_FRIENDLY, sha1d });
    const object = parseMsnObject(xml) as MsnObject;
    const mine: PublishedObject = { object, xml, data: raw };
    this.mine = mine;
    const i = this.published.findIndex((p) => p.object.sha1d === sha1d);
    if (i >= 0) this.published.splice(i, 1);
    this.published.unshift(mine);
    this.published.length = Math.min(this.published.length, KEEP_PUBLISHED);
  }

  private remember(p: Picture): void {
    this.memory.delete(p.sha1d);
    this.memory.set(p.sha1d, p);
    if (this.memory.size > MEMORY_CACHE_ENTRIES) {
      const oldest = this.memory.keys().next().value;
      if (oldest !== undefined) this.memory.delete(oldest);
    }
  }

  /** File name for a SHA1D: its base64 made file-safe (`/` → `_`, `+` → `-`). */
  private diskPath(sha1d: string): string | undefined {
    const dir = this.deps.cacheDir;
    if (dir === undefined || !/^[A-Za-z0-9+/]{27}=$/.test(sha1d)) return undefined;
    return join(dir, sha1d.replace(/\//g, '_').replace(/\+/g, '-').replace(/=$/, ''));
  }

  private async readDisk(sha1d: string): Promise<Picture | undefined> {
    const path = this.diskPath(sha1d);
    if (path === undefined) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch {
      return undefined;
    }
    // The file is only trusted if it still hashes to its name and is still an image.
    const mime = sniffPicture(bytes);
    if (bytes.length > MAX_PICTURE_BYTES || mime === undefined || computeSha1d(bytes) !== sha1d) return undefined;
    const p: Picture = { sha1d, mime, bytes };
    this.remember(p);
    return p;
  }

  private async writeDisk(p: Picture): Promise<void> {
    const path = this.diskPath(p.sha1d);
    if (path === undefined || this.deps.cacheDir === undefined) return;
    await mkdir(this.deps.cacheDir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, p.bytes);
    await rename(tmp, path);
  }
}
