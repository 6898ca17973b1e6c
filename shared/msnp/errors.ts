/**
 * Two kinds of error, both values, never thrown:
 * - `CodecError`: bytes that do not frame or tokenise (the connection decides whether to close);
 * - `ProtocolError`: a numeric error reply from the peer (`911 7`), decoded from the §7 table.
 */
import type { Command } from './command';

export type CodecErrorCode =
  /** No LF within MAX_LINE_LENGTH bytes; the parser skips to the next LF. */
  | 'LINE_TOO_LONG'
  /** A line with nothing on it. */
  | 'EMPTY_LINE'
  /** A CR not followed by LF inside a line (the server never accepted a bare CR, MSNP.md §1.2). */
  | 'BARE_CR'
  /** The line's bytes are not valid UTF-8. */
  | 'INVALID_ENCODING'
  /** The first token is not three upper-case letters or three digits. */
  | 'BAD_VERB'
  /** The verb requires a TrID and the token is not a decimal 0 … 2^32−1. */
  | 'BAD_TRID'
  /** A payload command's byte count is missing, not a decimal, or negative. */
  | 'BAD_PAYLOAD_LENGTH'
  /** A payload byte count above the limit; the parser skips the bytes without buffering them. */
  | 'PAYLOAD_TOO_LARGE'
  /** The stream ended inside a line or a payload. */
  | 'TRUNCATED'
  /** A command lacks parameters its typed decoder requires. */
  | 'MISSING_PARAMS'
  /** A parameter has the wrong form for its typed decoder. */
  | 'BAD_PARAM'
  /** A payload that does not parse for its content type. */
  | 'BAD_PAYLOAD'
  /** A known verb that the negotiated dialect does not have in this direction (MSNP.md §2.6). */
  | 'NOT_IN_DIALECT'
  /** A known verb sent to the wrong kind of server (`MSG` to the NS, `CAL` to the NS …). */
  | 'WRONG_SERVER';

export interface CodecError {
  readonly kind: 'error';
  readonly code: CodecErrorCode;
  readonly message: string;
  /** The offending line (truncated, for logs), when there is one. */
  readonly line?: string;
}

export function codecError(code: CodecErrorCode, message: string, line?: string): CodecError {
  return line === undefined ? { kind: 'error', code, message } : { kind: 'error', code, message, line: clip(line) };
}

