/**
 * Masking for the protocol console: anything that could sign someone in, or open one of their
 * conversations, is replaced by `***` before a line is kept or shown; everything else stays as it
 * was on the wire so a bug report is still useful.
 *
 * This works on text (the lines a traffic tap produces, or a pasted transcript), in both
 * directions, and is idempotent. The client's tap (`electron/core/msn/traffic.ts`) already masks
 * what it knows at the source; this is the console's own pass, so nothing reaches the console
 * window or a saved report unmasked even if a new code path forgets.
 *
 * Masked (MSNP.md section in brackets):
 * - `USR t MD5 S <hash>` from the client (§3.2): md5(challenge + password) permits an offline
 *   guess of the password. The server's challenge (`USR t MD5 S <challenge>`) is kept.
 * - `USR t TWN S t=…&p=…` from the client: the Passport ticket (§3.3.1). The server's policy
 *   string (`USR t TWN S lc=…`) is kept. Likewise `CTP` (plain password, §3.1) and `SSO`.
 * - `MSPAuth:` (and `MSPProf:`, `MSPSec:`) in the profile `MSG` (§3.3.4): the ticket again.
 *   `ClientIP:`/`ClientPort:` too: the user's public address does not belong in a public report.
 * - `from-PP='…'` and `pwd=…` in Passport HTTP headers (§3.3.2); `Cookie:`/`Set-Cookie:` values.
 * - Switchboard cookies (§6.1, §6.2): `XFR t SB host CKI <cookie>`, `RNG sid host CKI <cookie> …`,
 *   `USR t handle <cookie>` and `ANS t handle <cookie> sid`.
 * - Any `t=…&p=…` ticket shape anywhere, and any caller-supplied secret (the password, raw and
 *   URL-encoded) anywhere, as a last line of defence.
 * Kept: challenge answers (`QRY`, §3.5): they are derived from a public product key and a
 * one-time challenge and sign nobody in; seeing them helps debug challenge failures.
 */

export const MASK = '***';

export type Direction = 'in' | 'out';

/** `TrID` tokens are decimal numbers. */
function isTrId(s: string | undefined): boolean {
  return s !== undefined && /^\d+$/.test(s);
}

function maskToken(tokens: string[], index: number): void {
  if (index >= 0 && index < tokens.length) tokens[index] = MASK;
}

/** Mask by command shape. `tokens[0]` is the verb. */
function maskCommandTokens(direction: Direction, tokens: string[]): void {
  const verb = tokens[0];
  switch (verb) {
    case 'USR': {
      if (!isTrId(tokens[1])) return;
      const pkg = tokens[2];
      if (pkg === 'OK') return;
      if (tokens[3] === 'S' && (pkg === 'MD5' || pkg === 'TWN' || pkg === 'CTP' || pkg === 'SSO')) {
        // The server's S carries a challenge / policy (not secret); the client's carries the answer.
        if (direction === 'out') for (let i = 4; i < tokens.length; i++) maskToken(tokens, i);
        return;
      }
      if (tokens[3] === 'I' || tokens[3] === 'S') return;
      // Switchboard: `USR t handle cookie` (client). The server answers `USR t OK …`.
      if (tokens.length >= 4 && tokens[2]?.includes('@')) maskToken(tokens, 3);
      return;
    }
    case 'ANS':
      // `ANS t handle cookie sid` (client); `ANS t OK` (server).
      if (isTrId(tokens[1]) && tokens[2] !== 'OK' && tokens.length >= 4) maskToken(tokens, 3);
      return;
    case 'XFR':
    case 'RNG': {
      const cki = tokens.indexOf('CKI');
      if (cki > 0) maskToken(tokens, cki + 1);
      return;
    }
    default:
      return;
  }
}

// Patterns that are secret wherever they appear (lines, HTTP headers, payloads).
const TICKET = /\bt=[^&\s',]+&p=[^\s',]*/g;
const FROM_PP = /(from-PP=')[^']*/gi;
const PWD = /(\bpwd=)[^,\s]*/gi;
const HEADER_SECRETS = /^([ \t]*(?:MSPAuth|MSPProf|MSPSec|ClientIP|ClientPort|Cookie|Set-Cookie)[ \t]*:[ \t]*)(\S.*?)([ \t]*\r?)$/gim;
const XML_SECRETS = /(<(?:wsse:)?(?:BinarySecurityToken|PassportTicket|TicketToken|Password)\b[^>]*>)([^<]*)(<)/gi;

function maskPatterns(text: string): string {
  return text
    .replace(FROM_PP, `$1${MASK}`)
    .replace(TICKET, MASK)
    .replace(PWD, `$1${MASK}`)
    .replace(HEADER_SECRETS, `$1${MASK}$3`)
    .replace(XML_SECRETS, `$1${MASK}$3`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Secrets known to the caller (e.g. the password), in the forms they may travel in. */
export function secretForms(secret: string): string[] {
  if (secret.length < 3) return []; // too short to mask without destroying the transcript
  const forms = new Set([secret, encodeURIComponent(secret)]);
  return [...forms].sort((a, b) => b.length - a.length);
}

function maskKnownSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of secretForms(secret)) out = out.replace(new RegExp(escapeRegExp(form), 'g'), MASK);
  }
  return out;
}

/**
 * Mask one command line (without CRLF) or HTTP line. `direction` is as seen from our client:
 * `out` = we sent it.
 */
export function maskLine(direction: Direction, line: string, secrets: readonly string[] = []): string {
  const tokens = line.split(' ');
  maskCommandTokens(direction, tokens);
  return maskKnownSecrets(maskPatterns(tokens.join(' ')), secrets);
}

/** Mask a payload (MIME headers and body of MSG, NOT/UBX/… XML, HTTP headers). */
export function maskPayload(payload: string, secrets: readonly string[] = []): string {
  return maskKnownSecrets(maskPatterns(payload), secrets);
}
