/**
 * Typed message bodies (MSNP.md §6.5–§6.11): what the bytes of an `MSG` payload mean.
 *
 * `decodeMessage(payload)` reads any payload; a content type we do not model comes back as
 * `{ kind: 'unknown', contentType, headers, body }`, never dropped. `buildMessage(init)` writes the
 * exact bytes the official client sends (MIME-Version first, Content-Type second, CRLF).
 */
import { decodeCharset, utf8Length, utf8OrWindows1252 } from './bytes';
import type { Dialect } from './dialect';
import { isCodecError, type CodecError } from './errors';
import { MAX_SB_MESSAGE_PAYLOAD } from './limits';
import { buildFields, buildMime, headerValue, parseContentType, parseFields, parseMime, type MimeHeader } from './mime';
import { decodeName } from './names';
import { SerializeError } from './serializer';

/** Content types (MSNP.md §6.5, §6.11). */
export const ContentTypes = {
  TEXT: 'text/plain',
  TYPING: 'text/x-msmsgscontrol',
  DATACAST: 'text/x-msnmsgr-datacast',
  INVITE: 'text/x-msmsgsinvite',
  PROFILE: 'text/x-msmsgsprofile',
  SYSTEM: 'application/x-msmsgssystemmessage',
  EMOTICON: 'text/x-mms-emoticon',
  ANIMATED_EMOTICON: 'text/x-mms-animemoticon',
  CLIENT_CAPS: 'text/x-clientcaps',
  P2P: 'application/x-msnmsgrp2p',
  EMAIL_LEGACY: 'application/x-msmsgsemailnotification',
  EMAIL_INITIAL: 'text/x-msmsgsinitialemailnotification',
  EMAIL_NEW: 'text/x-msmsgsemailnotification',
  EMAIL_ACTIVE: 'text/x-msmsgsactivemailnotification',
  MAIL_DATA_INITIAL: 'text/x-msmsgsinitialmdatanotification',
  OIM: 'text/x-msmsgsoimnotification',
} as const;

// ---------------------------------------------------------------------------------------------
// Kinds

/** `X-MMS-IM-Format` (MSNP.md §6.6). */
export interface TextFormat {
  /** Font face ('' = unspecified). */
  readonly font: string;
  readonly bold: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly strikethrough: boolean;
  /** `#rrggbb`, converted from the wire's BGR hex (`CO=ff0000` is blue, `#0000ff`). */
  readonly color: string;
  /** Windows charset byte (`CS`): 0 ANSI, 1 default, 0x80 Shift-JIS, 0x86 GB2312 … */
  readonly charset: number;
  /** `PF`: high nibble = family, low nibble = pitch (0x22 ≈ Arial). */
  readonly pitchFamily: number;
  /** `RL=1`. */
  readonly rightToLeft: boolean;
}

export interface TextMessage {
  readonly kind: 'text';
  readonly text: string;
  /** Absent = "receiver's default formatting" (§6.6). */
  readonly format?: TextFormat | undefined;
  /** The charset the body was decoded with, as sent (undefined = none given, read as Windows-1252). */
  readonly charset?: string | undefined;
  readonly headers?: readonly MimeHeader[];
}

/** `TypingUser: handle` (MSNP.md §6.7). */
export interface TypingMessage {
  readonly kind: 'typing';
  readonly user: string;
  readonly headers?: readonly MimeHeader[];
}

/** Datacast ids (MSNP.md §6.8). */
export const DatacastId = { NUDGE: 1, WINK: 2, VOICE_CLIP: 3, ACTION: 4 } as const;

/** `text/x-msnmsgr-datacast`: `ID: 1` = nudge; 2 wink, 3 voice clip (Data = MSNObject), 4 action (Data = text). */
export interface DatacastMessage {
  readonly kind: 'datacast';
  readonly id: number;
  readonly data?: string | undefined;
  readonly headers?: readonly MimeHeader[];
}

