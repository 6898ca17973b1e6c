/**
 * Custom emoticons (MSNP-P2P.md §6): mine are defined here (shortcut ≤ 7 characters + an image),
 * announced in a `text/x-mms-emoticon` message right before a text that uses them, and served over
 * P2P as MSNObject type 2; contacts' are learnt from their announcements and fetched over P2P
 * like pictures, verified by Size and SHA1D, images by magic bytes only, at most 64 KiB each.
 */
import {
  buildMessage,
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
import { sniffPicture, type PictureMime } from './image';
import type { P2pManager, PublishedObject } from './manager';

/** §6.2: a practical cap (Monarch's choice, §15.16). */
export const MAX_EMOTICON_BYTES = 64 * 1024;
/** The classic client's shortcut limit. */
export const MAX_SHORTCUT_LENGTH = 7;
/** Announced emoticons remembered per contact. */
const MAX_REMEMBERED_PER_CONTACT = 64;

export interface AnnouncedEmoticon {
  readonly shortcut: string;
  readonly object: MsnObject;
}

export interface EmoticonEvents {
  /** A contact announced custom emoticons for the text that follows (§6.1). */
  announced: { readonly conversationId: string; readonly sender: string; readonly emoticons: readonly AnnouncedEmoticon[] };
}

export interface Emoticon {
  readonly shortcut: string;
  readonly sha1d: string;
  readonly mime: PictureMime;
  readonly bytes: Uint8Array;
}

export interface EmoticonsDeps {
  readonly manager: () => P2pManager;
  readonly me: () => string | undefined;
}

export class Emoticons {
  readonly events = new TypedEmitter<EmoticonEvents>();
  private readonly mine = new Map<string, Uint8Array>();
  private readonly theirs = new Map<string, Map<string, { object: MsnObject; xml: string }>>();
  private readonly inFlight = new Map<string, Promise<Emoticon>>();

  constructor(private readonly deps: EmoticonsDeps) {}

  /** Define (or replace) one of mine. */
  define(shortcut: string, bytes: Uint8Array): void {
    if (shortcut.length === 0 || [...shortcut].length > MAX_SHORTCUT_LENGTH || /[\t\r\n\0]/.test(shortcut)) {
      throw new P2pError('bad-data', `an emoticon shortcut is 1 to ${MAX_SHORTCUT_LENGTH} characters without tabs or line breaks`);
    }
    if (bytes.length === 0 || bytes.length > MAX_EMOTICON_BYTES) throw new P2pError('bad-data', `an emoticon image is 1 to ${MAX_EMOTICON_BYTES} bytes`);
    if (sniffPicture(bytes) === undefined) throw new P2pError('bad-data', 'an emoticon must be a PNG, JPEG, GIF or BMP image');
    this.mine.set(shortcut, bytes.slice());
  }

  remove(shortcut: string): boolean {
    return this.mine.delete(shortcut);
  }

  shortcuts(): string[] {
    return [...this.mine.keys()];
  }

  /**
   * The `text/x-mms-emoticon` message for the shortcuts `text` uses (§6.1: shortcut TAB msnobj TAB
   * per emoticon, the object raw), or undefined when it uses none.
   */
  announcementFor(text: string): Uint8Array | undefined {
    const items: { shortcut: string; msnObject: string }[] = [];
    for (const shortcut of this.mine.keys()) {
      if (!text.includes(shortcut)) continue;
      const p = this.publishedFor(shortcut);
      if (p !== undefined) items.push({ shortcut, msnObject: p.xml });
    }
    if (items.length === 0) return undefined;
    return buildMessage({ kind: 'emoticons', animated: false, items });
  }

  /** Served to peers: one of my emoticons by SHA1D (MSNObject type 2). */
  findPublished(sha1d: string, type: number): PublishedObject | undefined {
    if (type !== MsnObjectType.CUSTOM_EMOTICON) return undefined;
    for (const shortcut of this.mine.keys()) {
      const p = this.publishedFor(shortcut);
      if (p?.object.sha1d === sha1d) return p;
    }
    return undefined;
  }

  /** From a conversation: `sender` announced these (raw items of the codec's `emoticons` message). */
  onAnnouncement(conversationId: string, rawSender: string, items: readonly { shortcut: string; msnObject: string }[]): void {
    const sender = normalizeHandle(rawSender);
    const known = this.theirs.get(sender) ?? new Map<string, { object: MsnObject; xml: string }>();
    const emoticons: AnnouncedEmoticon[] = [];
    for (const it of items) {
      // §6.1: libpurple URL-encodes the object; the official client sends it raw.
      let xml = it.msnObject.trim();
      if (/^%3c/i.test(xml)) {
        try {
          xml = decodeURIComponent(xml);
        } catch {
          continue;
        }
      }
      const o = parseMsnObject(xml);
      if (o === undefined || isCodecError(o)) continue;
      // Only the sender's own type-2 objects of a sane size (§6.1, §12).
      if (o.type !== MsnObjectType.CUSTOM_EMOTICON || normalizeHandle(o.creator) !== sender || o.size <= 0 || o.size > MAX_EMOTICON_BYTES) continue;
      if (it.shortcut.length === 0 || it.shortcut.length > 32) continue;
      known.delete(it.shortcut);
      known.set(it.shortcut, { object: o, xml });
      emoticons.push({ shortcut: it.shortcut, object: o });
    }
    while (known.size > MAX_REMEMBERED_PER_CONTACT) {
      const oldest = known.keys().next().value;
      if (oldest === undefined) break;
      known.delete(oldest);
    }
    if (known.size > 0) this.theirs.set(sender, known);
    if (emoticons.length > 0) this.events.emit('announced', { conversationId, sender, emoticons });
  }

  /** A contact's announced emoticon, over P2P (shared by concurrent callers); rejects with a P2pError. */
  async fetch(sender: string, shortcut: string): Promise<Emoticon> {
    const entry = this.theirs.get(normalizeHandle(sender))?.get(shortcut);
    if (entry === undefined) throw new P2pError('no-object', `${sender} has announced no emoticon ${shortcut}`);
    const key = entry.object.sha1d;
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.download(entry.object, entry.xml, shortcut).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return { ...(await pending), shortcut };
  }

  private async download(object: MsnObject, xml: string, shortcut: string): Promise<Emoticon> {
    const bytes = await this.deps.manager().fetchObject(object, xml, MAX_EMOTICON_BYTES);
    const mime = sniffPicture(bytes);
    if (mime === undefined) throw new P2pError('bad-data', `${object.creator}'s emoticon is not a PNG, JPEG, GIF or BMP image`);
    return { shortcut, sha1d: object.sha1d, mime, bytes };
  }

  private publishedFor(shortcut: string): PublishedObject | undefined {
    const me = this.deps.me();
    const data = this.mine.get(shortcut);
    if (me === undefined || data === undefined) return undefined;
    const xml = buildMsnObject({ creator: me, size: data.length, type: MsnObjectType.CUSTOM_EMOTICON, location: '0', friendly: EMPTY_FRIENDLY, sha1d: computeSha1d(data) });
    return { object: parseMsnObject(xml) as MsnObject, xml, data };
  }
}
