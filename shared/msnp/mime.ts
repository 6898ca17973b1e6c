/**
 * The MIME-like payload of `MSG` (MSNP.md §6.5): a header block, a blank line, then the body.
 *
 *   MIME-Version: 1.0\r\n
 *   Content-Type: text/plain; charset=UTF-8\r\n
 *   <other headers>\r\n
 *   \r\n
 *   <body bytes>
 *
 * Header names are case-insensitive and their order is kept (we always emit `MIME-Version` first and
 * `Content-Type` second, as the official client does, but never depend on it when reading). Headers
 * are text; the body stays bytes until its charset is known (§1.7 item 4). We write CRLF and read
 * CRLF or a bare LF.
 */
import { concatBytes, utf8Bytes, utf8OrWindows1252 } from './bytes';
import { codecError, type CodecError } from './errors';
import { SerializeError } from './serializer';

export interface MimeHeader {
  readonly name: string;
  readonly value: string;
}

export interface MimePayload {
  readonly headers: readonly MimeHeader[];
  readonly body: Uint8Array;
}

const LF = 10;
const CR = 13;

/**
 * Split a payload into headers and body. A payload without a blank line after its headers is not
 * a MIME message (the official client ignores such messages, §6.5): that is a BAD_PAYLOAD value.
 */
export function parseMime(payload: Uint8Array): MimePayload | CodecError {
  const end = findHeaderEnd(payload);
  if (end === undefined) return codecError('BAD_PAYLOAD', 'message payload has no blank line after its headers');
  const headers = parseFields(utf8OrWindows1252(payload.subarray(0, end.headerEnd)));
  if (headers === undefined) return codecError('BAD_PAYLOAD', 'malformed message header line');
  return { headers, body: payload.subarray(end.bodyStart) };
}

/** Where the header block ends: the first empty line (CRLF CRLF, or LF-only variants). */
function findHeaderEnd(p: Uint8Array): { headerEnd: number; bodyStart: number } | undefined {
  // An empty header block: the payload starts with the blank line.
  if (p[0] === LF) return { headerEnd: 0, bodyStart: 1 };
  if (p[0] === CR && p[1] === LF) return { headerEnd: 0, bodyStart: 2 };
  let i = p.indexOf(LF);
  while (i >= 0) {
    const next = i + 1;
    if (p[next] === LF) return { headerEnd: next, bodyStart: next + 1 };
    if (p[next] === CR && p[next + 1] === LF) return { headerEnd: next, bodyStart: next + 2 };
    i = p.indexOf(LF, next);
  }
  return undefined;
}

/**
 * `Name: value` lines (message headers, and the header-like bodies of invitations, datacasts,
 * mail notices, MSNP.md §6.8, §6.10, §6.11). Blank lines are skipped; one optional space after the
 * colon is not part of the value. Undefined when a non-blank line has no colon or no name.
 */
export function parseFields(text: string): MimeHeader[] | undefined {
  const out: MimeHeader[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length === 0) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim();
    if (name.length === 0) return undefined;
    let v = colon + 1;
    while (v < line.length && (line.charCodeAt(v) === 32 || line.charCodeAt(v) === 9)) v++;
    out.push({ name, value: line.slice(v) });
  }
  return out;
}

/** Lines `Name: value\r\n`, one per field (no blank line: callers add it where the format has one). */
export function buildFields(fields: readonly MimeHeader[]): string {
  let s = '';
  for (const f of fields) s += `${checkFieldName(f.name)}: ${checkFieldValue(f.name, f.value)}\r\n`;
  return s;
}

/** Headers, a blank line, then the body (string bodies are UTF-8). */
export function buildMime(headers: readonly MimeHeader[], body: Uint8Array | string = new Uint8Array(0)): Uint8Array {
  const head = utf8Bytes(buildFields(headers) + '\r\n');
  const bodyBytes = typeof body === 'string' ? utf8Bytes(body) : body;
  return bodyBytes.length === 0 ? head : concatBytes([head, bodyBytes]);
}

/** The first header with this name, compared case-insensitively (§6.5). */
export function headerValue(headers: readonly MimeHeader[], name: string): string | undefined {
  const want = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === want) return h.value;
  return undefined;
}

export interface ContentType {
  /** Lower-cased `type/subtype`, e.g. `text/plain`. */
  readonly mediaType: string;
  /** Parameters with lower-cased names, values unquoted (`charset` → `UTF-8`). */
  readonly params: ReadonlyMap<string, string>;
}

/** `text/plain; charset=UTF-8` → { mediaType: 'text/plain', params: { charset: 'UTF-8' } }. */
export function parseContentType(value: string): ContentType {
  const parts = value.split(';');
  const mediaType = (parts[0] ?? '').trim().toLowerCase();
  const params = new Map<string, string>();
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i] as string;
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    if (key.length > 0 && !params.has(key)) params.set(key, v);
  }
  return { mediaType, params };
}

/** A header name is a token: no colon, whitespace or control characters. */
function checkFieldName(name: string): string {
  if (!/^[!-9;-~]+$/.test(name)) throw new SerializeError(`bad header name ${JSON.stringify(name)}`);
  return name;
}

/** A value may not break the line (CR/LF would inject headers or end the block early). */
function checkFieldValue(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new SerializeError(`header ${name} value contains a line break`);
  return value;
}
