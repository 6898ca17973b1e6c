/**
 * Fake MSNP13+ web services on 127.0.0.1:0 over plain HTTP, for scripted client tests: the token
 * service (`/RST.srf`, MSNP13-18.md §4.3–§4.4), the address book and sharing services
 * (`/abservice/…`, §6) over an in-memory book, and a log of every request (action, ticket, the
 * decoded request). Answers are made with the codec's server-side builders.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  PASSPORT_TB,
  buildAbFindAllResponse,
  buildAbFindContactsPagedResponse,
  type AbServiceHeader,
  buildStore2Fault,
  buildStore2Response,
  oimLockKey,
  parseOimContent,
  parseStore2Request,
  type Store2Request,
  buildDeleteMessagesResponse,
  buildGetMessageResponse,
  buildGetMetadataResponse,
  parseRsiRequest,
  type OimEntry,
  type RsiRequest,
  buildFault,
  buildFindMembershipResponse,
  buildMutationResponse,
  buildRstAuthFailure,
  buildRstResponse,
  isCodecError,
  parseAbRequest,
  parseRstRequest,
  type AbContact,
  type AbGroup,
  type AbRequest,
  type Member,
  type MemberRole,
  type RstRequest,
} from '../../../shared/msnp';

export interface FakeServicesOptions {
  readonly accounts: Record<string, string>;
  /** Token lifetime (server clock), default 24 h. */
  readonly lifetimeMs?: number;
  /** The MBI key issued with the messengerclear ticket (base64). */
  readonly binarySecret?: string;
}

export interface LoggedRequest {
  readonly path: string;
  readonly soapAction: string | undefined;
  readonly body: string;
  readonly ab?: AbRequest;
  readonly rst?: RstRequest;
  readonly rsi?: RsiRequest;
  readonly store?: Store2Request;
}