export function isCodecError(x: unknown): x is CodecError {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'error';
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

export interface ProtocolErrorInfo {
  readonly code: number;
  /** Mnemonic from the 1999 draft §7.11, or our own upper-case name where the draft has none. */
  readonly name: string;
  readonly description: string;
}

export interface ProtocolError extends ProtocolErrorInfo {
  readonly trId: number | undefined;
}

/** MSNP.md §7, in full. */
const TABLE: ReadonlyArray<readonly [number, string, string]> = [
  [200, 'ERR_SYNTAX_ERROR', 'Syntax error'],
  [201, 'ERR_INVALID_PARAMETER', 'Invalid parameter'],
  [203, 'ERR_INVALID_FEDERATED_USER', 'Invalid federated user'],
  [204, 'ERR_UNROUTABLE_USER', 'Unroutable user or network unavailable'],
  [205, 'ERR_INVALID_USER', 'The account does not exist'],
  [206, 'ERR_FQDN_MISSING', 'The handle lacks a domain'],
  [207, 'ERR_ALREADY_LOGIN', 'Already signed in'],
  [208, 'ERR_INVALID_USERNAME', 'Invalid handle, or the account does not exist'],
  [209, 'ERR_INVALID_FRIENDLY_NAME', 'That display name is not allowed'],
  [210, 'ERR_LIST_FULL', 'The list is full'],
  [212, 'ERR_UNEXPECTED', 'Unexpected error'],
  [213, 'ERR_INVALID_RENAME', 'The user does not exist or cannot be renamed'],
  [215, 'ERR_ALREADY_THERE', 'Already on that list, in that group or in the conversation'],
  [216, 'ERR_NOT_ON_LIST', 'Not on that list'],
  [217, 'ERR_USER_OFFLINE', 'The user is offline, hidden or not accepting messages'],
  [218, 'ERR_ALREADY_IN_THE_MODE', 'Already in that mode'],
  [219, 'ERR_ALREADY_IN_OPPOSITE_LIST', 'Already on the opposite list (allow/block)'],
  [220, 'ERR_NOT_ACCEPTING_PAGES', 'Not accepting pages'],
  [223, 'ERR_TOO_MANY_GROUPS', 'Too many groups'],
  [224, 'ERR_INVALID_GROUP', 'No such group'],
  [225, 'ERR_NOT_IN_GROUP', 'The contact is not in that group'],
  [228, 'ERR_GROUP_EXISTS', 'A group with that name already exists'],
  [229, 'ERR_GROUP_NAME_TOO_LONG', 'The group name is too long'],
  [230, 'ERR_CANNOT_REMOVE_GROUP_ZERO', 'Group 0 cannot be removed'],
  [231, 'ERR_INVALID_GROUP_ADD', 'Invalid group'],
  [232, 'ERR_INVALID_MOBILE_NUMBER', 'Invalid mobile number'],
  [233, 'ERR_UNKNOWN_MOBILE_NUMBER', 'Unknown mobile number'],
  [234, 'ERR_UNKNOWN_MOBILE_DOMAIN', 'Unknown mobile domain'],
  [240, 'ERR_INVALID_XML', 'Invalid XML'],
  [241, 'ERR_INVALID_XML_DATA', 'Invalid XML data'],
  [280, 'ERR_SWITCHBOARD_FAILED', 'Switchboard failed'],
  [281, 'ERR_NOTIFY_XFR_FAILED', 'Transfer to switchboard failed'],
  [282, 'ERR_BAD_P2P_DATA', 'Malformed P2P data'],
  [300, 'ERR_REQUIRED_FIELDS_MISSING', 'Required fields missing'],
  [301, 'ERR_TOO_MANY_HITS', 'Too many search results'],
  [302, 'ERR_NOT_LOGGED_IN', 'Not signed in'],
  [400, 'ERR_AB_READ_ONLY', 'Address book read-only'],
  [402, 'ERR_AB_BUSY', 'Address book busy'],
  [403, 'ERR_AB_UNAVAILABLE', 'Address book unavailable'],
  [413, 'ERR_SUBSCRIPTION', 'Subscription error'],
  [414, 'ERR_SUBSCRIPTION_2', 'Subscription error'],
  [415, 'ERR_MARKET', 'Market error'],
  [416, 'ERR_MARKET_2', 'Market error'],
  [417, 'ERR_INVITE_REQUIRED', 'Invitation required'],
  [418, 'ERR_INVITE_REQUIRED_2', 'Invitation required'],
  [419, 'ERR_INVITE_REQUIRED_3', 'Invitation required'],
  [420, 'ERR_INVITE_REQUIRED_4', 'Invitation required'],
  [500, 'ERR_INTERNAL_SERVER', 'Internal server error'],
  [501, 'ERR_DB_SERVER', 'Database server error'],
  [502, 'ERR_COMMAND_DISABLED', 'Command disabled'],
  [503, 'ERR_FAIL', 'Generic failure'],
  [504, 'ERR_BACKEND_504', 'Backend service failure'],
  [505, 'ERR_BACKEND_505', 'Backend service failure'],
  [508, 'ERR_BACKEND_508', 'Backend service failure'],
  [509, 'ERR_BACKEND_509', 'Backend service failure'],
  [510, 'ERR_FILE_OPERATION', 'File operation failed'],
  [511, 'ERR_BACKEND_511', 'Backend service failure'],
  [520, 'ERR_MEMORY_ALLOC', 'Memory allocation failed'],
  [540, 'ERR_CHALLENGE_FAILED', 'Challenge response failed'],
  [600, 'ERR_SERVER_BUSY', 'Server busy'],
  [601, 'ERR_SERVER_UNAVAILABLE', 'Server unavailable'],
  [602, 'ERR_PEER_NS_DOWN', 'Peer notification server down'],
  [603, 'ERR_DB_CONNECT', 'Database connect error'],
  [604, 'ERR_SERVER_GOING_DOWN', 'Server going down'],
  [605, 'ERR_SERVER_UNAVAILABLE_2', 'Server unavailable'],
  [606, 'ERR_PAGING_UNAVAILABLE', 'Paging unavailable'],
  [707, 'ERR_CREATE_CONNECTION', 'Could not create connection'],
  [710, 'ERR_BAD_CVR_PARAMETERS', 'Bad CVR parameters'],
  [711, 'ERR_BLOCKING_WRITE', 'Blocking write failed'],
  [712, 'ERR_SESSION_OVERLOAD', 'Session overload'],
  [713, 'ERR_USER_TOO_ACTIVE', 'Too many requests too quickly'],
  [714, 'ERR_TOO_MANY_SESSIONS', 'Too many sessions'],
  [715, 'ERR_NOT_EXPECTED', 'Command not expected now'],
  [717, 'ERR_BAD_FRIEND_FILE', 'Contact list corrupt'],
  [718, 'ERR_RESTRICTED_USER', 'Restricted user'],
  [719, 'ERR_FEDERATED_SESSION', 'Federated session'],
  [726, 'ERR_USER_FEDERATED', 'User is federated'],
  [729, 'ERR_BUSY_729', 'Busy'],
  [731, 'ERR_NOT_EXPECTED_2', 'Command not expected'],
  [800, 'ERR_CHANGING_TOO_FAST', 'Too many changes too quickly'],
  [910, 'ERR_SERVER_TOO_BUSY', 'Server too busy'],
  [911, 'ERR_AUTHENTICATION_FAILED', 'Authentication failed'],
  [912, 'ERR_SERVER_TOO_BUSY_2', 'Server too busy'],
  [913, 'ERR_NOT_ALLOWED_WHEN_OFFLINE', 'Not allowed while appearing offline'],
  [914, 'ERR_SERVER_UNAVAILABLE_914', 'Server unavailable'],
  [915, 'ERR_SERVER_UNAVAILABLE_915', 'Server unavailable'],
  [916, 'ERR_SERVER_UNAVAILABLE_916', 'Server unavailable'],
  [917, 'ERR_AUTHENTICATION_FAILED_2', 'Authentication failed or invalid domain'],
  [918, 'ERR_SERVER_BUSY_918', 'Server busy'],
  [919, 'ERR_INTERNAL_919', 'Internal server error'],
  [920, 'ERR_NOT_ACCEPTING_NEW_USERS', 'Not accepting new users'],
  [921, 'ERR_SERVER_TOO_BUSY_921', 'Server too busy'],
  [922, 'ERR_SERVER_TOO_BUSY_922', 'Server too busy'],
  [923, 'ERR_KIDS_WITHOUT_CONSENT', 'Kids Passport without parental consent'],
  [924, 'ERR_EMAIL_NOT_VERIFIED', 'Passport e-mail address not verified'],
  [926, 'ERR_MANAGED_ACCOUNT_CVR', 'Managed account: invalid CVR'],
  [927, 'ERR_ACCOUNT_RESTRICTED', 'Account restricted or suspended'],
  [928, 'ERR_BAD_TICKET', 'Bad ticket or invalid password'],
  [929, 'ERR_MCAA_CHALLENGE_FAILED', 'Challenge failed for MCAA request'],
  [930, 'ERR_FEDERATED_DOMAIN', 'Account belongs to a federated domain'],
  [931, 'ERR_WRONG_SERVER', 'Wrong server for this account'],
];

export const PROTOCOL_ERRORS: ReadonlyMap<number, ProtocolErrorInfo> = new Map(
  TABLE.map(([code, name, description]) => [code, { code, name, description }]),
);

/** Named codes for the ones our code raises or reacts to (MSNP.md §7 "Server guidance"). */
export const ErrorCode = {
  INVALID_PARAMETER: 201,
  INVALID_USER: 205,
  FQDN_MISSING: 206,
  ALREADY_LOGGED_IN: 207,
  INVALID_USERNAME: 208,
  INVALID_FRIENDLY_NAME: 209,
  LIST_FULL: 210,
  ALREADY_THERE: 215,
  NOT_ON_LIST: 216,
  USER_OFFLINE: 217,
  ALREADY_IN_MODE: 218,
  ALREADY_IN_OPPOSITE_LIST: 219,
  TOO_MANY_GROUPS: 223,
  INVALID_GROUP: 224,
  NOT_IN_GROUP: 225,
  GROUP_EXISTS: 228,
  GROUP_NAME_TOO_LONG: 229,
  CANNOT_REMOVE_GROUP_ZERO: 230,
  /**
   * 240 "invalid XML" (§7; the table files it under MSNP13+ `ADL`, the nearest code for an XML
   * payload that does not read): our server answers a `UUX` whose `<Data>` document is not UTF-8
   * (§2.10: the payload is UTF-8 XML).
   */
  INVALID_XML: 240,
  SWITCHBOARD_FAILED: 280,
  BAD_P2P_DATA: 282,
  NOT_LOGGED_IN: 302,
  INTERNAL_SERVER: 500,
  COMMAND_DISABLED: 502,
  CHALLENGE_FAILED: 540,
  SERVER_BUSY: 600,
  SERVER_UNAVAILABLE: 601,
  SERVER_GOING_DOWN: 604,
  /**
   * 712 ERR_SESSION_OVERLOAD (§7, draft mnemonic): our server's answer to a `CAL` beyond its
   * switchboard participant cap. The reference documents no cap and no code for one (§6.3, §8:
   * "> 30 seen; once 5"); an overloaded session is the closest meaning.
   */
  SESSION_OVERLOAD: 712,
  USER_TOO_ACTIVE: 713,
  NOT_EXPECTED: 715,
  CHANGING_TOO_FAST: 800,
  AUTHENTICATION_FAILED: 911,
  NOT_ALLOWED_WHEN_OFFLINE: 913,
} as const;

/** Look up a code; codes outside the table still decode, as "Unknown error NNN". */
export function protocolErrorInfo(code: number): ProtocolErrorInfo {
  return PROTOCOL_ERRORS.get(code) ?? { code, name: 'ERR_UNKNOWN', description: `Unknown error ${code}` };
}

/** `911 7` → a ProtocolError; undefined when the command is not a numeric error. */
export function decodeProtocolError(cmd: Command): ProtocolError | undefined {
  if (!/^\d{3}$/.test(cmd.verb)) return undefined;
  return { ...protocolErrorInfo(Number(cmd.verb)), trId: cmd.trId };
}
