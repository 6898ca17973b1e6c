/**
 * MSNSLP (MSNP-P2P.md §4): the SIP-like signalling carried as the payload of P2P messages with
 * SessionID 0.
 *
 *   INVITE MSNMSGR:bob@hotmail.com MSNSLP/1.0\r\n
 *   To: <msnmsgr:bob@hotmail.com>\r\n  From: <msnmsgr:alice@hotmail.com>\r\n
 *   Via: MSNSLP/1.0/TLP ;branch={GUID}\r\n  CSeq: 0 \r\n  Call-ID: {GUID}\r\n  Max-Forwards: 0\r\n
 *   Content-Type: application/x-msnmsgr-sessionreqbody\r\n  Content-Length: N\r\n\r\n
 *   <body lines>\r\n\0                     (N counts the body including the final NUL, §4.1)
 *
 * We send exactly the header order above (every implementation and the WLM capture use it) and
 * read headers by name in any order. Branch and Call-ID are opaque strings (aMSN 0.99 sends GUIDs
 * with short groups, §13.4); CSeq is trimmed and never validated.
 */
import { base64Decode, base64Encode, utf8Bytes, utf8Length, utf8OrWindows1252 } from '../bytes';
import { codecError, type CodecError } from '../errors';
import { headerValue, parseFields, type MimeHeader } from '../mime';
import { SerializeError } from '../serializer';

/** Application identifiers (MSNP-P2P.md §4.5). */
export const EufGuid = {
  MSNOBJECT: '{A4268EEC-FEC5-49E5-95C3-F126696BDBF6}',
  FILE_TRANSFER: '{5D3E02AB-6190-11D3-BBBB-00C04F795683}',
  SHARE_PHOTO: '{41D3E74E-04A2-4B37-96F8-08ACDB610874}',
  WEBCAM_SEND: '{4BD96FC0-AB17-4425-A14A-439185962DC8}',
  WEBCAM_RECEIVE: '{1C9AA97E-9C05-4583-A3BD-908A196F1E92}',
  ACTIVITY: '{6A13AF9C-5308-4F35-923A-67E8DDA40C2F}',
} as const;

/** Content types of MSNSLP bodies (§4.2). */
export const SlpContentType = {
  SESSION_REQUEST: 'application/x-msnmsgr-sessionreqbody',
  SESSION_CLOSE: 'application/x-msnmsgr-sessionclosebody',
  TRANSPORT_REQUEST: 'application/x-msnmsgr-transreqbody',
  TRANSPORT_RESPONSE: 'application/x-msnmsgr-transrespbody',
  SESSION_FAILURE: 'application/x-msnmsgr-session-failure-respbody',
} as const;

/** `AppID` values (§4.3): 1 and 12 display picture, 11 emoticon, 2 file, 4 webcam. */
export const SlpAppId = { MSNOBJECT: 1, FILE: 2, WEBCAM: 4, EMOTICON_WLM: 11, DISPLAY_PICTURE_WLM: 12 } as const;

/** Status codes Monarch sends (§4.2). */
export const SlpStatus = {
  OK: { code: 200, reason: 'OK' },
  DECLINE: { code: 603, reason: 'Decline' },
  INTERNAL_ERROR: { code: 500, reason: 'Internal Error' },
  NO_SUCH_CALL: { code: 481, reason: 'No Such Call' },
} as const;

interface SlpCommon {
  readonly to: string;
  readonly from: string;
  readonly branch: string;
  readonly cseq: number;
  readonly callId: string;
  readonly contentType: string;
  /** Body fields (`Name: value` lines), in order. */
  readonly fields: readonly MimeHeader[];
}

export interface SlpRequest extends SlpCommon {
  readonly kind: 'request';
  /** `INVITE`, `BYE`, `ACK` … (upper-cased). */
  readonly method: string;
  /** The handle in the request URI (`MSNMSGR:handle`). */
  readonly uri: string;
}

