/**
 * A fake Passport Nexus + login server over plain HTTP on 127.0.0.1:0 (MSNP.md §3.3.2–§3.3.3),
 * configurable to deviate the ways real ones do: DALogin with or without a scheme, a 302 hop,
 * `Passporturls` spelling.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { buildAuthenticationInfo, buildPassportFailure, parsePassportAuthorization } from '../../../shared/msnp';

export interface FakeNexusOptions {
  readonly accounts: Record<string, string>;
  /** Default false: Microsoft style `host/login2.srf`. */
  readonly daLoginWithScheme?: boolean;
  /** The `DALogin` value to announce instead of this server's own login URL. */
  readonly daLogin?: string;
  /** First login request gets a 302 to `/login2-b.srf`. */
  readonly redirectOnce?: boolean;
  /** With `redirectOnce`: where the 302 points instead (another host, another scheme). */
  readonly redirectLocation?: string;
  /** Header name for PassportURLs. */
  readonly urlsHeaderName?: string;
  readonly ticketFor?: (handle: string) => string;
  /** Serve HTTPS with the fixture certificate (trust it with `FakeNexus.ca`). */
  readonly https?: boolean;
}

const fixtures = new URL('../fixtures/', import.meta.url);

export class FakeNexus {
  readonly requests: { path: string; authorization?: string }[] = [];
  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly scheme: 'http' | 'https',
  ) {}

  /** The fixture certificate, for `tls.ca`. */
  static get ca(): string {
    return readFileSync(new URL('nexus-cert.pem', fixtures), 'utf8');
  }

  get nexusUrl(): string {
    return `${this.scheme}://127.0.0.1:${this.port}/rdr/pprdr.asp`;
  }

  static async start(o: FakeNexusOptions): Promise<FakeNexus> {
    let redirected = false;
    const ref: { self?: FakeNexus } = {};
    const scheme = o.https ? 'https' : 'http';
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      const path = req.url ?? '/';
      const authorization = req.headers.authorization;
      ref.self?.requests.push({ path, ...(authorization !== undefined ? { authorization } : {}) });
      const port = ref.self?.port ?? 0;
      if (path === '/rdr/pprdr.asp') {
        const da = o.daLogin ?? (o.daLoginWithScheme ? `${scheme}://127.0.0.1:${port}/login2.srf` : `127.0.0.1:${port}/login2.srf`);
        res.setHeader(o.urlsHeaderName ?? 'PassportURLs', `DARealm=Passport.Net,DALogin=${da},ConfigVersion=15`);
        res.end();
        return;
      }
      if (path.startsWith('/login2')) {
        if (o.redirectOnce && !redirected) {
          redirected = true;
          res.statusCode = 302;
          res.setHeader('Authentication-Info', 'Passport1.4 da-status=redir');
          res.setHeader('Location', o.redirectLocation ?? `${scheme}://127.0.0.1:${port}/login2-b.srf?lc=1033`);
          res.end();
          return;
        }
        const creds = authorization ? parsePassportAuthorization(authorization) : undefined;
        if (creds === undefined || o.accounts[creds.handle] !== creds.password) {
          res.statusCode = 401;
          res.setHeader('WWW-Authenticate', buildPassportFailure());
          res.end();
          return;
        }
        res.setHeader('Content-Type', 'text/html');
        res.setHeader('Authentication-Info', buildAuthenticationInfo(o.ticketFor?.(creds.handle) ?? `t=ticket-${creds.handle}$$&p=prof$$`));
        res.end();
        return;
      }
      res.statusCode = 404;
      res.end();
    };
    const server: Server = o.https
      ? (createHttpsServer(
          { cert: readFileSync(new URL('nexus-cert.pem', fixtures)), key: readFileSync(new URL('nexus-key.pem', fixtures)) },
          handler,
        ) as unknown as Server)
      : createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('no address');
    ref.self = new FakeNexus(server, addr.port, scheme);
    return ref.self;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