/** The NS profile after login (MSNP.md §3.3.4): every header after Content-Type, in order. */
export interface ProfileMessage {
  readonly kind: 'profile';
  readonly fields: readonly MimeHeader[];
  readonly headers?: readonly MimeHeader[];
}

/** `text/x-msmsgsinvite` (MSNP.md §6.10): the body's fields, in order. */
export interface InviteMessage {
  readonly kind: 'invite';
  readonly fields: readonly MimeHeader[];
  readonly headers?: readonly MimeHeader[];
}

/** `application/x-msmsgssystemmessage` (§6.11): `Type: 1` + `Arg1: minutes` = maintenance shutdown. */
export interface SystemMessage {
  readonly kind: 'system';
  readonly type: number;
  /** `Arg1`: minutes until shutdown for type 1. */
  readonly arg1?: string | undefined;
  readonly fields: readonly MimeHeader[];
  readonly headers?: readonly MimeHeader[];
}

export type EmailNotice = 'legacy' | 'initial' | 'new' | 'active' | 'initialMailData' | 'offlineMessages';

/** NS mail notices (§6.11): the body's fields (`Inbox-Unread`, `From`, `Mail-Data` …). */
export interface EmailMessage {
  readonly kind: 'email';
  readonly notice: EmailNotice;
  readonly fields: readonly MimeHeader[];
  readonly headers?: readonly MimeHeader[];
  /**
   * Set when the body's fields end without the usual blank line, as the MSNP13+ mail-data and
   * active-mail notices of MSNP13-18.md §9.1 and §13.1 do; kept so relaying rebuilds the same bytes.
   */
  readonly noTrailingBlankLine?: true;
}

/** Custom emoticon definitions (§6.9): `shortcut TAB msnobj TAB` repeated. */
export interface EmoticonMessage {
  readonly kind: 'emoticons';
  readonly animated: boolean;
  readonly items: readonly { readonly shortcut: string; readonly msnObject: string }[];
  readonly headers?: readonly MimeHeader[];
}

/** `text/x-clientcaps` (third-party client identification, §6.5). */
export interface ClientCapsMessage {
  readonly kind: 'clientCaps';
  readonly fields: readonly MimeHeader[];
  readonly headers?: readonly MimeHeader[];
}

/** Any other content type (P2P, ink, a type from the future): kept whole, never dropped. */
export interface UnknownMessage {
  readonly kind: 'unknown';
  /** The Content-Type header value as sent ('' when missing). */
  readonly contentType: string;
  readonly headers: readonly MimeHeader[];
  readonly body: Uint8Array;
}

export type Message =
  | TextMessage
  | TypingMessage
  | DatacastMessage
  | ProfileMessage
  | InviteMessage
  | SystemMessage
  | EmailMessage
  | EmoticonMessage
  | ClientCapsMessage
  | UnknownMessage;

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * Decode an `MSG` payload. Only a payload that is not MIME at all (no blank line after the header
 * block, or a header line without a colon) is an error value; a recognised type whose body does not
 * fit its kind comes back as `unknown` so that nothing is lost.
 */
