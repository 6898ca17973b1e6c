/**
 * SOAP envelopes and faults for every MSNP13+ web service (MSNP13-18.md §4.3–§4.4, §6.1, §6.6,
 * §9): one builder for requests and responses, one reader that hands back the header, the body's
 * first element or the fault, as values.
 */
import type { CodecError } from '../errors';
import { codecError, isCodecError } from '../errors';
import { child, childElements, descendants, el, parseXml, text, textAt, type Xml, type XmlContent, type XmlElement, type XmlLimits } from './xml';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** RST2.srf answers in SOAP 1.2 (MSNP13-18.md §4.4). */
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

export interface EnvelopeInit {
  readonly header?: XmlContent;
  readonly body: XmlContent;
  /** 1.1 unless given (every service but RST2.srf). */
  readonly soap?: '1.1' | '1.2';
  /** Extra namespace declarations on the Envelope (`{ wsse: '…' }` → `xmlns:wsse="…"`). */
  readonly namespaces?: Readonly<Record<string, string>>;
}

/** `<?xml …?><soap:Envelope …><soap:Header>…</soap:Header><soap:Body>…</soap:Body></soap:Envelope>`. */
export function buildEnvelope(e: EnvelopeInit): string {
  const attrs: Record<string, string> = {
    'xmlns:soap': e.soap === '1.2' ? SOAP12_NS : SOAP11_NS,
    'xmlns:xsi': XSI_NS,
    'xmlns:xsd': XSD_NS,
  };
  for (const [prefix, uri] of Object.entries(e.namespaces ?? {})) attrs[`xmlns:${prefix}`] = uri;
  const header = e.header === undefined ? undefined : el('soap:Header', undefined, e.header);
  return XML_DECLARATION + el('soap:Envelope', attrs, header, el('soap:Body', undefined, e.body)).xml;
}

export interface SoapFault {
  readonly type: 'fault';
  /** `faultcode` (1.1) or `Code/Value` (1.2) as written, prefix included (`q0:AuthenticationFailed`). */
  readonly code: string;
  /** The code without its prefix (`AuthenticationFailed`). */
  readonly codeName: string;
  readonly message: string;
  /** `detail` / `Detail`, for service-specific fields (`errorcode`, `LockKeyChallenge`, `reqstatus`). */
  readonly detail: XmlElement | undefined;
  /** `detail/errorcode` when present (the address book's error names, §6.6). */
  readonly errorCode: string | undefined;
}

export interface SoapMessage {
  readonly type: 'message';
  readonly header: XmlElement | undefined;
  /** The first element inside Body (`ABFindAllResponse` …). */
  readonly body: XmlElement;
  /** The Body itself, for the services whose body has several elements (Store2's MessageType, Content). */
  readonly bodyElement: XmlElement;
}

/** Read an envelope: the message, a fault, or an error value for anything else. Never throws. */
export function parseEnvelope(xml: string, limits?: XmlLimits): SoapMessage | SoapFault | CodecError {
  const root = parseXml(xml, limits);
  if (isCodecError(root)) return root;
  if (root.local !== 'Envelope') return codecError('BAD_PAYLOAD', `SOAP: root element is ${root.name}, not Envelope`);
  const body = child(root, 'Body');
  if (body === undefined) return codecError('BAD_PAYLOAD', 'SOAP: no Body');
  const first = childElements(body)[0];
  if (first === undefined) return codecError('BAD_PAYLOAD', 'SOAP: empty Body');
  if (first.local === 'Fault') return readFault(first);
  return { type: 'message', header: child(root, 'Header'), body: first, bodyElement: body };
}

function readFault(f: XmlElement): SoapFault {
  // SOAP 1.1: faultcode/faultstring/detail; 1.2: Code/Value, Reason/Text, Detail.
  const code = textAt(f, 'faultcode') ?? textAt(f, 'Code', 'Value') ?? '';
  const message = textAt(f, 'faultstring') ?? textAt(f, 'Reason', 'Text') ?? '';
  const detail = child(f, 'detail') ?? child(f, 'Detail');
  const errorCode = detail === undefined ? undefined : text(descendants(detail, 'errorcode')[0])?.trim();
  return { type: 'fault', code, codeName: code.slice(code.indexOf(':') + 1), message, detail, errorCode };
}

export interface FaultInit {
  /** With its prefix when the service uses one (`q0:AuthenticationFailed`, `soap:Client`). */
  readonly code: string;
  readonly message: string;
  readonly detail?: XmlContent;
  /** Declarations the code's prefix needs (`{ q0: 'http://messenger.msn.com/ws/2004/09/oim/' }`). */
  readonly namespaces?: Readonly<Record<string, string>>;
}

/** A SOAP 1.1 fault envelope: what a server answers to every bad request (MSNP13-18.md §6.6). */
export function buildFault(f: FaultInit): string {
  const fault = el(
    'soap:Fault',
    undefined,
    el('faultcode', undefined, f.code),
    el('faultstring', undefined, f.message),
    f.detail === undefined ? undefined : el('detail', undefined, f.detail),
  );
  return buildEnvelope({ body: fault, ...(f.namespaces ? { namespaces: f.namespaces } : {}) });
}

/** An element `name` in namespace `ns` as its own default namespace: `<name xmlns="ns">…</name>`. */
export function nsElement(name: string, ns: string, ...content: XmlContent[]): Xml {
  return el(name, { xmlns: ns }, ...content);
}

