/**
 * Personal status message and current media (MSNP11+, MSNP.md §2.10): the XML payload of `UUX`
 * (client → NS) and `UBX` (NS → client).
 *
 *   <Data><PSM>brb, coffee</PSM><CurrentMedia></CurrentMedia></Data>
 *
 * Reading is tolerant: peers send extra elements (`<MachineGuid>` from 13), attributes, self-closing
 * tags, or junk; whatever cannot be read is simply absent. Writing is exact and XML-escaped.
 */
import { unescapeXml } from './msnobject';
import { utf8OrWindows1252 } from './bytes';

export interface PersonalStatus {
  /** The personal message, unescaped ('' when none). */
  readonly psm: string;
  /** The raw `CurrentMedia` field text, unescaped ('' = nothing playing); see `parseCurrentMedia`. */
  readonly currentMedia: string;
  /** MSNP13+ only; kept when a peer sends it, never written for MSNP2–12. */
  readonly machineGuid?: string | undefined;
}

/** Read a `<Data>` payload (bytes as UTF-8, or text). Never fails: junk gives empty fields. */
export function parsePersonalStatus(payload: Uint8Array | string): PersonalStatus {
  const xml = typeof payload === 'string' ? payload : utf8OrWindows1252(payload);
  const machineGuid = elementText(xml, 'MachineGuid');
  const base = { psm: elementText(xml, 'PSM') ?? '', currentMedia: elementText(xml, 'CurrentMedia') ?? '' };
  return machineGuid === undefined ? base : { ...base, machineGuid };
}

/** The exact `UUX`/`UBX` payload for a status (the reply to an empty `UUX` is `UUX t 0`, not this). */
export function buildPersonalStatus(s: Pick<PersonalStatus, 'psm' | 'currentMedia'>): string {
  return `<Data><PSM>${escapeXmlText(s.psm)}</PSM><CurrentMedia>${escapeXmlText(s.currentMedia)}</CurrentMedia></Data>`;
}

/**
 * The text content of the first `<name>` element, unescaped; '' for `<name/>`; undefined when the
 * element is absent or unterminated. CDATA sections are taken literally. Linear scanning only.
 */
function elementText(xml: string, name: string): string | undefined {
  let from = 0;
  for (;;) {
    const at = xml.indexOf(`<${name}`, from);
    if (at < 0) return undefined;
    const after = xml.charCodeAt(at + name.length + 1);
    // `<PSMX>` is another element; the name must end at '>', '/', or whitespace.
    if (after !== 62 && after !== 47 && after !== 32 && after !== 9 && after !== 10 && after !== 13) {
      from = at + 1;
      continue;
    }
    const gt = xml.indexOf('>', at);
    if (gt < 0) return undefined;
    if (xml.charCodeAt(gt - 1) === 47) return '';
    const close = xml.indexOf(`</${name}>`, gt + 1);
    if (close < 0) return undefined;
    return textContent(xml.slice(gt + 1, close));
  }
}

function textContent(inner: string): string {
  if (!inner.includes('<![CDATA[')) return unescapeXml(inner);
  let out = '';
  let i = 0;
  while (i < inner.length) {
    const start = inner.indexOf('<![CDATA[', i);
    if (start < 0) {
      out += unescapeXml(inner.slice(i));
      break;
    }
    out += unescapeXml(inner.slice(i, start));
    const end = inner.indexOf(']]>', start + 9);
    if (end < 0) {
      out += inner.slice(start + 9);
      break;
    }
    out += inner.slice(start + 9, end);
    i = end + 3;
  }
  return out;
}

/** Escape text content: `&`, `<`, `>` (§2.10: "XML-escaped text — `&amp;` etc."). */
export function escapeXmlText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/**
 * `CurrentMedia` fields, separated by the two characters backslash-zero (§2.10):
 * `\0Music\01\0{0} - {1}\0Song Title\0Song Artist\0Song Album\0\0`
 * → application '', category 'Music', enabled, format '{0} - {1}', values [title, artist, album, '', ''].
 */
export interface CurrentMedia {
  readonly application: string;
  /** `Music`, `Games` or `Office` in practice. */
  readonly category: string;
  readonly enabled: boolean;
  /** Display template with `{n}` placeholders indexing `values`. */
  readonly format: string;
  /** Everything after the format, trailing empty fields included (so the text rebuilds exactly). */
  readonly values: readonly string[];
}

const SEPARATOR = '\\0';

/** undefined for '' (nothing playing) and for text with fewer than four fields. */
export function parseCurrentMedia(raw: string): CurrentMedia | undefined {
  if (raw === '') return undefined;
  const f = raw.split(SEPARATOR);
  if (f.length < 4) return undefined;
  return {
    application: f[0] as string,
    category: f[1] as string,
    enabled: f[2] === '1',
    format: f[3] as string,
    values: f.slice(4),
  };
}

export function buildCurrentMedia(m: CurrentMedia): string {
  return [m.application, m.category, m.enabled ? '1' : '0', m.format, ...m.values].join(SEPARATOR);
}

/** What a client shows: the format with `{n}` replaced by value n (unknown indexes become ''). */
export function formatCurrentMedia(m: CurrentMedia): string {
  return m.format.replace(/\{(\d{1,2})\}/g, (_, n: string) => m.values[Number(n)] ?? '');
}