export function decodeMessage(payload: Uint8Array): Message | CodecError {
  const mime = parseMime(payload);
  if (isCodecError(mime)) return mime;
  const { headers, body } = mime;
  const contentType = headerValue(headers, 'Content-Type') ?? '';
  const ct = parseContentType(contentType);
  const charset = ct.params.get('charset');
  const unknown: UnknownMessage = { kind: 'unknown', contentType, headers, body };

  switch (ct.mediaType) {
    case ContentTypes.TEXT: {
      const fmt = headerValue(headers, 'X-MMS-IM-Format');
      return {
        kind: 'text',
        text: decodeCharset(body, charset),
        format: fmt === undefined ? undefined : parseTextFormat(fmt),
        charset,
        headers,
      };
    }
    case ContentTypes.TYPING: {
      const user = headerValue(headers, 'TypingUser');
      return user === undefined ? unknown : { kind: 'typing', user, headers };
    }
    case ContentTypes.DATACAST: {
      const fields = bodyFields(body, charset);
      const id = fields && headerValue(fields, 'ID');
      if (id === undefined || !/^\d{1,9}$/.test(id.trim())) return unknown;
      return { kind: 'datacast', id: Number(id.trim()), data: headerValue(fields ?? [], 'Data'), headers };
    }
    case ContentTypes.PROFILE:
      return { kind: 'profile', fields: headers.filter((h) => !isEnvelopeHeader(h.name)), headers };
    case ContentTypes.INVITE: {
      const fields = bodyFields(body, charset);
      return fields === undefined ? unknown : { kind: 'invite', fields, headers };
    }
    case ContentTypes.SYSTEM: {
      // Type/Arg1 are body fields; accept them as headers too.
      const fields = bodyFields(body, charset);
      if (fields === undefined) return unknown;
      const all = [...fields, ...headers];
      const type = headerValue(all, 'Type');
      if (type === undefined || !/^\d{1,9}$/.test(type.trim())) return unknown;
      return { kind: 'system', type: Number(type.trim()), arg1: headerValue(all, 'Arg1'), fields, headers };
    }
    case ContentTypes.EMOTICON:
    case ContentTypes.ANIMATED_EMOTICON: {
      const items = parseEmoticons(decodeCharset(body, charset ?? 'utf-8'));
      if (items === undefined) return unknown;
      return { kind: 'emoticons', animated: ct.mediaType === ContentTypes.ANIMATED_EMOTICON, items, headers };
    }
    case ContentTypes.CLIENT_CAPS: {
      const fields = bodyFields(body, charset);
      return fields === undefined ? unknown : { kind: 'clientCaps', fields, headers };
    }
    default: {
      const notice = EMAIL_NOTICES.get(ct.mediaType);
      if (notice === undefined) return unknown;
      const fields = bodyFields(body, charset);
      if (fields === undefined) return unknown;
      return endsWithBlankLine(body) || fields.length === 0 ? { kind: 'email', notice, fields, headers } : { kind: 'email', notice, fields, headers, noTrailingBlankLine: true };
    }
  }
}

const EMAIL_NOTICES: ReadonlyMap<string, EmailNotice> = new Map<string, EmailNotice>([
  [ContentTypes.EMAIL_LEGACY, 'legacy'],
  [ContentTypes.EMAIL_INITIAL, 'initial'],
  [ContentTypes.EMAIL_NEW, 'new'],
  [ContentTypes.EMAIL_ACTIVE, 'active'],
  [ContentTypes.MAIL_DATA_INITIAL, 'initialMailData'],
  [ContentTypes.OIM, 'offlineMessages'],
]);

function isEnvelopeHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'mime-version' || n === 'content-type';
}

function bodyFields(body: Uint8Array, charset: string | undefined): MimeHeader[] | undefined {
  return parseFields(charset === undefined ? utf8OrWindows1252(body) : decodeCharset(body, charset));
}

function parseEmoticons(text: string): EmoticonMessage['items'] | undefined {
  const parts = text.replace(/\r?\n$/, '').split('\t');
  if (parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0 || parts.length % 2 !== 0) return undefined;
  const items: { shortcut: string; msnObject: string }[] = [];
  for (let i = 0; i < parts.length; i += 2) items.push({ shortcut: parts[i] as string, msnObject: parts[i + 1] as string });
  return items;
}

/**
 * `FN=Arial; EF=B; CO=ff0000; CS=0; PF=22` (§6.6). Keys in any order and case; unknown keys and
 * unreadable values are ignored (the defaults stand in).
 */
