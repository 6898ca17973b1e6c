/**
 * The token service (MSNP13-18.md §4.3–§4.4): `POST /RST.srf` (MSN 7.5, WLM 8.x) and `/RST2.srf`
 * (WLM 2009, SOAP 1.2 dress). One password check per request, through the same `SignInGuard` as
 * the Passport login and the MD5 login (throttling, the hash gate), then one token per requested
 * `wsa:Address`, numbered `CompactN` after `RSTN` like Microsoft's sample (§14 point 1):
 * `messengerclear.live.com` with its `BinarySecret` (the MBI_KEY_OLD key, §4.5), `messenger.msn.com`
 * (RSI, and the `USR TWN S` ticket of MSNP8–14), `contacts.msn.com` (address book),
 * `messengersecure.live.com` (OIM Store2), storage and the others.
 *
 * A wrong password, an unknown account, a throttled address and an unreadable request all get
 * the same answer: the `wsse:FailedAuthentication` fault with `psf:reqstatus` 0x80048823 (§4.4,
 * Escargot `RST.authfailed.xml`), so the answer never tells which accounts exist.
 */
import { randomBytes } from 'node:crypto';
import { buildRstAuthFailure, buildRstResponse, checkHandle, normalizeHandle, type IssuedToken } from '../../shared/msnp/index';
import { child, children, path, text, textAt } from '../../shared/msnp/soap/xml';
import type { AccountService } from '../core/accounts';
import type { SignInGuard } from '../core/sign-in-guard';
import type { Logger } from '../logger';
import { okReply, type SoapReply, type SoapRequest, type SoapRouter } from './router';
import { MESSENGER, MESSENGER_CLEAR, PASSPORT_TB_ADDRESS, type SsoTokens } from './tokens';

export const RST_PATH = '/RST.srf';
export const RST2_PATH = '/RST2.srf';

/** Ours: a real client asks for at most seven tokens (§4.3 table); more is not a client. */
const MAX_TOKENS_PER_REQUEST = 16;
/** Passwords longer than this are not passwords (libpurple truncates to 16; ours is generous). */
const MAX_PASSWORD_LENGTH = 1024;

export interface TokenServiceDeps {
  readonly tokens: SsoTokens;
  readonly accounts: AccountService;
  readonly signIns: SignInGuard;
  readonly logger: Logger;
}

export function registerTokenService(router: SoapRouter, deps: TokenServiceDeps): void {
  for (const [p, rst2] of [
    [RST_PATH, false],
    [RST2_PATH, true],
  ] as const) {
    router.add({ path: p, action: '*', handler: (req) => issueTokens(deps, req, rst2) });
    // An unreadable request is answered like a wrong password (clients know only that fault).
    router.onBadRequest(p, () => authFailure());
  }
}

function authFailure(): SoapReply {
  // 200, as Escargot and the old Nexus answered it: clients read the fault from the body.
  return okReply(buildRstAuthFailure());
}

async function issueTokens(deps: TokenServiceDeps, req: SoapRequest, rst2: boolean): Promise<SoapReply> {
  const token = path(req.header, 'Security', 'UsernameToken');
  const rawHandle = textAt(token, 'Username');
  const password = text(child(token, 'Password'));
  const addresses = requestedAddresses(req);
  const remote = req.remoteAddress;
  if (
    rawHandle === undefined ||
    password === undefined ||
    password.length === 0 ||
    password.length > MAX_PASSWORD_LENGTH ||
    checkHandle(rawHandle) !== undefined ||
    addresses === undefined
  ) {
    deps.logger.log('info', 'rst-login-failed', { remote, reason: 'malformed' });
    return authFailure();
  }
  const handle = normalizeHandle(rawHandle);
  // Throttled attempts get the wrong-password answer at once, without hashing (sign-in-throttle.ts).
  const outcome = await deps.signIns.attemptHashed(remote, handle, () => deps.accounts.verifyPassword(handle, password));
  if (outcome !== 'ok') {
    deps.logger.log('info', 'rst-login-failed', { remote, handle, reason: outcome === 'throttled' ? 'throttled' : 'bad credentials' });
    return authFailure();
  }
  deps.logger.log('info', 'rst-login', { remote, handle, tokens: addresses.length });
  const issued: IssuedToken[] = addresses.map((address) => issue(deps.tokens, handle, address));
  return okReply(buildRstResponse(issued, { rst2 }));
}

/**
 * The addresses asked for, in request order; a request that asks for none (MSN 7.5's minimal
 * form) gets what MSN 7.5 asks for: the master token and `messenger.msn.com` (its `USR TWN S`
 * ticket, `Compact1`). Undefined for a request no client sends (too many, or without an address).
 */
function requestedAddresses(req: SoapRequest): string[] | undefined {
  const b = req.body;
  const rsts = b === undefined ? [] : b.local === 'RequestSecurityToken' ? [b] : children(b, 'RequestSecurityToken');
  if (rsts.length === 0) return [PASSPORT_TB_ADDRESS_AS_SENT, MESSENGER];
  if (rsts.length > MAX_TOKENS_PER_REQUEST) return undefined;
  const out: string[] = [];
  for (const rst of rsts) {
    const address = textAt(rst, 'AppliesTo', 'EndpointReference', 'Address');
    if (address === undefined || address === '' || address.length > 256) return undefined;
    // The policy (`MBI_KEY_OLD`, `?id=507`, …) is not read: every token is the same kind.
    out.push(address);
  }
  return out;
}

/** How clients spell the master token's address (§4.3 table, RST0). */
const PASSPORT_TB_ADDRESS_AS_SENT = 'http://Passport.NET/tb';

function issue(tokens: SsoTokens, handle: string, address: string): IssuedToken {
  const { token, created, expires } = tokens.issue(handle, address);
  const times = { created: isoSeconds(created), expires: isoSeconds(expires) };
  const domain = address.toLowerCase();
  if (domain === PASSPORT_TB_ADDRESS) {
    // The master token is opaque to clients; its proof key would sign renewals, which we never
    // need (tokens live as long as a session), so it is random.
    return { address, token, binarySecret: randomBytes(24).toString('base64'), ...times };
  }
  if (domain === MESSENGER_CLEAR) return { address, token, binarySecret: tokens.binarySecret(token), ...times };
  return { address, token, ...times };
}

/** `2009-06-01T17:15:00Z`: WS-Trust lifetimes without fractions, as the real service wrote them. */
function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
