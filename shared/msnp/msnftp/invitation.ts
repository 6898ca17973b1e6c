/**
 * `text/x-msmsgsinvite` invitations (MSNP.md §6.10): INVITE / ACCEPT / CANCEL as typed values.
 *
 * The body is a header-like block (`Name: value` lines, a blank line at the end), carried in an
 * ordinary switchboard `MSG`; `decodeMessage` gives its fields (`{ kind: 'invite', fields }`) and
 * `buildMessage({ kind: 'invite', fields })` makes the payload. Here the fields become typed values
 * and back. Reading is liberal (any field order, names in any case, CRLF or LF, unknown fields
 * kept); a missing or malformed field an exchange depends on is a `BAD_PAYLOAD` error value.
 * Writing uses the field order of the official client as the reference's examples show it.
 */
import { buildMessage, decodeMessage } from '../messages';
import { headerValue, type MimeHeader } from '../mime';
import { codecError, isCodecError, type CodecError } from '../errors';

/** The file transfer application (MSNP.md §6.10; the P2P EUF-GUID is the same GUID, MSNP-P2P.md). */
export const FILE_TRANSFER_GUID = '{5D3E02AB-6190-11d3-BBBB-00C04F795683}';
/** What the official client puts in `Application-Name` for a file. */
export const FILE_TRANSFER_APP_NAME = 'File Transfer';
/** The usual listening port of MSNFTP (§6.10); we listen on an OS-chosen one instead. */
export const MSNFTP_DEFAULT_PORT = 6891;

/**
 * `Cancel-Code` values (§6.10): `REJECT` user declined; `REJECT_NOT_INSTALLED` application not
 * supported; `TIMEOUT` the inviter gave up waiting for ACCEPT; `FTTIMEOUT` error during the
 * transfer itself; `OUTBANDCANCEL` the window carrying the invitation is closing / the transfer
 * was cancelled outside the TCP session; `FAIL` no common `Session-Protocol`.
 */
export type CancelCode = 'REJECT' | 'REJECT_NOT_INSTALLED' | 'TIMEOUT' | 'FTTIMEOUT' | 'OUTBANDCANCEL' | 'FAIL';
const CANCEL_CODES: ReadonlySet<string> = new Set<CancelCode>(['REJECT', 'REJECT_NOT_INSTALLED', 'TIMEOUT', 'FTTIMEOUT', 'OUTBANDCANCEL', 'FAIL']);

export function isKnownCancelCode(code: string): code is CancelCode {
  return CANCEL_CODES.has(code);
}

export interface InviteInvitation {
  readonly command: 'INVITE';
  /** `Invitation-Cookie`: 0…2^32−1, ties the exchange together. */
  readonly cookie: number;
  readonly applicationGuid: string;
  readonly applicationName?: string;
  /** Present when the GUID is the file transfer's: `Application-File` and `Application-FileSize`. */
  readonly file?: { readonly name: string; readonly size: number };
  /** `Connectivity: N` (MSN 5.0+): the inviter cannot accept connections. */
  readonly connectivity?: boolean;
  /** Every field as received, for what the typed view does not cover. */
  readonly fields: readonly MimeHeader[];
}

export interface AcceptInvitation {
  readonly command: 'ACCEPT';
  readonly cookie: number;
  /** The listening side's address (the file's sender, normally). */
  readonly ipAddress?: string;
  readonly port?: number;
  /** `AuthCookie`: what the connecting side must present in `USR` (0…2^32−1). */
  readonly authCookie?: number;
  /** MSN 5.0+ NAT helpers (§6.10). */
  readonly ipAddressInternal?: string;
  readonly portX?: number;
  readonly portXInternal?: number;
  /** `Sender-Connect: TRUE`: the receiver listens and the sender connects. */
  readonly senderConnect?: boolean;
  readonly launchApplication?: boolean;
  readonly requestData?: string;
  readonly fields: readonly MimeHeader[];
}

export interface CancelInvitation {
  readonly command: 'CANCEL';
  readonly cookie: number;
  /** The code as sent (unknown codes are kept; `isKnownCancelCode` tells). Empty when absent. */
  readonly cancelCode: string;
  readonly fields: readonly MimeHeader[];
}

export type Invitation = InviteInvitation | AcceptInvitation | CancelInvitation;

