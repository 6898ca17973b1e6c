/**
 * MSNObject (MSNP9+, MSNP.md §2.9): one XML element describing a piece of user content (display
 * picture, custom emoticon, wink …), carried URL-encoded as the last parameter of `CHG`/`ILN`/`NLN`
 * and inside custom-emoticon and datacast messages. The object is metadata only; the server stores
 * and relays the string, clients fetch the bytes over P2P.
 *
 *   <msnobj Creator="buddy1@hotmail.com" Size="24539" Type="3" Location="TFR2C.tmp" Friendly="AAA="
 *           SHA1D="trC8SlFx2sWQxZMIBAWSEnXc8oQ=" SHA1C="U32o6bosZzluJq82eAtMpx5dIEI="/>
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { base64Decode, base64Encode, utf8Bytes } from './bytes';
import { codecError, type CodecError } from './errors';

/** `Type` values (MSNP.md §2.9; the fuller list of MSNP-P2P.md §5.5). */
export const MsnObjectType = {
  CUSTOM_EMOTICON: 2,
  DISPLAY_PICTURE: 3,
  BACKGROUND_SHARING: 4,
  BACKGROUND: 5,
  DYNAMIC_DISPLAY_PICTURE: 7,
  WINK: 8,
  VOICE_CLIP: 11,
  SAVED_STATE: 12,
  LOCATION: 14,
} as const;

export interface MsnObject {
  readonly creator: string;
  readonly size: number;
  readonly type: number;
  readonly location: string;
  /** Base64 of a NUL-terminated UTF-16LE name; `AAA=` is the empty name. */
  readonly friendly: string;
  /** base64(SHA-1(data)). */
  readonly sha1d: string;
  /** base64(SHA-1 of the other fields); absent in a few old objects. */
  readonly sha1c?: string | undefined;
  /** Every attribute in document order, including ones this type does not name (`Stamp`, `AvatarID` …). */
  readonly attributes: ReadonlyMap<string, string>;
}

export interface MsnObjectInit {
  readonly creator: string;
  readonly size: number;
  readonly type: number;
  readonly location: string;
  /** Default: the empty name (`AAA=`). Use `encodeMsnObjectFriendly` for a real name. */
  readonly friendly?: string;
  readonly sha1d: string;
}

/**
 * Parse an MSNObject (already URL-decoded). `0` and the empty string mean "none" (§2.9: clients
 * sometimes send `0`) and give undefined. Anything that is not one `<msnobj …/>` element with the
 * required attributes is a BAD_PARAM value.
 */
export function parseMsnObject(xml: string): MsnObject | undefined | CodecError {
  const s = xml.trim();
  if (s === '' || s === '0') return undefined;
  const attributes = scanAttributes(s);
  if (attributes === undefined) return codecError('BAD_PARAM', 'not an <msnobj/> element', s);
  const creator = attributes.get('Creator');
  const size = attributes.get('Size');
  const type = attributes.get('Type');
  const sha1d = attributes.get('SHA1D');
  if (creator === undefined || size === undefined || type === undefined || sha1d === undefined) {
    return codecError('BAD_PARAM', 'MSNObject lacks Creator, Size, Type or SHA1D', s);
  }
  if (!/^\d{1,15}$/.test(size) || !/^\d{1,5}$/.test(type)) {
    return codecError('BAD_PARAM', 'MSNObject Size or Type is not a number', s);
  }
  return {
    creator,
    size: Number(size),
    type: Number(type),
    location: attributes.get('Location') ?? '0',
    friendly: attributes.get('Friendly') ?? EMPTY_FRIENDLY,
    sha1d,
    sha1c: attributes.get('SHA1C'),
    attributes,
  };
}

/**
 * The attributes of `<msnobj a="…" b='…'/>` (or `<msnobj …></msnobj>`), in order; undefined when
 * the text is anything else. A linear scan, not a backtracking regex: the text comes from peers.
 */
