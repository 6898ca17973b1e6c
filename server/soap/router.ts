/**
 * The SOAP front (MSNP13-18.md §12.1): the web services real MSNP13+ clients call, on the same
 * HTTP and HTTPS listeners as the Nexus, under the paths the clients use (so a client whose
 * Microsoft hosts point here works unchanged). A route is `{ path, action → handler }`: the action
 * is the local name from the `SOAPAction` header (`…/AddressBook/ABFindAll` → `ABFindAll`), or the
 * body's first element when the header is empty (libpurple sends `SOAPAction:` empty to RST.srf,
 * §4.3), or `*` for every action of a path.
 *
 * Every request is read with a body cap (the `Content-Length` is checked first, the bytes as they
 * arrive), parsed once with the hardened reader (`shared/msnp/soap/xml.ts`: no DTD, no entities
 * beyond the predefined ones, bounded length and depth), and every bad request is answered with a
 * SOAP fault: never a crash, never a stack trace. A handler that throws is logged and answered
 * with a generic server fault; one that finds the store unreachable (PostgreSQL down) is answered
 * HTTP 503 with a `soap:Server` fault saying so and `Retry-After`, never the generic fault and
 * never a hang (the store gives up within its pool's timeouts, server/README.md "PostgreSQL").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildFault, isCodecError, type FaultInit } from '../../shared/msnp/index';
import { child, childElements, parseXml, type XmlElement } from '../../shared/msnp/soap/xml';
import { StoreUnavailableError } from '../core/errors';
import type { Logger } from '../logger';

export interface SoapRequest {
  /** Lower-cased path without the query (`/abservice/abservice.asmx`). */
  readonly path: string;
  /** The action's local name (`ABFindAll`, `RequestMultipleSecurityTokens`). */
  readonly action: string;
  /** The `SOAPAction` header as sent (quotes removed), possibly empty. */
  readonly soapAction: string;
  /** The raw XML, for readers that take text (`parseAbRequest`, `parseRstRequest`). */
  readonly xml: string;
  /** `Envelope/Header`, if any. */
  readonly header: XmlElement | undefined;
  /** The first element inside `Envelope/Body` (undefined for an empty Body). */
  readonly body: XmlElement | undefined;
  readonly remoteAddress: string;
  readonly secure: boolean;
  /**
   * The host name the client addressed (the `Host` header without its port, when it is a plain
   * host name), else the address it connected to: what a service names as its own host
   * (`PreferredHostName`, MSNP13-18.md §6.1), so a client that switches to it stays here.
   */
  readonly host: string;
  /** Received by another node of the cluster for a user signed in here (never forwarded again). */
  readonly forwarded?: boolean;
}

/** What another node forwards of a request it received (`serveForwarded`): enough to route it again. */
export interface ForwardedSoapRequest {
  readonly path: string;
  readonly action: string;
  readonly soapAction: string;
  readonly xml: string;
  readonly remoteAddress: string;
  readonly secure: boolean;
  readonly host: string;
}

export interface SoapReply {
  readonly status: number;
  readonly body: string;
  /** Extra HTTP headers (`Retry-After` on a 503). */
  readonly headers?: Readonly<Record<string, string>>;
}

export type SoapHandler = (req: SoapRequest) => SoapReply | Promise<SoapReply>;

export interface SoapRoute {
  /** Matched case-insensitively (`/abservice/SharingService.asmx`). */
  readonly path: string;
  /** The action's local name, or `*` for any action on this path. */
  readonly action: string;
  readonly handler: SoapHandler;
}

/** A path's own answer to a request that cannot be read (RST.srf answers with its auth fault, §4.4). */
export type BadRequestReply = (problem: string) => SoapReply;

/** Ours: the largest request real clients send (an OIM `Store2`, a membership change) is a few KB. */
export const DEFAULT_MAX_SOAP_BODY_BYTES = 64 * 1024;
/** SOAP requests nest about 10 deep (an `ABContactUpdate` annotation is 9); ours, with room. */
const MAX_SOAP_DEPTH = 32;

/** A SOAP 1.1 fault reply (HTTP 500, as SOAP 1.1 asks for faults). */
export function faultReply(f: FaultInit, status = 500): SoapReply {
  return { status, body: buildFault(f) };
}

/** `soap:Client`: the request itself is wrong (malformed, unknown action, missing element). */
export function clientFault(message: string, status = 500): SoapReply {
  return faultReply({ code: 'soap:Client', message }, status);
}

/** Seconds a client is asked to wait (`Retry-After`) while the store cannot be reached. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The store (PostgreSQL) cannot be reached: nothing was done. HTTP 503 (the service, not the
 * request, is at fault, and only for now) with a `soap:Server` fault that says so.
 */
export function storeUnavailableReply(): SoapReply {
  return {
    ...faultReply({ code: 'soap:Server', message: 'Service temporarily unavailable: the account database cannot be reached; try again later' }, 503),
    headers: { 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) },
  };
}

export function okReply(body: string): SoapReply {
  return { status: 200, body };
}

export class SoapRouter {
  private readonly routes = new Map<string, Map<string, SoapHandler>>();
  private readonly badRequest = new Map<string, BadRequestReply>();

  constructor(
    private readonly logger: Logger,
    private readonly maxBodyBytes = DEFAULT_MAX_SOAP_BODY_BYTES,
  ) {}

