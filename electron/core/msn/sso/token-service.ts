/**
 * The Passport token service of MSNP13+ (MSNP13-18.md §4.3–§4.4): one
 * `RequestMultipleSecurityTokens` request for every service domain (the NS ticket with its MBI key,
 * the address book, RSI, OIM …), the tokens kept per domain (`wsa:Address`, matched by address,
 * never by Id or position, §14 point 1), and their renewal during a long session.
 *
 * Renewal: a token's lifetime is taken from its own `Created`/`Expires` (so a skewed local clock
 * does not matter) and the whole set is requested again a while before the earliest expires
 * (§4.4: "clients renew them … or simply redo the full request"). A failed renewal is retried
 * every minute; meanwhile the old tokens stay in use until they expire, and a service that
 * refuses an expired token (`BadContextToken` …) makes its caller ask for `renewNow`.
 */
import { buildRstRequest, isCodecError, messengerTokenRequests, parseRstResponse, tokenFor, type IssuedToken, type TokenRequest } from '../../../../shared/msnp';
import type { Clock, TimerHandle } from '../clock';
import { SignInFailure } from '../errors';
import type { TlsOptions } from '../passport-http';
import { SoapTransportError, postSoap } from '../soap-http';
import type { TrafficTap } from '../traffic';

/** The domains and what they are for (§4.3 table). */
export const DOMAIN = {
  /** The NS ticket and the MBI key (`USR … SSO S`). */
  messengerClear: 'messengerclear.live.com',
  /** RSI (receiving offline messages); at MSNP13–14 also the `USR TWN S` ticket (§4.1). */
  messenger: 'messenger.msn.com',
  /** Address book and sharing services (`ABAuthHeader/TicketToken`). */
  contacts: 'contacts.msn.com',
  /** OIM `Store2` (sending offline messages). */
  messengerSecure: 'messengersecure.live.com',
} as const;

export interface TokenServiceOptions {
  readonly url: string;
  readonly handle: string;
  readonly password: string;
  readonly clock: Clock;
  readonly tls?: TlsOptions;
  readonly tap?: TrafficTap;
  readonly timeoutMs?: number;
}

interface HeldToken extends IssuedToken {
  /** Local clock time (ms) at which the token stops being valid. */
  readonly expiresAt: number | undefined;
  readonly lifetimeMs?: number;
}

/** Ours: when nothing says how long a token lives, assume a day (Escargot issues 24 h, §4.4). */
const DEFAULT_LIFETIME_MS = 24 * 60 * 60_000;
/** Renew this long before expiry: a tenth of the lifetime, at least five minutes … */
const MIN_RENEW_AHEAD_MS = 5 * 60_000;
/** … but never sooner than this after getting them (a server issuing very short tokens). */
const MIN_RENEW_DELAY_MS = 10_000;
const RETRY_MS = 60_000;

/**
 * The wrong-password answer is `wsse:FailedAuthentication` (reqstatus `0x80048823`, §4.4). Passport
 * reports an unknown member name with `0x80048821` (PPCRL "bad member name or password" family);
 * both are a failed sign-in the user must fix, not a transient error.
 */
const UNKNOWN_ACCOUNT_STATUS = '0x80048821';

export class TokenService {
  private tokens = new Map<string, HeldToken>();
  private requests: readonly TokenRequest[] = [];
  private timer: TimerHandle | undefined;
  private renewing: Promise<void> | undefined;
  private stopped = false;
  /** How many times the whole set was requested (the first time included), for tests and diagnostics. */
  requestCount = 0;

  constructor(private readonly options: TokenServiceOptions) {}

  /**
   * The first request, at sign-in: every messenger domain, `messengerclear.live.com` with the
   * policy the NS named (`MBI_KEY_OLD`, §4.2), or the requests given (MSNP13–14 TWN, §4.1).
   * Rejects with a SignInFailure: `wrong-password`, `unknown-account`, `passport-unreachable`.
   */
  async signIn(policyOrRequests: string | readonly TokenRequest[]): Promise<void> {
    this.requests = typeof policyOrRequests === 'string' ? messengerTokenRequests(policyOrRequests) : policyOrRequests;
    await this.fetchAll();
    this.schedule();
  }

  /** The token for a domain (`t=…&p=…`, entities decoded), if the service issued one. */
  token(address: string): IssuedToken | undefined {
    return this.tokens.get(address.toLowerCase());
  }