export function parseTextFormat(value: string): TextFormat {
  let font = '';
  let effects = '';
  let color = '#000000';
  let charset = 0;
  let pitchFamily = 0;
  let rightToLeft = false;
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toUpperCase();
    const v = part.slice(eq + 1).trim();
    switch (key) {
      case 'FN':
        font = decodeName(v);
        break;
      case 'EF':
        effects = v.toUpperCase();
        break;
      case 'CO': {
        const bgr = parseHex(v, 6);
        if (bgr !== undefined) color = bgrToRgb(bgr);
        break;
      }
      case 'CS':
        charset = parseHex(v, 2) ?? charset;
        break;
      case 'PF':
        pitchFamily = parseHex(v, 2) ?? pitchFamily;
        break;
      case 'RL':
        rightToLeft = v === '1';
        break;
    }
  }
  return {
    font,
    bold: effects.includes('B'),
    italic: effects.includes('I'),
    underline: effects.includes('U'),
    strikethrough: effects.includes('S'),
    color,
    charset,
    pitchFamily,
    rightToLeft,
  };
}

function parseHex(v: string, maxDigits: number): number | undefined {
  if (v.length === 0 || v.length > maxDigits || !/^[0-9a-fA-F]+$/.test(v)) return undefined;
  return parseInt(v, 16);
}

/** BGR integer (`CO=`) → `#rrggbb`. */
export function bgrToRgb(bgr: number): string {
  const r = bgr & 0xff;
  const g = (bgr >> 8) & 0xff;
  const b = (bgr >> 16) & 0xff;
  return `#${hex2(r)}${hex2(g)}${hex2(b)}`;
}

