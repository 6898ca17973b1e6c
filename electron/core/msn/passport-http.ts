/**
 * The Passport 1.4 ("Tweener") HTTP exchange for MSNP8–12 sign-in (MSNP.md §3.3.2): ask the
 * Nexus for `PassportURLs`, take `DALogin` (with or without a scheme), send the `Authorization`
 * header there, follow `302` redirects with the same header, and read the compact ticket from
 * `Authentication-Info`. Plain node:http(s) so a self-signed certificate can be trusted per
 * server profile. The password only ever appears in the `Authorization` header, and that header
 * only goes where the user's configuration points (see `checkHop`).
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  buildPassportAuthorization,
  daLoginUrl,
  parseAuthenticationInfo,
  parsePassportUrls,
} from '../../../shared/msnp';
import { SignInFailure } from './errors';
import { maskPassportHeader, type TrafficTap } from './traffic';

export interface TlsOptions {
  /** Extra CA certificate(s) (PEM) to trust, e.g. the bundled server's self-signed one. */
  readonly ca?: string | readonly string[];
  /** Default true. Only for local testing. */
  readonly rejectUnauthorized?: boolean;
}

export interface PassportOptions {
  /** The Nexus URL, e.g. `https://nexus.passport.com/rdr/pprdr.asp`. */
  readonly nexusUrl?: string;
  /** Skip the Nexus: a known DALogin URL (or `host/path` without a scheme). */
  readonly loginUrl?: string;
  readonly tls?: TlsOptions;
  readonly timeoutMs?: number;
  readonly tap?: TrafficTap;
  readonly now?: () => number;
}

interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
}

const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 15_000;

/** One per client: remembers DALogin per Nexus so reconnects skip the first request ("cacheable"). */
export class PassportClient {
  private readonly daLoginCache = new Map<string, string>();

  constructor(private readonly options: PassportOptions = {}) {}

  /** Returns the compact ticket `t=…&p=…` for `USR … TWN S` (MSNP.md §3.3.1). */
  async login(handle: string, password: string, policy: string, overrides: PassportOptions = {}): Promise<string> {
    const opts = { ...this.options, ...overrides };
    let url = opts.loginUrl !== undefined ? daLoginUrl(opts.loginUrl) : await this.daLogin(opts);
    // The login server the configuration leads to: every redirect must stay there.
    const trusted = new URL(url);
    const authorization = buildPassportAuthorization(handle, password, policy);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const res = await this.get(url, { Authorization: authorization }, opts);
      const info = header(res.headers, 'authentication-info');
      if (res.status === 302 || res.status === 301 || res.status === 307) {
        const location = header(res.headers, 'location');
        if (location === undefined) throw new SignInFailure('passport-unreachable', `Passport redirect without a Location from ${url}`);
        url = checkHop(trusted, url, location);
        continue;
      }
      if (res.status === 401) {
        const www = header(res.headers, 'www-authenticate') ?? '';
        // Some servers say which: `da-status=failed-noretry` and friends are all "wrong password".
        if (/unknown|no-?such|noaccount/i.test(www)) throw new SignInFailure('unknown-account', 'Passport: no such account');
        throw new SignInFailure('wrong-password', 'Passport rejected the password');
      }
      if (res.status === 200 && info !== undefined) {
        const outcome = parseAuthenticationInfo(info);
        if (outcome.status === 'success') return outcome.ticket;
        if (outcome.status === 'redirect') {
          const location = header(res.headers, 'location');
          if (location === undefined) break;
          url = checkHop(trusted, url, location);
          continue;
        }
        throw new SignInFailure('wrong-password', 'Passport rejected the password');
      }
      throw new SignInFailure('passport-unreachable', `Passport login answered HTTP ${res.status}`);
    }
    throw new SignInFailure('passport-unreachable', 'Passport login redirected too many times');
  }

  private async daLogin(opts: PassportOptions): Promise<string> {
    const nexus = opts.nexusUrl;
    if (nexus === undefined) throw new SignInFailure('passport-unreachable', 'no Nexus URL configured for this server (MSNP8+ needs one)');
    const cached = this.daLoginCache.get(nexus);
    if (cached !== undefined) return cached;
    const res = await this.get(nexus, {}, opts);
    // Header names are case-insensitive (`Passporturls` behind some proxies, MSNP.md §10.9);
    // node lower-cases them for us.
    const urls = header(res.headers, 'passporturls');
    if (res.status !== 200 || urls === undefined) {
      throw new SignInFailure('passport-unreachable', `the Nexus answered HTTP ${res.status}${urls === undefined ? ' without PassportURLs' : ''}`);
    }
    const da = parsePassportUrls(urls).get('DALogin');
    if (da === undefined || da.length === 0) throw new SignInFailure('passport-unreachable', 'PassportURLs has no DALogin');
    const url = loginUrlFromNexus(nexus, da);
    this.daLoginCache.set(nexus, url);
    return url;
  }

  private get(url: string, headers: Record<string, string>, opts: PassportOptions): Promise<HttpResponse> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return Promise.reject(new SignInFailure('passport-unreachable', `not a URL: ${url}`));
    }
    const isHttps = parsed.protocol === 'https:';
    if (!isHttps && parsed.protocol !== 'http:') {
      return Promise.reject(new SignInFailure('passport-unreachable', `unsupported scheme in ${url}`));
    }
    const now = opts.now ?? Date.now;
    opts.tap?.({ at: now(), connection: 'passport', direction: 'out', line: `GET ${url}${headers.Authorization ? ` Authorization: ${maskPassportHeader(headers.Authorization)}` : ''}` });
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<HttpResponse>((resolve, reject) => {
      const reqHeaders = { ...headers, 'User-Agent': 'MSMSGS', 'Cache-Control': 'no-cache' };
      const onResponse = (res: IncomingMessage): void => {
        res.resume(); // the body is not used; drain it so the socket is freed
        const status = res.statusCode ?? 0;
        const info = header(res.headers, 'authentication-info');
        opts.tap?.({ at: now(), connection: 'passport', direction: 'in', line: `HTTP ${status}${info ? ` Authentication-Info: ${maskPassportHeader(info)}` : ''}` });
        resolve({ status, headers: res.headers });
      };
      const tls = opts.tls;
      const req = isHttps
        ? httpsRequest(
            parsed,
            {
              method: 'GET',
              headers: reqHeaders,
              ...(tls?.ca !== undefined ? { ca: typeof tls.ca === 'string' ? tls.ca : [...tls.ca] } : {}),
              ...(tls?.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
            },
            onResponse,
          )
        : httpRequest(parsed, { method: 'GET', headers: reqHeaders }, onResponse);
      req.setTimeout(timeoutMs, () => {
        req.destroy(new Error(`no answer within ${timeoutMs} ms`));
      });
      req.on('error', (err) => {
        reject(new SignInFailure('passport-unreachable', `Passport at ${parsed.host}: ${err.message}`));
      });
      req.end();
    });
  }
}