export interface SlpResponse extends SlpCommon {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
}

export type SlpMessage = SlpRequest | SlpResponse;

const CRLF = '\r\n';

function handleOf(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*<?\s*msnmsgr:([^>]*)>?\s*$/i.exec(v);
  return (m?.[1] ?? v).trim();
}

/**
 * Parse an MSNSLP message (the complete payload of a SessionID-0 P2P message). Reads
 * `Content-Length` bytes after the blank line, fewer if fewer are there, never more than present;
 * strips one trailing NUL (§4.1). Errors: no blank line, an unknown start line, a missing
 * `Call-ID`.
 */
export function parseSlp(bytes: Uint8Array): SlpMessage | CodecError {
  let end = -1;
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      end = i;
      break;
    }
  }
  if (end < 0) return codecError('BAD_PAYLOAD', 'MSNSLP message has no blank line after its headers');
  const head = utf8OrWindows1252(bytes.subarray(0, end));
  const firstBreak = head.indexOf(CRLF);
  const startLine = firstBreak < 0 ? head : head.slice(0, firstBreak);
  const headers = parseFields(firstBreak < 0 ? '' : head.slice(firstBreak + 2));
  if (headers === undefined) return codecError('BAD_PAYLOAD', 'malformed MSNSLP header line', startLine);
  const bodyStart = end + 4;
  const declared = Number((headerValue(headers, 'Content-Length') ?? '').trim());
  const available = bytes.length - bodyStart;
  const take = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, available) : available;
  let body = bytes.subarray(bodyStart, bodyStart + take);
  if (body.length > 0 && body[body.length - 1] === 0) body = body.subarray(0, body.length - 1);
  const fields = parseFields(utf8OrWindows1252(body).replace(/\0+$/, '')) ?? [];
  const callId = headerValue(headers, 'Call-ID')?.trim();
  if (callId === undefined || callId === '') return codecError('BAD_PAYLOAD', 'MSNSLP message lacks a Call-ID', startLine);
  const via = headerValue(headers, 'Via') ?? '';
  const branch = /branch=\s*([^\s;]*)/i.exec(via)?.[1] ?? '';
  const cseqText = (headerValue(headers, 'CSeq') ?? '0').trim();
  const cseq = /^\d{1,9}$/.test(cseqText) ? Number(cseqText) : 0;
  const common = {
    to: handleOf(headerValue(headers, 'To')) ?? '',
    from: handleOf(headerValue(headers, 'From')) ?? '',
    branch,
    cseq,
    callId,
    contentType: (headerValue(headers, 'Content-Type') ?? '').trim(),
    fields,
  };
  const response = /^MSNSLP\/\d+\.\d+\s+(\d{3})\s*(.*)$/i.exec(startLine);
  if (response !== null) return { kind: 'response', status: Number(response[1]), reason: (response[2] ?? '').trim(), ...common };
  const request = /^([A-Z]+)\s+MSNMSGR:(\S*)\s+MSNSLP\/\d+\.\d+$/i.exec(startLine.trim());
  if (request !== null) return { kind: 'request', method: (request[1] as string).toUpperCase(), uri: request[2] as string, ...common };
  return codecError('BAD_PAYLOAD', 'not an MSNSLP start line', startLine);
}

export interface SlpRequestInit {
  readonly method: 'INVITE' | 'BYE' | 'ACK';
  readonly to: string;
  readonly from: string;
  readonly branch: string;
  readonly cseq?: number;
  readonly callId: string;
  readonly contentType: string;
  readonly fields: readonly MimeHeader[];
}

export interface SlpResponseInit {
  readonly status: { readonly code: number; readonly reason: string };
  readonly to: string;
  readonly from: string;
  readonly branch: string;
  readonly cseq: number;
  readonly callId: string;
  readonly contentType: string;
  readonly fields: readonly MimeHeader[];
}

