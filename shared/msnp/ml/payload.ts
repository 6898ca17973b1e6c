/**
 * The `<ml>` document of `ADL`, `RML` and `FQY` (MSNP13-18.md §7): contacts grouped by domain, with
 * list bits and a network id. Both directions: a client builds its uploads and reads the server's
 * pushes and `FQY` answers; a server reads uploads and builds pushes and answers.
 */
import { utf8Length } from '../bytes';
import { SerializeError } from '../serializer';
import { codecError, isCodecError, type CodecError } from '../errors';
import { decodeName, encodeName } from '../names';
import { LIST_BITS } from '../commands/common';
import { attr, childElements, parseXml, xmlAttr, type XmlElement } from '../soap/xml';

/** Network ids (§3.2, Escargot `NetworkID`). */
export const NETWORK = { PASSPORT: 1, OCS: 2, PHONE: 4, MNI: 8, CIRCLE: 9, SMTP: 16, YAHOO: 32 } as const;
const NETWORKS: ReadonlySet<number> = new Set(Object.values(NETWORK));

/** §7.1: at most 150 contacts (≈7.5 KB) per command (NINA; libpurple batches by 150). */
export const ML_MAX_CONTACTS = 150;
/** Ours, from the same note: keep each payload within 7.5 KB even with long addresses. */
export const ML_MAX_BYTES = 7500;

/** The list bits a client may send: FL, AL, BL; RL and PL only come from the server (§7.1). */
export const CLIENT_LIST_BITS = LIST_BITS.FL | LIST_BITS.AL | LIST_BITS.BL;
const ALL_LIST_BITS = CLIENT_LIST_BITS | LIST_BITS.RL | LIST_BITS.PL;

export interface MlContact {
  /** `local@domain` (for circles the circle GUID `@live.com`, §11). */
  readonly handle: string;
  /** `l`: sum of FL 1, AL 2, BL 4, RL 8, PL 16. Absent in `FQY`. */
  readonly lists?: number;
  /** `t`: network id (§3.2). Absent in an `FQY` question. */
  readonly network?: number;
  /** `f`: friendly name, in server pushes only (URL-encoded on the wire, decoded here). */
  readonly friendlyName?: string;
}

export interface MlPayload {
  /** `<ml l="1">`: the initial upload at login (§7.2). */
  readonly initial: boolean;
  readonly contacts: readonly MlContact[];
}

/** Who wrote the document: the rules differ (§7.1: a client may not send RL/PL bits). */
export type MlSource = 'client' | 'server';

/** A bad `<ml>`, with the MSNP error a server answers (§7.1: 240 empty domain, 241 invalid, 204 network). */
export interface MlError extends CodecError {
  readonly msnpError: 240 | 241 | 204;
}

function mlError(msnpError: 240 | 241 | 204, message: string): MlError {
  return { ...codecError('BAD_PAYLOAD', `ml: ${message}`), msnpError };
}

export function isMlError(x: unknown): x is MlError {
  return isCodecError(x) && typeof (x as { msnpError?: unknown }).msnpError === 'number';
}

/** An ADL payload is bounded by the NS's payload limit; the XML limits match it. */
const ML_XML_LIMITS = { maxLength: 65536, maxDepth: 4 };

/** Read an `<ml>` document. `source` selects which list bits are allowed. Never throws. */
export function parseMl(xml: string, source: MlSource): MlPayload | MlError {
  // §7.1: "no whitespace between tags, no XML declaration"; we accept either when reading.
  const root = parseXml(xml, ML_XML_LIMITS);
  if (isCodecError(root)) return { ...root, msnpError: 241 };
  if (root.name !== 'ml') return mlError(241, `root element is ${root.name}`);
  const initial = attr(root, 'l') === '1';
  const contacts: MlContact[] = [];
  const domains = new Set<string>();
  for (const d of childElements(root)) {
    if (d.name !== 'd') return mlError(241, `unexpected element ${d.name}`);
    const domain = attr(d, 'n');
    if (domain === undefined || !isNamePart(domain)) return mlError(241, 'domain without a valid name');
    const key = domain.toLowerCase();
    if (domains.has(key)) return mlError(241, `domain ${domain} appears twice`);
    domains.add(key);
    const cs = childElements(d);
    if (cs.length === 0) return mlError(240, `domain ${domain} has no contacts`);
    for (const c of cs) {
      const contact = readContact(c, domain, source);
      if (isCodecError(contact)) return contact;
      contacts.push(contact);
    }
  }
  return { initial, contacts };
}

function readContact(c: XmlElement, domain: string, source: MlSource): MlContact | MlError {
  if (c.name !== 'c') return mlError(241, `unexpected element ${c.name}`);
  const local = attr(c, 'n');
  if (local === undefined || !isNamePart(local)) return mlError(241, 'contact without a valid name');
  const out: { handle: string; lists?: number; network?: number; friendlyName?: string } = { handle: `${local}@${domain}` };
  const l = attr(c, 'l');
  if (l !== undefined) {
    const bits = /^\d{1,3}$/.test(l) ? Number(l) : -1;
    const allowed = source === 'client' ? CLIENT_LIST_BITS : ALL_LIST_BITS;
    if (bits < 1 || (bits & ~allowed) !== 0) return mlError(241, `invalid list bits ${l} for ${out.handle}`);
    out.lists = bits;
  }
  const t = attr(c, 't');
  if (t !== undefined) {
    const network = /^\d{1,3}$/.test(t) ? Number(t) : -1;
    if (!NETWORKS.has(network)) return mlError(204, `invalid network id ${t} for ${out.handle}`);
    out.network = network;
  }
  const f = attr(c, 'f');
  if (f !== undefined) out.friendlyName = decodeName(f);
  return out;
}

