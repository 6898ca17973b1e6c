/**
 * The one XML reader and writer of shared/: SOAP bodies (MSNP13-18.md §4, §6, §9) and the NS's XML
 * payloads (`ADL`/`RML`/`FQY` §7, `Mail-Data` §9.1) come from the network, so parsing is hardened:
 * - no DTD at all: a `<!DOCTYPE` or `<!ENTITY` anywhere is refused before parsing, so no entity can
 *   be declared, let alone expanded (billion laughs, external entities);
 * - fast-xml-parser's validator decides well-formedness; the tree is built by htmlparser2 with
 *   entity decoding off (`parseXml`); this module decodes only XML's five predefined entities and
 *   numeric character references itself, and an unknown `&name;` is an error;
 * - the text length and the element depth are bounded (`XmlLimits`);
 * - every failure is a `CodecError` value; nothing here throws on input.
 * Writing goes through `el()`, which escapes every string it is given: a caller cannot put
 * unescaped text into a document by accident.
 */
import { XMLValidator } from 'fast-xml-parser';
import { Parser } from 'htmlparser2';
import { codecError, type CodecError } from '../errors';

export interface XmlElement {
  /** The qualified name as written (`soap:Envelope`). */
  readonly name: string;
  /** The name without its prefix (`Envelope`): what lookups match, since prefixes vary by client. */
  readonly local: string;
  /** Attribute values, entity-decoded, by qualified name. */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}

export type XmlNode = XmlElement | string;

export interface XmlLimits {
  /** Longest document accepted, in UTF-16 code units (≈ bytes for the ASCII of SOAP). */
  readonly maxLength: number;
  /** Deepest element nesting accepted. */
  readonly maxDepth: number;
}

/**
 * Ours: the largest legitimate document is an `ABFindAll` answer for a full address book
 * (≈ 1.5 KB per contact, 600 contacts ≈ 0.9 MB, MSNP.md §8's forward-list size); SOAP nests about
 * 12 deep. Callers with smaller documents (NS payloads) pass tighter limits.
 */
export const DEFAULT_XML_LIMITS: XmlLimits = { maxLength: 4 * 1024 * 1024, maxDepth: 48 };

interface Building {
  readonly name: string;
  readonly local: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlNode[];
}

