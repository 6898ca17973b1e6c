/**
 * The client half of the MSNP13+ web services for the load generator's sign-ins
 * (MSNP13-18.md §4.3–§4.5, §6): the token service (`RST.srf` / `RST2.srf`: one
 * `RequestMultipleSecurityTokens` per sign-in), then `FindMembership` and `ABFindAll` with the
 * `contacts.msn.com` ticket. Request building and answer reading come from shared/msnp (the same
 * codec the app uses); this file only does HTTP, over keep-alive agents (like passport-client.ts)
 * so thousands of sign-ins do not open thousands of HTTP connections.
 */
import http from 'node:http';
import https from 'node:https';
import {
  AB_SERVICE_PATH,
  abSoapAction,
  buildAbFindAll,
  buildFindMembership,
  buildRstRequest,
  isCodecError,
  parseAbFindAllResponse,
  parseFindMembershipResponse,
  parseRstResponse,
  SHARING_SERVICE_PATH,
  type AbResult,
  type RstResponse,
  type TokenRequest,
} from '../../shared/msnp';
import { TimeoutError } from './connection';

export class SoapServiceError extends Error {
  override readonly name = 'SoapServiceError';
}

/** Ours: far above a 600-contact ABFindAll answer (~0.6 MB); a bigger one is a broken server. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** What one address-book read returned, for the counts in the report. */
export interface AddressBookRead {
  readonly members: number;
  readonly contacts: number;
  readonly bytes: number;
}

export class SoapClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly origin: string;

  /**
   * @param tokenServiceUrl `…/RST.srf` (or `…/RST2.srf`); the address book is asked on the same
   *   origin under the paths real clients use (`/abservice/…`), as on our server and Escargot
   * @param insecureTls accept a self-signed certificate (a local test server), never by default
   */
  constructor(
    private readonly tokenServiceUrl: string,
    insecureTls: boolean,
    private readonly timeoutMs: number,
    maxSockets = 64,
  ) {
    this.origin = new URL(tokenServiceUrl).origin;
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets, rejectUnauthorized: !insecureTls });
  }

  /** §4.3: every token asked for at once; a fault (wrong password …) is an error. */
  async tokens(handle: string, password: string, requests: readonly TokenRequest[]): Promise<RstResponse> {
    const body = buildRstRequest({ username: handle, password, tokens: requests });
    // libpurple sends RST.srf an empty SOAPAction (§4.3); the server reads the body's element.
    const answer = await this.post(this.tokenServiceUrl, '', body);
    const parsed = parseRstResponse(answer.body);
    if (isCodecError(parsed)) throw new SoapServiceError(`token service answered HTTP ${answer.status}: ${parsed.message}`);
    if (parsed.type === 'fault') throw new SoapServiceError(`token service refused the sign-in: ${parsed.codeName}${parsed.reqStatus !== undefined ? ` (${parsed.reqStatus})` : ''}`);
    return parsed;
  }

  /**
   * §5.3 steps 2–3: FindMembership and ABFindAll, both at once (as the app does, ab/sync.ts), each
   * answer read with the codec so a broken answer fails the sign-in.
   */
  async readAddressBook(contactsTicket: string): Promise<AddressBookRead> {
    const context = { ticket: contactsTicket, scenario: 'Initial' as const };
    const [membership, book] = await Promise.all([
      this.post(`${this.origin}${SHARING_SERVICE_PATH}`, abSoapAction('FindMembership'), buildFindMembership(context)),
      this.post(`${this.origin}${AB_SERVICE_PATH}`, abSoapAction('ABFindAll'), buildAbFindAll(context)),
    ]);
    const m = expectResult('FindMembership', membership.status, parseFindMembershipResponse(membership.body));
    const b = expectResult('ABFindAll', book.status, parseAbFindAllResponse(book.body));
    const members = m.roles.Allow.length + m.roles.Block.length + m.roles.Reverse.length + m.roles.Pending.length;
    return { members, contacts: b.contacts.length, bytes: membership.bytes + book.bytes };
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private post(url: string, soapAction: string, body: string): Promise<{ status: number; body: string; bytes: number }> {
    const u = new URL(url);
    const secure = u.protocol === 'https:';
    if (!secure && u.protocol !== 'http:') return Promise.reject(new SoapServiceError(`unsupported SOAP URL ${url}`));
    const payload = Buffer.from(body, 'utf8');
    const lib = secure ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        u,
        {
          method: 'POST',
          headers: { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': payload.length, SOAPAction: soapAction },
          agent: secure ? this.httpsAgent : this.httpAgent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_ANSWER_BYTES) {
              req.destroy(new SoapServiceError(`${u.pathname} answered more than ${MAX_ANSWER_BYTES} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), bytes: size }));
          res.on('error', reject);
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new TimeoutError(`no HTTP reply from ${u.origin}${u.pathname} within ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(e instanceof TimeoutError || e instanceof SoapServiceError ? e : new SoapServiceError(`HTTP POST ${u.origin}${u.pathname}: ${e.message}`)));
      req.end(payload);
    });
  }
}

function expectResult<T extends object>(action: string, status: number, r: AbResult<T>): T {
  if (isCodecError(r)) throw new SoapServiceError(`${action} answered HTTP ${status}: ${r.message}`);
  if ((r as { type?: unknown }).type === 'fault') {
    const f = r as { codeName: string; errorCode?: string };
    throw new SoapServiceError(`${action} fault: ${f.errorCode ?? f.codeName}`);
  }
  return r as T;
}