function scanAttributes(s: string): Map<string, string> | undefined {
  if (!s.startsWith('<msnobj')) return undefined;
  const attributes = new Map<string, string>();
  let i = 7;
  for (;;) {
    const beforeSpace = i;
    while (i < s.length && isXmlSpace(s.charCodeAt(i))) i++;
    if (s.startsWith('/>', i)) {
      i += 2;
      break;
    }
    if (s[i] === '>') {
      i += 1;
      while (i < s.length && isXmlSpace(s.charCodeAt(i))) i++;
      if (!s.startsWith('</msnobj>', i)) return undefined;
      i += 9;
      break;
    }
    if (i === beforeSpace) return undefined; // attributes must be separated by whitespace
    const nameStart = i;
    while (i < s.length && /[\w.:-]/.test(s[i] as string)) i++;
    if (i === nameStart) return undefined;
    const name = s.slice(nameStart, i);
    while (i < s.length && isXmlSpace(s.charCodeAt(i))) i++;
    if (s[i] !== '=') return undefined;
    i++;
    while (i < s.length && isXmlSpace(s.charCodeAt(i))) i++;
    const quote = s[i];
    if (quote !== '"' && quote !== "'") return undefined;
    const close = s.indexOf(quote, i + 1);
    if (close < 0) return undefined;
    if (!attributes.has(name)) attributes.set(name, unescapeXml(s.slice(i + 1, close)));
    i = close + 1;
  }
  return i === s.length ? attributes : undefined;
}

function isXmlSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The empty friendly name: base64 of a lone UTF-16 NUL. */
export const EMPTY_FRIENDLY = 'AAA=';

/**
 * SHA1C (§2.9): base64(SHA-1("Creator" + v + "Size" + v + "Type" + v + "Location" + v +
 * "Friendly" + v + "SHA1D" + v)), names and values concatenated without separators.
 */
export function computeSha1c(o: MsnObjectInit): string {
  const friendly = o.friendly ?? EMPTY_FRIENDLY;
  const text =
    `Creator${o.creator}Size${o.size}Type${o.type}Location${o.location}` + `Friendly${friendly}SHA1D${o.sha1d}`;
  return base64Encode(sha1(utf8Bytes(text)));
}

/** SHA1D for the object's data bytes. */
export function computeSha1d(data: Uint8Array): string {
  return base64Encode(sha1(data));
}

/** Does the object's SHA1C match its fields? (A tampered or garbled object does not.) */
export function verifySha1c(o: MsnObject): boolean {
  return o.sha1c === undefined || o.sha1c === computeSha1c(o);
}

/** Build the element in the official attribute order, computing SHA1C. Not URL-encoded. */
export function buildMsnObject(o: MsnObjectInit): string {
  const friendly = o.friendly ?? EMPTY_FRIENDLY;
  if (!Number.isInteger(o.size) || o.size < 0 || !Number.isInteger(o.type) || o.type < 0) {
    throw new RangeError('MSNObject size and type must be non-negative integers');
  }
  return (
    `<msnobj Creator="${escapeXmlAttr(o.creator)}" Size="${o.size}" Type="${o.type}" ` +
    `Location="${escapeXmlAttr(o.location)}" Friendly="${escapeXmlAttr(friendly)}" ` +
    `SHA1D="${escapeXmlAttr(o.sha1d)}" SHA1C="${escapeXmlAttr(computeSha1c({ ...o, friendly }))}"/>`
  );
}

/**
 * A parsed object written back from its attributes, in document order and XML-escaped (SHA1C is
 * not recomputed and attributes this type does not name are kept, unlike `buildMsnObject`). It
 * gives back an object in the official form (§2.9) character for character; for other spellings
 * (single quotes, extra spaces, `&#…;` references) relay the received token with `verbatim`.
 */
export function formatMsnObject(o: MsnObject): string {
  let s = '<msnobj';
  for (const [name, value] of o.attributes) s += ` ${name}="${escapeXmlAttr(value)}"`;
  return `${s}/>`;
}

/** `Friendly` value for a name: base64 of the NUL-terminated UTF-16LE string (§2.9). */
export function encodeMsnObjectFriendly(name: string): string {
  const units = new Uint8Array((name.length + 1) * 2);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    units[i * 2] = c & 0xff;
    units[i * 2 + 1] = c >> 8;
  }
  return base64Encode(units);
}

/** The name inside a `Friendly` value; '' when it is empty or not valid base64. */
export function decodeMsnObjectFriendly(friendly: string): string {
  const bytes = base64Decode(friendly);
  if (bytes === undefined) return '';
  let s = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const c = (bytes[i] as number) | ((bytes[i + 1] as number) << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

export function escapeXmlAttr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] as string);
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Undo XML escapes: the five named entities and numeric references; unknown entities stay literal. */
export function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos);/g, (whole, ent: string) => {
    if (ent.startsWith('#')) {
      const cp = ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : whole;
    }
    return NAMED[ent] ?? whole;
  });
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