// ---------------------------------------------------------------------------------------------
// Reading

/** The typed invitation in an `MSG` payload, or an error value (not an invitation, or malformed). */
export function parseInvitationPayload(payload: Uint8Array): Invitation | CodecError {
  const m = decodeMessage(payload);
  if (isCodecError(m)) return m;
  if (m.kind !== 'invite') return codecError('BAD_PAYLOAD', 'not a text/x-msmsgsinvite message');
  return parseInvitation(m.fields);
}

/** The typed view of an invitation body's fields. */
export function parseInvitation(fields: readonly MimeHeader[]): Invitation | CodecError {
  const command = field(fields, 'Invitation-Command')?.toUpperCase();
  if (command === undefined) return bad('invitation without Invitation-Command');
  const cookie = uint32(field(fields, 'Invitation-Cookie'));
  if (cookie === undefined) return bad('invitation without a valid Invitation-Cookie (0…4294967295)');
  switch (command) {
    case 'INVITE':
      return parseInvite(fields, cookie);
    case 'ACCEPT':
      return parseAccept(fields, cookie);
    case 'CANCEL':
      return { command: 'CANCEL', cookie, cancelCode: (field(fields, 'Cancel-Code') ?? '').toUpperCase(), fields };
    default:
      return bad(`unknown Invitation-Command ${JSON.stringify(command.slice(0, 40))}`);
  }
}

/** Whether a GUID names the file transfer application (GUIDs compare case-insensitively). */
export function isFileTransferGuid(guid: string | undefined): boolean {
  return guid !== undefined && guid.trim().toUpperCase() === FILE_TRANSFER_GUID.toUpperCase();
}

function parseInvite(fields: readonly MimeHeader[], cookie: number): InviteInvitation | CodecError {
  const applicationGuid = field(fields, 'Application-GUID');
  if (applicationGuid === undefined || applicationGuid === '') return bad('INVITE without Application-GUID');
  const applicationName = field(fields, 'Application-Name');
  const connectivity = yesNo(field(fields, 'Connectivity'));
  const base = {
    command: 'INVITE' as const,
    cookie,
    applicationGuid,
    ...(applicationName !== undefined ? { applicationName } : {}),
    ...(connectivity !== undefined ? { connectivity } : {}),
    fields,
  };
  if (!isFileTransferGuid(applicationGuid)) return base;
  // The file's name is kept as announced (untrusted: the app makes a safe name of it); a raw
  // value keeps leading/trailing spaces, but a name that is empty is no name.
  const name = rawField(fields, 'Application-File');
  if (name === undefined || name.trim() === '') return bad('file INVITE without Application-File');
  const size = safeSize(field(fields, 'Application-FileSize'));
  if (size === undefined) return bad('file INVITE without a valid Application-FileSize');
  return { ...base, file: { name, size } };
}

