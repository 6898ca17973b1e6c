/**
 * Fetching offline messages: the RSI service at `/rsi/rsi.asmx` (MSNP13-18.md §9.1) with
 * `GetMetadata`, `GetMessage` and `DeleteMessages`, authenticated by a `PassportCookie` header with
 * the `t` and `p` parts of the `messenger.msn.com` token. Both directions.
 */
import { codecError, isCodecError, type CodecError } from '../errors';
import { buildEnvelope, parseEnvelope, type SoapFault } from '../soap/envelope';
import { child, children, el, raw, text, textAt } from '../soap/xml';
import { buildMdElement, readMd, type MailData, type OimEntry } from './maildata';

export const RSI_PATH = '/rsi/rsi.asmx';
const RSI_NS = 'http://www.hotmail.msn.com/ws/2004/09/oim/rsi';

export type RsiAction = 'GetMetadata' | 'GetMessage' | 'DeleteMessages';

/** `SOAPAction: http://www.hotmail.msn.com/ws/2004/09/oim/rsi/<Action>` (§9.1). */
export function rsiSoapAction(action: RsiAction): string {
  return `${RSI_NS}/${action}`;
}

/** The two parts of the `messenger.msn.com` compact token (`splitCompactToken` in sso/rst.ts). */
export interface PassportCookie {
  readonly t: string;
  readonly p: string;
}

function request(cookie: PassportCookie, body: ReturnType<typeof el>): string {
  return buildEnvelope({ header: el('PassportCookie', { xmlns: RSI_NS }, el('t', undefined, cookie.t), el('p', undefined, cookie.p)), body });
}

export function buildGetMetadata(cookie: PassportCookie): string {
  return request(cookie, el('GetMetadata', { xmlns: RSI_NS }));
}

/** `alsoMarkAsRead` false: the client deletes after storing, never relies on read marks (§9.1). */
export function buildGetMessage(cookie: PassportCookie, messageId: string, alsoMarkAsRead = false): string {
  return request(cookie, el('GetMessage', { xmlns: RSI_NS }, el('messageId', undefined, messageId), el('alsoMarkAsRead', undefined, alsoMarkAsRead ? 'true' : 'false')));
}

export function buildDeleteMessages(cookie: PassportCookie, messageIds: readonly string[]): string {
  return request(cookie, el('DeleteMessages', { xmlns: RSI_NS }, el('messageIds', undefined, messageIds.map((id) => el('messageId', undefined, id)))));
}

/** Server side: a decoded RSI request. */
export type RsiRequest =
  | { readonly action: 'GetMetadata'; readonly cookie: PassportCookie }
  | { readonly action: 'GetMessage'; readonly cookie: PassportCookie; readonly messageId: string; readonly alsoMarkAsRead: boolean }
  | { readonly action: 'DeleteMessages'; readonly cookie: PassportCookie; readonly messageIds: readonly string[] };

/** At most this many ids in one `DeleteMessages` (ours: bounds the server's work per request). */
export const RSI_MAX_DELETE = 1000;

export function parseRsiRequest(xml: string): RsiRequest | CodecError {
  const env = parseEnvelope(xml);
  if (isCodecError(env)) return env;
  if (env.type === 'fault') return codecError('BAD_PAYLOAD', 'RSI: a fault is not a request');
  const pc = child(env.header, 'PassportCookie');
  const t = textAt(pc, 't');
  const p = text(child(pc, 'p'))?.trim() ?? '';
  if (t === undefined || t === '') return codecError('BAD_PAYLOAD', 'RSI: no PassportCookie');
  const cookie = { t, p };
  switch (env.body.local) {
    case 'GetMetadata':
      return { action: 'GetMetadata', cookie };
    case 'GetMessage': {
      const messageId = textAt(env.body, 'messageId');
      if (!messageId) return codecError('BAD_PAYLOAD', 'RSI GetMessage: no messageId');
      return { action: 'GetMessage', cookie, messageId, alsoMarkAsRead: textAt(env.body, 'alsoMarkAsRead') === 'true' };
    }
    case 'DeleteMessages': {
      const messageIds = children(child(env.body, 'messageIds'), 'messageId').map((m) => text(m)?.trim() ?? '');
      if (messageIds.length === 0 || messageIds.some((id) => id === '')) return codecError('BAD_PAYLOAD', 'RSI DeleteMessages: no or empty messageId');
      if (messageIds.length > RSI_MAX_DELETE) return codecError('PAYLOAD_TOO_LARGE', `RSI DeleteMessages: more than ${RSI_MAX_DELETE} ids`);
      return { action: 'DeleteMessages', cookie, messageIds };
    }
    default:
      return codecError('BAD_PAYLOAD', `RSI: unknown action ${env.body.name}`);
  }
}

type RsiResult<T> = T | SoapFault | CodecError;

/** `GetMetadataResponse` holds an `<MD>` document (§9.1). */
export function parseGetMetadataResponse(xml: string): RsiResult<MailData> {
  const env = parseEnvelope(xml);
  if (isCodecError(env) || env.type === 'fault') return env;
  if (env.body.local !== 'GetMetadataResponse') return codecError('BAD_PAYLOAD', `RSI: unexpected ${env.body.name}`);
  const md = child(env.body, 'MD');
  return md === undefined ? codecError('BAD_PAYLOAD', 'GetMetadataResponse without MD') : readMd(md);
}

/** `GetMessageResult`: the message as RFC 822 text (read it with `parseOimMessage`). */
export function parseGetMessageResponse(xml: string): RsiResult<string> {
  const env = parseEnvelope(xml);
  if (isCodecError(env) || env.type === 'fault') return env;
  if (env.body.local !== 'GetMessageResponse') return codecError('BAD_PAYLOAD', `RSI: unexpected ${env.body.name}`);
  const result = text(child(env.body, 'GetMessageResult'));
  return result === undefined ? codecError('BAD_PAYLOAD', 'GetMessageResponse without GetMessageResult') : result;
}

export function parseDeleteMessagesResponse(xml: string): RsiResult<{ readonly type: 'deleted' }> {
  const env = parseEnvelope(xml);
  if (isCodecError(env) || env.type === 'fault') return env;
  return env.body.local === 'DeleteMessagesResponse' ? { type: 'deleted' } : codecError('BAD_PAYLOAD', `RSI: unexpected ${env.body.name}`);
}

// Server side

export function buildGetMetadataResponse(messages: readonly OimEntry[]): string {
  return buildEnvelope({ body: el('GetMetadataResponse', { xmlns: RSI_NS }, buildMdElement(messages)) });
}

export function buildGetMessageResponse(mail: string): string {
  return buildEnvelope({ body: el('GetMessageResponse', { xmlns: RSI_NS }, el('GetMessageResult', undefined, mail)) });
}

export function buildDeleteMessagesResponse(): string {
  return buildEnvelope({ body: raw(`<DeleteMessagesResponse xmlns="${RSI_NS}"/>`) });
}
