import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { isCodecError } from '../errors';
import { attr, child, descendants, el, elOpen, parseXml, raw, text, textAt, xmlAttr, xmlText, type XmlElement } from './xml';

function ok(x: ReturnType<typeof parseXml>): XmlElement {
  if (isCodecError(x)) throw new Error(x.message);
  return x;
}

describe('parseXml', () => {
  it('reads elements by local name, decodes entities in text and attributes, keeps CDATA literal', () => {
    const root = ok(
      parseXml(
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="urn:x"><soap:Body a="1&amp;2&#x26;&#38;&quot;"><T>t=E&amp;p=&lt;&#233;&gt;</T><C><![CDATA[&amp;<x>]]></C></soap:Body></soap:Envelope>',
      ),
    );
    expect(root.local).toBe('Envelope');
    expect(root.name).toBe('soap:Envelope');
    const body = child(root, 'Body');
    expect(attr(body, 'a')).toBe('1&2&&"');
    expect(textAt(root, 'Body', 'T')).toBe('t=E&p=<é>');
    expect(text(child(body, 'C'))).toBe('&amp;<x>');
    expect(descendants(root, 'T')).toHaveLength(1);
    const order = ok(parseXml('<r><a i="1"><a i="2"/></a><b><a i="3"/></b><a i="4"/></r>'));
    expect(descendants(order, 'a').map((a) => attr(a, 'i'))).toEqual(['1', '2', '3', '4']);
  });

  it('refuses DOCTYPE (billion laughs, external entities) before parsing', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>';
    const xxe = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>';
    for (const doc of [laughs, xxe, '<!doctype html><a/>', '<a/><!ENTITY x "y">']) {
      const r = parseXml(doc);
      expect(isCodecError(r) && r.code).toBe('BAD_PAYLOAD');
    }
  });

  it('refuses references to undeclared entities and bare ampersands', () => {
    for (const doc of ['<a>&lol;</a>', '<a b="&x;"/>', '<a>&#0;</a>', '<a>&#xD800;</a>', '<a>fish & chips</a>']) {
      expect(isCodecError(parseXml(doc))).toBe(true);
    }
  });

  it('bounds size and depth', () => {
    const big = parseXml(`<a>${'x'.repeat(1000)}</a>`, { maxLength: 100, maxDepth: 10 });
    expect(isCodecError(big) && big.code).toBe('PAYLOAD_TOO_LARGE');
    const deep = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(isCodecError(parseXml(deep(10), { maxLength: 1000, maxDepth: 10 }))).toBe(false);
    expect(isCodecError(parseXml(deep(11), { maxLength: 1000, maxDepth: 10 }))).toBe(true);
    // Far deeper than any stack: refused as a value.
    expect(isCodecError(parseXml(deep(100_000)))).toBe(true);
  });

  it('comments, processing instructions and CDATA do not change the tree', () => {
    const root = ok(parseXml('<?xml version="1.0"?><!-- <x>not an element</x> --><r><?pi a>b?><a>1<!-- </a><b> -->2</a><c><![CDATA[</c><d>]]&amp;]]>tail</c><e  k = "v>w" /></r>'));
    expect(root.children.map((c) => (typeof c === 'string' ? c : c.local))).toEqual(['a', 'c', 'e']);
    expect(text(child(root, 'a'))).toBe('12');
    expect(text(child(root, 'c'))).toBe('</c><d>]]&amp;tail');
    expect(attr(child(root, 'e'), 'k')).toBe('v>w');
  });

  it('malformed documents are error values', () => {
    for (const doc of ['', '   ', 'text', '<a>', '<a></b>', '<a><b></a></b>', '<a/><b/>', '<a x="1" x="2"/>', '<a>x</a>trailing', '<', '<a b=c/>']) {
      expect(isCodecError(parseXml(doc))).toBe(true);
    }
  });

  it('holds the tokenizer to XML: what htmlparser2 forgives is still an error value (one-pass reader)', () => {
    // Each is accepted by htmlparser2's tokenizer as something; none is well-formed XML (XML 1.0 §2–§3).
    const malformed = [
      '<a></a x="1">', // junk in an end tag
      '<a></ a>', // space after `</`
      '<a>x</></a>', // empty end tag
      '<a / b="1"/>', // stray slash in a start tag
      '<a b="1"c="2"/>', // no space between attributes
      '<a b/>', // attribute without a value
      "<a b='1' b=\"1\"/>", // repeated attribute
      '<a b="x<y"/>', // `<` in an attribute value
      '<a>1 < 2</a>', // `<` in text
      '<a>]]></a>', // `]]>` outside CDATA
      '<!-- a -- b --><a/>', // `--` in a comment
      '<a/><!-- unterminated', // comment cut off
      '<a><![CDATA[x</a>', // CDATA cut off
      '<![CDATA[x]]><a/>', // CDATA outside the root
      '<a/><?xml version="1.0"?>', // XML declaration not first
      ' <?xml version="1.0"?><a/>', // not even after white space
      '<a><?p x></a>', // processing instruction without `?>`
      '<a><!FOO bar></a>', // a declaration
      '<a></a><b', // a start tag cut off after the root
      '<a y="2"', // the root's start tag cut off
      '<a></a',
      '<1a/>', // not a name
      '<a$b/>',
      '<a b$="1"/>',
      '<a>&am<!-- -->p;</a>', // a reference cannot span markup
      '<a/>\u00a0', // only XML white space around the root
      '\f<a/>',
    ];
    for (const doc of malformed) {
      const r = parseXml(doc);
      expect(isCodecError(r) && r.code, doc).toBe('BAD_PAYLOAD');
    }
    // And what XML allows still reads: a BOM, white space in tags, both quotes, empty values, PIs and comments anywhere.
    const fine = ok(parseXml('\ufeff<?xml version="1.0"?>\n<!-- c --><r a = \'1\' b="" ><?p ?><x\n/><y></y ></r>\n<!-- after --><?q?>\n'));
    expect(fine.attrs).toEqual({ a: '1', b: '' });
    expect(fine.children.map((c) => (typeof c === 'string' ? c : c.local))).toEqual(['x', 'y']);
  });

  it('never more lenient than fast-xml-parser\'s validator, the gate before this reader (property)', () => {
    const pieces = fc.constantFrom('<a>', '</a>', '<b x="1">', '</b>', '<c/>', '&amp;', '&', '<![CDATA[', ']]>', '"', "'", '=', 'x', ' ', '\n', '<?xml?>', '<?p', '?>', '<!--', '-->', '-', '!', '<', '>', '/', '</', '/>', '<a ', 'y="2"', ':', '<!', '[', '&#65;');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 14 }).map((p) => p.join('')), (s) => {
        if (XMLValidator.validate(s) !== true) expect(isCodecError(parseXml(s))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('never throws (property)', () => {
    const pieces = fc.constantFrom('<a>', '</a>', '<b x="1">', '</b>', '<c/>', '&amp;', '&', '<!DOCTYPE', '<![CDATA[', ']]>', '"', "'", '=', 'x', ' ', '<?xml?>', '<!--', '-->', '&#x;', '&#65;');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(pieces, { maxLength: 30 }).map((p) => p.join(''))), (s) => {
        const r = parseXml(s);
        expect(typeof r).toBe('object');
      }),
      { numRuns: 3000 },
    );
  });
});

