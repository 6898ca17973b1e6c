/**
 * The address book's change ping (MSNP13-18.md §6.8): `NOT len` whose `<NOTIFICATION>` carries an
 * XML-escaped `<NotificationData>` naming the `ABCHInternal` service. A client re-fetches its lists
 * when it sees one (never an alert for the user); the server sends it to the owner's sessions when
 * the lists change from elsewhere. The payload is XML inside XML: both levels go through the
 * hardened reader.
 */
import { codecError, isCodecError, type CodecError } from '../errors';
import { child, el, parseXml, textAt, text, attr, path } from '../soap/xml';

export interface AbChangeNotice {
  readonly type: 'abChange';
  /** `NotificationData/Service`: `ABCHInternal` for the address book. */
  readonly service: string;
  readonly cid: string | undefined;
  readonly lastModified: string | undefined;
  readonly hasNewItem: boolean;
  /** `TO/@name`: the account the notice is for. */
  readonly to: string | undefined;
}

const LIMITS = { maxLength: 64 * 1024, maxDepth: 8 };

/** Read a `NOT` payload; anything that is not an address-book notice is an error value. */
export function parseAbChangeNotice(xml: string): AbChangeNotice | CodecError {
  const root = parseXml(xml, LIMITS);
  if (isCodecError(root)) return root;
  if (root.local !== 'NOTIFICATION') return codecError('BAD_PAYLOAD', `NOT: root is ${root.name}`);
  const body = text(path(root, 'MSG', 'BODY'));
  if (body === undefined || body.trim() === '') return codecError('BAD_PAYLOAD', 'NOT: no BODY');
  const data = parseXml(body.trim(), LIMITS);
  if (isCodecError(data)) return data;
  if (data.local !== 'NotificationData') return codecError('BAD_PAYLOAD', `NOT: BODY holds ${data.name}`);
  const service = textAt(data, 'Service');
  if (service === undefined || service === '') return codecError('BAD_PAYLOAD', 'NOT: NotificationData without Service');
  return {
    type: 'abChange',
    service,
    cid: textAt(data, 'CID'),
    lastModified: textAt(data, 'LastModifiedDate'),
    hasNewItem: textAt(data, 'HasNewItem') === 'true',
    to: attr(child(root, 'TO'), 'name'),
  };
}

export interface AbChangeNoticeInit {
  readonly to: string;
  /** `MemberIdLow`/`MemberIdHigh` of the profile, for `pid="0xLOW:0xHIGH"` (§6.8). */
  readonly memberIdLow: number;
  readonly memberIdHigh: number;
  readonly cid: string;
  readonly lastModified: string;
  readonly hasNewItem?: boolean;
}

/** Server side: the `NOT` payload of §6.8 for an address-book change. */
export function buildAbChangeNotice(n: AbChangeNoticeInit): string {
  const hex = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
  const data = el(
    'NotificationData',
    { 'xmlns:xsd': 'http://www.w3.org/2001/XMLSchema', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' },
    el('Service', undefined, 'ABCHInternal'),
    el('CID', undefined, n.cid),
    el('LastModifiedDate', undefined, n.lastModified),
    el('HasNewItem', undefined, n.hasNewItem ? 'true' : 'false'),
  );
  return el(
    'NOTIFICATION',
    { id: '0', siteid: '45705', siteurl: 'http://contacts.msn.com' },
    el('TO', { pid: `${hex(n.memberIdLow)}:${hex(n.memberIdHigh)}`, name: n.to }, el('VIA', { agent: 'messenger' })),
    el('MSG', { id: '0' }, el('SUBSCR', { url: 's.htm' }), el('ACTION', { url: 'a.htm' }), el('BODY', undefined, data.xml)),
  ).xml;
}
