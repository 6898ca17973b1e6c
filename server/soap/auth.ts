/**
 * Ticket verification for every SOAP service but the token service itself (MSNP13-18.md §6.1,
 * §9.1, §9.2): find the ticket where the service's clients put it, check it with the server
 * secret (`tokens.ts`), and hand back whose request it is, or the fault to answer. A handler only
 * ever acts for the handle returned here: a request never names its owner any other way.
 *
 * Where clients put the ticket:
 * - address book and sharing: `ABAuthHeader/TicketToken` (`t=…&p=…`, §6.1);
 * - OIM `Store`/`Store2`: the `passport` attribute of the `Ticket` header (§9.2);
 * - RSI: `PassportCookie` with children `t` and `p` (§9.1);
 * - storage: `StorageUserHeader/TicketToken` (same shape as the address book's).
 */
import { attr, child, descendants, text, textAt, type XmlElement } from '../../shared/msnp/soap/xml';
import { faultReply, type SoapReply, type SoapRequest } from './router';
import type { SsoTokens, TokenProblem } from './tokens';

export interface SoapIdentity {
  readonly type: 'identity';
  readonly handle: string;
  readonly domain: string;
}

export interface SoapAuthOptions {
  /** The token domains this service accepts (`contacts.msn.com`, `messengersecure.live.com` …). */
  readonly domains: readonly string[];
  /** The service's own fault for a missing, forged or expired ticket; a generic one otherwise. */
  readonly fault?: (problem: TokenProblem | 'missing' | 'no-account') => SoapReply;
}

export interface SoapAuthDeps {
  readonly tokens: SsoTokens;
  /** Whether the account still exists (a token outlives a deleted account). */
  readonly accountExists: (handle: string) => boolean | Promise<boolean>;
}

/** The ticket a request carries, wherever its service puts it; undefined when there is none. */
export function requestTicket(header: XmlElement | undefined): string | undefined {
  if (header === undefined) return undefined;
  const tokenElement = descendants(header, 'TicketToken')[0];
  const token = text(tokenElement)?.trim();
  if (token) return token;
  const ticket = child(header, 'Ticket');
  const passport = attr(ticket, 'passport');
  if (passport) return passport;
  const cookie = child(header, 'PassportCookie');
  const t = textAt(cookie, 't');
  if (t) return `t=${t}&p=${textAt(cookie, 'p') ?? ''}`;
  return undefined;
}

/** Who sent this request, or the fault to answer it with. */
export async function authenticateSoap(req: SoapRequest, deps: SoapAuthDeps, options: SoapAuthOptions): Promise<SoapIdentity | SoapReply> {
  const fault = options.fault ?? defaultFault;
  const ticket = requestTicket(req.header);
  if (ticket === undefined) return fault('missing');
  const verified = deps.tokens.verify(ticket, options.domains);
  if (typeof verified === 'string') return fault(verified);
  if (!(await deps.accountExists(verified.handle))) return fault('no-account');
  return { type: 'identity', handle: verified.handle, domain: verified.domain };
}

export function isIdentity(x: SoapIdentity | SoapReply): x is SoapIdentity {
  return (x as SoapIdentity).type === 'identity';
}

/** WS-Security's "the token could not be authenticated" (§4.4's namespace); HTTP 500 as for any fault. */
function defaultFault(problem: TokenProblem | 'missing' | 'no-account'): SoapReply {
  return faultReply({
    code: 'wsse:FailedAuthentication',
    message: problem === 'expired' ? 'The ticket has expired' : 'Authentication failed',
    namespaces: { wsse: 'http://schemas.xmlsoap.org/ws/2003/06/secext' },
  });
}
