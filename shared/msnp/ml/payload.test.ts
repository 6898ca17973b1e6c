import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { utf8Length } from '../bytes';
import { isCodecError } from '../errors';
import { buildMl, isMlError, ML_MAX_BYTES, ML_MAX_CONTACTS, parseMl, splitMl, type MlPayload } from './payload';

// MSNP13-18.md §7.1, §6.7, §7.3, §13.1, §13.2: every <ml> of the reference, both ways, byte for byte.
const EXAMPLES: ReadonlyArray<{ xml: string; style: 'client' | 'push' | 'query'; source: 'client' | 'server'; value: MlPayload }> = [
  {
    xml: '<ml l="1"><d n="hotmail.com"><c n="bob" l="3" t="1" /><c n="carol" l="5" t="1" /></d><d n="live.com"><c n="dave" l="1" t="1" /></d></ml>',
    style: 'client',
    source: 'client',
    value: {
      initial: true,
      contacts: [
        { handle: 'bob@hotmail.com', lists: 3, network: 1 },
        { handle: 'carol@hotmail.com', lists: 5, network: 1 },
        { handle: 'dave@live.com', lists: 1, network: 1 },
      ],
    },
  },
  {
    xml: '<ml l="1"><d n="hotmail.com"><c n="bob" l="3" t="1" /><c n="carol" l="3" t="1" /></d></ml>',
    style: 'client',
    source: 'client',
    value: { initial: true, contacts: [{ handle: 'bob@hotmail.com', lists: 3, network: 1 }, { handle: 'carol@hotmail.com', lists: 3, network: 1 }] },
  },
  {
    xml: '<ml><d n="hotmail.com"><c n="walter" t="1" l="8" f="Walter%20W" /></d></ml>',
    style: 'push',
    source: 'server',
    value: { initial: false, contacts: [{ handle: 'walter@hotmail.com', network: 1, lists: 8, friendlyName: 'Walter W' }] },
  },
  { xml: '<ml><d n="yahoo.com"><c n="walter" /></d></ml>', style: 'query', source: 'client', value: { initial: false, contacts: [{ handle: 'walter@yahoo.com' }] } },
  {
    xml: '<ml><d n="yahoo.com"><c n="walter" t="32" /></d></ml>',
    style: 'query',
    source: 'server',
    value: { initial: false, contacts: [{ handle: 'walter@yahoo.com', network: 32 }] },
  },
];

