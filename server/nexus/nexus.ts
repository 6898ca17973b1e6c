/**
 * The Passport 1.4 "Tweener" login over HTTP(S) (MSNP.md §3.3.2–§3.3.3):
 *
 * - `GET /rdr/pprdr.asp` → `PassportURLs: DARealm=Passport.Net,DALogin=host:port/login2.srf,…`.
 *   `DALogin` has no scheme, as Microsoft sent it (§3.3.3): clients of the era prepend `https://`
 *   (a scheme would give them `https://http://…`); ours takes the scheme of the Nexus URL it was
 *   given. The host is the configured one (`nexusHost`), never the request's `Host` header, which
 *   anyone can set.
 * - `GET /login2.srf` with `Authorization: Passport1.4 …,sign-in=…,pwd=…,…` → `200`,
 *   `Content-Type: text/html`, `Authentication-Info: Passport1.4 da-status=success,…,from-PP='t=…&p=…'`
 *   with a single-use, short-lived ticket; wrong credentials → `401` + `WWW-Authenticate:
 *   Passport1.4 da-status=failed`. Official clients break on any other success shape.
 * - `POST /RST.srf` (MSN 7.5's SOAP login, §3.3.2): the same ticket as `BinarySecurityToken Compact1`.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  buildAuthenticationInfo,
  buildPassportFailure,
  buildPassportUrls,
  checkHandle,
  normalizeHandle,
  parsePassportAuthorization,
} from '../../shared/msnp/index';
import type { TlsConfig } from '../config';
import type { AccountService } from '../core/accounts';
import type { SignInGuard } from '../core/sign-in-guard';
import type { TicketStore } from '../core/tickets';
import type { Logger } from '../logger';

/** Bodies we read (the RST.srf SOAP envelope) are small; anything bigger is refused. */
const MAX_BODY_BYTES = 64 * 1024;

export interface NexusOptions {
  /** `host:port` of the login page over HTTP and over HTTPS (known once listening). */
  readonly loginHost: (secure: boolean) => string;
  readonly accounts: AccountService;
  readonly signIns: SignInGuard;
  readonly tickets: TicketStore;
  readonly logger: Logger;
}

export function createNexusHandler(o: NexusOptions): (req: IncomingMessage, res: ServerResponse, secure: boolean) => void {
  return (req, res, secure) => {
    handle(o, req, res, secure).catch((err: unknown) => {
      o.logger.log('error', 'nexus-error', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end();
    });
  };
}

async function handle(o: NexusOptions, req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]?.toLowerCase() ?? '/';
  if (path === '/rdr/pprdr.asp') {
    res.writeHead(200, { PassportURLs: buildPassportUrls(`${o.loginHost(secure)}/login2.srf`), 'Content-Type': 'text/html', 'Content-Length': 0 });
    res.end();
    return;
  }
  if (path === '/login2.srf' || path === '/login.srf') {
    const creds = parsePassportAuthorization(String(req.headers.authorization ?? ''));
    const ticket = creds === undefined ? undefined : await login(o, creds.handle, creds.password, req);
    if (ticket === undefined) {
      res.writeHead(401, { 'WWW-Authenticate': buildPassportFailure(), 'Content-Type': 'text/html', 'Content-Length': 0 });
      res.end();
      return;
    }
    const body = '<HTML><HEAD></HEAD><BODY>The request was successful.</BODY></HTML>';
    res.writeHead(200, {
      'Content-Type': 'text/html',
      'Authentication-Info': buildAuthenticationInfo(ticket),
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  if (path === '/rst.srf' && req.method === 'POST') {
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413);
      res.end();
      return;
    }
    const handle = xmlText(body, 'Username');
    const password = xmlText(body, 'Password');
    const ticket = handle === undefined || password === undefined ? undefined : await login(o, handle, password, req);
    res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
    res.end(ticket === undefined ? rstFault() : rstSuccess(ticket));
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found');
}

/** Checks the password (slow hash) and issues a ticket; undefined when wrong. Never logs secrets. */
async function login(o: NexusOptions, rawHandle: string, password: string, req: IncomingMessage): Promise<string | undefined> {
  const remote = req.socket.remoteAddress ?? '?';
  if (checkHandle(rawHandle) !== undefined || password.length === 0) {
    o.logger.log('info', 'nexus-login-failed', { remote, reason: 'malformed' });
    return undefined;
  }
  const handle = normalizeHandle(rawHandle);
  // Throttled attempts get the same answer as wrong ones (401 / the SOAP fault), at once and
  // without hashing; see server/core/sign-in-throttle.ts.
  const outcome = await o.signIns.attemptHashed(remote, handle, () => o.accounts.verifyPassword(handle, password));
  if (outcome !== 'ok') {
    o.logger.log('info', 'nexus-login-failed', { remote, handle, reason: outcome === 'throttled' ? 'throttled' : 'bad credentials' });
    return undefined;
  }
  o.logger.log('info', 'nexus-login', { remote, handle });
  return o.tickets.issue(handle).ticket;
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

/**
 * The text of the first element `<localName>` (any namespace prefix, any attributes) whose content
 * is text up to its matching end tag, as `<wsse:Username>alice</wsse:Username>`; undefined when
 * there is none. One pass, linear in the input: every search starts where the last one ended and
 * nothing is looked at twice, so a crafted body costs no more than its length (issue 15 item 20:
 * the regular expression this replaces backtracked quadratically on `<Username ` repeated). No
 * DTD, no entities beyond the five predefined ones: nothing expands.
 */
export function xmlText(xml: string, localName: string): string | undefined {
  const n = xml.length;
  let i = xml.indexOf('<');
  while (i >= 0) {
    const nameEnd = scanName(xml, i + 1);
    if (localPart(xml, i + 1, nameEnd) !== localName) {
      i = xml.indexOf('<', nameEnd);
      continue;
    }
    let gt = nameEnd;
    const c = xml.charCodeAt(nameEnd);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      gt = xml.indexOf('>', nameEnd);
      if (gt < 0) return undefined; // no '>' anywhere further: no element can start after this
    } else if (c !== 0x3e) {
      i = xml.indexOf('<', nameEnd);
      continue;
    }
    if (xml.charCodeAt(gt - 1) === 0x2f) {
      // `<Username/>`: empty, and no end tag follows
      i = xml.indexOf('<', gt);
      continue;
    }
    const textEnd = xml.indexOf('<', gt + 1);
    if (textEnd < 0) return undefined;
    if (xml.charCodeAt(textEnd + 1) === 0x2f) {
      const closeEnd = scanName(xml, textEnd + 2);
      if (closeEnd < n && xml.charCodeAt(closeEnd) === 0x3e && localPart(xml, textEnd + 2, closeEnd) === localName) {
        return xmlUnescape(xml.slice(gt + 1, textEnd));
      }
    }
    i = textEnd;
  }
  return undefined;
}

/** End of an XML name (letters, digits, `_`, `-`, `.`, `:`) starting at `from`. */
function scanName(xml: string, from: number): number {
  let j = from;
  while (j < xml.length && isNameChar(xml.charCodeAt(j))) j++;
  return j;
}

function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x3a) || c === 0x5f || c === 0x2d || c === 0x2e;
}

