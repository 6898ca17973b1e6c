/**
 * The address book and sharing services over SOAP (MSNP13-18.md §6): one call per action, with the
 * `contacts.msn.com` ticket from the token service, turned into typed answers or an
 * OperationFailure with the model's code. The recoveries real clients make are made here:
 * `ABDoesNotExist` → `ABAdd` and ask again (§5.3 step 3, libpurple), an expired ticket
 * (`BadContextToken`, §6.6) → renew the tickets once and repeat the call.
 *
 * The book is read with `ABFindContactsPaged` (§6.4), falling back to `ABFindAll` for the rest of
 * the session when the service does not know it. Why the paged call first: it is what WLM 2009
 * and libpurple's MSNP18 code send, it is the one the address book kept longest, and the servers
 * people use answer it (Escargot implements both, `abservice.py` `ab_ABFindContactsPaged`, and so
 * does ours); WLM 8.5 only ever sent `ABFindAll`, so a server made for it alone may not know the
 * paged call, and the fallback (on a fault, or an HTTP error without an envelope, to the paged
 * call) covers it at the cost of one round trip per session. A fault that means "no book"
 * (`ABDoesNotExist`) or "renew your ticket" is handled as for `ABFindAll`, not as "unsupported".
 *
 * `ServiceHeader/CacheKey` (§6.1): kept when the service says it changed and echoed in every later
 * request's `ABApplicationHeader`, as libpurple does. (`PreferredHostName` is not followed: the
 * service URLs are the server profile's, and switching hosts mid-session is WLM's, not ours.)
 */
import {
  abSoapAction,
  buildAbAdd,
  buildAbFindAll,
  buildAbFindContactsPaged,
  buildFindMembership,
  isCodecError,
  parseAbFindAllResponse,
  parseAbFindContactsPagedResponse,
  parseFindMembershipResponse,
  parseMutationResponse,
  type AbAction,
  type AbRequestContext,
  type AbResult,
  type AddressBook,
  type Memberships,
  type MutationResult,
  type PartnerScenario,
  type SharingAction,
  type SoapFault,
  type WithServiceHeader,
} from '../../../../shared/msnp';
import type { OperationErrorCode } from '../../../../shared/model';
import type { Clock } from '../clock';
import { OperationFailure, SignInFailure } from '../errors';
import type { TlsOptions } from '../passport-http';
import type { WebServiceUrls } from '../server-profile';
import { SoapTransportError, postSoap } from '../soap-http';
import { DOMAIN, type TokenService } from '../sso/token-service';
import type { TrafficTap } from '../traffic';

export interface AddressBookServiceOptions {
  readonly urls: WebServiceUrls;
  readonly tokens: TokenService;
  readonly ownerEmail: string;
  readonly clock: Clock;
  readonly tls?: TlsOptions;
  readonly tap?: TrafficTap;
  readonly timeoutMs?: number;
}

/** §6.6 error codes → the model's operation codes. */
const FAULT_CODES: Readonly<Record<string, OperationErrorCode>> = {
  InvalidPassportUser: 'unknown-account',
  UserDoesNotExist: 'unknown-account',
  EmailDomainIsFederated: 'not-allowed',
  ContactAlreadyExists: 'already-exists',
  GroupAlreadyExists: 'already-exists',
  MemberAlreadyExists: 'already-exists',
  ContactDoesNotExist: 'not-found',
  MemberDoesNotExist: 'not-found',
  GroupDoesNotExist: 'not-found',
  GroupNameTooLong: 'invalid-name',
  EmailMissingAtSign: 'invalid-handle',
  EmailMissingDot: 'invalid-handle',
  QuotaLimitReached: 'list-full',
};

/** Faults that mean "your ticket is no good any more" (§4.4, §6.6). */
function isExpiredTicket(f: SoapFault): boolean {
  const names = [f.codeName, f.errorCode ?? ''];
  return names.some((n) => n === 'BadContextToken' || n === 'TicketExpired' || n === 'AuthenticationFailed');
}

