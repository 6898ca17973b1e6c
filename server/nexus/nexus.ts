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
 * - Every SOAP path (`/RST.srf` for MSN 7.5's SOAP login, §3.3.2, and MSNP13+'s services) is
 *   handed to the SOAP router (server/soap/).
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
import { StoreUnavailableError } from '../core/errors';
import type { SignInGuard } from '../core/sign-in-guard';
import type { TicketStore } from '../core/tickets';
import type { Logger } from '../logger';
import { STORE_RETRY_AFTER_SECONDS, type SoapRouter } from '../soap/router';

export interface NexusOptions {
  /** `host:port` of the login page over HTTP and over HTTPS (known once listening). */
  readonly loginHost: (secure: boolean) => string;
  readonly accounts: AccountService;
  readonly signIns: SignInGuard;
  readonly tickets: TicketStore;
  readonly logger: Logger;
  /**
   * The SOAP services (`/RST.srf`, `/RST2.srf`, the address book, OIM, …) on the same listeners
   * (server/soap/router.ts); their paths are served there.
   */
  readonly soap?: SoapRouter;
}

export function createNexusHandler(o: NexusOptions): (req: IncomingMessage, res: ServerResponse, secure: boolean) => void {
  return (req, res, secure) => {
    handle(o, req, res, secure).catch((err: unknown) => {
      if (err instanceof StoreUnavailableError) {
        // The password could not be checked (PostgreSQL down): not a wrong password (401), not a
        // bug (500). Nothing was done; the client may try again.
        o.logger.log('warn', 'nexus-store-unavailable', {});
        const body = 'Service temporarily unavailable: the account database cannot be reached; try again later.';
        if (!res.headersSent) {
          res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': String(STORE_RETRY_AFTER_SECONDS), 'Content-Length': Buffer.byteLength(body) });
        }
        res.end(body);
        return;
      }
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
  if (o.soap?.handles(path) === true) {
    await o.soap.serve(req, res, secure);
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
      : createHttpsServer(
          {
            cert: pem(tls.cert),
            key: pem(tls.key),
            maxHeaderSize: 16 * 1024,
            // MSNP13-18.md §12.2: XP-era Schannel offers TLS 1.0 with RSA/3DES/AES-CBC suites only;
            // OpenSSL 3 needs security level 0 to negotiate them.
            ...(tls.legacyProtocols === true ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
          },
          (req, res) => handler(req, res, true),
        );
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