/** The local part of the name xml[from, to): after its last `:` (searched within the name only). */
function localPart(xml: string, from: number, to: number): string {
  let k = to - 1;
  while (k >= from && xml.charCodeAt(k) !== 0x3a) k--;
  return xml.slice(k + 1, to);
}

function xmlUnescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The WS-Trust answer MSN 7.5 reads: the compact ticket in `BinarySecurityToken Id="Compact1"`. */
function rstSuccess(ticket: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8" ?>' +
    '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsse="http://schemas.xmlsoap.org/ws/2003/06/secext" ' +
    'xmlns:wst="http://schemas.xmlsoap.org/ws/2004/04/trust"><S:Body><wst:RequestSecurityTokenResponseCollection>' +
    '<wst:RequestSecurityTokenResponse><wst:TokenType>urn:passport:compact</wst:TokenType>' +
    '<wsp:AppliesTo xmlns:wsp="http://schemas.xmlsoap.org/ws/2002/12/policy"><wsa:EndpointReference xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/03/addressing">' +
    '<wsa:Address>messenger.msn.com</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>' +
    `<wst:RequestedSecurityToken><wsse:BinarySecurityToken Id="Compact1">${xmlEscape(ticket)}</wsse:BinarySecurityToken></wst:RequestedSecurityToken>` +
    '</wst:RequestSecurityTokenResponse></wst:RequestSecurityTokenResponseCollection></S:Body></S:Envelope>'
  );
}

function rstFault(): string {
  return (
    '<?xml version="1.0" encoding="utf-8" ?>' +
    '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:psf="http://schemas.microsoft.com/Passport/SoapServices/SOAPFault">' +
    '<S:Body><S:Fault><faultcode>wsse:FailedAuthentication</faultcode><faultstring>Authentication Failure</faultstring></S:Fault></S:Body></S:Envelope>'
  );
}

export interface NexusServers {
  readonly http: Server;
  readonly https: Server | undefined;
}

export function createNexusServers(o: NexusOptions, tls: TlsConfig | undefined): NexusServers {
  const handler = createNexusHandler(o);
  const http = createHttpServer({ maxHeaderSize: 16 * 1024 }, (req, res) => handler(req, res, false));
  const https =
    tls === undefined
      ? undefined
      : createHttpsServer({ cert: pem(tls.cert), key: pem(tls.key), maxHeaderSize: 16 * 1024 }, (req, res) => handler(req, res, true));
  for (const s of [http, https]) {
    if (s === undefined) continue;
    s.headersTimeout = 10_000;
    s.requestTimeout = 30_000;
    s.keepAliveTimeout = 5_000;
  }
  return { http, https };
}

function pem(v: string | Uint8Array): string | Buffer {
  return typeof v === 'string' ? v : Buffer.from(v);
}
