/**
 * The Passport 1.4 "Tweener" login over HTTP(S) (MSNP.md §3.3.2–§3.3.3):
 *
 * - `GET /rdr/pprdr.asp` → `PassportURLs: DARealm=Passport.Net,DALogin=…/login2.srf,…`. Over
 *   HTTPS `DALogin` has no scheme, as Microsoft sent it (real clients prepend https://); over
 *   plain HTTP it carries `http://` so clients that honour a scheme (ours) use HTTP.
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
import type { TicketStore } from '../core/tickets';
import type { Logger } from '../logger';

/** Bodies we read (the RST.srf SOAP envelope) are small; anything bigger is refused. */
const MAX_BODY_BYTES = 64 * 1024;

export interface NexusOptions {
  readonly accounts: AccountService;
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
  const host = req.headers.host ?? 'localhost';
  if (path === '/rdr/pprdr.asp') {
    const daLogin = secure ? `${host}/login2.srf` : `http://${host}/login2.srf`;
    res.writeHead(200, { PassportURLs: buildPassportUrls(daLogin), 'Content-Type': 'text/html', 'Content-Length': 0 });
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
  if (!(await o.accounts.verifyPassword(handle, password))) {
    o.logger.log('info', 'nexus-login-failed', { remote, handle, reason: 'bad credentials' });
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

function xmlText(xml: string, localName: string): string | undefined {
  const m = new RegExp(`<(?:[A-Za-z0-9_]+:)?${localName}(?:\\s[^>]*)?>([^<]*)</(?:[A-Za-z0-9_]+:)?${localName}>`).exec(xml);
  return m?.[1] === undefined ? undefined : xmlUnescape(m[1]);
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
