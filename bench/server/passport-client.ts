/**
 * The client half of Passport 1.4 "TWN" login (MSNP.md §3.3.2), for the load generator's
 * MSNP8–12 sign-ins: ask the Nexus for DALogin once (real clients cache it too), then one
 * `GET login2.srf` with the `Authorization: Passport1.4 …` header per sign-in, following redirects.
 * Header building and parsing come from shared/msnp/passport.ts; this file only does HTTP, over
 * keep-alive agents so thousands of logins do not open thousands of HTTP connections.
 */
import http from 'node:http';
import https from 'node:https';
import {
  buildPassportAuthorization,
  daLoginUrl,
  parseAuthenticationInfo,
  parsePassportUrls,
} from '../../shared/msnp';
import { TimeoutError } from './connection';

export class PassportError extends Error {
  override readonly name = 'PassportError';
}

interface HttpReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
}

export class PassportClient {
  private daLogin: Promise<string> | undefined;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  /**
   * @param nexusUrl the Nexus (`…/rdr/pprdr.asp`; a bare origin gets that path appended)
   * @param insecureTls accept a self-signed certificate (a local test server), never by default
   */
  constructor(
    private readonly nexusUrl: string,
    insecureTls: boolean,
    private readonly timeoutMs: number,
    maxSockets = 64,
  ) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets, rejectUnauthorized: !insecureTls });
  }

  /** A compact ticket `t=…&p=…` for `USR t TWN S`, or a PassportError (wrong password, …). */
  async ticket(handle: string, password: string, policy: string): Promise<string> {
    let url = await this.loginUrl();
    const authorization = buildPassportAuthorization(handle, password, policy);
    for (let hop = 0; hop < 4; hop++) {
      const reply = await this.get(url, { Authorization: authorization });
      const info = header(reply, 'authentication-info') ?? header(reply, 'www-authenticate') ?? '';
      const outcome = parseAuthenticationInfo(info);
      if (reply.status === 200 && outcome.status === 'success') return outcome.ticket;
      const location = header(reply, 'location');
      if ((reply.status === 302 || outcome.status === 'redirect') && location !== undefined) {
        url = new URL(location, url).toString();
        continue;
      }
      if (reply.status === 401) throw new PassportError(`Passport refused ${handle} (401: wrong password or no such account)`);
      throw new PassportError(`Passport login for ${handle} answered HTTP ${reply.status} without a ticket`);
    }
    throw new PassportError(`Passport login for ${handle}: too many redirects`);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private loginUrl(): Promise<string> {
    this.daLogin ??= (async () => {
      const nexus = new URL(this.nexusUrl);
      if (nexus.pathname === '/' || nexus.pathname === '') nexus.pathname = '/rdr/pprdr.asp';
      const reply = await this.get(nexus.toString(), {});
      const urls = header(reply, 'passporturls');
      if (reply.status !== 200 || urls === undefined) {
        throw new PassportError(`Nexus ${nexus} answered HTTP ${reply.status} without a PassportURLs header`);
      }
      const daLogin = parsePassportUrls(urls).get('DALogin');
      if (daLogin === undefined) throw new PassportError(`Nexus ${nexus}: PassportURLs has no DALogin (${urls})`);
      // A scheme-less DALogin takes the Nexus's scheme (MSNP.md §3.3.3): our server's HTTP Nexus → HTTP.
      return daLoginUrl(daLogin, nexus.toString());
    })();
    // A failed Nexus lookup is retried by the next sign-in rather than cached.
    this.daLogin.catch(() => {
      this.daLogin = undefined;
    });
    return this.daLogin;
  }

  private get(url: string, headers: Record<string, string>): Promise<HttpReply> {
    const u = new URL(url);
    const secure = u.protocol === 'https:';
    if (!secure && u.protocol !== 'http:') return Promise.reject(new PassportError(`unsupported Passport URL ${url}`));
    const lib = secure ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        u,
        { method: 'GET', headers: { ...headers, 'User-Agent': 'MSMSGS' }, agent: secure ? this.httpsAgent : this.httpAgent },
        (res) => {
          res.resume(); // The body carries nothing we need; drain it so the socket is reused.
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
          res.on('error', reject);
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new TimeoutError(`no HTTP reply from ${u.origin} within ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(e instanceof TimeoutError ? e : new PassportError(`HTTP GET ${u.origin}${u.pathname}: ${e.message}`)));
      req.end();
    });
  }
}

function header(reply: HttpReply, name: string): string | undefined {
  const v = reply.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
