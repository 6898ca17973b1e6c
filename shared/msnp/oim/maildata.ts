/**
 * `Mail-Data` (MSNP13-18.md §9.1): the `<MD>` document of the NS's initial mail-data notice and of
 * the live OIM notice, listing stored offline messages; also the `GetMetadata` answer. Read by the
 * client, built by the server.
 */
import { codecError, isCodecError, type CodecError } from '../errors';
import { childElements, el, parseXml, textAt, type Xml, type XmlElement } from '../soap/xml';
import { decodeWords, encodeWord } from './rfc2047';

/** §9.1: the folder id of OIMs in stored notices (`.!!OIM` in live ones). */
export const OIM_FOLDER = '00000000-0000-0000-0000-000000000009';
/** `<T>`/`<S>` of an OIM entry: constants from real traffic, meaning unknown (§14 point 9). */
const OIM_T = '11';
const OIM_S = '6';

export interface OimEntry {
  /** `<I>`: message id (GUID, no braces): what `GetMessage`/`DeleteMessages` take. */
  readonly id: string;
  /** `<E>`: the sender's address. */
  readonly from: string;
  /** `<N>`, RFC 2047 decoded; '' when absent. */
  readonly fromName: string;
  /** `<RT>` (ISO 8601), absent in live notices. */
  readonly receivedTime?: string;
  /** `<SZ>`: size of the `GetMessage` result in bytes. */
  readonly size?: number;
  /** `<RS>`: 0 = unread. */
  readonly read: boolean;
  readonly folder?: string;
}

export interface MailData {
  readonly type: 'mailData';
  /** `<E>` counts: inbox total/unread, other folders total/unread. */
  readonly inboxTotal: number;
  readonly inboxUnread: number;
  readonly othersTotal: number;
  readonly othersUnread: number;
  readonly messages: readonly OimEntry[];
}

/** `Mail-Data: too-large` (more than the server lists, §9.1): the client must call `GetMetadata`. */
export interface MailDataTooLarge {
  readonly type: 'tooLarge';
}

const LIMITS = { maxLength: 1024 * 1024, maxDepth: 8 };

/** Read a `Mail-Data` value (or a `GetMetadata` `<MD>`). Never throws. */
export function parseMailData(value: string): MailData | MailDataTooLarge | CodecError {
  if (value.trim() === 'too-large') return { type: 'tooLarge' };
  const root = parseXml(value.trim(), LIMITS);
  if (isCodecError(root)) return root;
  return readMd(root);
}

/** The `<MD>` element inside a larger document (the `GetMetadata` answer). */
export function readMd(root: XmlElement): MailData | CodecError {
  if (root.local !== 'MD') return codecError('BAD_PAYLOAD', `Mail-Data: expected <MD>, got <${root.name}>`);
  const count = (name: string) => {
    const n = Number(textAt(root, 'E', name) ?? '0');
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  };
  const messages: OimEntry[] = [];
  for (const m of childElements(root).filter((e) => e.local === 'M')) {
    const id = textAt(m, 'I');
    const from = textAt(m, 'E');
    if (id === undefined || id === '' || from === undefined || from === '') continue; // not an OIM we can fetch
    const size = Number(textAt(m, 'SZ'));
    const entry: { -readonly [K in keyof OimEntry]: OimEntry[K] } = { id, from, fromName: decodeWords(textAt(m, 'N') ?? ''), read: textAt(m, 'RS') === '1' };
    const rt = textAt(m, 'RT');
    if (rt) entry.receivedTime = rt;
    if (Number.isSafeInteger(size) && size >= 0 && textAt(m, 'SZ') !== undefined) entry.size = size;
    const folder = textAt(m, 'F');
    if (folder) entry.folder = folder;
    messages.push(entry);
  }
  return { type: 'mailData', inboxTotal: count('I'), inboxUnread: count('IU'), othersTotal: count('O'), othersUnread: count('OU'), messages };
}

/**
 * Server side: the `<MD>` document (Escargot `gen_mail_data`). `live` gives a live notice's shape
 * (no `<RT>`, folder `.!!OIM`, an empty `<SU>`).
 */
export function buildMailData(messages: readonly OimEntry[], opts: { readonly live?: boolean } = {}): string {
  return buildMdElement(messages, opts).xml;
}

export function buildMdElement(messages: readonly OimEntry[], opts: { readonly live?: boolean } = {}): Xml {
  const t = (name: string, v: string | number | undefined) => (v === undefined ? undefined : el(name, undefined, String(v)));
  return el(
    'MD',
    undefined,
    el('E', undefined, t('I', 0), t('IU', 0), t('O', 0), t('OU', 0)),
    el('Q', undefined, t('QTM', 409600), t('QNM', 204800)),
    messages.map((m) =>
      el(
        'M',
        undefined,
        t('T', OIM_T),
        t('S', OIM_S),
        opts.live ? undefined : t('RT', m.receivedTime),
        t('RS', m.read ? 1 : 0),
        t('SZ', m.size),
        t('E', m.from),
        t('I', m.id),
        t('F', opts.live ? '.!!OIM' : (m.folder ?? OIM_FOLDER)),
        t('N', encodeWord(m.fromName)),
        opts.live ? el('SU', undefined, ' ') : undefined,
      ),
    ),
  );
}