describe('<ml> payload (MSNP13-18.md §7)', () => {
  it('parses and builds every example of the reference byte for byte', () => {
    for (const e of EXAMPLES) {
      expect(parseMl(e.xml, e.source)).toEqual(e.value);
      expect(buildMl(e.value, e.style)).toBe(e.xml);
    }
    // The lengths the transcripts announce (§13.1 `ADL 6 90`, §13.2 `ADL 6 63`).
    expect(utf8Length(EXAMPLES[1]!.xml)).toBe(90);
    expect(buildMl({ initial: true, contacts: [{ handle: 'bob@hotmail.com', lists: 3, network: 1 }] }, 'client')).toHaveLength(63);
  });

  it('groups by domain in first-seen order and writes an empty initial list as <ml l="1"></ml>', () => {
    const xml = buildMl(
      { initial: false, contacts: [{ handle: 'a@x.com', lists: 1, network: 1 }, { handle: 'b@y.com', lists: 2, network: 1 }, { handle: 'c@X.com', lists: 4, network: 1 }] },
      'client',
    );
    expect(xml).toBe('<ml><d n="x.com"><c n="a" l="1" t="1" /><c n="c" l="4" t="1" /></d><d n="y.com"><c n="b" l="2" t="1" /></d></ml>');
    expect(buildMl({ initial: true, contacts: [] }, 'client')).toBe('<ml l="1"></ml>');
    expect(parseMl('<ml l="1"></ml>', 'client')).toEqual({ initial: true, contacts: [] });
  });

  it('splits into ≤150 contacts and ≤7.5 KB per payload, losing and reordering nothing within a domain', () => {
    const contacts = Array.from({ length: 600 }, (_, i) => ({ handle: `contact${i}@${['hotmail.com', 'live.com', 'msn.com'][i % 3]}`, lists: 3, network: 1 }));
    const parts = splitMl({ initial: true, contacts }, 'client');
    expect(parts.length).toBeGreaterThanOrEqual(4);
    const back = parts.flatMap((p) => {
      expect(utf8Length(p)).toBeLessThanOrEqual(ML_MAX_BYTES);
      const r = parseMl(p, 'client');
      if (isCodecError(r)) throw new Error(r.message);
      expect(r.initial).toBe(true);
      expect(r.contacts.length).toBeLessThanOrEqual(ML_MAX_CONTACTS);
      return r.contacts;
    });
    expect(new Set(back.map((c) => c.handle))).toEqual(new Set(contacts.map((c) => c.handle)));
    expect(back).toHaveLength(600);
    expect(splitMl({ initial: true, contacts: [] }, 'client')).toEqual(['<ml l="1"></ml>']);
    // Long addresses: the byte bound splits before the count bound does.
    const long = Array.from({ length: 150 }, (_, i) => ({ handle: `${'x'.repeat(60)}${i}@${'d'.repeat(50)}${i}.com`, lists: 1, network: 1 }));
    const longParts = splitMl({ initial: false, contacts: long }, 'client');
    expect(longParts.length).toBeGreaterThan(1);
    for (const p of longParts) expect(utf8Length(p)).toBeLessThanOrEqual(ML_MAX_BYTES);
  });

  it('answers bad uploads with the error the server sends (240, 241, 204)', () => {
    const cases: Array<[string, 'client' | 'server', number]> = [
      ['<ml><d n="hotmail.com"></d></ml>', 'client', 240],
      ['<ml><d n="a.com"><c n="x" l="1" t="1" /></d><d n="A.com"><c n="y" l="1" t="1" /></d></ml>', 'client', 241],
      ['<ml><d n="a.com"><c n="x" l="8" t="1" /></d></ml>', 'client', 241],
      ['<ml><d n="a.com"><c n="x" l="16" t="1" /></d></ml>', 'client', 241],
      ['<ml><d n="a.com"><c n="x" l="0" t="1" /></d></ml>', 'client', 241],
      ['<ml><d n="a.com"><c n="x" l="64" t="1" /></d></ml>', 'server', 241],
      ['<ml><d n="a.com"><c n="x" l="1" t="3" /></d></ml>', 'client', 204],
      ['<ml><d n="a.com"><c l="1" t="1" /></d></ml>', 'client', 241],
      ['<ml><d><c n="x" l="1" t="1" /></d></ml>', 'client', 241],
      ['<ml><x/></ml>', 'client', 241],
      ['<nope/>', 'client', 241],
      ['<ml><d n="a.com"><c n="x" l="1" t="1"></d></ml>', 'client', 241],
      ['<!DOCTYPE ml [<!ENTITY a "b">]><ml/>', 'client', 241],
      ['', 'client', 241],
    ];
    for (const [xml, source, code] of cases) {
      const r = parseMl(xml, source);
      expect(isMlError(r) && r.msnpError, xml).toBe(code);
    }
    expect(parseMl('<ml><d n="a.com"><c n="x" l="8" t="1" /></d></ml>', 'server')).toEqual({ initial: false, contacts: [{ handle: 'x@a.com', lists: 8, network: 1 }] });
  });

  it('build → parse is the identity, and parsing never throws (property)', () => {
    const part = fc.stringMatching(/^[a-z0-9._-]{1,20}$/);
    const contact = fc.record({
      handle: fc.tuple(part, part).map(([l, d]) => `${l}@${d}`),
      lists: fc.integer({ min: 1, max: 7 }),
      network: fc.constantFrom(1, 2, 4, 8, 9, 16, 32),
    });
    fc.assert(
      fc.property(fc.uniqueArray(contact, { selector: (c) => c.handle.toLowerCase(), maxLength: 40 }), fc.boolean(), (contacts, initial) => {
        for (const p of splitMl({ initial, contacts }, 'client', 7)) {
          const r = parseMl(p, 'client');
          expect(isCodecError(r)).toBe(false);
        }
        const whole = parseMl(buildMl({ initial, contacts }, 'client'), 'client');
        if (isCodecError(whole)) throw new Error(whole.message);
        expect(new Set(whole.contacts.map((c) => JSON.stringify(c)))).toEqual(new Set(contacts.map((c) => JSON.stringify(c))));
      }),
      { numRuns: 300 },
    );
    fc.assert(fc.property(fc.string(), (s) => void expect(typeof parseMl(s, 'client')).toBe('object')), { numRuns: 1000 });
  });
});
