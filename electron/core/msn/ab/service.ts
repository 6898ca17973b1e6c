/**
 * The address book and sharing services over SOAP (MSNP13-18.md §6): one call per action, with the
 * `contacts.msn.com` ticket from the token service, turned into typed answers or an
 * OperationFailure with the model's code. The recoveries real clients make are made here:
 * `ABDoesNotExist` → `ABAdd` and ask again (§5.3 step 3, libpurple), an expired ticket
 * (`BadContextToken`, §6.6) → renew the tickets once and repeat the call.
 */
import {
  abSoapAction,
  buildAbAdd,
  buildAbFindAll,
  buildFindMembership,
  isCodecError,
  parseAbFindAllResponse,
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
  constructor(private readonly o: AddressBookServiceOptions) {}

  /** Roles Allow/Block/Reverse/Pending (§6.3). */
  async findMembership(): Promise<Memberships> {
    return this.call('FindMembership', 'Initial', this.o.urls.sharing, (c) => buildFindMembership(c), parseFindMembershipResponse);
  }

  /** Contacts, groups and the Me contact (§6.4); creates the address book when there is none. */
  async findAll(): Promise<AddressBook> {
    try {
      return await this.call('ABFindAll', 'Initial', this.o.urls.addressBook, (c) => buildAbFindAll(c), parseAbFindAllResponse);
    } catch (err) {
      if (!(err instanceof AbFault) || (err.fault.errorCode !== 'ABDoesNotExist' && err.fault.codeName !== 'ABDoesNotExist')) throw err;
    }
    await this.call('ABAdd', 'Initial', this.o.urls.addressBook, (c) => buildAbAdd(c, this.o.ownerEmail), (xml) => parseMutationResponse(xml, 'ABAdd'));
    return this.call('ABFindAll', 'Initial', this.o.urls.addressBook, (c) => buildAbFindAll(c), parseAbFindAllResponse);
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
        const res = await postSoap(url, abSoapAction(action), build({ ticket, scenario }), {
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
        if (res.status >= 400 && !res.body.trimStart().startsWith('<')) throw new OperationFailure('server-error', `${action}: the address book at ${url} answered HTTP ${res.status}`);
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

function isFault(x: object): x is SoapFault {
  return (x as { type?: unknown }).type === 'fault';
}