  /** Registers a handler; a second one for the same path and action is a programming error. */
  add(route: SoapRoute): void {
    const path = route.path.toLowerCase();
    let actions = this.routes.get(path);
    if (actions === undefined) this.routes.set(path, (actions = new Map()));
    if (actions.has(route.action)) throw new Error(`SOAP route ${route.path} ${route.action} registered twice`);
    actions.set(route.action, route.handler);
  }

  /** What this path answers to an unreadable request instead of the generic `soap:Client` fault. */
  onBadRequest(path: string, reply: BadRequestReply): void {
    this.badRequest.set(path.toLowerCase(), reply);
  }

  handles(path: string): boolean {
    return this.routes.has(path.toLowerCase());
  }

  /** Serves one HTTP request on a registered path. Never throws; every outcome is an HTTP answer. */
  async serve(req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]?.toLowerCase() ?? '/';
    const remoteAddress = req.socket.remoteAddress ?? '?';
    let reply: SoapReply;
    try {
      reply = await this.route(req, path, remoteAddress, secure, res);
    } catch (err) {
      reply = this.failed(path, err);
    }
    if (res.headersSent || res.destroyed) return;
    this.write(res, reply);
  }

  private write(res: ServerResponse, reply: SoapReply): void {
    // Encoded once: measuring the string and then writing it would encode a ~0.6 MB ABFindAll answer twice.
    const bytes = Buffer.from(reply.body, 'utf8');
    res.writeHead(reply.status, { ...reply.headers, 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': bytes.length });
    res.end(bytes);
  }

  /**
   * A request another node of the cluster received and read (it parsed there), for a user signed
   * in here: routed as if it had come here, marked `forwarded`. Never throws.
   */
  async serveForwarded(f: ForwardedSoapRequest): Promise<SoapReply> {
    const path = f.path.toLowerCase();
    try {
      const root = parseXml(f.xml, { maxLength: this.maxBodyBytes, maxDepth: MAX_SOAP_DEPTH });
      if (isCodecError(root)) return clientFault(root.message);
      const handler = this.routes.get(path)?.get(f.action);
      if (handler === undefined) return clientFault(`Unsupported action ${f.action}`);
      const body = child(root, 'Body');
      return await handler({ ...f, path, header: child(root, 'Header'), body: body === undefined ? undefined : childElements(body)[0], forwarded: true });
    } catch (err) {
      return this.failed(path, err);
    }
  }

  private failed(path: string, err: unknown): SoapReply {
    if (err instanceof StoreUnavailableError) {
      this.logger.log('warn', 'soap-store-unavailable', { path });
      return storeUnavailableReply();
    }
    // A handler bug: logged (message only), answered without detail.
    this.logger.log('error', 'soap-error', { path, error: err instanceof Error ? err.message : String(err) });
    return faultReply({ code: 'soap:Server', message: 'Internal error' });
  }

  private async route(req: IncomingMessage, path: string, remoteAddress: string, secure: boolean, res: ServerResponse): Promise<SoapReply> {
    const actions = this.routes.get(path);
    const bad = (problem: string, status = 500): SoapReply => {
      this.logger.log('info', 'soap-bad-request', { path, remote: remoteAddress, problem });
      const own = this.badRequest.get(path);
      return own !== undefined ? own(problem) : clientFault(problem, status);
    };
    if (actions === undefined) return clientFault('No such service', 404);
    if (req.method !== 'POST') return clientFault('SOAP services take POST', 405);
    const body = await readBody(req, this.maxBodyBytes);
    if (body === undefined) {
      // Over the cap: answered at once and the connection closed behind the answer, unread.
      res.setHeader('Connection', 'close');
      res.once('finish', () => req.socket.destroy());
      return clientFault(`Request body over ${this.maxBodyBytes} bytes`, 413);
    }
    const root = parseXml(body, { maxLength: this.maxBodyBytes, maxDepth: MAX_SOAP_DEPTH });
    if (isCodecError(root)) return bad(root.message);
    if (root.local !== 'Envelope') return bad(`root element is ${root.name}, not Envelope`);
    const bodyElement = child(root, 'Body');
    if (bodyElement === undefined) return bad('no Body');
    const first = childElements(bodyElement)[0];
    if (first?.local === 'Fault') return bad('a fault is not a request');
    const soapAction = String(req.headers.soapaction ?? '').trim().replace(/^"|"$/g, '');
    const fromHeader = soapAction.slice(soapAction.lastIndexOf('/') + 1);
    const action = fromHeader !== '' ? fromHeader : (first?.local ?? '');
    const handler = actions.get(action) ?? actions.get('*');
    if (handler === undefined) return bad(`Unsupported action ${action || '(none)'}`);
    return handler({ path, action, soapAction, xml: body, header: child(root, 'Header'), body: first, remoteAddress, secure, host: requestHost(req) });
  }
}

/** A DNS name or IPv4 address, nothing else: the `Host` header is the client's to write. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$/;

function requestHost(req: IncomingMessage): string {
  const header = String(req.headers.host ?? '');
  const name = header.replace(/:\d{1,5}$/, '');
  if (HOST_NAME.test(name)) return name.toLowerCase();
  const local = req.socket.localAddress ?? '127.0.0.1';
  return local.startsWith('::ffff:') ? local.slice(7) : local;
}

/** The body as UTF-8, or undefined when it is larger than `max` bytes (declared or actual). */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: string | undefined): void => {
      if (done) return;
      done = true;
      resolve(v);
    };
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > max) {
        req.pause();
        finish(undefined);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => finish(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => finish(undefined));
  });
}
