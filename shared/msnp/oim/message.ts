/**
 * The offline message itself (MSNP13-18.md §9): the MIME `Content` a sender puts into `Store2`
 * (§9.2) and the mail `GetMessage` returns (§9.1), both directions. Bodies are base64 of UTF-8 text
 * in lines of at most 76 characters; names are RFC 2047 words; a run id and sequence number order
 * the messages of one sending session.
 */
import { base64Decode, base64Encode, decodeCharset, utf8Bytes, utf8Strict } from '../bytes';
import { codecError, type CodecError } from '../errors';
import { SerializeError } from '../serializer';
import { parseContentType } from '../mime';
import { decodeWords, encodeWord } from './rfc2047';

/** §9.2: base64 lines of ≤ 76 characters; a service rejects longer than 77 (`InvalidContent`). */
export const OIM_BASE64_LINE = 76;
const OIM_BASE64_LINE_MAX = 77;
/** Ours: the text of one OIM; Messenger limits a message to far less (MSNP.md §6.4: 1664 bytes of MSG). */
export const OIM_MAX_TEXT_BYTES = 16 * 1024;

const GUID = /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/;

export interface OimContent {
  /** `X-OIM-Run-Id`: one braced GUID per sending session (§9.2). */
  readonly runId: string;
  /** `X-OIM-Sequence-Num` = the `Store2` `MessageNumber`, from 1 in each run. */
  readonly sequence: number;
  readonly text: string;
}

/** Base64 in lines of `OIM_BASE64_LINE` characters, joined by `eol`. */
function base64Lines(bytes: Uint8Array, eol: string): string {
  const b64 = base64Encode(bytes);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += OIM_BASE64_LINE) lines.push(b64.slice(i, i + OIM_BASE64_LINE));
  return lines.join(eol);
}

/** The `Content` of a `Store2` request (§9.2), with LF line ends as libpurple writes them. */
export function buildOimContent(c: OimContent): string {
  if (!GUID.test(c.runId)) throw new SerializeError(`OIM run id must be a braced GUID, got ${c.runId}`);
  if (!Number.isSafeInteger(c.sequence) || c.sequence < 1) throw new SerializeError(`OIM sequence must be ≥ 1, got ${c.sequence}`);
  return [
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    'X-OIM-Message-Type: OfflineMessage',
    `X-OIM-Run-Id: ${c.runId}`,
    `X-OIM-Sequence-Num: ${c.sequence}`,
    '',
    base64Lines(utf8Bytes(c.text), '\n'),
  ].join('\n');
}

interface Parsed {
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** Headers (lower-cased names, folded lines joined) and body of a mail with LF or CRLF line ends. */
function splitMail(mail: string): Parsed | CodecError {
  const text = mail.replace(/\r\n/g, '\n');
  const blank = text.indexOf('\n\n');
  if (blank < 0) return codecError('BAD_PAYLOAD', 'OIM: no blank line between headers and body');
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.slice(0, blank).split('\n')) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return codecError('BAD_PAYLOAD', `OIM: not a header line: ${line.slice(0, 80)}`);
    last = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(last)) headers.set(last, line.slice(colon + 1).trim());
  }
  return { headers, body: text.slice(blank + 2) };
}

