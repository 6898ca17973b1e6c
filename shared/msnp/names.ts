/**
 * Friendly names, group names and other URL-encoded parameters (MSNP.md §1.2, §5.4, §8).
 * Encoding: UTF-8 percent-encoding of everything but unreserved characters, so a name can never
 * carry a space, CR or LF into a command line. Decoding tolerates malformed escapes (kept
 * literally) and falls back to Windows-1252 for bytes that are not UTF-8 (old clients).
 */
import { utf8OrWindows1252 } from './bytes';
import {
  MAX_FRIENDLY_NAME_CHARACTERS,
  MAX_FRIENDLY_NAME_ENCODED_LENGTH,
  MAX_GROUP_NAME_ENCODED_LENGTH,
  MAX_HANDLE_LENGTH,
} from './limits';

const encoder = new TextEncoder();

/** URL-encode a name for the wire (`Alice :)` → `Alice%20%3A)`, as in MSNP.md §9.3). */
export function encodeName(name: string): string {
  return encodeURIComponent(name);
}

/** Decode `%XX` escapes; a `%` not followed by two hex digits stays as it is. Never throws. */
export function decodeName(raw: string): string {
  if (!raw.includes('%')) return raw;
  const bytes: number[] = [];
  let i = 0;
  while (i < raw.length) {
    const cp = raw.codePointAt(i) as number;
    if (cp === 37 /* % */ && isHex(raw.charCodeAt(i + 1)) && isHex(raw.charCodeAt(i + 2))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 3;
    } else if (cp < 0x80) {
      bytes.push(cp);
      i += 1;
    } else {
      const ch = String.fromCodePoint(cp);
      for (const b of encoder.encode(ch)) bytes.push(b);
      i += ch.length;
    }
  }
  return utf8OrWindows1252(Uint8Array.from(bytes));
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export type NameProblem = 'empty' | 'too-long';

/** Friendly name limits: ≤ 387 bytes encoded (server) and ≤ 129 characters (UI) (MSNP.md §5.4). */
export function checkFriendlyName(name: string): NameProblem | undefined {
  if (name.trim().length === 0) return 'empty';
  if ([...name].length > MAX_FRIENDLY_NAME_CHARACTERS) return 'too-long';
  if (encodeName(name).length > MAX_FRIENDLY_NAME_ENCODED_LENGTH) return 'too-long';
  return undefined;
}

/** Group names: ≤ 61 bytes encoded (MSNP.md §4.7). */
export function checkGroupName(name: string): NameProblem | undefined {
  if (name.trim().length === 0) return 'empty';
  if (encodeName(name).length > MAX_GROUP_NAME_ENCODED_LENGTH) return 'too-long';
  return undefined;
}

export type HandleProblem = 'empty' | 'too-long' | 'missing-domain' | 'invalid';

/**
 * Handles are ASCII e-mail addresses ≤ 129 bytes (MSNP.md §1.2, §8). `missing-domain` maps to
 * error 206, `invalid` to 201 (`ADD`) or 208 (`CAL`, `ADC`).
 */
export function checkHandle(handle: string): HandleProblem | undefined {
  if (handle.length === 0) return 'empty';
  if (handle.length > MAX_HANDLE_LENGTH) return 'too-long';
  if (!/^[\x21-\x7e]+$/.test(handle)) return 'invalid';
  const at = handle.indexOf('@');
  if (at < 0) return 'missing-domain';
  if (at === 0 || handle.indexOf('@', at + 1) >= 0) return 'invalid';
  const domain = handle.slice(at + 1);
  if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(domain)) return domain.length === 0 ? 'missing-domain' : 'invalid';
  if (!/^[A-Za-z0-9._%+!#$&'*/=?^`{|}~-]+$/.test(handle.slice(0, at))) return 'invalid';
  return undefined;
}

/** Handles compare case-insensitively; store and compare them lower-cased. */
export function normalizeHandle(handle: string): string {
  return handle.toLowerCase();
}
