/**
 * RFC 2047 encoded words, as OIMs carry names and subjects (`=?utf-8?B?QWxpY2U=?=`, MSNP13-18.md
 * §9.1 `<N>`, §9.2 `friendlyName`, the `From:` of a fetched message).
 */
import { base64Decode, base64Encode, decodeCharset, utf8Bytes } from '../bytes';

/** `=?utf-8?B?…?=` of the text (what Messenger writes). */
export function encodeWord(text: string): string {
  return `=?utf-8?B?${base64Encode(utf8Bytes(text))}?=`;
}

/**
 * Decode every encoded word in `s` (B and Q encodings, any charset `decodeCharset` knows);
 * whitespace between two encoded words is dropped (RFC 2047 §6.2); undecodable words stay as they are.
 */
export function decodeWords(s: string): string {
  return s
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g, (word, charset: string, enc: string, data: string) => {
      const bytes = enc.toUpperCase() === 'B' ? base64Decode(data) : decodeQ(data);
      if (bytes === undefined) return word;
      return decodeCharset(bytes, charset.replace(/\*.*$/, ''));
    });
}

function decodeQ(data: string): Uint8Array | undefined {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i] as string;
    if (c === '_') out.push(0x20);
    else if (c === '=') {
      const hex = data.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(c.charCodeAt(0) & 0xff);
  }
  return Uint8Array.from(out);
}