export class FakeServices {
  readonly requests: LoggedRequest[] = [];
  /** What the address book holds for the owner. */
  readonly book = {
    groups: [] as AbGroup[],
    contacts: [] as AbContact[],
    me: undefined as AbContact | undefined,
    roles: { Allow: [], Block: [], Reverse: [], Pending: [] } as Record<MemberRole, Member[]>,
  };
  /** Offline messages waiting at RSI: the `Mail-Data` entry and the `GetMessage` mail. */
  readonly oims: { entry: OimEntry; mail: string }[] = [];
  /** What Store2 stored: sender, recipient, text, run id and sequence. */
  readonly stored: { from: string; to: string; text: string; runId: string; sequence: number }[] = [];
  /** The lock-key challenge Store2 issues to a sender without the right key. */
  lockKeyChallenge = '13038318816579321232';
  /** Recipients Store2 refuses (`SystemUnavailable`: not allowed to receive from the sender). */
  readonly refuseOimTo = new Set<string>();
  /** Fault to answer the next AB/sharing request of this action with (once). */
  readonly faultOnce = new Map<string, string>();
  /**
   * Actions this address book does not offer, and how it says so: `escargot` = Escargot's
   * `Fault.unsupported` (errorcode `Forbidden`), `http` = an HTTP 500 without an envelope.
   */
  readonly unsupported = new Map<string, 'escargot' | 'http'>();
  /** `ServiceHeader/CacheKey` the address book hands out (§6.1); none when undefined. */
  cacheKey: string | undefined;
  private issued = 0;
  private nextGuid = 1;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly o: FakeServicesOptions,
  ) {
    this.accounts = { ...o.accounts };
  }

  /** Handle → password; change it to make the next token request fail. */
  readonly accounts: Record<string, string>;

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The n-th (1-based) ticket issued for a domain. */
  ticket(address: string, n = this.issued): string {
    return `t=${address.replace(/\W/g, '')}${n}&p=P${n}`;
  }

  get secret(): string {
    return this.o.binarySecret ?? 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX';
  }

  /** The AB/sharing requests of one action, in order. */
  actions(action: string): AbRequest[] {
    return this.requests.filter((r) => r.ab?.action === action).map((r) => r.ab as AbRequest);
  }

  get rstRequests(): RstRequest[] {
    return this.requests.filter((r) => r.rst !== undefined).map((r) => r.rst as RstRequest);
  }

  newGuid(): string {
    return `00000000-0000-0000-0000-${String(this.nextGuid++).padStart(12, '0')}`;
  }

  static async start(o: FakeServicesOptions): Promise<FakeServices> {
    const ref: { self?: FakeServices } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => ref.self?.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    ref.self = new FakeServices(server, port, o);
    return ref.self;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = req.url ?? '/';
    const soapAction = typeof req.headers.soapaction === 'string' ? req.headers.soapaction : undefined;
    const send = (status: number, xml: string): void => {
      res.writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.end(xml);
    };
    if (path === '/RST.srf' || path === '/RST2.srf') {
      const rst = parseRstRequest(body);
      this.requests.push({ path, soapAction, body, ...(isCodecError(rst) ? {} : { rst }) });
      if (isCodecError(rst)) return send(500, buildFault({ code: 'soap:Client', message: rst.message }));
      if (this.accounts[rst.username] !== rst.password) return send(500, buildRstAuthFailure());
      this.issued += 1;
      const created = new Date();
      const expires = new Date(created.getTime() + (this.o.lifetimeMs ?? 24 * 3600_000));
      return send(
        200,
        buildRstResponse(
          rst.tokens.map((t) => ({
            address: t.address,
            token: t.address === PASSPORT_TB ? `master${this.issued}` : this.ticket(t.address),
            created: created.toISOString(),
            expires: expires.toISOString(),
            ...(t.address === 'messengerclear.live.com' ? { binarySecret: this.secret } : {}),
          })),
        ),
      );
    }
    if (path === '/abservice/abservice.asmx' || path === '/abservice/SharingService.asmx') {
      const ab = parseAbRequest(body);
      this.requests.push({ path, soapAction, body, ...(isCodecError(ab) ? {} : { ab }) });
      if (isCodecError(ab)) return send(500, buildFault({ code: 'soap:Client', message: ab.message }));
      const refusal = this.unsupported.get(ab.action);
      if (refusal === 'http') {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('500 Internal Server Error');
        return;
      }
      if (refusal === 'escargot') return send(500, unsupportedFault(ab.action));
      const fault = this.faultOnce.get(ab.action);
      if (fault !== undefined) {
        this.faultOnce.delete(ab.action);
        return send(500, abFault(fault));
      }
      return send(200, this.answer(ab, this.serviceHeader(ab.header.cacheKey)));
    }
    if (path === '/OimWS/oim.asmx') {
      const store = parseStore2Request(body);
      this.requests.push({ path, soapAction, body, ...(isCodecError(store) ? {} : { store }) });
      if (isCodecError(store)) return send(500, buildStore2Fault('InvalidContent', store.message));
      if (store.lockKey !== oimLockKey(this.lockKeyChallenge)) return send(500, buildStore2Fault('AuthenticationFailed', 'lock key', this.lockKeyChallenge));
      if (this.refuseOimTo.has(store.to)) return send(500, buildStore2Fault('SystemUnavailable', 'not allowed'));
      const content = parseOimContent(store.content);
      if (isCodecError(content) || content.sequence !== store.sequence) return send(500, buildStore2Fault('InvalidContent', 'bad content'));
      this.stored.push({ from: store.from, to: store.to, text: content.text, runId: content.runId, sequence: content.sequence });
      return send(200, buildStore2Response(store.sequence));
    }
    if (path === '/rsi/rsi.asmx') {
      const rsi = parseRsiRequest(body);
      this.requests.push({ path, soapAction, body, ...(isCodecError(rsi) ? {} : { rsi }) });
      if (isCodecError(rsi)) return send(500, buildFault({ code: 'soap:Client', message: rsi.message }));
      if (rsi.action === 'GetMetadata') return send(200, buildGetMetadataResponse(this.oims.map((o) => o.entry)));
      if (rsi.action === 'GetMessage') {
        const oim = this.oims.find((o) => o.entry.id === rsi.messageId);
        return oim === undefined ? send(500, buildFault({ code: 'q0:SystemUnavailable', message: 'no such message' })) : send(200, buildGetMessageResponse(oim.mail));
      }
      for (const id of rsi.messageIds) {
        const i = this.oims.findIndex((o) => o.entry.id === id);
        if (i >= 0) this.oims.splice(i, 1);
      }
      return send(200, buildDeleteMessagesResponse());
    }
    res.writeHead(404);
    res.end();
  }

  private serviceHeader(echoed: string | undefined): AbServiceHeader | undefined {
    if (this.cacheKey === undefined) return undefined;
    return { version: '15.01.1408.0000', cacheKey: this.cacheKey, cacheKeyChanged: echoed !== this.cacheKey, preferredHostName: '127.0.0.1', sessionId: 'fake' };
  }

  private answer(r: AbRequest, header: AbServiceHeader | undefined): string {
    const b = this.book;
    const withHeader = header === undefined ? {} : { serviceHeader: header };
    const book = { groups: b.groups, contacts: b.contacts, ...(b.me !== undefined ? { me: b.me } : {}), lastChange: '2026-01-01T00:00:00Z', ownerEmail: b.me?.address ?? 'me@example.com', ...withHeader };
    switch (r.action) {
      case 'FindMembership':
        return buildFindMembershipResponse({ roles: b.roles, lastChange: '2026-01-01T00:00:00Z', ...withHeader });
      case 'ABFindAll':
        return buildAbFindAllResponse(book);
      case 'ABFindContactsPaged':
        return buildAbFindContactsPagedResponse(book);
      case 'ABContactAdd': {
        const guid = this.newGuid();
        const c = r.contacts[0];
        b.contacts.push({ id: guid, type: 'Regular', address: c?.passportName ?? '', ...(c?.displayName !== undefined ? { displayName: c.displayName } : {}), isMessengerUser: true, groupIds: [], annotations: {}, deleted: false });
        return buildMutationResponse('ABContactAdd', guid, header);
      }
      case 'ABGroupAdd': {
        const guid = this.newGuid();
        b.groups.push({ id: guid, name: r.name, isFavorite: false });
        return buildMutationResponse('ABGroupAdd', guid, header);
      }
      case 'AddMember':
      case 'DeleteMember':
        for (const m of r.memberships) {
          for (const x of m.members) {
            const list = b.roles[m.role];
            const i = list.findIndex((y) => y.address === x.passportName);
            if (r.action === 'AddMember' && i < 0 && x.passportName !== undefined) list.push({ address: x.passportName, type: 'Passport' });
            if (r.action === 'DeleteMember' && i >= 0) list.splice(i, 1);
          }
        }
        return buildMutationResponse(r.action, undefined, header);
      default:
        return buildMutationResponse(r.action, undefined, header);
    }
  }
}

/** Escargot's answer to an action it does not implement (`tmpl/Fault.unsupported.xml`). */
function unsupportedFault(action: string): string {
  return buildFault({
    code: 'soap:Client',
    message: `API ${action} no longer supported`,
    detail: [{ xml: `<errorcode xmlns="http://www.msn.com/webservices/AddressBook">Forbidden</errorcode><errorstring xmlns="http://www.msn.com/webservices/AddressBook">API ${action} no longer supported</errorstring>` }],
  });
}

/** An address-book fault with `detail/errorcode` (MSNP13-18.md §6.6). */
export function abFault(errorCode: string): string {
  return buildFault({ code: `soap:Client`, message: errorCode, detail: [{ xml: `<errorcode xmlns="http://www.msn.com/webservices/AddressBook">${errorCode}</errorcode>` }] });
}