export class AddressBookService {
  /** Set once the service has refused `ABFindContactsPaged`: `ABFindAll` from then on. */
  private pagedUnsupported = false;
  /** The last `ServiceHeader/CacheKey` the services announced as changed (§6.1). */
  private cacheKey: string | undefined;

  constructor(private readonly o: AddressBookServiceOptions) {}

  /** Which call reads the book now (`ABFindContactsPaged` until the service refuses it). */
  get readAction(): 'ABFindContactsPaged' | 'ABFindAll' {
    return this.pagedUnsupported ? 'ABFindAll' : 'ABFindContactsPaged';
  }

  /** The `CacheKey` to echo (§6.1): the last one announced, or the one a cached copy was read with. */
  get currentCacheKey(): string | undefined {
    return this.cacheKey;
  }

  /** Echo a cached copy's `CacheKey` until the services announce another (electron/core/msn/ab/cache.ts). */
  useCacheKey(cacheKey: string): void {
    this.cacheKey ??= cacheKey;
  }

  /**
   * Roles Allow/Block/Reverse/Pending (§6.3). With `lastChange`, only what changed since
   * (`deltasOnly`); the service may refuse with `FullSyncRequired` (`isFullSyncRequired`).
   */
  async findMembership(lastChange?: string): Promise<Memberships> {
    return this.call('FindMembership', 'Initial', this.o.urls.sharing, (c) => buildFindMembership(c, lastChange), parseFindMembershipResponse);
  }

  /**
   * Contacts, groups and the Me contact (§6.4); creates the address book when there is none. With
   * `lastChange`, only what changed since, as `findMembership`.
   */
  async findAll(lastChange?: string): Promise<AddressBook> {
    try {
      return await this.readBook(lastChange);
    } catch (err) {
      // A delta request for a book that is gone is refused as it is: the caller reads in full
      // (which creates the book), never takes a new empty book for a delta.
      if (!isNoBook(err) || lastChange !== undefined) throw err;
    }
    await this.call('ABAdd', 'Initial', this.o.urls.addressBook, (c) => buildAbAdd(c, this.o.ownerEmail), (xml) => parseMutationResponse(xml, 'ABAdd'));
    return this.readBook();
  }

  /** `ABFindContactsPaged`, or `ABFindAll` when the service does not offer the paged call (above). */
  private async readBook(lastChange?: string): Promise<AddressBook> {
    if (!this.pagedUnsupported) {
      try {
        return await this.call('ABFindContactsPaged', 'Initial', this.o.urls.addressBook, (c) => buildAbFindContactsPaged(c, lastChange), parseAbFindContactsPagedResponse);
      } catch (err) {
        // "Ask again in full" refuses the delta, not the paged call.
        if (isFullSyncRequired(err) || !refusesAction(err)) throw err;
        this.pagedUnsupported = true;
      }
    }
    return this.call('ABFindAll', 'Initial', this.o.urls.addressBook, (c) => buildAbFindAll(c, lastChange), parseAbFindAllResponse);
  }

  /** Any mutation of §6.5: `build` writes the request for the context it is given. */
  mutate(action: AbAction | SharingAction, scenario: PartnerScenario, build: (c: AbRequestContext) => string): Promise<MutationResult> {
    const url = action === 'AddMember' || action === 'DeleteMember' ? this.o.urls.sharing : this.o.urls.addressBook;
    return this.call(action, scenario, url, build, (xml) => parseMutationResponse(xml, action));
  }