/** Body: the field lines, a blank line, a NUL (§4.1, §4.3); no fields gives `\r\n\0` (BYE). */
export function buildSlpBody(fields: readonly MimeHeader[]): string {
  let s = '';
  for (const f of fields) {
    if (/[\r\n\0]/.test(f.name + f.value) || f.name.includes(':')) throw new SerializeError(`bad MSNSLP body field ${JSON.stringify(f.name)}`);
    s += `${f.name}: ${f.value}${CRLF}`;
  }
  return `${s}${CRLF}\0`;
}

function checkToken(name: string, v: string): string {
  if (/[\s<>\0]/.test(v) || v === '') throw new SerializeError(`bad MSNSLP ${name} ${JSON.stringify(v)}`);
  return v;
}

function build(startLine: string, c: Omit<SlpRequestInit, 'method'> & { readonly cseq: number }): Uint8Array {
  const body = buildSlpBody(c.fields);
  const text =
    `${startLine}${CRLF}` +
    `To: <msnmsgr:${checkToken('To', c.to)}>${CRLF}` +
    `From: <msnmsgr:${checkToken('From', c.from)}>${CRLF}` +
    `Via: MSNSLP/1.0/TLP ;branch=${checkToken('branch', c.branch)}${CRLF}` +
    // WLM writes a space after the number (§4.1); so do we.
    `CSeq: ${c.cseq} ${CRLF}` +
    `Call-ID: ${checkToken('Call-ID', c.callId)}${CRLF}` +
    `Max-Forwards: 0${CRLF}` +
    `Content-Type: ${checkToken('Content-Type', c.contentType)}${CRLF}` +
    `Content-Length: ${utf8Length(body)}${CRLF}${CRLF}` +
    body;
  return utf8Bytes(text);
}

export function buildSlpRequest(r: SlpRequestInit): Uint8Array {
  return build(`${r.method} MSNMSGR:${checkToken('To', r.to)} MSNSLP/1.0`, { ...r, cseq: r.cseq ?? 0 });
}

/** A response copies the request's branch and Call-ID and answers with CSeq + 1 (§4.2). */
export function buildSlpResponse(r: SlpResponseInit): Uint8Array {
  if (!Number.isInteger(r.status.code) || r.status.code < 100 || r.status.code > 999 || /[\r\n]/.test(r.status.reason)) {
    throw new SerializeError(`bad MSNSLP status ${r.status.code}`);
  }
  return build(`MSNSLP/1.0 ${r.status.code} ${r.status.reason}`, r);
}

/** The value of a body field, by name (case-insensitive). */
export function slpField(m: Pick<SlpMessage, 'fields'>, name: string): string | undefined {
  return headerValue(m.fields, name)?.trim();
}

/** `SessionID` of a body, when it is a decimal u32. */
export function slpSessionId(m: Pick<SlpMessage, 'fields'>): number | undefined {
  const v = slpField(m, 'SessionID');
  if (v === undefined || !/^\d{1,10}$/.test(v)) return undefined;
  const n = Number(v);
  return n <= 0xffffffff ? n : undefined;
}

/** `Context` for an MSNObject request: base64 of the object text plus one NUL (§5.2). */
export function encodeMsnObjectContext(msnObjectXml: string): string {
  const bytes = utf8Bytes(msnObjectXml);
  const withNul = new Uint8Array(bytes.length + 1);
  withNul.set(bytes);
  return base64Encode(withNul);
}

/**
 * The MSNObject text inside a `Context`: re-padded (Kopete omits padding, §4.3), decoded, trailing
 * NULs stripped (libpurple sends none, WLM one). Undefined when it is not base64.
 */
export function decodeMsnObjectContext(context: string): string | undefined {
  const s = context.trim();
  const padded = s + '='.repeat((4 - (s.length % 4)) % 4);
  const bytes = base64Decode(padded);
  if (bytes === undefined) return undefined;
  return utf8OrWindows1252(bytes).replace(/\0+$/, '');
}
