/**
 * The one XML reader and writer of shared/: SOAP bodies (MSNP13-18.md §4, §6, §9) and the NS's XML
 * payloads (`ADL`/`RML`/`FQY` §7, `Mail-Data` §9.1) come from the network, so parsing is hardened:
 * - no DTD at all: a `<!DOCTYPE` or `<!ENTITY` anywhere is refused before parsing, so no entity can
 *   be declared, let alone expanded (billion laughs, external entities);
 * - one pass: htmlparser2's tokenizer in XML mode, with its entity decoding off, cuts the document
 *   into tokens, and `StrictXmlReader` below holds every token to XML 1.0's well-formedness rules
 *   as it builds the tree (the tokenizer alone is lenient by design; see there); this module
 *   decodes only XML's five predefined entities and numeric character references itself, and an
 *   unknown `&name;` is an error;
 * - the text length and the element depth are bounded (`XmlLimits`);
 * - every failure is a `CodecError` value; nothing here throws on input.
 * Writing goes through `el()`, which escapes every string it is given: a caller cannot put
 * unescaped text into a document by accident.
 */
import { QuoteType, Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
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
  attrs: Record<string, string>;
  readonly children: XmlNode[];
}

/**
 * Parse one XML document to its root element, or an error value. Never throws.
 *
 * One pass (`StrictXmlReader`): text and attribute values reach `decodeEntities` raw, CDATA stays
 * literal, comments and processing instructions are dropped. Why not a validator in front of a
 * tree builder, as before: on a 600-contact address-book answer (585 KB) fast-xml-parser's
 * validator took as much CPU as building the tree, and most of the garbage (bench/README.md,
 * "Where MSNP15's list-ready time goes"); the checks below cost a few comparisons per token.
 */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement | CodecError {
  if (text.length > limits.maxLength) {
    return codecError('PAYLOAD_TOO_LARGE', `XML document of ${text.length} characters exceeds the limit of ${limits.maxLength}`);
  }
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(text)) return codecError('BAD_PAYLOAD', 'XML with a DOCTYPE or ENTITY declaration is refused');
  try {
    return new StrictXmlReader(text, limits.maxDepth).read();
  } catch (e) {
    return codecError('BAD_PAYLOAD', `malformed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Thrown inside the reader only, to leave the tokenizer at the first error; `parseXml` turns it into a value. */
class NotWellFormed extends Error {}

/** XML 1.0 (5th ed.) §2.3 `Name` (colons allowed: prefixes are names too). */
const XML_NAME =
  /^[:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}][\u0300-\u036F:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}.0-9\u00B7\u203F-\u2040-]*$/u;

const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const BOM = 0xfeff;

/** XML's white space (§2.3 `S`): space, tab, CR, LF; nothing else (no form feed, no NBSP). */
function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/**
 * The tree builder and well-formedness check in one (XML 1.0 §2, §3). htmlparser2's tokenizer is
 * made for HTML and forgives what XML does not, so every token is checked here:
 * - the tokens must tile the document: each starts where the last one ended, which catches what
 *   the tokenizer skips silently (junk in an end tag `</a x>`, `</ a>`, `</>`, a stray `/` in a
 *   start tag, markup cut off at the end);
 * - element and attribute names are XML names; end tags close the innermost open element; every
 *   element is closed; one root; only white space around it (a byte-order mark first);
 * - attribute values are quoted, hold no `<`, and appear once per element, separated by white space;
 * - no `<` in text (the tokenizer passes `a < b` on as text), no `]]>` outside CDATA;
 * - comments end with `-->` and hold no `--`; CDATA ends with `]]>` and sits inside the root;
 *   processing instructions end with `?>`, and `<?xml …?>` only opens the document;
 * - no declaration of any kind (`<!…>` other than comments and CDATA).
 * The first failure throws `NotWellFormed` out of the tokenizer's loop (caught in `parseXml`).
 */
class StrictXmlReader implements TokenizerCallbacks {
  private readonly stack: Building[] = [];
  private root: Building | undefined;
  /** Where the next token must start: the end of the last one. */
  private pos = 0;
  /** The element whose start tag is being read (attributes go to it). */
  private opening: Building | undefined;
  private attrName = '';
  private attrValue = '';
  /** Raw text since the last markup inside an element, decoded when the run ends. */
  private pending = '';
  /** Names already checked in this document, with their local part (a SOAP answer repeats a few dozen). */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  read(): XmlElement {
    const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false, recognizeSelfClosing: true }, this);
    tokenizer.write(this.text);
    tokenizer.end();
    if (this.root === undefined) throw new NotWellFormed('no root element');
    return this.root;
  }

  private fail(message: string): never {
    throw new NotWellFormed(`${message} (at character ${this.pos})`);
  }

  /** The local part of a checked name (cached per document). */
  private nameAt(start: number, end: number, what: string): { name: string; local: string } {
    const name = this.text.slice(start, end);
    let local = this.names.get(name);
    if (local === undefined) {
      if (!XML_NAME.test(name)) this.fail(`invalid ${what} name ${JSON.stringify(name.slice(0, 40))}`);
      const colon = name.indexOf(':');
      local = colon >= 0 ? name.slice(colon + 1) : name;
      this.names.set(name, local);
    }
    return { name, local };
  }

  /** Only white space in [from, to). */
  private spaceOnly(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (!isXmlSpace(this.text.charCodeAt(i))) return false;
    return true;
  }

  private expectAt(start: number, markup: string): void {
    if (start !== this.pos || !this.text.startsWith(markup, start)) this.fail('malformed markup');
  }

  private flush(): void {
    if (this.pending === '') return;
    const raw = this.pending;
    this.pending = '';
    const decoded = decodeEntities(raw);
    if (typeof decoded !== 'string') throw new NotWellFormed(decoded.message);
    // Text split by a comment, a processing instruction or CDATA stays one text node.
    const kids = (this.stack[this.stack.length - 1] as Building).children;
    if (typeof kids[kids.length - 1] === 'string') kids[kids.length - 1] += decoded;
    else kids.push(decoded);
  }

  ontext(start: number, end: number): void {
    if (start !== this.pos) this.fail('malformed markup');
    const raw = this.text.slice(start, end);
    this.pos = end;
    if (raw.includes('<')) this.fail("'<' in text");
    if (this.stack.length === 0) {
      // A byte-order mark may open the document (XML 1.0 §4.3.3, F.1).
      if (!this.spaceOnly(start === 0 && this.text.charCodeAt(0) === BOM ? 1 : start, end)) this.fail('text outside the root element');
      return;
    }
    if (raw.includes(']]>')) this.fail("']]>' in text");
    this.pending += raw;
  }

  onopentagname(start: number, end: number): void {
    this.expectAt(start - 1, '<');
    if (this.stack.length === 0 && this.root !== undefined) this.fail('an XML document has one root element, found more');
    if (this.stack.length >= this.maxDepth) throw new NotWellFormed(`XML nested deeper than ${this.maxDepth}`);
    if (this.stack.length > 0) this.flush();
    const { name, local } = this.nameAt(start, end, 'element');
    // Most elements of a SOAP answer have no attributes: they share one empty (frozen) record.
    const el: Building = { name, local, attrs: NO_ATTRS, children: [] };
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) this.root = el;
    else parent.children.push(el);
    this.opening = el;
    this.pos = end;
  }

  onattribname(start: number, end: number): void {
    // At least one space between the name (or the last value) and the attribute (§3.1).
    if (start === this.pos || !this.spaceOnly(this.pos, start)) this.fail('malformed start tag');
    this.attrName = this.nameAt(start, end, 'attribute').name;
    this.attrValue = '';
    this.pos = end;
  }

  onattribdata(start: number, end: number): void {
    if (this.attrValue === '') {
      // Between the name and the value: `S? = S?` and the opening quote (§2.3 `Eq`, §3.1).
      let i = this.pos;
      while (i < start - 1 && isXmlSpace(this.text.charCodeAt(i))) i++;
      if (this.text.charCodeAt(i) !== EQUALS) this.fail('malformed attribute');
      i++;
      while (i < start - 1 && isXmlSpace(this.text.charCodeAt(i))) i++;
      if (i !== start - 1) this.fail('malformed attribute');
    } else if (start !== this.pos) this.fail('malformed attribute');
    this.attrValue += this.text.slice(start, end);
    this.pos = end;
  }

  onattribend(quote: QuoteType, end: number): void {
    if (quote !== QuoteType.Double && quote !== QuoteType.Single) this.fail(`attribute ${this.attrName} without a quoted value`);
    if (this.pos !== end - 1) this.fail('malformed attribute');
    const value = this.attrValue;
    this.attrValue = '';
    if (value.includes('<')) this.fail(`'<' in the value of attribute ${this.attrName}`);
    const decoded = decodeEntities(value);
    if (typeof decoded !== 'string') throw new NotWellFormed(decoded.message);
    const el = this.opening as Building;
    if (el.attrs === NO_ATTRS) el.attrs = {};
    else if (Object.prototype.hasOwnProperty.call(el.attrs, this.attrName)) this.fail(`attribute ${this.attrName} repeated`);
    el.attrs[this.attrName] = decoded;
    this.pos = end;
  }

  onopentagend(end: number): void {
    if (!this.spaceOnly(this.pos, end)) this.fail('malformed start tag');
    this.stack.push(this.opening as Building);
    this.opening = undefined;
    this.pos = end + 1;
  }

  onselfclosingtag(end: number): void {
    if (this.text.charCodeAt(end - 1) !== SLASH || !this.spaceOnly(this.pos, end - 1)) this.fail('malformed start tag');
    this.opening = undefined;
    this.pos = end + 1;
  }

  onclosetag(start: number, end: number): void {
    this.expectAt(start - 2, '</');
    const open = this.stack[this.stack.length - 1];
    const name = this.text.slice(start, end);
    if (open === undefined || open.name !== name) this.fail(`end tag </${name.slice(0, 40)}> does not close ${open === undefined ? 'any element' : `<${open.name}>`}`);
    // The tokenizer skips anything up to `>`; XML allows only white space there (§3.1 `ETag`).
    const gt = this.text.indexOf('>', end);
    if (gt < 0 || !this.spaceOnly(end, gt)) this.fail('malformed end tag');
    this.flush();
    this.stack.pop();
    this.pos = gt + 1;
  }

  oncomment(start: number, end: number, endOffset: number): void {
    // `<!--` content `-->`, with no `--` inside and no `-` before the end (§2.5).
    this.expectAt(start - 4, '<!--');
    if (endOffset !== 2 || this.text.charCodeAt(end) !== GT) this.fail('malformed comment');
    const content = this.text.slice(start, end - 2);
    if (content.includes('--') || content.endsWith('-')) this.fail("'--' in a comment");
    // A reference cannot span markup: the text before it is decoded on its own.
    if (this.stack.length > 0) this.flush();
    this.pos = end + 1;
  }

  oncdata(start: number, end: number, endOffset: number): void {
    // `<![CDATA[` content `]]>`, inside the root only (§2.7): literal text, joined to the text around it.
    this.expectAt(start - 9, '<![CDATA[');
    if (endOffset !== 2 || this.text.charCodeAt(end) !== GT) this.fail('unterminated CDATA section');
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) this.fail('CDATA outside the root element');
    this.flush();
    const data = this.text.slice(start, end - 2);
    const kids = parent.children;
    if (typeof kids[kids.length - 1] === 'string') kids[kids.length - 1] += data;
    else kids.push(data);
    this.pos = end + 1;
  }

  ondeclaration(): void {
    this.fail('declarations are refused');
  }

  onprocessinginstruction(start: number, end: number): void {
    // `<?target …?>` (§2.6); the tokenizer hands over what lies between `<?` and `?>`.
    this.expectAt(start - 2, '<?');
    if (!this.text.startsWith('?>', end)) this.fail('malformed processing instruction');
    let t = start;
    while (t < end && !isXmlSpace(this.text.charCodeAt(t))) t++;
    const target = this.nameAt(start, t, 'processing instruction').name;
    // The XML declaration only at the very start (§2.8); no other target may be `xml` in any case.
    if (target.toLowerCase() === 'xml' && !(target === 'xml' && start - 2 === (this.text.charCodeAt(0) === BOM ? 1 : 0))) this.fail('XML declaration not at the start');
    if (this.stack.length > 0) this.flush();
    this.pos = end + 2;
  }

  ontextentity(): void {
    this.fail('unexpected entity');
  }

  onattribentity(): void {
    this.fail('unexpected entity');
  }

  onend(): void {
    if (this.pos !== this.text.length || this.opening !== undefined) this.fail('markup cut off at the end');
    const open = this.stack[this.stack.length - 1];
    if (open !== undefined) this.fail(`<${open.name}> is not closed`);
  }
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