/** A domain or local part: printable, no whitespace, no `@`, not empty, ≤ 129 bytes with the rest (MSNP.md §8). */
function isNamePart(s: string): boolean {
  return s.length > 0 && s.length <= 128 && !/[\s@<>&"]/.test(s);
}

/**
 * Attribute order as real traffic has it: client uploads `n l t` (§7.1, libpurple), server pushes
 * `n t l f` (§6.7, Escargot `on_added_me`), `FQY` `n` or `n t` (§7.3). No whitespace between tags, a
 * space before `/>` (§7.1's examples), no XML declaration.
 */
export type MlStyle = 'client' | 'push' | 'query';

/** Split `local@domain` at the last `@`; undefined when either side is empty. */
export function splitHandle(handle: string): { local: string; domain: string } | undefined {
  const at = handle.lastIndexOf('@');
  if (at <= 0 || at === handle.length - 1) return undefined;
  const local = handle.slice(0, at);
  const domain = handle.slice(at + 1);
  return isNamePart(local) && isNamePart(domain) ? { local, domain } : undefined;
}

/**
 * Build one `<ml>` document, grouped by domain in first-seen order. A handle that cannot be split
 * is a programming error of the caller (the address book holds only valid handles) and throws.
 */
export function buildMl(payload: MlPayload, style: MlStyle): string {
  const byDomain = new Map<string, { domain: string; items: string[] }>();
  for (const c of payload.contacts) {
    const parts = splitHandle(c.handle);
    if (parts === undefined) throw new SerializeError(`not an address for <ml>: ${JSON.stringify(c.handle)}`);
    const key = parts.domain.toLowerCase();
    let group = byDomain.get(key);
    if (group === undefined) byDomain.set(key, (group = { domain: parts.domain, items: [] }));
    group.items.push(contactXml(parts.local, c, style));
  }
  let out = payload.initial ? '<ml l="1">' : '<ml>';
  for (const g of byDomain.values()) out += `<d n="${xmlAttr(g.domain)}">${g.items.join('')}</d>`;
  return `${out}</ml>`;
}

function contactXml(local: string, c: MlContact, style: MlStyle): string {
  let s = `<c n="${xmlAttr(local)}"`;
  const l = c.lists === undefined ? '' : ` l="${c.lists}"`;
  const t = c.network === undefined ? '' : ` t="${c.network}"`;
  if (style === 'client') s += l + t;
  else if (style === 'push') s += t + l + (c.friendlyName === undefined ? '' : ` f="${xmlAttr(encodeName(c.friendlyName))}"`);
  else s += t;
  return `${s} />`;
}

/**
 * The initial upload (§7.2) or a later change, split into payloads of at most `ML_MAX_CONTACTS`
 * contacts and `ML_MAX_BYTES` bytes, a domain's contacts kept in order. An empty list still gives
 * one payload (`<ml l="1"></ml>` lets the server set the client online, §7.2).
 */
export function splitMl(payload: MlPayload, style: MlStyle, maxContacts = ML_MAX_CONTACTS, maxBytes = ML_MAX_BYTES): string[] {
  return splitMlPayload(payload, style, maxContacts, maxBytes).map((batch) => buildMl(batch, style));
}

/** `splitMl` as payloads, for `buildMlRequest` (one `ADL`/`RML` per batch). */
export function splitMlPayload(payload: MlPayload, style: MlStyle, maxContacts = ML_MAX_CONTACTS, maxBytes = ML_MAX_BYTES): MlPayload[] {
  const out: MlPayload[] = [];
  const empty = utf8Length(buildMl({ initial: payload.initial, contacts: [] }, style));
  let batch: MlContact[] = [];
  let domains = new Set<string>();
  let size = empty;
  for (const c of payload.contacts) {
    const parts = splitHandle(c.handle);
    if (parts === undefined) throw new SerializeError(`not an address for <ml>: ${JSON.stringify(c.handle)}`);
    const key = parts.domain.toLowerCase();
    // What this contact adds: its <c />, and the <d n=""></d> around it when its domain is new here.
    const contactBytes = utf8Length(contactXml(parts.local, c, style));
    const domainBytes = utf8Length(`<d n="${xmlAttr(parts.domain)}"></d>`);
    if (batch.length > 0 && (batch.length >= maxContacts || size + contactBytes + (domains.has(key) ? 0 : domainBytes) > maxBytes)) {
      out.push({ initial: payload.initial, contacts: batch });
      batch = [];
      domains = new Set();
      size = empty;
    }
    if (!domains.has(key)) {
      domains.add(key);
      size += domainBytes;
    }
    size += contactBytes;
    batch.push(c);
  }
  if (batch.length > 0 || out.length === 0) out.push({ initial: payload.initial, contacts: batch });
  return out;
}