  private async call<T extends object>(action: AbAction | SharingAction, scenario: PartnerScenario, url: string, build: (c: AbRequestContext) => string, parse: (xml: string) => AbResult<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let ticket: string;
      try {
        ticket = await this.o.tokens.valid(DOMAIN.contacts);
      } catch (err) {
        throw new OperationFailure('server-error', `${action}: no address-book ticket (${err instanceof SignInFailure ? err.message : String(err)})`);
      }
      let body: string;
      try {
        const context: AbRequestContext = this.cacheKey === undefined ? { ticket, scenario } : { ticket, scenario, cacheKey: this.cacheKey };
        const res = await postSoap(url, abSoapAction(action), build(context), {
          connection: 'ab',
          now: () => this.o.clock.now(),
          ...(this.o.tls !== undefined ? { tls: this.o.tls } : {}),
          ...(this.o.tap !== undefined ? { tap: this.o.tap } : {}),
          ...(this.o.timeoutMs !== undefined ? { timeoutMs: this.o.timeoutMs } : {}),
        });
        // Escargot answers an unknown ticket with HTTP 403 and no envelope (§6.1).
        if (res.status === 401 || res.status === 403) {
          if (attempt === 0) {
            await this.renew(action);
            continue;
          }
          throw new OperationFailure('server-error', `${action}: the address book refused the ticket (HTTP ${res.status})`);
        }
        // A fault is XML with HTTP 500; anything else that failed is not the service we expected.
        if (res.status >= 400 && !res.body.trimStart().startsWith('<')) throw new AbHttpError(action, url, res.status);
        body = res.body;
      } catch (err) {
        if (err instanceof OperationFailure) throw err;
        if (err instanceof SoapTransportError && err.kind === 'timeout') throw new OperationFailure('timeout', `${action}: ${err.message}`);
        throw new OperationFailure('server-error', `${action}: the address book could not be reached (${err instanceof Error ? err.message : String(err)})`);
      }
      const result = parse(body);
      if (isCodecError(result)) throw new OperationFailure('server-error', `${action}: unreadable answer (${result.message})`);
      if (isFault(result)) {
        if (attempt === 0 && isExpiredTicket(result)) {
          await this.renew(action);
          continue;
        }
        throw new AbFault(action, result);
      }
      const header = (result as WithServiceHeader).serviceHeader;
      if (header?.cacheKeyChanged === true && header.cacheKey !== '') this.cacheKey = header.cacheKey;
      return result;
    }
  }

  private async renew(action: string): Promise<void> {
    try {
      await this.o.tokens.renewNow();
    } catch (err) {
      throw new OperationFailure('server-error', `${action}: renewing the tickets failed (${err instanceof Error ? err.message : String(err)})`);
    }
  }
}

/** A SOAP fault from the address book, as an OperationFailure with the fault kept for callers that recover. */
export class AbFault extends OperationFailure {
  constructor(
    action: string,
    readonly fault: SoapFault,
  ) {
    const name = fault.errorCode ?? fault.codeName;
    super(FAULT_CODES[name] ?? 'server-error', `${action}: ${name}${fault.message !== '' ? ` (${fault.message})` : ''}`);
  }

  /** The service's error name (`ContactAlreadyExists` …). */
  get errorName(): string {
    return this.fault.errorCode ?? this.fault.codeName;
  }
}

/** An HTTP error status without a SOAP envelope (Escargot answers a request it cannot serve so). */
export class AbHttpError extends OperationFailure {
  constructor(
    action: string,
    url: string,
    readonly status: number,
  ) {
    super('server-error', `${action}: the address book at ${url} answered HTTP ${status}`);
  }
}

/** `FullSyncRequired` (§6.6): the delta request was refused; ask again without `deltasOnly`. */
export function isFullSyncRequired(err: unknown): boolean {
  return err instanceof AbFault && (err.fault.errorCode === 'FullSyncRequired' || err.fault.codeName === 'FullSyncRequired');
}

/** `ABDoesNotExist` (§6.6): the account has no address book yet. */
export function isNoBook(err: unknown): boolean {
  return err instanceof AbFault && (err.fault.errorCode === 'ABDoesNotExist' || err.fault.codeName === 'ABDoesNotExist');
}

/**
 * The service refused the call itself rather than anything in it: any fault but "no book" (an
 * expired ticket never gets here: `call` renews and repeats first), or an HTTP error status that
 * is no SOAP answer at all. (Escargot: `Fault.unsupported`, errorcode `Forbidden`; ours:
 * `soap:Client` "Unsupported action"; Microsoft's: `soap:Client` with no errorcode.)
 */
function refusesAction(err: unknown): boolean {
  if (err instanceof AbFault) return !isNoBook(err);
  return err instanceof AbHttpError && err.status !== 401 && err.status !== 403;
}

function isFault(x: object): x is SoapFault {
  return (x as { type?: unknown }).type === 'fault';
}