/** `#rrggbb` → the BGR hex the wire uses, leading zeros dropped (`#ff0000` → `ff`, black → `0`). */
export function rgbToBgrHex(color: string): string {
  const m = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/.exec(color);
  if (!m) throw new SerializeError(`colour ${JSON.stringify(color)} is not #rrggbb`);
  const bgr = (parseInt(m[3] as string, 16) << 16) | (parseInt(m[2] as string, 16) << 8) | parseInt(m[1] as string, 16);
  return bgr.toString(16);
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

// ---------------------------------------------------------------------------------------------
// Building

const MIME_VERSION: MimeHeader = { name: 'MIME-Version', value: '1.0' };

function envelope(contentType: string, more: readonly MimeHeader[] = []): MimeHeader[] {
  return [MIME_VERSION, { name: 'Content-Type', value: contentType }, ...more];
}

/** Font names: URL-encode the space (§6.6) and what would break the header (`%`, `;`, CR, LF). */
function encodeFontName(font: string): string {
  return font.replace(/[% ;\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The official client's exact order: FN, EF, CO, CS, PF, then RL=1 for right-to-left (§6.6). */
export function buildTextFormat(f: TextFormat): string {
  const effects = (f.bold ? 'B' : '') + (f.italic ? 'I' : '') + (f.underline ? 'U' : '') + (f.strikethrough ? 'S' : '');
  const font = f.font === '' ? DEFAULT_FONT : f.font;
  const parts = [
    `FN=${encodeFontName(font)}`,
    `EF=${effects}`,
    `CO=${rgbToBgrHex(f.color)}`,
    `CS=${checkByte(f.charset, 'CS').toString(16)}`,
    `PF=${checkByte(f.pitchFamily, 'PF').toString(16)}`,
  ];
  if (f.rightToLeft) parts.push('RL=1');
  return parts.join('; ');
}

/** What the official client falls back to when no face is chosen. */
const DEFAULT_FONT = 'MS Sans Serif';

function checkByte(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new SerializeError(`${what} must be a byte, got ${n}`);
  return n;
}

/** Everything a caller may hand to `buildMessage`; decoded messages are valid inputs too. */
export type MessageInit = Message;

/** The exact payload bytes for a message (text bodies are always written as UTF-8). */
export function buildMessage(m: MessageInit): Uint8Array {
  switch (m.kind) {
    case 'text':
      return buildMime(
        envelope('text/plain; charset=UTF-8', m.format ? [{ name: 'X-MMS-IM-Format', value: buildTextFormat(m.format) }] : []),
        m.text,
      );
    case 'typing':
      // Header block, blank line, and a body of one CRLF (§6.7).
      return buildMime(envelope(ContentTypes.TYPING, [{ name: 'TypingUser', value: m.user }]), '\r\n');
    case 'datacast': {
      const fields: MimeHeader[] = [{ name: 'ID', value: String(m.id) }];
      if (m.data !== undefined) fields.push({ name: 'Data', value: m.data });
      return buildMime(envelope(ContentTypes.DATACAST), buildFields(fields) + '\r\n');
    }
    case 'profile':
      return buildMime(envelope(`${ContentTypes.PROFILE}; charset=UTF-8`, m.fields));
    case 'invite':
      return buildMime(envelope(`${ContentTypes.INVITE}; charset=UTF-8`), buildFields(m.fields) + '\r\n');
    case 'system': {
      const rest = m.fields.filter((f) => !/^(type|arg1)$/i.test(f.name));
      const fields: MimeHeader[] = [{ name: 'Type', value: String(m.type) }];
      if (m.arg1 !== undefined) fields.push({ name: 'Arg1', value: m.arg1 });
      return buildMime(envelope(ContentTypes.SYSTEM), buildFields([...fields, ...rest]) + '\r\n');
    }
    case 'email': {
      const type = EMAIL_CONTENT_TYPES[m.notice];
      return buildMime(envelope(m.notice === 'legacy' ? type : `${type}; charset=UTF-8`), buildFields(m.fields) + (m.noTrailingBlankLine ? '' : '\r\n'));
    }
    case 'emoticons': {
      let body = '';
      for (const it of m.items) {
        if (/[\t\r\n]/.test(it.shortcut + it.msnObject)) throw new SerializeError('emoticon fields may not contain TAB or line breaks');
        body += `${it.shortcut}\t${it.msnObject}\t`;
      }
      return buildMime(envelope(m.animated ? ContentTypes.ANIMATED_EMOTICON : ContentTypes.EMOTICON), body);
    }
    case 'clientCaps':
      return buildMime(envelope(ContentTypes.CLIENT_CAPS), buildFields(m.fields) + '\r\n');
    case 'unknown':
      return buildMime(m.headers, m.body);
  }
}

/** Does a header-like body end with an empty line (`…\r\n\r\n`)? */
function endsWithBlankLine(body: Uint8Array): boolean {
  const n = body.length;
  return (n >= 4 && body[n - 4] === 13 && body[n - 3] === 10 && body[n - 2] === 13 && body[n - 1] === 10) || (n >= 2 && body[n - 2] === 10 && body[n - 1] === 10);
}

const EMAIL_CONTENT_TYPES: Readonly<Record<EmailNotice, string>> = {
  legacy: ContentTypes.EMAIL_LEGACY,
  initial: ContentTypes.EMAIL_INITIAL,
  new: ContentTypes.EMAIL_NEW,
  active: ContentTypes.EMAIL_ACTIVE,
  initialMailData: ContentTypes.MAIL_DATA_INITIAL,
  offlineMessages: ContentTypes.OIM,
};

export function buildTextMessage(text: string, format?: TextFormat): Uint8Array {
  return buildMessage({ kind: 'text', text, format });
}

export function buildTypingMessage(user: string): Uint8Array {
  return buildMessage({ kind: 'typing', user });
}

export function buildNudge(): Uint8Array {
  return buildMessage({ kind: 'datacast', id: DatacastId.NUDGE });
}

/** A field's value from a decoded field list (invitation, mail notice …), case-insensitive. */
export function fieldValue(fields: readonly MimeHeader[], name: string): string | undefined {
  return headerValue(fields, name);
}

// ---------------------------------------------------------------------------------------------
// Invitations (§6.10)

/** `Invitation-Command` and `Invitation-Cookie` of an invitation, when present and well-formed. */
export function invitationSummary(m: InviteMessage): { command: string | undefined; cookie: number | undefined } {
  const cookie = fieldValue(m.fields, 'Invitation-Cookie');
  const n = cookie !== undefined && /^\d{1,10}$/.test(cookie.trim()) ? Number(cookie.trim()) : undefined;
  return { command: fieldValue(m.fields, 'Invitation-Command'), cookie: n !== undefined && n <= 0xffffffff ? n : undefined };
}

// ---------------------------------------------------------------------------------------------
// The NS profile (§3.3.4)

/** The profile's fields with their meaning; every one optional because none is guaranteed. */
export interface ProfileInfo {
  readonly loginTime?: number;
  readonly emailEnabled?: boolean;
  readonly memberIdHigh?: number;
  readonly memberIdLow?: number;
  /** `lang_preference` (LCID, 1033 = en-US). */
  readonly language?: number;
  readonly preferredEmail?: string;
  readonly country?: string;
  readonly postalCode?: string;
  readonly gender?: string;
  readonly kid?: number;
  readonly age?: string;
  readonly birthdayPre?: string;
  readonly birthday?: string;
  readonly wallet?: string;
  readonly flags?: number;
  readonly sid?: number;
  readonly kv?: number;
  readonly mspAuth?: string;
  readonly clientIp?: string;
  /** The real port: `ClientPort` on the wire is byte-swapped (§3.3.4); this is already swapped back. */
  readonly clientPort?: number;
  readonly abchMigrated?: boolean;
  readonly touNeeded?: boolean;
}

/** `ClientPort` is sent byte-swapped: 1863 (0x0747) travels as 18183 (0x4707). Its own inverse. */
export function swapPortBytes(port: number): number {
  return ((port & 0xff) << 8) | ((port >> 8) & 0xff);
}

/** Read the known profile fields; unreadable numbers are left out rather than guessed. */
export function profileInfo(fields: readonly MimeHeader[]): ProfileInfo {
  const s = (name: string): string | undefined => headerValue(fields, name);
  const int = (name: string): number | undefined => {
    const v = s(name)?.trim();
    return v !== undefined && /^-?\d{1,15}$/.test(v) ? Number(v) : undefined;
  };
  const bool = (name: string): boolean | undefined => {
    const n = int(name);
    return n === undefined ? undefined : n !== 0;
  };
  const port = int('ClientPort');
  const info: Record<string, unknown> = {
    loginTime: int('LoginTime'),
    emailEnabled: bool('EmailEnabled'),
    memberIdHigh: int('MemberIdHigh'),
    memberIdLow: int('MemberIdLow'),
    language: int('lang_preference'),
    preferredEmail: s('preferredEmail'),
    country: s('country'),
    postalCode: s('PostalCode'),
    gender: s('Gender'),
    kid: int('Kid'),
    age: s('Age'),
    birthdayPre: s('BDayPre'),
    birthday: s('Birthday'),
    wallet: s('Wallet'),
    flags: int('Flags'),
    sid: int('sid'),
    kv: int('kv'),
    mspAuth: s('MSPAuth'),
    clientIp: s('ClientIP'),
    clientPort: port !== undefined && port >= 0 && port <= 0xffff ? swapPortBytes(port) : undefined,
    abchMigrated: bool('ABCHMigrated'),
    touNeeded: bool('TOUNeeded'),
  };
  for (const k of Object.keys(info)) if (info[k] === undefined) delete info[k];
  return info as ProfileInfo;
}

/**
 * The profile the NS sends right after `USR … OK` (§3.3.4), with the fields the dialect has, in the
 * order the service sent them: `LoginTime` (2+); the Passport fields (3+); `ClientIP`/`ClientPort`
 * (8+); `ABCHMigrated` (10+, default 1: GUID mode, the only mode of 11+); `TOUNeeded` only when set.
 * Unset Passport fields are sent empty (or 0 for numbers), as the service did.
 */
export function buildProfileMessage(info: ProfileInfo & { readonly loginTime: number }, dialect: Dialect): ProfileMessage {
  const f: MimeHeader[] = [];
  const add = (name: string, value: string | number | undefined, fallback = ''): void => {
    f.push({ name, value: value === undefined ? fallback : String(value) });
  };
  add('LoginTime', info.loginTime);
  if (dialect >= 3) {
    add('EmailEnabled', info.emailEnabled === undefined ? undefined : info.emailEnabled ? 1 : 0, '0');
    add('MemberIdHigh', info.memberIdHigh, '0');
    add('MemberIdLow', info.memberIdLow, '0');
    add('lang_preference', info.language, '1033');
    add('preferredEmail', info.preferredEmail);
    add('country', info.country);
    add('PostalCode', info.postalCode);
    add('Gender', info.gender);
    add('Kid', info.kid, '0');
    add('Age', info.age);
    add('BDayPre', info.birthdayPre);
    add('Birthday', info.birthday);
    add('Wallet', info.wallet);
    add('Flags', info.flags, '1027');
    add('sid', info.sid, '507');
    add('kv', info.kv, '5');
    add('MSPAuth', info.mspAuth);
  }
  if (dialect >= 8) {
    add('ClientIP', info.clientIp);
    add('ClientPort', info.clientPort === undefined ? undefined : swapPortBytes(info.clientPort), '0');
  }
  if (dialect >= 10) add('ABCHMigrated', info.abchMigrated === false ? 0 : 1);
  if (info.touNeeded === true && dialect >= 10) add('TOUNeeded', 1);
  return { kind: 'profile', fields: f };
}

/** `Type: 1`, `Arg1: minutes`: the maintenance warning before `OUT SSD` (§5.5, §6.11). */
export function buildMaintenanceMessage(minutes: number): SystemMessage {
  return { kind: 'system', type: 1, arg1: String(minutes), fields: [] };
}

// ---------------------------------------------------------------------------------------------
// Splitting long text (§6.4: a switchboard MSG payload is at most 1664 bytes)

/**
 * Split text so that each piece, built as a text message with `format`, has a payload of at most
 * `maxPayload` bytes. Pieces break between code points, so no UTF-8 sequence or surrogate pair is
 * ever cut and CRLF stays together; a break after whitespace is preferred when one falls in the
 * second half of a piece. `pieces.join('') === text`. Empty text gives one empty piece.
 */
export function splitTextMessage(text: string, format?: TextFormat, maxPayload: number = MAX_SB_MESSAGE_PAYLOAD): string[] {
  const overhead = buildTextMessage('', format).length;
  const budget = maxPayload - overhead;
  if (budget < 4) throw new RangeError(`a payload limit of ${maxPayload} leaves no room for text`);
  if (utf8Length(text) <= budget) return [text];

  const pieces: string[] = [];
  let start = 0;
  let bytes = 0;
  let breakAt = -1;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) as number;
    const units = cp > 0xffff ? 2 : 1;
    const w = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp <= 0xffff ? 3 : 4;
    if (bytes + w > budget) {
      let cut = breakAt > start ? breakAt : i;
      // Keep a CRLF pair in one piece.
      if (cut - 1 > start && text.charCodeAt(cut - 1) === 13 && text.charCodeAt(cut) === 10) cut -= 1;
      pieces.push(text.slice(start, cut));
      start = cut;
      bytes = utf8Length(text.slice(start, i));
      breakAt = -1;
      continue;
    }
    bytes += w;
    i += units;
    if ((cp === 32 || cp === 10 || cp === 9) && bytes * 2 >= budget) breakAt = i;
  }
  pieces.push(text.slice(start));
  return pieces;
}
