/**
 * A client's side of offline messages over real HTTP (MSNP13-18.md §9): tokens from the server's
 * own token service (`/RST.srf`), `Store2` with the lock-key round, and the RSI calls, written
 * with the codec's builders as Monarch's and libpurple's clients send them.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import {
  buildDeleteMessages,
  buildGetMessage,
  buildGetMetadata,
  buildOimContent,
  buildRstRequest,
  buildStore2Request,
  isCodecError,
  messengerTokenRequests,
  MSNP15_PRODUCT,
  OIM_STORE_PATH,
  oimLockKey,
  parseDeleteMessagesResponse,
  parseGetMessageResponse,
  parseGetMetadataResponse,
  parseRstResponse,
  parseStore2Response,
  RSI_PATH,
  rsiSoapAction,
  splitCompactToken,
  STORE2_ACTION,
  tokenFor,
  type MailData,
  type PassportCookie,
  type RstResponse,
  type SoapFault,
  type Store2Result,
} from '../../../shared/msnp/index';
import type { RunningServer } from '../../../server/index';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly type: string;
}

export async function post(server: RunningServer, path: string, body: string, soapAction: string): Promise<HttpAnswer> {
  const r = await fetch(`http://127.0.0.1:${server.httpPort}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${soapAction}"` },
    body,
  });
  return { status: r.status, body: await r.text(), type: r.headers.get('content-type') ?? '' };
}

/** A SOAP fault answer, never a stack trace. */
export function expectFault(r: HttpAnswer, status = 500): void {
  expect(r.status).toBe(status);
  expect(r.type).toMatch(/^text\/xml/);
  expect(r.body).toContain('<soap:Fault>');
  expect(r.body).not.toMatch(/at .*\.ts:\d+|Error:|node_modules/);
}

export interface OimTokens {
  /** `messengersecure.live.com`: Store2's `Ticket/@passport`. */
  readonly secure: string;
  /** `messenger.msn.com` as RSI's `PassportCookie`. */
  readonly cookie: PassportCookie;
  readonly all: RstResponse;
}

/** The tokens a Messenger client asks for at sign-in (§4.3), from the server's `/RST.srf`. */
export async function oimTokens(server: RunningServer, handle: string, password: string): Promise<OimTokens> {
  const r = await post(server, '/RST.srf', buildRstRequest({ username: handle, password, tokens: messengerTokenRequests('MBI_KEY_OLD') }), '');
  expect(r.status).toBe(200);
  const parsed = parseRstResponse(r.body);
  if (isCodecError(parsed) || parsed.type !== 'tokens') throw new Error(`RST refused ${handle}: ${r.body.slice(0, 300)}`);
  const secure = tokenFor(parsed, 'messengersecure.live.com')?.token;
  const messenger = tokenFor(parsed, 'messenger.msn.com')?.token;
  const cookie = messenger === undefined ? undefined : splitCompactToken(messenger);
  if (secure === undefined || cookie === undefined) throw new Error('RST answer without the OIM tokens');
  return { secure, cookie, all: parsed };
}

/** One sending session (libpurple: one run id per sign-in, sequence from 1, the lock key kept). */
export class OimSender {
  readonly runId = `{${randomUUID().toUpperCase()}}`;
  sequence = 1;
  lockKey = '';

  constructor(
    /** Replaced after a restart (new ports). */
    public server: RunningServer,
    readonly handle: string,
    public ticket: string,
  ) {}

  /** One `Store2` as written, no retry. */
  async store2(to: string, text: string, opts: { lockKey?: string; sequence?: number; content?: string; from?: string; ticket?: string; action?: string; appId?: string } = {}): Promise<{ answer: HttpAnswer; result: Store2Result }> {
    const sequence = opts.sequence ?? this.sequence;
    const body = buildStore2Request({
      from: opts.from ?? this.handle,
      friendlyName: 'Claimed Name',
      to,
      ticket: opts.ticket ?? this.ticket,
      appId: opts.appId ?? MSNP15_PRODUCT.productId,
      lockKey: opts.lockKey ?? this.lockKey,
      sequence,
      content: opts.content ?? buildOimContent({ runId: this.runId, sequence, text }),
    });
    const answer = await post(this.server, OIM_STORE_PATH, body, opts.action ?? STORE2_ACTION);
    const result = parseStore2Response(answer.body);
    if (isCodecError(result)) throw new Error(`unreadable Store2 answer: ${answer.body.slice(0, 300)}`);
    return { answer, result };
  }

  /** What a client does (§9.2): send, answer a lock-key challenge once and resend the same message. */
  async send(to: string, text: string): Promise<Store2Result> {
    let { result } = await this.store2(to, text);
    if (result.type === 'lockKeyChallenge') {
      this.lockKey = oimLockKey(result.challenge);
      ({ result } = await this.store2(to, text));
    }
    if (result.type === 'stored') this.sequence++;
    return result;
  }
}

export function faultOf(r: Store2Result): SoapFault {
  if (r.type !== 'fault') throw new Error(`expected a fault, got ${r.type}`);
  return r;
}

export async function getMetadata(server: RunningServer, cookie: PassportCookie): Promise<MailData> {
  const r = await post(server, RSI_PATH, buildGetMetadata(cookie), rsiSoapAction('GetMetadata'));
  const md = parseGetMetadataResponse(r.body);
  if (isCodecError(md) || md.type !== 'mailData') throw new Error(`GetMetadata failed: ${r.body.slice(0, 300)}`);
  return md;
}

export async function getMessage(server: RunningServer, cookie: PassportCookie, id: string, markAsRead = false): Promise<{ answer: HttpAnswer; mail: string | SoapFault }> {
  const answer = await post(server, RSI_PATH, buildGetMessage(cookie, id, markAsRead), rsiSoapAction('GetMessage'));
  const mail = parseGetMessageResponse(answer.body);
  if (isCodecError(mail)) throw new Error(`unreadable GetMessage answer: ${answer.body.slice(0, 300)}`);
  return { answer, mail };
}

export async function deleteMessages(server: RunningServer, cookie: PassportCookie, ids: readonly string[]): Promise<HttpAnswer & { deleted: boolean }> {
  const answer = await post(server, RSI_PATH, buildDeleteMessages(cookie, ids), rsiSoapAction('DeleteMessages'));
  const r = parseDeleteMessagesResponse(answer.body);
  if (isCodecError(r)) throw new Error(`unreadable DeleteMessages answer: ${answer.body.slice(0, 300)}`);
  return { ...answer, deleted: r.type === 'deleted' };
}
