/**
 * Byte and text helpers the codec shares: UTF-8, charset-aware body decoding (MSNP.md §1.7 item 4,
 * §6.5), and base64 (MSNObject `Friendly`/`SHA1D`/`SHA1C`, MSNP.md §2.9). shared/ has no Buffer or
 * btoa, so base64 is written out here; it is small and tested against known vectors.
 */

const encoder = new TextEncoder();
const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Byte length of `s` in UTF-8, without allocating (payload counts are bytes, MSNP.md §1.4). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else n += 3; // BMP character, or a lone surrogate (encoded as U+FFFD, 3 bytes)
  }
  return n;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Windows-1252 (the ANSI code page old clients wrote). Hand-written because Node 20's
 * `TextDecoder('windows-1252')` decodes as ISO-8859-1 (0x80 → U+0080 instead of €); the 0x80–0x9F
 * row is the only difference. The five bytes undefined in 1252 map to the C1 controls, as WHATWG does.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let start = 0; start < bytes.length; start += 8192) {
    const end = Math.min(bytes.length, start + 8192);
    const codes = new Array<number>(end - start);
    for (let i = start; i < end; i++) {
      const b = bytes[i] as number;
      codes[i - start] = b >= 0x80 && b <= 0x9f ? (CP1252_C1[b - 0x80] as number) : b;
    }
    out += String.fromCharCode(...codes);
  }
  return out;
}

const CP1252_C1 = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

/** Strict UTF-8: undefined when the bytes are not valid UTF-8. */
export function utf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return undefined;
  }
}

/** UTF-8 when valid, otherwise Windows-1252 (what old clients sent); never throws. */
export function utf8OrWindows1252(bytes: Uint8Array): string {
  return utf8Strict(bytes) ?? decodeWindows1252(bytes);
}

const decoders = new Map<string, TextDecoder | null>();

/**
 * Decode a message body by its `charset` parameter (MSNP.md §1.7, §6.5): UTF-8 when it says so
 * (malformed sequences become U+FFFD rather than losing the message), Windows-1252 when no charset
 * is given (`text/plain` alone meant the sender's ANSI code page), and any other label the runtime
 * knows (Shift_JIS, GB2312, Big5 …) as itself. An unknown label falls back to Windows-1252.
 */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  if (charset === undefined || charset.trim() === '') return decodeWindows1252(bytes);
  const label = charset.trim().toLowerCase();
  if (label === 'utf-8' || label === 'utf8') return utf8Lenient.decode(bytes);
  let d = decoders.get(label);
  if (d === undefined) {
    try {
      d = new TextDecoder(label);
    } catch {
      d = null;
    }
    if (decoders.size < 32) decoders.set(label, d);
  }
  // Unknown labels, and the labels WHATWG maps to windows-1252 (latin1, iso-8859-1, ascii …).
  if (d === null || d.encoding === 'windows-1252') return decodeWindows1252(bytes);
  return d.decode(bytes);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

/** Standard base64 with `=` padding (RFC 4648 §4). */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return out;
}

/** Decode standard base64 (padding optional, whitespace ignored); undefined when malformed. */
export function base64Decode(s: string): Uint8Array | undefined {
  const clean = s.replace(/[\s]+/g, '').replace(/=+$/, '');
  if (clean.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? (B64_INDEX[c] as number) : -1;
    if (v < 0) return undefined;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out;
}