/**
 * Parse one XML document to its root element, or an error value. Never throws.
 *
 * Two passes: fast-xml-parser's validator decides well-formedness (the gate, unchanged), then
 * htmlparser2's tokenizer in XML mode builds the tree with its own entity decoding off: text and
 * attribute values reach `decodeEntities` raw, CDATA stays literal, comments and processing
 * instructions are dropped. Why htmlparser2 for the tree: on a 600-contact `ABFindAll` answer
 * (585 KB) it builds it in ~14 ms of CPU where fast-xml-parser's ordered parser and the conversion
 * to this tree took ~55 ms (bench/README.md, "Where MSNP15's list-ready time goes"). It is
 * lenient by design (made for HTML), which is why it only ever sees documents the validator
 * passed.
 */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement | CodecError {
  if (text.length > limits.maxLength) {
    return codecError('PAYLOAD_TOO_LARGE', `XML document of ${text.length} characters exceeds the limit of ${limits.maxLength}`);
  }
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(text)) return codecError('BAD_PAYLOAD', 'XML with a DOCTYPE or ENTITY declaration is refused');
  try {
    const valid = XMLValidator.validate(text);
    if (valid !== true) return codecError('BAD_PAYLOAD', `malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
    return buildTree(text, limits.maxDepth);
  } catch (e) {
    return codecError('BAD_PAYLOAD', `malformed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function buildTree(text: string, maxDepth: number): XmlElement | CodecError {
  const stack: Building[] = [];
  const roots: Building[] = [];
  let failure: CodecError | undefined;
  let outside = '';
  // Raw text since the last tag, decoded when the run ends (the tokenizer may split a run).
  let pending = '';
  let inCdata = false;
  const flush = (): void => {
    if (pending === '') return;
    const raw = pending;
    pending = '';
    const decoded = decodeEntities(raw);
    if (typeof decoded !== 'string') {
      failure ??= decoded;
      return;
    }
    const parent = stack[stack.length - 1];
    if (parent === undefined) outside += decoded;
    else parent.children.push(decoded);
  };
  const parser = new Parser(
    {
      onopentag(name, rawAttrs) {
        if (failure !== undefined) return;
        flush();
        if (stack.length >= maxDepth) {
          failure = codecError('BAD_PAYLOAD', `XML nested deeper than ${maxDepth}`);
          return;
        }
        // Most elements of a SOAP answer have no attributes: they share one empty (frozen) record.
        let attrs: Record<string, string> = NO_ATTRS;
        for (const k in rawAttrs) {
          const decoded = decodeEntities(rawAttrs[k] as string);
          if (typeof decoded !== 'string') {
            failure = decoded;
            return;
          }
          if (attrs === NO_ATTRS) attrs = {};
          attrs[k] = decoded;
        }
        const colon = name.indexOf(':');
        const el: Building = { name, local: colon >= 0 ? name.slice(colon + 1) : name, attrs, children: [] };
        const parent = stack[stack.length - 1];
        if (parent === undefined) roots.push(el);
        else parent.children.push(el);
        stack.push(el);
      },
      onclosetag() {
        if (failure !== undefined) return;
        flush();
        stack.pop();
      },
      ontext(data) {
        if (failure !== undefined) return;
        if (!inCdata) {
          pending += data;
          return;
        }
        // CDATA is literal: no entity decoding; it joins the text around it, as before.
        const parent = stack[stack.length - 1];
        if (parent === undefined) outside += data;
        else if (typeof parent.children[parent.children.length - 1] === 'string') parent.children[parent.children.length - 1] += data;
        else parent.children.push(data);
      },
      oncdatastart() {
        flush();
        inCdata = true;
      },
      oncdataend() {
        inCdata = false;
      },
    },
    { xmlMode: true, decodeEntities: false, recognizeCDATA: true, recognizeSelfClosing: true, lowerCaseTags: false, lowerCaseAttributeNames: false },
  );
  parser.end(text);
  flush();
  if (failure !== undefined) return failure;
  if (outside.trim() !== '') return codecError('BAD_PAYLOAD', 'text outside the root element');
  if (roots.length !== 1) return codecError('BAD_PAYLOAD', `an XML document has one root element, found ${roots.length}`);
  return roots[0] as XmlElement;
}

const NO_ATTRS: Record<string, string> = Object.freeze({}) as Record<string, string>;

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML's predefined entities and `&#NN;` / `&#xNN;`; anything else is not well-formed without a DTD. */
export function decodeEntities(s: string): string | CodecError {
  if (!s.includes('&')) return s;
  let bad: string | undefined;
  const out = s.replace(/&([^;&\s]{0,12});?/g, (all, ref: string) => {
    if (!all.endsWith(';')) {
      bad ??= all;
      return all;
    }
    const named = PREDEFINED[ref];
    if (named !== undefined) return named;
    const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (m) {
      const cp = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
      if (isXmlChar(cp)) return String.fromCodePoint(cp);
    }
    bad ??= all;
    return all;
  });
  return bad === undefined ? out : codecError('BAD_PAYLOAD', `XML: unknown or invalid reference ${bad}`);
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

// ---------------------------------------------------------------------------------------------
// Reading helpers. Lookups compare local names: clients differ in prefixes (`soap:`, `S:`, none).

export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** The first child element with this local name. */
export function child(el: XmlElement | undefined, local: string): XmlElement | undefined {
  if (el === undefined) return undefined;
  for (const c of el.children) if (typeof c !== 'string' && c.local === local) return c;
  return undefined;
}

/** Every child element with this local name. */
export function children(el: XmlElement | undefined, local: string): XmlElement[] {
  if (el === undefined) return [];
  return childElements(el).filter((c) => c.local === local);
}

/** Follow a path of local names from `el`; undefined when any step is missing. */
export function path(el: XmlElement | undefined, ...locals: readonly string[]): XmlElement | undefined {
  let at = el;
  for (const l of locals) at = child(at, l);
  return at;
}

/** The text content of an element (its direct text and CDATA, concatenated). */
export function text(el: XmlElement | undefined): string | undefined {
  if (el === undefined) return undefined;
  const kids = el.children;
  // The usual leaf: one text node, or none.
  if (kids.length === 0) return '';
  if (kids.length === 1 && typeof kids[0] === 'string') return kids[0];
  return kids.filter((c): c is string => typeof c === 'string').join('');
}

/** Text of the element at a path, trimmed; undefined when missing. */
export function textAt(el: XmlElement | undefined, ...locals: readonly string[]): string | undefined {
  return text(path(el, ...locals))?.trim();
}

/** An attribute by local name (prefix ignored). */
export function attr(el: XmlElement | undefined, local: string): string | undefined {
  if (el === undefined) return undefined;
  if (el.attrs[local] !== undefined) return el.attrs[local];
  for (const [k, v] of Object.entries(el.attrs)) if (k.slice(k.indexOf(':') + 1) === local) return v;
  return undefined;
}

/** Every descendant element with this local name, in document order. */
export function descendants(el: XmlElement, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  // Iterative pre-order walk (document order without recursion, whatever the depth).
  const stack: XmlElement[] = childElements(el).reverse();
  while (stack.length > 0) {
    const at = stack.pop() as XmlElement;
    if (at.local === local) out.push(at);
    const kids = childElements(at);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as XmlElement);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing. `el(name, attrs, ...content)`: string content is text and gets escaped; `Xml` values
// (from `el`, `raw`) are inserted as they are. Attribute values are always escaped.

export interface Xml {
  readonly xml: string;
}

export type XmlContent = Xml | string | number | boolean | undefined | readonly XmlContent[];

/** Characters XML 1.0 cannot carry even escaped (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/F). */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Any character `xmlText` changes: `& < > CR`, what `NOT_XML` replaces, and every surrogate (checked there). */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/;

/**
 * Escape text content: `& < >`, and CR as a reference (a parser turns a literal CR into LF);
 * characters XML cannot carry become U+FFFD (visible, not silently lost).
 */
export function xmlText(s: string): string {
  // Most text (GUIDs, addresses, `false`) needs nothing: one scan instead of five replaces.
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(NOT_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** Escape an attribute value (`"`-quoted): also `"`, `'`, and CR/LF/tab as references so they survive normalisation. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#xA;').replace(/\t/g, '&#x9;');
}

/** Trusted markup (already built by `el`, or a constant of this codebase). */
export function raw(xml: string): Xml {
  return { xml };
}

export function el(name: string, attrs: Readonly<Record<string, string | number | boolean | undefined>> | undefined, ...content: XmlContent[]): Xml {
  let open = `<${name}`;
  if (attrs) for (const [k, v] of Object.entries(attrs)) if (v !== undefined) open += ` ${k}="${xmlAttr(String(v))}"`;
  const body = serializeContent(content);
  return { xml: body === '' ? `${open}/>` : `${open}>${body}</${name}>` };
}

/** Like `el` but always `<a></a>`, for the elements real clients send open-and-closed. */
export function elOpen(name: string, attrs: Readonly<Record<string, string | number | boolean | undefined>> | undefined, ...content: XmlContent[]): Xml {
  const e = el(name, attrs, ...content).xml;
  return { xml: e.endsWith('/>') ? `${e.slice(0, -2)}></${name}>` : e };
}

function serializeContent(content: readonly XmlContent[]): string {
  let out = '';
  for (const c of content) {
    if (c === undefined) continue;
    if (Array.isArray(c)) out += serializeContent(c as readonly XmlContent[]);
    else if (typeof c === 'object') out += (c as Xml).xml;
    else out += xmlText(String(c));
  }
  return out;
}