  /**
   * The token for a domain, renewed first when it has expired (or is about to). Rejects with a
   * SignInFailure when the service cannot be asked; callers turn that into their own error.
   */
  async valid(address: string): Promise<string> {
    const held = this.tokens.get(address.toLowerCase());
    if (held !== undefined && (held.expiresAt === undefined || held.expiresAt - this.options.clock.now() > MIN_RENEW_DELAY_MS)) return held.token;
    await this.renewNow();
    const now = this.tokens.get(address.toLowerCase());
    if (now === undefined) throw new SignInFailure('passport-unreachable', `the token service issued no token for ${address}`);
    return now.token;
  }

  /** Ask for the whole set again now (a service refused a token as expired). One request at a time. */
  renewNow(): Promise<void> {
    if (this.renewing !== undefined) return this.renewing;
    this.renewing = this.fetchAll().finally(() => {
      this.renewing = undefined;
      this.schedule();
    });
    return this.renewing;
  }

  /** Stop renewing (sign-out, session over). The tokens are forgotten. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.tokens.clear();
  }

  /** When the next renewal is due (local clock), for diagnostics and tests. */
  get nextRenewalAt(): number | undefined {
    return this.renewalAt();
  }

  private renewalAt(): number | undefined {
    let at: number | undefined;
    for (const t of this.tokens.values()) {
      if (t.expiresAt === undefined) continue;
      const lifetime = t.lifetimeMs ?? DEFAULT_LIFETIME_MS;
      const due = t.expiresAt - Math.max(MIN_RENEW_AHEAD_MS, lifetime / 10);
      if (at === undefined || due < at) at = due;
    }
    return at;
  }

  private schedule(delayMs?: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const { clock } = this.options;
    let delay = delayMs;
    if (delay === undefined) {
      const at = this.renewalAt();
      if (at === undefined) return;
      delay = Math.max(MIN_RENEW_DELAY_MS, at - clock.now());
    }
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      if (this.renewing !== undefined) return;
      this.renewing = this.fetchAll().then(
        () => {
          this.renewing = undefined;
          this.schedule();
        },
        () => {
          // Keep the old tokens (they may still be valid) and try again shortly.
          this.renewing = undefined;
          this.schedule(RETRY_MS);
        },
      );
    }, delay);
  }

  private async fetchAll(): Promise<void> {
    const o = this.options;
    const body = buildRstRequest({ username: o.handle, password: o.password, tokens: this.requests });
    this.requestCount += 1;
    let answer: string;
    try {
      const res = await postSoap(o.url, undefined, body, {
        connection: 'sso',
        now: () => o.clock.now(),
        ...(o.tls !== undefined ? { tls: o.tls } : {}),
        ...(o.tap !== undefined ? { tap: o.tap } : {}),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      });
      if (res.status === 404 || res.status >= 502) throw new SignInFailure('passport-unreachable', `the token service at ${o.url} answered HTTP ${res.status}`);
      answer = res.body;
    } catch (err) {
      if (err instanceof SignInFailure) throw err;
      const why = err instanceof SoapTransportError || err instanceof Error ? err.message : String(err);
      throw new SignInFailure('passport-unreachable', `the token service could not be reached: ${why}`);
    }
    const parsed = parseRstResponse(answer);
    if (isCodecError(parsed)) throw new SignInFailure('passport-unreachable', `the token service sent an answer that is not a token response: ${parsed.message}`);
    if (parsed.type === 'fault') {
      if (parsed.reqStatus?.toLowerCase() === UNKNOWN_ACCOUNT_STATUS) throw new SignInFailure('unknown-account', 'Passport: no such account');
      if (parsed.codeName === 'FailedAuthentication' || parsed.reqStatus !== undefined) throw new SignInFailure('wrong-password', 'Passport rejected the password');
      throw new SignInFailure('passport-unreachable', `the token service refused the request: ${parsed.codeName} ${parsed.message}`.trim());
    }
    const now = o.clock.now();
    const next = new Map<string, HeldToken>();
    for (const request of this.requests) {
      const t = tokenFor(parsed, request.address);
      if (t === undefined) continue; // §4.3: a server may ignore addresses it does not know
      next.set(request.address.toLowerCase(), held(t, now));
    }
    if (this.stopped) return;
    this.tokens = next;
  }
}

/** Lifetime from the token's own times (server clock), anchored at the local receive time. */
function held(t: IssuedToken, receivedAt: number): HeldToken {
  const created = t.created !== undefined ? Date.parse(t.created) : NaN;
  const expires = t.expires !== undefined ? Date.parse(t.expires) : NaN;
  if (!Number.isFinite(expires)) return { ...t, expiresAt: undefined };
  const lifetimeMs = Number.isFinite(created) ? Math.max(0, expires - created) : Math.max(0, expires - Date.now());
  return { ...t, expiresAt: receivedAt + lifetimeMs, lifetimeMs };
}