/** Decode the base64 body by the declared charset; every line must fit the limit. */
function decodeBody(p: Parsed, strict: boolean): string | CodecError {
  const cte = (p.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  const charset = parseContentType(p.headers.get('content-type') ?? 'text/plain; charset=UTF-8').params.get('charset') ?? 'utf-8';
  let bytes: Uint8Array;
  if (cte === 'base64') {
    const lines = p.body.split('\n').map((l) => l.trim());
    if (lines.some((l) => l.length > OIM_BASE64_LINE_MAX)) return codecError('BAD_PAYLOAD', `OIM: base64 line longer than ${OIM_BASE64_LINE_MAX}`);
    const decoded = base64Decode(lines.join(''));
    if (decoded === undefined) return codecError('BAD_PAYLOAD', 'OIM: body is not base64');
    bytes = decoded;
  } else if (strict) {
    return codecError('BAD_PAYLOAD', 'OIM: Content-Transfer-Encoding must be base64');
  } else {
    bytes = utf8Bytes(p.body);
  }
  if (bytes.length > OIM_MAX_TEXT_BYTES) return codecError('PAYLOAD_TOO_LARGE', `OIM text of ${bytes.length} bytes exceeds ${OIM_MAX_TEXT_BYTES}`);
  if (/^utf-?8$/i.test(charset)) {
    const text = utf8Strict(bytes);
    return text ?? codecError('INVALID_ENCODING', 'OIM: text is not valid UTF-8');
  }
  return decodeCharset(bytes, charset);
}

function readRun(p: Parsed): { runId: string; sequence: number } | CodecError {
  const runId = p.headers.get('x-oim-run-id') ?? '';
  const seqText = p.headers.get('x-oim-sequence-num') ?? '';
  if (!GUID.test(runId)) return codecError('BAD_PAYLOAD', 'OIM: X-OIM-Run-Id is not a braced GUID');
  if (!/^\d{1,9}$/.test(seqText) || Number(seqText) < 1) return codecError('BAD_PAYLOAD', 'OIM: bad X-OIM-Sequence-Num');
  return { runId, sequence: Number(seqText) };
}

/**
 * Server side: validate and read a `Store2` `Content` (§9.3: "validate MIME headers; decode base64
 * (reject invalid UTF-8)"). Errors here are the service's `InvalidContent` fault.
 */
export function parseOimContent(content: string): OimContent | CodecError {
  const p = splitMail(content);
  if ('kind' in p) return p;
  if ((p.headers.get('x-oim-message-type') ?? '') !== 'OfflineMessage') return codecError('BAD_PAYLOAD', 'OIM: X-OIM-Message-Type is not OfflineMessage');
  const type = parseContentType(p.headers.get('content-type') ?? '');
  if (type.mediaType !== 'text/plain') return codecError('BAD_PAYLOAD', `OIM: Content-Type ${type.mediaType} is not text/plain`);
  const run = readRun(p);
  if ('kind' in run) return run;
  const text = decodeBody(p, true);
  if (typeof text !== 'string') return text;
  return { ...run, text };
}

/** A fetched OIM, as `GetMessage` returns it (§9.1), read. */
export interface OimMessage extends OimContent {
  /** The sender: `X-OIM-originatingSource` when it is a `tel:` number, else the `From` address. */
  readonly from: string;
  /** The `From` display name, RFC 2047 decoded ('' when none). */
  readonly fromName: string;
  readonly to: string;
  /** `Date`, as written, and as epoch milliseconds when it parses. */
  readonly date: string;
  readonly sentAt: number | undefined;
}

/** Client side: read a `GetMessageResult`. The run id/sequence are lenient (0 when absent): the text is what matters. */
export function parseOimMessage(mail: string): OimMessage | CodecError {
  const p = splitMail(mail);
  if ('kind' in p) return p;
  const fromHeader = decodeWords(p.headers.get('from') ?? '');
  const m = /^(.*?)\s*<([^<>\s]+)>\s*$/.exec(fromHeader);
  const address = m ? (m[2] as string) : fromHeader.trim();
  const fromName = m ? (m[1] as string).replace(/^"(.*)"$/, '$1') : '';
  const source = p.headers.get('x-oim-originatingsource') ?? '';
  const from = source.startsWith('tel:') ? source : address;
  if (from === '') return codecError('BAD_PAYLOAD', 'OIM: no sender');
  const text = decodeBody(p, false);
  if (typeof text !== 'string') return text;
  const run = readRun(p);
  const date = p.headers.get('date') ?? '';
  const sentAt = date === '' ? undefined : Date.parse(date);
  return {
    from,
    fromName,
    to: p.headers.get('to') ?? '',
    date,
    sentAt: sentAt === undefined || Number.isNaN(sentAt) ? undefined : sentAt,
    runId: 'kind' in run ? '' : run.runId,
    sequence: 'kind' in run ? 0 : run.sequence,
    text,
  };
}

export interface OimMessageInit extends OimContent {
  readonly from: string;
  readonly fromName: string;
  readonly to: string;
  readonly sentAt: number;
  /** Where the sender connected from (`X-OIM-originatingSource`). */
  readonly originatingSource: string;
  /** A unique id for `Message-ID` (the stored message's id). */
  readonly messageId: string;
}

/** Server side: the `GetMessageResult` mail in Escargot's `format_oim` layout, CRLF line ends (§9.1, §13.1). */
export function buildOimMessage(m: OimMessageInit): string {
  const d = new Date(m.sentAt);
  const rfc822 = `${String(d.getUTCDate()).padStart(2, '0')} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time(d)} +0000`;
  return [
    `From: ${encodeWord(m.fromName)} <${m.from}>`,
    `To: ${m.to}`,
    'Subject: ',
    `X-OIM-originatingSource: ${m.originatingSource}`,
    'X-OIMProxy: MSNMSGR',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    'X-OIM-Message-Type: OfflineMessage',
    `X-OIM-Run-Id: ${m.runId}`,
    `X-OIM-Sequence-Num: ${m.sequence}`,
    `Message-ID: <${m.messageId}@oim.monarch>`,
    `Date: ${rfc822}`,
    'Return-Path: ndr@oim.messenger.msn.com',
    '',
    base64Lines(utf8Bytes(m.text), '\r\n'),
  ].join('\r\n');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function time(d: Date): string {
  return [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