/**
 * The login server named by the Nexus (`daLoginUrl` gives a scheme-less value the Nexus's
 * scheme). An HTTPS Nexus that names a plain-HTTP login server is refused: the password would go
 * in clear (issue 15 item 23).
 */
function loginUrlFromNexus(nexusUrl: string, daLogin: string): string {
  const url = daLoginUrl(daLogin, nexusUrl);
  let login: URL;
  try {
    login = new URL(url);
  } catch {
    throw new SignInFailure('passport-unreachable', `the Nexus named a login server that is not a URL: ${daLogin}`);
  }
  if (new URL(nexusUrl).protocol === 'https:' && login.protocol !== 'https:') {
    throw new SignInFailure('passport-unreachable', `the HTTPS Nexus named a login server without HTTPS (${login.origin}); the password is not sent there`);
  }
  return login.toString();
}

/**
 * A Passport redirect carries the password again (the same `Authorization` header), so it is
 * followed only while it stays with the login server the configuration led to: the same host and
 * port, and the same scheme or HTTP upgraded to HTTPS. Another host, or HTTPS down to HTTP, ends
 * the sign-in with a clear error (issue 15 item 23). Returns the absolute URL to go to.
 */
function checkHop(trusted: URL, from: string, location: string): string {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    throw new SignInFailure('passport-unreachable', `Passport redirected to something that is not a URL: ${location}`);
  }
  const current = new URL(from);
  if (current.protocol === 'https:' && to.protocol !== 'https:') {
    throw new SignInFailure('passport-unreachable', `Passport redirected the sign-in from HTTPS to ${to.protocol.replace(':', '').toUpperCase()} (${to.origin}); the password is not sent without HTTPS`);
  }
  const sameServer = to.hostname === trusted.hostname && (to.port === trusted.port || (trusted.protocol === 'http:' && to.protocol === 'https:'));
  if (!sameServer || (to.protocol !== 'http:' && to.protocol !== 'https:')) {
    throw new SignInFailure('passport-unreachable', `Passport redirected the sign-in to ${to.origin}, not the login server ${trusted.origin}; the password is not sent there`);
  }
  return to.toString();
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  if (Array.isArray(v)) return v[0];
  return v;
}