function parseAccept(fields: readonly MimeHeader[], cookie: number): AcceptInvitation | CodecError {
  const out: { -readonly [K in keyof AcceptInvitation]: AcceptInvitation[K] } = { command: 'ACCEPT', cookie, fields };
  const ip = field(fields, 'IP-Address');
  if (ip !== undefined && ip !== '') out.ipAddress = ip;
  const ipInternal = field(fields, 'IP-Address-Internal');
  if (ipInternal !== undefined && ipInternal !== '') out.ipAddressInternal = ipInternal;
  for (const [name, key] of [
    ['Port', 'port'],
    ['PortX', 'portX'],
    ['PortX-Internal', 'portXInternal'],
  ] as const) {
    const raw = field(fields, name);
    if (raw === undefined || raw === '') continue;
    const port = portNumber(raw);
    if (port === undefined) return bad(`ACCEPT with a bad ${name} ${JSON.stringify(raw.slice(0, 20))}`);
    out[key] = port;
  }
  const auth = field(fields, 'AuthCookie');
  if (auth !== undefined && auth !== '') {
    const n = uint32(auth);
    if (n === undefined) return bad('ACCEPT with a bad AuthCookie');
    out.authCookie = n;
  }
  const senderConnect = trueFalse(field(fields, 'Sender-Connect'));
  if (senderConnect !== undefined) out.senderConnect = senderConnect;
  const launch = trueFalse(field(fields, 'Launch-Application'));
  if (launch !== undefined) out.launchApplication = launch;
  const requestData = field(fields, 'Request-Data');
  if (requestData !== undefined) out.requestData = requestData;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing (field order of the official client, §6.10's examples)

export interface FileInviteInit {
  readonly cookie: number;
  readonly name: string;
  readonly size: number;
  /** `Connectivity: N` when we cannot accept connections (we always can: omitted by default). */
  readonly connectivity?: boolean;
}

/** The file INVITE's fields. */
export function buildFileInvite(init: FileInviteInit): MimeHeader[] {
  checkCookie(init.cookie);
  if (!Number.isSafeInteger(init.size) || init.size < 0) throw new RangeError(`bad file size ${init.size}`);
  const fields: MimeHeader[] = [
    { name: 'Application-Name', value: FILE_TRANSFER_APP_NAME },
    { name: 'Application-GUID', value: FILE_TRANSFER_GUID },
    { name: 'Invitation-Command', value: 'INVITE' },
    { name: 'Invitation-Cookie', value: String(init.cookie) },
    { name: 'Application-File', value: init.name },
    { name: 'Application-FileSize', value: String(init.size) },
  ];
  if (init.connectivity !== undefined) fields.push({ name: 'Connectivity', value: init.connectivity ? 'Y' : 'N' });
  return fields;
}

/** The receiver's ACCEPT (no address: the sender listens). */
export function buildReceiverAccept(cookie: number): MimeHeader[] {
  checkCookie(cookie);
  return [
    { name: 'Invitation-Command', value: 'ACCEPT' },
    { name: 'Invitation-Cookie', value: String(cookie) },
    { name: 'Launch-Application', value: 'FALSE' },
    { name: 'Request-Data', value: 'IP-Address:' },
  ];
}

export interface SenderAcceptInit {
  readonly cookie: number;
  readonly ipAddress: string;
  readonly port: number;
  readonly authCookie: number;
}

/** The sender's ACCEPT: where to connect and the cookie to present. */
export function buildSenderAccept(init: SenderAcceptInit): MimeHeader[] {
  checkCookie(init.cookie);
  checkCookie(init.authCookie);
  if (portNumber(String(init.port)) === undefined) throw new RangeError(`bad port ${init.port}`);
  return [
    { name: 'Invitation-Command', value: 'ACCEPT' },
    { name: 'Invitation-Cookie', value: String(init.cookie) },
    { name: 'IP-Address', value: init.ipAddress },
    { name: 'Port', value: String(init.port) },
    { name: 'AuthCookie', value: String(init.authCookie) },
    { name: 'Launch-Application', value: 'FALSE' },
    { name: 'Request-Data', value: 'IP-Address:' },
  ];
}

export function buildCancel(cookie: number, code: CancelCode): MimeHeader[] {
  checkCookie(cookie);
  return [
    { name: 'Invitation-Command', value: 'CANCEL' },
    { name: 'Invitation-Cookie', value: String(cookie) },
    { name: 'Cancel-Code', value: code },
  ];
}

/** The `MSG` payload for invitation fields (`MIME-Version`, `Content-Type: text/x-msmsgsinvite; charset=UTF-8`). */
export function buildInvitationPayload(fields: readonly MimeHeader[]): Uint8Array {
  return buildMessage({ kind: 'invite', fields });
}

// ---------------------------------------------------------------------------------------------

function bad(message: string): CodecError {
  return codecError('BAD_PAYLOAD', message);
}

function field(fields: readonly MimeHeader[], name: string): string | undefined {
  return headerValue(fields, name)?.trim();
}

function rawField(fields: readonly MimeHeader[], name: string): string | undefined {
  return headerValue(fields, name);
}

function uint32(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,10}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n <= 0xffffffff ? n : undefined;
}

function safeSize(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,16}$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

function portNumber(raw: string): number | undefined {
  if (!/^\d{1,5}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function trueFalse(raw: string | undefined): boolean | undefined {
  const v = raw?.toUpperCase();
  return v === 'TRUE' ? true : v === 'FALSE' ? false : undefined;
}

function yesNo(raw: string | undefined): boolean | undefined {
  const v = raw?.toUpperCase();
  return v === 'Y' ? true : v === 'N' ? false : undefined;
}

function checkCookie(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`bad invitation cookie ${n}`);
}