describe('XML writing', () => {
  it('escapes text and attributes; raw markup only through Xml values', () => {
    expect(el('a', { x: `1"2'<&>\n` }, 'a<b>&c', el('b', undefined), raw('<c/>')).xml).toBe(
      '<a x="1&quot;2&apos;&lt;&amp;&gt;&#xA;">a&lt;b&gt;&amp;c<b/><c/></a>',
    );
    expect(elOpen('e', undefined).xml).toBe('<e></e>');
    expect(xmlText('\u0001ok')).toBe('\ufffdok');
    // Each character that needs work, alone (the fast path for plain text must not skip any).
    expect(['&', '<', '>', '\r', '\u0008', '\ufffe', '\ud800', '\udc00', '\ud83d\ude00', 'plain'].map(xmlText)).toEqual(['&amp;', '&lt;', '&gt;', '&#xD;', '\ufffd', '\ufffd', '\ufffd', '\ufffd', '\ud83d\ude00', 'plain']);
    expect(xmlAttr('a\tb')).toBe('a&#x9;b');
  });

  it('whatever is written reads back the same (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (t, a) => {
        const root = ok(parseXml(el('r', { a }, t).xml));
        // eslint-disable-next-line no-control-regex
        const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/g, '\ufffd');
        expect(attr(root, 'a')).toBe(clean(a));
        expect(text(root) ?? '').toBe(clean(t));
      }),
      { numRuns: 1000 },
    );
    expect(text(ok(parseXml(el('r', undefined, 'a\r\nb').xml)))).toBe('a\r\nb');
  });
});
